import CookieCharter
import Foundation
import Hummingbird
import NIOCore
import Store
import Web

/// `/backoffice/audit/` (admins only): the audit log, newest first, filtered by actor, action and target, a page at a
/// time, and `/backoffice/audit.csv`, the same filtered log as a CSV download.
///
/// It reads the log only (``AuditTrail``). The download is streamed in batches bounded by the last entry sent, so
/// that entries recorded meanwhile neither repeat nor shift it; its cells cannot start a spreadsheet formula.
struct AuditController: Sendable {
    let trail: any AuditTrail
    /// Who is logged in.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// Entries on one page.
    static let pageSize = 50
    /// The last page that may be asked for, so that an offset stays far from overflowing.
    static let lastPage = 100_000

    /// Adds `audit` and `audit.csv` to `backOffice`, the group under `/backoffice`.
    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("audit") { request, context in
            try await users.withAdmin(request, context) { _ in try await page(request: request, context: context) }
        }
        backOffice.get("audit.csv") { request, context in
            try await users.withAdmin(request, context) { _ in try download(request: request) }
        }
    }

    /// The filters of the query string; a malformed one is a 400 page.
    private func filters(_ request: Request) throws -> AuditFilters {
        let form = request.queryForm
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return String(value.prefix(300))
        }
        var action: AuditAction?
        if let name = text("action") {
            guard let known = AuditAction(rawValue: name) else { throw PageError(.badRequest, messageKey: "error_bad_request") }
            action = known
        }
        var page = 1
        if let number = text("page") {
            guard let value = Int(number), (1...Self.lastPage).contains(value) else {
                throw PageError(.badRequest, messageKey: "error_bad_request")
            }
            page = value
        }
        return AuditFilters(actor: text("actor"), action: action, target: text("target"), page: page)
    }

    private func page(request: Request, context: PortalRequestContext) async throws -> Response {
        let filters = try filters(request)
        let language = context.visit.language
        // One more than a page says whether a next page exists.
        var entries = try await trail.auditEntries(
            AuditQuery(
                actor: filters.actor, action: filters.action, target: filters.target, limit: Self.pageSize + 1,
                offset: (filters.page - 1) * Self.pageSize))
        let hasNext = entries.count > Self.pageSize
        entries = Array(entries.prefix(Self.pageSize))
        let rows = entries.map {
            AuditView.Row(
                time: DisplayedTime($0.at), actor: $0.actor, action: actionLabel($0.action, language), target: $0.target,
                detail: $0.detail)
        }
        let view = AuditView(
            entries: rows,
            actor: filters.actor ?? "", target: filters.target ?? "",
            actions: AuditAction.allCases.map {
                AuditView.ActionOption(value: $0.rawValue, label: actionLabel($0, language), selected: $0 == filters.action)
            },
            page: filters.page,
            previous: filters.page > 1 ? filters.link(page: filters.page - 1) : nil,
            next: hasNext ? filters.link(page: filters.page + 1) : nil,
            csv: filters.csvLink,
            pageLabel: catalog.text("audit_page", in: language, ["page": String(filters.page)]),
            hasEntries: !rows.isEmpty)
        var response = renderer.page(
            "bo_audit", title: catalog.text("audit_title", in: language), values: ["page": view], request: request,
            context: context)
        response.headers[.cacheControl] = "private, no-store"
        return response
    }

    /// The action's name for people; the stored name for an action without one.
    private func actionLabel(_ action: AuditAction, _ language: Language) -> String {
        let key = "audit_action_" + action.rawValue
        let text = catalog.text(key, in: language)
        return text == key ? action.rawValue : text
    }

    private func download(request: Request) throws -> Response {
        let filters = try filters(request)
        let trail = self.trail
        let body = ResponseBody { writer in
            var buffer = ByteBuffer(bytes: [0xEF, 0xBB, 0xBF])
            buffer.writeString(AuditCSV.header)
            try await writer.write(buffer)
            var last: AuditEntry?
            while true {
                let batch = try await trail.auditEntries(
                    AuditQuery(
                        actor: filters.actor, action: filters.action, target: filters.target, limit: 1_000,
                        olderThan: last))
                guard !batch.isEmpty else { break }
                try await writer.write(ByteBuffer(string: batch.map(AuditCSV.line).joined()))
                last = batch.last
            }
            try await writer.finish(nil)
        }
        let day = String(clock().formatted(.iso8601).prefix(10))
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"audit-\(day).csv\"",
                .cacheControl: "private, no-store",
            ],
            body: body)
    }
}

/// The audit page's filters, as read from its query string.
struct AuditFilters: Sendable {
    let actor: String?
    let action: AuditAction?
    let target: String?
    let page: Int

    /// The query string of these filters, without the page.
    private var query: [(String, String)] {
        [("actor", actor), ("action", action?.rawValue), ("target", target)].compactMap { name, value in
            value.map { (name, $0) }
        }
    }

    /// The address of page `page` with these filters.
    func link(page: Int) -> String {
        Self.address("/backoffice/audit/", query + [("page", String(page))])
    }

    /// The address of the CSV download with these filters.
    var csvLink: String { Self.address("/backoffice/audit.csv", query) }

    private static func address(_ path: String, _ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return path }
        return path + "?" + items.map { $0.0 + "=" + $0.1.urlQueryEncoded }.joined(separator: "&")
    }
}

/// The audit log as CSV: `;`-separated (as the API's CSV), a byte-order mark, one line per entry.
enum AuditCSV {
    /// The first line.
    static let header = "time;actor;action;target;detail\r\n"

    /// The line of `entry`.
    static func line(_ entry: AuditEntry) -> String {
        [entry.at.formatted(.iso8601), entry.actor, entry.action.rawValue, entry.target, entry.detail].map(cell)
            .joined(separator: ";") + "\r\n"
    }

    /// `text` as a cell: a text that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return) gets a leading `'`; a cell with `;`, `"` or a line break is quoted, its quotes doubled.
    static func cell(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { ";\"\n\r".unicodeScalars.contains($0) }) else { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.unicodeScalars.append(scalar) }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}
