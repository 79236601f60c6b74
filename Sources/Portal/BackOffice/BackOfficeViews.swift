import CookieCharter
import Foundation
import Ingest
import Store
import Vocabulary
import Web

/// Turns datasets into the values the back-office templates show (jobs: ``ImportJobView``).
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
