import CookieCharter
import Foundation
import Ingest
import Store
import Web

/// Turns datasets and jobs into the values the back-office templates show.
enum BackOfficeViews {
    static func title(_ metadata: DatasetMetadata, language: Language) -> String {
        let text = LocalizedText(fr: metadata.titleFR, en: metadata.titleEN).text(in: language)
        return text.isEmpty ? metadata.id : text
    }

    static func row(_ dataset: Dataset, language: Language) -> [String: Any] {
        [
            "id": dataset.id,
            "title": title(dataset.metadata, language: language),
            "records": NumberFormat.integer(dataset.recordsCount, language: language),
            "private": dataset.metadata.visibility == .private,
            "version": dataset.version,
        ]
    }

    static func job(_ job: ImportJobs.Job, language: Language, catalog: Catalog) -> [String: Any] {
        var values: [String: Any] = ["dataset": job.request.datasetID, "file": job.fileName]
        switch job.state {
        case .queued:
            values["running"] = progressValues(nil, phase: catalog.text("bo_phase_queued", in: language))
            values["refresh"] = 1
        case .analysing(let progress):
            values["running"] = progressValues(progress, phase: catalog.text("bo_phase_analysing", in: language))
            values["refresh"] = 1
        case .importing(let progress):
            values["running"] = progressValues(progress, phase: catalog.text("bo_phase_importing", in: language))
            values["refresh"] = 1
        case .ready(let detection):
            values["ready"] = preview(detection, language: language)
        case .done(let report):
            values["done"] = [
                "records": NumberFormat.integer(report.records, language: language),
                "version": report.version,
                "fields": report.fields.map { ["name": $0.name, "type": $0.type.rawValue] },
                "has_warnings": !report.warnings.isEmpty,
                "warnings": report.warnings.map { warning($0, report: report, language: language, catalog: catalog) },
            ]
        case .failed(let message):
            values["failed"] = ["message": message, "replace": !job.isNew]
        }
        return values
    }

    /// A warning of a finished import, in the publisher's language when it counts unreadable cells.
    private static func warning(_ warning: IngestWarning, report: PublishReport, language: Language, catalog: Catalog) -> String {
        guard warning.code == "invalid_values", let field = warning.field, let count = warning.count else {
            return warning.message
        }
        let type = report.fields.first { $0.name == field }?.type.rawValue ?? ""
        return catalog.text(
            "bo_invalid_values", in: language,
            ["count": NumberFormat.integer(count, language: language), "field": field, "type": type])
    }

    private static func progressValues(_ progress: IngestProgress?, phase: String) -> [String: Any] {
        let percent = progress.map { $0.totalBytes > 0 ? Int(Double($0.bytesRead) * 100 / Double($0.totalBytes)) : 0 } ?? 0
        return ["phase": phase, "percent": percent, "records": progress?.records ?? 0]
    }

    private static func preview(_ detection: Detection, language: Language) -> [String: Any] {
        [
            "format": detection.format.rawValue,
            "encoding": detection.encoding.rawValue,
            "delimiter": detection.delimiterText.map { $0 == "\t" ? "tab" : $0 } ?? "",
            "records": NumberFormat.integer(detection.recordCount, language: language),
            "fields": detection.fields.map { field in
                [
                    "name": field.name, "label": field.label, "reason": field.reason ?? "",
                    "types": FieldType.allCases.map { ["value": $0.rawValue, "selected": $0 == field.type] },
                ] as [String: Any]
            },
            "rows": detection.preview.map { row in row.map { ["text": display($0)] } },
            "has_warnings": !detection.warnings.isEmpty,
            "warnings": detection.warnings.map(\.message),
        ]
    }

    /// A cell as the preview shows it.
    static func display(_ value: Value) -> String {
        switch value {
        case .null: ""
        case .text(let text), .date(let text), .datetime(let text), .json(let text): String(text.prefix(200))
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .geoPoint(let point): "\(point.lat), \(point.lon)"
        case .geoShape(let shape): String(shape.geoJSON.prefix(80)) + (shape.geoJSON.count > 80 ? "…" : "")
        }
    }
}

/// Numbers written for people: `1 234` in French, `1,234` in English and on the command line.
public enum NumberFormat {
    static func integer(_ number: Int, language: Language) -> String {
        grouped(number, separator: language == .fr ? "\u{202F}" : ",")
    }

    /// `number` with `separator` between groups of three digits.
    public static func grouped(_ number: Int, separator: String = ",") -> String {
        let digits = Array(String(abs(number)))
        var result = number < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return result
    }
}
