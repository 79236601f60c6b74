import CookieCharter
import Foundation
import Ingest
import ODSQL
import Store
import Vocabulary
import Web

/// The analyze tab: one aggregate of a numeric field, grouped by a field or a date period, drawn as an SVG
/// chart on the server with the same figures in a table.
struct DatasetAnalysis {
    enum Aggregate: String, CaseIterable { case count, sum, avg, min, max }
    enum Period: String, CaseIterable { case year, month, day }

    static let maxGroups = 30
    static let maxPeriods = 400

    var aggregate = Aggregate.count
    var measure: DatasetField?
    var group: DatasetField?
    var period: Period?

    static func numericFields(_ dataset: Dataset) -> [DatasetField] {
        dataset.fields.filter { $0.type == .int || $0.type == .double }
    }

    static func groupFields(_ dataset: Dataset) -> [DatasetField] {
        dataset.fields.filter { [.text, .int, .boolean, .date, .datetime].contains($0.type) }
    }

    /// Reads the tab's parameters; what does not fit the dataset is named in `query.ignored`.
    init(_ dataset: Dataset, query: inout DatasetPageQuery) {
        let numeric = Self.numericFields(dataset)
        let groups = Self.groupFields(dataset)
        if let text = query.extra["agg"] {
            if let aggregate = Aggregate(rawValue: text), aggregate == .count || !numeric.isEmpty {
                self.aggregate = aggregate
            } else {
                query.ignored.append("agg")
            }
        }
        if let name = query.extra["y"], !name.isEmpty {
            if let field = numeric.first(where: { $0.name == name }) { measure = field } else { query.ignored.append("y") }
        }
        if aggregate != .count && measure == nil { measure = numeric.first }
        if let name = query.extra["x"], !name.isEmpty {
            if let field = groups.first(where: { $0.name == name }) { group = field } else { query.ignored.append("x") }
        }
        if group == nil {
            group = groups.first { $0.facet && $0.type != .boolean } ?? groups.first { $0.type == .text } ?? groups.first
        }
        let temporal = group.map { $0.type == .date || $0.type == .datetime } ?? false
        if let text = query.extra["period"], !text.isEmpty {
            if let period = Period(rawValue: text), temporal { self.period = period } else { query.ignored.append("period") }
        }
        if temporal && period == nil { period = .year }
    }

    /// The ODSQL aggregate query: `key` then `value`.
    func odsql(filters: ODSQL.QueryText) -> ODSQL.QueryText? {
        guard let group else { return nil }
        var text = filters
        let measureText = measure.map { DatasetPageQuery.identifier($0.name) } ?? "*"
        // A sum is taken as decimals: whole numbers from an imported file may add up past Int64, and the chart
        // reads every value as a Double anyway.
        let measured = aggregate == .sum ? measureText + " * 1.0" : measureText
        text.select = (aggregate == .count ? "count(*)" : "\(aggregate.rawValue)(\(measured))") + " as value"
        let column = DatasetPageQuery.identifier(group.name)
        switch period {
        case .year: text.groupBy = "date_format(\(column), 'yyyy') as key"
        case .month: text.groupBy = "date_format(\(column), 'yyyy-MM') as key"
        case .day: text.groupBy = "date_format(\(column), 'yyyy-MM-dd') as key"
        case nil: text.groupBy = column + " as key"
        }
        text.orderBy = period == nil ? "value DESC" : "key ASC"
        return text
    }

    var limit: Int { period == nil ? Self.maxGroups : Self.maxPeriods }
}

extension DatasetPageController {
    func analyzeValues(
        _ dataset: Dataset, compiler: ODSQL.Compiler?, query: inout DatasetPageQuery, language: Language
    ) async throws -> [String: Any] {
        guard let compiler else { throw PageError.notFound }
        let analysis = DatasetAnalysis(dataset, query: &query)
        var values: [String: Any] = [
            "aggregates": DatasetAnalysis.Aggregate.allCases.map { aggregate in
                [
                    "value": aggregate.rawValue, "label": catalog.text("dataset_agg_\(aggregate.rawValue)", in: language),
                    "selected": aggregate == analysis.aggregate,
                ] as [String: Any]
            },
            "measures": DatasetAnalysis.numericFields(dataset).map { field in
                ["value": field.name, "label": field.label, "selected": field.name == analysis.measure?.name] as [String: Any]
            },
            "has_measures": !DatasetAnalysis.numericFields(dataset).isEmpty,
            "groups": DatasetAnalysis.groupFields(dataset).map { field in
                ["value": field.name, "label": field.label, "selected": field.name == analysis.group?.name] as [String: Any]
            },
            "periods": DatasetAnalysis.Period.allCases.map { period in
                [
                    "value": period.rawValue, "label": catalog.text("dataset_period_\(period.rawValue)", in: language),
                    "selected": period == analysis.period,
                ] as [String: Any]
            },
            "hidden": query.filterPairs.map { ["name": $0.0, "value": $0.1] },
        ]
        guard let group = analysis.group, let text = analysis.odsql(filters: query.odsql) else { return values }
        let compiled = try compiler.records(text, limit: analysis.limit)
        let rows = try await store.rows(compiled)
        let keyColumn = compiled.columns.first { $0.key == "key" }
        let valueColumn = compiled.columns.first { $0.key == "value" }
        let points: [(label: String, value: Double)] = rows.compactMap { row in
            guard let keyColumn, let valueColumn, valueColumn.firstSQLColumn < row.count else { return nil }
            let label =
                keyColumn.type == .boolean
                ? DatasetCells.text(row, keyColumn, language: language)
                : DatasetCells.raw(keyColumn.firstSQLColumn < row.count ? row[keyColumn.firstSQLColumn] : .null)
            return (label.isEmpty ? "—" : label, row[valueColumn.firstSQLColumn].double ?? 0)
        }
        let measureLabel =
            analysis.aggregate == .count
            ? catalog.text("dataset_agg_count", in: language)
            : catalog.text("dataset_agg_\(analysis.aggregate.rawValue)", in: language) + " (" + (analysis.measure?.label ?? "")
                + ")"
        let groupLabel =
            group.label + (analysis.period.map { " (" + catalog.text("dataset_period_\($0.rawValue)", in: language) + ")" } ?? "")
        let title = catalog.text("dataset_chart_title", in: language, ["measure": measureLabel, "group": groupLabel])
        let format = { (value: Double) in DatasetCells.decimal((value * 100).rounded() / 100, language: language) }
        values["result"] =
            [
                "title": title,
                "measure": measureLabel,
                "group": groupLabel,
                "rows": points.map { ["label": $0.label, "value": format($0.value)] },
                "empty": points.isEmpty,
                "chart": points.isEmpty
                    ? [:]
                    : (analysis.period == nil
                        ? DatasetChart.bars(points, format: format) : DatasetChart.line(points, format: format)),
                "truncated": rows.count >= analysis.limit,
            ] as [String: Any]
        return values
    }
}

/// The geometry of the analyze tab's SVG charts; the template draws it.
enum DatasetChart {
    static let width = 720.0

    /// Horizontal bars, one per group, largest first.
    static func bars(_ points: [(label: String, value: Double)], format: (Double) -> String) -> [String: Any] {
        let rowHeight = 26.0
        let labelWidth = 220.0
        let barSpace = width - labelWidth - 90
        let largest = max(points.map { abs($0.value) }.max() ?? 1, 1e-9)
        let bars: [[String: Any]] = points.enumerated().map { index, point in
            let y = 10 + Double(index) * rowHeight
            let length = max(1, (abs(point.value) / largest * barSpace).rounded())
            return [
                "y": y, "text_y": y + rowHeight * 0.65, "height": rowHeight - 6, "x": labelWidth, "width": length,
                "label": point.label.count > 32 ? String(point.label.prefix(31)) + "…" : point.label,
                "label_x": labelWidth - 8, "value_x": labelWidth + length + 6, "value": format(point.value),
            ]
        }
        return ["bar": true, "width": width, "height": 20 + Double(points.count) * rowHeight, "bars": bars]
    }

    /// A line through the periods, in order.
    static func line(_ points: [(label: String, value: Double)], format: (Double) -> String) -> [String: Any] {
        let height = 320.0
        let left = 90.0
        let right = 20.0
        let top = 20.0
        let bottom = 50.0
        let low = min(0, points.map(\.value).min() ?? 0)
        let high = max(points.map(\.value).max() ?? 1, low + 1e-9)
        let step = points.count > 1 ? (width - left - right) / Double(points.count - 1) : 0
        let scaleY = { (value: Double) in top + (high - value) / (high - low) * (height - top - bottom) }
        let coordinates = points.enumerated().map { index, point in
            (x: left + Double(index) * step + (points.count == 1 ? (width - left - right) / 2 : 0), y: scaleY(point.value))
        }
        let dots: [[String: Any]] = zip(points, coordinates).map { point, position in
            ["cx": position.x, "cy": position.y, "label": point.label + " : " + format(point.value)]
        }
        let tickIndexes = Array(Set([0, points.count / 2, points.count - 1])).sorted()
        return [
            "line": true, "width": width, "height": height,
            "polyline": coordinates.map { "\(($0.x * 10).rounded() / 10),\(($0.y * 10).rounded() / 10)" }.joined(separator: " "),
            "dots": dots,
            "axis": ["x1": left, "x2": width - right, "y": height - bottom, "top": top],
            "x_ticks": tickIndexes.map { ["x": coordinates[$0].x, "y": height - bottom + 20, "label": points[$0].label] },
            "y_ticks": [
                ["x": left - 8, "y": scaleY(high) + 4, "label": format(high)],
                ["x": left - 8, "y": scaleY(low) + 4, "label": format(low)],
            ],
        ]
    }
}
