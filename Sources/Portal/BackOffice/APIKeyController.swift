import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/apikeys`: a user's API keys (an admin sees everyone's), creating one (shown once)
/// and revoking one. The forms carry the CSRF token like every back-office form.
///
/// It touches the API keys only, for a logged-in user (anyone else is sent to `/login`).
struct APIKeyController: Sendable {
    /// The API keys.
    let keys: any ApiKeyStore
    /// Who is logged in.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date
    /// Where new keys come from.
    let random: RandomSource
    /// Records creations and revocations in the audit log (by the key's prefix, never the key).
    let audit: AuditRecorder

    /// Adds `/backoffice/apikeys` and its revocations to `backOffice`, the group under `/backoffice`.
    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("apikeys") { request, context in
            try await users.withUser(request, context) { user in
                try await apiKeysPage(for: user, request: request, context: context)
            }
        }
        backOffice.post("apikeys") { request, context in
            try await users.withUser(request, context) { user in
                let issuer = ApiKeyIssuer(store: keys, random: random)
                let issued = try await issuer.issue(for: user, label: context.visit.form["label"] ?? "", now: clock())
                await audit.record(.apiKeyCreate, by: user.username, target: issued.record.prefix, detail: user.username)
                return try await apiKeysPage(for: user, created: issued.key, request: request, context: context)
            }
        }
        backOffice.post("apikeys/{id}/revoke") { request, context in
            try await users.withUser(request, context) { user in
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
                    try await keys.revokeApiKey(id: id, userID: user.role == .admin ? nil : user.id, now: clock())
                else { throw PageError.notFound }
                let revoked = try await keys.apiKeys(userID: nil).first { $0.id == id }
                await audit.record(
                    .apiKeyRevoke, by: user.username, target: revoked?.prefix ?? String(id), detail: revoked?.username ?? "")
                return redirect(to: "/backoffice/apikeys", status: .seeOther)
            }
        }
    }

    private func apiKeysPage(
        for user: User, created: String? = nil, request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let isAdmin = user.role == .admin
        let keys = try await self.keys.apiKeys(userID: isAdmin ? nil : user.id)
        var values: [String: Any] = [
            "keys": keys.map(Self.row),
            "has_keys": !keys.isEmpty,
            "show_owner": isAdmin,
        ]
        if let created { values["created"] = ["key": created] }
        return renderer.page(
            "bo_apikeys", title: catalog.text("bo_apikeys_title", in: context.visit.language), values: values, request: request,
            context: context
        )
    }

    private static func row(_ key: ApiKey) -> [String: Any] {
        var row: [String: Any] = [
            "id": key.id, "label": key.label.isEmpty ? "—" : key.label, "owner": key.username, "prefix": key.prefix,
            "created": display(key.createdAt), "created_iso": key.createdAt.formatted(.iso8601),
        ]
        if let used = key.lastUsedAt {
            row["last_used"] = display(used)
            row["last_used_iso"] = used.formatted(.iso8601)
        }
        if let revoked = key.revokedAt {
            row["revoked"] = display(revoked)
            row["revoked_iso"] = revoked.formatted(.iso8601)
        }
        return row
    }

    /// `2026-11-29 04:33 UTC`: the same in both languages, and unambiguous.
    private static func display(_ date: Date) -> String {
        String(date.formatted(.iso8601).prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}
