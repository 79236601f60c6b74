import CookieCharter
import Foundation
import Hummingbird
import Store
import Vocabulary
import Web

/// The consent figures for the data protection officer (admins only): `/backoffice/consents/` (an SVG chart and its
/// data table), `/backoffice/consents.json` and `/backoffice/consents.csv`, over a period (`from`, `to`, as
/// `YYYY-MM-DD`, by default the last 30 days).
///
/// It reads the consent log's daily aggregate only (``ConsentFigures``): counts, never entries, so no personal data
/// can be shown. The policy version in force comes from the site's state.
struct ConsentFiguresController: Sendable {
    let figures: any ConsentFigures
    /// Who is logged in.
    let users: SessionUsers
    /// The declared services in force, for the policy version.
    let site: LiveSite
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// Adds the three routes under `/backoffice` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        // The router answers both slash forms of one path.
        router.get("/backoffice/consents/") { request, context in
            try await users.withAdmin(request, context) { _ in
                let report = try await report(try pagePeriod(request))
                let language = context.visit.language
                return renderer.page(
                    "bo_consents", title: catalog.text("consents_title", in: language),
                    values: ConsentFiguresView(report: report, catalog: catalog, language: language).values,
                    request: request, context: context)
            }
        }
        router.get("/backoffice/consents.json") { request, context in
            try await users.withAdmin(request, context) { _ in
                try await AudiencePeriod.json(request, now: clock()) { try await report($0) }
            }
        }
        router.get("/backoffice/consents.csv") { request, context in
            try await users.withAdmin(request, context) { _ in
                let report = try await report(try pagePeriod(request))
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"consents-\(report.from)-\(report.to).csv\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: report.csv)))
            }
        }
    }

    /// The figures of `period`: the database groups the log by day, action and categories.
    func report(_ period: AudiencePeriod) async throws -> ConsentReport {
        let start = Date(timeIntervalSince1970: Double(period.from.daysSinceEpoch) * ConsentTally.secondsPerDay)
        let end = Date(timeIntervalSince1970: Double(period.to.daysSinceEpoch + 1) * ConsentTally.secondsPerDay)
        return ConsentReport(
            period: period, policyVersion: site.current.registry.policyVersion,
            tallies: try await figures.consentTallies(from: start, to: end))
    }

    /// The period of the request, or a 400 page in the visitor's language.
    private func pagePeriod(_ request: Request) throws -> AudiencePeriod {
        try AudiencePeriod.page(request, now: clock(), messageKey: "consents_bad_period")
    }
}

/// The values of `bo_consents.mustache`: the period's form, the totals, a stacked bar chart per day (SVG, drawn here
/// as geometry; the template writes it with a title and a description) and the same figures as a table.
struct ConsentFiguresView {
    let report: ConsentReport
    let catalog: Catalog
    let language: Language

    /// The chart's size and margins, in SVG units.
    static let width = 720.0
    static let height = 300.0
    static let left = 60.0
    static let right = 20.0
    static let top = 40.0
    static let bottom = 40.0
    /// Fills with at least 3:1 contrast on white (WCAG non-text contrast), one per kind.
    static let fills: [ConsentKind: String] = [
        .acceptAll: "#1b6e3a", .refuseAll: "#b3261e", .custom: "#00577a", .withdrawn: "#6b4c9a",
    ]

    private func text(_ key: String) -> String { catalog.text(key, in: language) }
    private func number(_ value: Int) -> String { NumberFormat.integer(value, language: language) }
    private func label(_ kind: ConsentKind) -> String { text("consents_kind_" + kind.rawValue) }

    var values: [String: Any] {
        let query = "from=\(report.from)&to=\(report.to)"
        let categories = CookieCategory.optional
        return [
            "dataset_head": "<link rel=\"stylesheet\" href=\"/static/dataset.css\">",
            "from": report.from,
            "to": report.to,
            "json_href": "/backoffice/consents.json?" + query,
            "csv_href": "/backoffice/consents.csv?" + query,
            "policy_version": report.policyVersion,
            "total": number(report.total),
            "kinds": ConsentKind.allCases.map { ["label": label($0), "count": number(report.byChoice[$0])] },
            "categories": categories.map {
                ["label": $0.title.text(in: language), "count": number(report.customByCategory.counts[$0] ?? 0)]
            },
            "category_headers": categories.map { ["label": $0.title.text(in: language)] },
            "chart": chart,
            "chart_description": catalog.text(
                "consents_chart_description", in: language,
                ["from": report.from, "to": report.to, "total": number(report.total)]),
            "days": report.byDay.map { day in
                [
                    "day": day.day,
                    "counts": ConsentKind.allCases.map { ["count": number(day.counts[$0])] },
                    "categories": categories.map { ["count": number(day.customByCategory.counts[$0] ?? 0)] },
                ] as [String: Any]
            },
        ]
    }

    /// Stacked bars, one per day, a segment per kind, with a legend and the axis' bounds.
    private var chart: [String: Any] {
        let days = report.byDay
        let largest = max(days.map(\.counts.total).max() ?? 0, 1)
        let plotHeight = Self.height - Self.top - Self.bottom
        let slot = (Self.width - Self.left - Self.right) / Double(max(days.count, 1))
        let barWidth = max(1, (slot * 0.7 * 10).rounded() / 10)
        var segments: [[String: Any]] = []
        for (index, day) in days.enumerated() {
            var base = Self.top + plotHeight
            let x = ((Self.left + Double(index) * slot + (slot - barWidth) / 2) * 10).rounded() / 10
            for kind in ConsentKind.allCases where day.counts[kind] > 0 {
                let height = (Double(day.counts[kind]) / Double(largest) * plotHeight * 10).rounded() / 10
                base -= height
                segments.append([
                    "x": x, "y": (base * 10).rounded() / 10, "width": barWidth, "height": height,
                    "fill": Self.fills[kind] ?? "#00577a",
                    "label": "\(day.day) · \(label(kind)) : \(number(day.counts[kind]))",
                ])
            }
        }
        let ticks = Array(Set([0, days.count / 2, max(days.count - 1, 0)])).sorted().filter { days.indices.contains($0) }
        return [
            "width": Self.width, "height": Self.height,
            "axis": ["x1": Self.left, "x2": Self.width - Self.right, "y": Self.top + plotHeight, "top": Self.top],
            "segments": segments,
            "legend": ConsentKind.allCases.enumerated().map { index, kind in
                let x = Self.left + Double(index) * 160
                return ["x": x, "text_x": x + 16, "fill": Self.fills[kind] ?? "#00577a", "label": label(kind)]
            },
            "x_ticks": ticks.map {
                ["x": Self.left + (Double($0) + 0.5) * slot, "y": Self.height - Self.bottom + 20, "label": days[$0].day]
            },
            "y_ticks": [
                ["x": Self.left - 8, "y": Self.top + 4, "label": number(largest)],
                ["x": Self.left - 8, "y": Self.top + plotHeight + 4, "label": "0"],
            ],
        ]
    }
}
