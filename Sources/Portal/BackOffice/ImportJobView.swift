import CookieCharter
import Foundation
import Ingest
import Store
import Vocabulary
import Web

/// The values of the job page (`bo_job`): the phase and progress of a running job, the preview of a ready one, the
/// report of a published one, or why it failed.
enum ImportJobView {
    static func values(_ job: ImportJobs.Job, language: Language, catalog: Catalog) -> [String: Any] {
        var values: [String: Any] = ["dataset": job.datasetID, "file": job.fileName, "job_id": job.id]
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

    private static func progressValues(_ progress: ImportJobProgress?, phase: String) -> [String: Any] {
        ["phase": phase, "percent": progress?.percent ?? 0, "records": progress?.records ?? 0]
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
            "rows": detection.preview.map { row in row.map { ["text": BackOfficeViews.display($0)] } },
            "has_warnings": !detection.warnings.isEmpty,
            "warnings": detection.warnings.map(\.message),
        ]
    }
}
