import Foundation
import Ingest
import Portal
import Store
import Vocabulary

/// The report printed at the end of `garona import`: rows, fields with their types, warnings.
struct ImportSummary {
    let detection: Detection
    let report: PublishReport
    let seconds: Double

    var text: String {
        var lines = [
            "Published \(report.datasetID) version \(report.version): \(NumberFormat.grouped(report.records)) records "
                + String(format: "in %.1f s", seconds)
        ]
        if !report.phases.isEmpty {
            lines.append("Phases: " + report.phases.map { String(format: "%@ %.1f s", $0.0, $0.1) }.joined(separator: ", "))
        }
        var source = "Source: \(detection.format.rawValue), \(detection.encoding.rawValue)"
        if let delimiter = detection.delimiterText { source += ", delimiter \(delimiter)" }
        lines.append(source)
        lines.append("Fields:")
        let width = report.fields.map(\.name.count).max() ?? 0
        for field in report.fields {
            var line = "  " + field.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + field.type.rawValue
            var flags: [String] = []
            if field.facet { flags.append("facet") }
            if field.sortable { flags.append("sortable") }
            if !flags.isEmpty { line += " (" + flags.joined(separator: ", ") + ")" }
            if field.label != field.name { line += "  \u{2190} \"\(field.label)\"" }
            lines.append(line)
        }
        // The report's warnings: the detection's, then the cells a forced type could not read.
        if report.warnings.isEmpty {
            lines.append("Warnings: none")
        } else {
            lines.append("Warnings:")
            for warning in report.warnings { lines.append("  - " + warning.message) }
        }
        return lines.joined(separator: "\n")
    }
}
