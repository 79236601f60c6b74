import CookieCharter
import Store
import Vocabulary
import Web

/// The values of `bo_audience.mustache`: the period's form, totals, SVG charts (drawn by ``DatasetChart``) each with
/// its data table, and the links to the same figures as JSON and CSV.
struct AudienceView {
    let report: AudienceReport
    let period: AudiencePeriod
    let catalog: Catalog
    let language: Language

    /// At most this many datasets and page kinds in the bar charts; the tables list them all.
    static let chartBars = 10

    private func number(_ value: Int64) -> String { NumberFormat.integer(Int(clamping: value), language: language) }

    private func text(_ key: String) -> String { catalog.text(key, in: language) }

    var values: [String: Any] {
        let query = "from=\(period.from.text)&to=\(period.to.text)"
        let pages = AudiencePage.allCases.map { page in
            (label: text("audience_page_\(page.rawValue)"), value: report.pages[page.rawValue] ?? 0)
        }
        let totalViews = report.daily.reduce(Int64(0)) { $0 &+ $1.pageViews }
        let totalDownloads = report.daily.reduce(Int64(0)) { $0 &+ $1.downloads }
        let totalCalls = report.daily.reduce(Int64(0)) { $0 &+ $1.apiCalls }
        let datasets: [[String: Any]] = report.datasets.map { figures in
            [
                "id": figures.datasetID,
                "page_views": number(figures.pageViews),
                "downloads": figures.downloads.sorted { $0.key < $1.key }.map { "\($0.key) : \(number($0.value))" }
                    .joined(separator: ", "),
                "api_calls": number(figures.apiCalls),
            ]
        }
        let daily = report.daily.map { day in
            (label: day.day.text, value: Double(day.pageViews &+ day.downloads &+ day.apiCalls))
        }
        let format = { (value: Double) in self.number(Int64(value.rounded())) }
        return [
            "from": period.from.text,
            "to": period.to.text,
            "json_href": "/backoffice/audience.json?" + query,
            "csv_href": "/backoffice/audience.csv?" + query,
            "total_views": number(totalViews),
            "total_downloads": number(totalDownloads),
            "total_calls": number(totalCalls),
            "back_office": number(report.apart[.backOffice] ?? 0),
            "api_key": number(report.apart[.apiKey] ?? 0),
            "daily_chart": DatasetChart.line(daily, format: format),
            "daily_rows": report.daily.map { day in
                [
                    "day": day.day.text, "page_views": number(day.pageViews), "downloads": number(day.downloads),
                    "api_calls": number(day.apiCalls),
                ]
            },
            "pages_chart": DatasetChart.bars(
                pages.filter { $0.value > 0 }.sorted { $0.value > $1.value }.prefix(Self.chartBars)
                    .map { ($0.label, Double($0.value)) }, format: format),
            "has_page_views": pages.contains { $0.value > 0 },
            "page_rows": pages.map { ["label": $0.label, "count": number($0.value)] },
            "datasets_chart": DatasetChart.bars(
                report.datasets.prefix(Self.chartBars).map { ($0.datasetID, Double($0.total)) }, format: format),
            "has_datasets": !datasets.isEmpty,
            "datasets": datasets,
            "searches": report.searches.map { ["q": $0.q, "count": number($0.count)] },
            "has_searches": !report.searches.isEmpty,
            "empty_searches": report.searchesWithoutResults.map { ["q": $0.q, "count": number($0.count)] },
            "has_empty_searches": !report.searchesWithoutResults.isEmpty,
            "referrers": report.referrers.map { ["host": $0.host, "count": number($0.count)] },
            "has_referrers": !report.referrers.isEmpty,
            "threshold": String(AudienceReport.threshold),
        ]
    }
}
