import Foundation
import Hummingbird
import Store
import Vocabulary
import Web

/// The audience figures in the back office, for editors and admins: `/backoffice/audience/` (tables and SVG charts),
/// `/backoffice/audience.json` (the same figures as JSON) and `/backoffice/audience.csv` (the daily counts).
///
/// It only reads the stored counts: what this node counted since its last flush (a few seconds) is not in them yet.
struct AudienceController: Sendable {
    /// Where the counts are stored.
    let store: any AudienceStore
    /// Who is logged in.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// Adds the audience routes under `/backoffice` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        let page = { @Sendable (request: Request, context: PortalRequestContext) async throws -> Response in
            try await users.withUser(request, context) { _ in
                let period = try pagePeriod(request)
                let report = try await report(period)
                let language = context.visit.language
                return renderer.page(
                    "bo_audience", title: catalog.text("audience_title", in: language),
                    values: AudienceView(report: report, period: period, catalog: catalog, language: language).values,
                    request: request, context: context)
            }
        }
        // The router answers both slash forms of one path.
        router.get("/backoffice/audience/") { request, context in try await page(request, context) }
        router.get("/backoffice/audience.json") { request, context in
            try await users.withUser(request, context) { _ in
                try await AudiencePeriod.json(request, now: clock()) { try await report($0) }
            }
        }
        router.get("/backoffice/audience.csv") { request, context in
            try await users.withUser(request, context) { _ in
                let period = try pagePeriod(request)
                let counts = try await store.audienceCounts(from: period.from, to: period.to)
                let name = "audience-\(period.from.text)-\(period.to.text).csv"
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"\(name)\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: AudienceCSV.bytes(counts))))
            }
        }
    }

    /// The figures of `period`.
    func report(_ period: AudiencePeriod) async throws -> AudienceReport {
        AudienceReport(from: period.from, to: period.to, counts: try await store.audienceCounts(from: period.from, to: period.to))
    }

    /// The period of the request, or the page's 400 in the visitor's language.
    private func pagePeriod(_ request: Request) throws -> AudiencePeriod {
        try AudiencePeriod.page(request, now: clock(), messageKey: "audience_bad_period")
    }
}

/// The daily counts as CSV (`;`, a byte-order mark, as the portal's other CSV files): one line per day, channel,
/// metric, dataset and dimension. Search words and referring hosts counted fewer than
/// ``AudienceReport/threshold`` times that day are left out, as on the page.
enum AudienceCSV {
    static func bytes(_ counts: [AudienceCount]) -> [UInt8] {
        var text = "\u{FEFF}day;channel;metric;dataset_id;dimension;count\r\n"
        for count in counts {
            let thresholded = count.metric == .search || count.metric == .searchWithoutResults || count.metric == .referrer
            if thresholded && count.count < AudienceReport.threshold { continue }
            let cells = [
                count.day.text, count.channel.rawValue, count.metric.rawValue, cell(count.datasetID), cell(count.dimension),
                String(count.count),
            ]
            text += cells.joined(separator: ";") + "\r\n"
        }
        return Array(text.utf8)
    }

    /// A text cell, quoted when it holds a separator or a quote, and made inert when a spreadsheet would read it as a
    /// formula (search words are typed by visitors).
    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }
}
