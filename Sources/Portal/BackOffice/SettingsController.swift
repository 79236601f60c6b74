import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/settings`: the portal's identity (name per language, colours, logo, favicon, contact, footer links,
/// home page's text), for admins only; the featured datasets are the editors' (``FeaturedController``). Every field
/// is checked before anything is written: a refused value (a colour whose contrast with white text is below 4.5:1,
/// with the measured ratio and a darker shade that passes) re-shows the form with the reasons and changes nothing. Each change is audited and shows on the next page of every node.
struct SettingsController: Sendable {
    let store: any StoreEngine
    let users: SessionUsers
    let renderer: PageRenderer
    let catalog: Catalog
    /// Checks the CSRF token of the image upload once its form field has been read.
    let csrf: CSRFMiddleware
    /// Where an uploaded image is kept while it is checked.
    let uploadsDirectory: URL
    /// Rebuilds the site state here and tells the other nodes.
    let changed: @Sendable () async throws -> Void
    let clock: @Sendable () -> Date

    /// The text fields of the form, in order, with their input kind.
    static let fields: [(key: SiteSettingKey, kind: String)] = [
        (.siteNameFR, "text"), (.siteNameEN, "text"), (.primaryColor, "color"), (.accentColor, "color"),
        (.contactEmail, "email"), (.footerLinks, "textarea"), (.homeTitleFR, "text"), (.homeTitleEN, "text"),
        (.homeIntroFR, "textarea"), (.homeIntroEN, "textarea"), (.themeIcons, "textarea"),
    ]

    /// The paths of the image upload, which the CSRF middleware lets through to read their token from the body.
    static let imagePaths = ["/backoffice/settings/logo", "/backoffice/settings/favicon"]

    var editor: SiteSettingsEditor { SiteSettingsEditor(store: store, changed: changed) }

    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("settings") { request, context in
            try await asAdmin(request, context) { _ in
                try await page(
                    entered: [:], refusals: [:], saved: request.uri.queryParameters.get("saved") != nil,
                    request: request, context: context)
            }
        }
        backOffice.post("settings") { request, context in
            try await asAdmin(request, context) { user in try await save(user: user, request: request, context: context) }
        }
        for key in [SiteSettingKey.logo, .favicon] {
            backOffice.post("settings/\(key.rawValue)") { request, context in
                try await asAdmin(request, context) { user in
                    try await receiveImage(key, user: user, request: request, context: context)
                }
            }
            backOffice.post("settings/\(key.rawValue)/remove") { request, context in
                try await asAdmin(request, context) { user in
                    try await editor.set(key, nil, actor: user.username, now: clock())
                    return redirect(to: "/backoffice/settings?saved=1", status: .seeOther)
                }
            }
        }
    }

    /// Runs `body` for a logged-in admin; an editor gets a 403 page, anyone else the login page.
    private func asAdmin(
        _ request: Request, _ context: PortalRequestContext, _ body: (User) async throws -> Response
    ) async throws -> Response {
        try await users.withUser(request, context) { user in
            guard user.role == .admin else { throw PageError(.forbidden, messageKey: "site_forbidden_admin") }
            return try await body(user)
        }
    }

    /// Checks every field, then writes those that changed; or re-shows the form with the refusals.
    private func save(user: User, request: Request, context: PortalRequestContext) async throws -> Response {
        let form = context.visit.form
        var entered: [SiteSettingKey: String] = [:]
        var refusals: [SiteSettingKey: SettingRefusal] = [:]
        var values: [SiteSettingKey: String?] = [:]
        for key in Self.fields.map(\.key) + [.accessibilityStatus] {
            guard let raw = form[key.rawValue] else { continue }
            entered[key] = raw
            do throws(SettingRefusal) {
                values[key] = try SiteSettingsEditor.normalized(key, raw)
            } catch {
                refusals[key] = error
            }
        }
        guard refusals.isEmpty else {
            return try await page(entered: entered, refusals: refusals, saved: false, request: request, context: context)
        }
        var changedAny = false
        for (key, value) in values.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where try await store.setting(key.rawValue) != value {
            try await store.setSetting(key.rawValue, to: value)
            try await store.appendAudit(
                AuditEntry(
                    at: clock(), actor: user.username, action: .settings, target: key.rawValue,
                    detail: SiteSettingsEditor.auditDetail(key, value)))
            changedAny = true
        }
        if changedAny { try await changed() }
        return redirect(to: "/backoffice/settings?saved=1", status: .seeOther)
    }

    /// Reads the uploaded image (its CSRF token first), checks it and stores it.
    private func receiveImage(
        _ key: SiteSettingKey, user: User, request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let directory = uploadsDirectory.appendingPathComponent("site-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = UploadReceiver(directory: directory, maxBytes: SiteImage.maximumBytes)
        let refusal: SettingRefusal
        do {
            let upload = try await receiver.receive(request) { token in
                csrf.verifyDeferredToken(token, request: request, context: context)
            }
            guard let file = upload.file else { throw UploadReceiver.Failure.noFile }
            let bytes = [UInt8](try Data(contentsOf: file))
            do throws(SettingRefusal) {
                _ = try SiteImage(validating: bytes)
            } catch {
                return try await page(entered: [:], refusals: [key: error], saved: false, request: request, context: context)
            }
            try await editor.setImage(key, bytes: bytes, actor: user.username, now: clock())
            return redirect(to: "/backoffice/settings?saved=1", status: .seeOther)
        } catch UploadReceiver.Failure.tokenRejected(let response) {
            return response
        } catch UploadReceiver.Failure.tooLarge {
            refusal = .imageTooLarge(limitKiB: SiteImage.maximumBytes / 1024)
        } catch is UploadReceiver.Failure {
            refusal = .emptyImage
        }
        return try await page(entered: [:], refusals: [key: refusal], saved: false, request: request, context: context)
    }

    /// The form, with the stored values (or those just entered) and the refusals beside their fields.
    private func page(
        entered: [SiteSettingKey: String], refusals: [SiteSettingKey: SettingRefusal], saved: Bool, request: Request,
        context: PortalRequestContext
    ) async throws -> Response {
        let language = context.visit.language
        var rows: [[String: Any]] = []
        for (key, kind) in Self.fields {
            let stored = entered[key] == nil ? try await store.setting(key.rawValue) : nil
            var row: [String: Any] = [
                "key": key.rawValue, "id": "setting-" + key.rawValue.replacing(".", with: "-"),
                "label": catalog.text("site_setting_\(key.rawValue.replacing(".", with: "_"))", in: language),
                "hint": catalog.text("site_hint_\(key.rawValue.replacing(".", with: "_"))", in: language),
                "value": entered[key] ?? stored ?? "",
                "textarea": kind == "textarea", "type": kind == "color" ? "text" : kind,
                "maxlength": SiteSettingsEditor.limit(key),
            ]
            if let refusal = refusals[key] { row["error"] = refusal.message(catalog, language: language) }
            rows.append(row)
        }
        let storedStatus = try await store.setting(SiteSettingKey.accessibilityStatus.rawValue)
        let status = entered[.accessibilityStatus] ?? storedStatus ?? "non_conforme"
        let statuses = SiteSettingsEditor.accessibilityStatuses.map { code -> [String: Any] in
            ["code": code, "label": catalog.text("site_rgaa_\(code)", in: language), "selected": code == status]
        }
        let images = try await [SiteSettingKey.logo, .favicon].asyncMap { key -> [String: Any] in
            var image: [String: Any] = [
                "key": key.rawValue,
                "label": catalog.text("site_setting_\(key.rawValue.replacing(".", with: "_"))", in: language),
                "has_image": try await store.setting(key.rawValue) != nil,
            ]
            if let refusal = refusals[key] { image["error"] = refusal.message(catalog, language: language) }
            return image
        }
        var values: [String: Any] = [
            "fields": rows, "statuses": statuses, "images": images, "has_errors": !refusals.isEmpty, "saved": saved,
        ]
        if let refusal = refusals[.accessibilityStatus] {
            values["status_error"] = refusal.message(catalog, language: language)
        }
        return renderer.page(
            "bo_settings", title: catalog.text("site_settings_title", in: language), values: values,
            status: refusals.isEmpty ? .ok : .unprocessableContent, request: request, context: context)
    }
}

extension Array {
    /// The results of `transform` on each element, in order, one after the other.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
