import CookieCharter
import Foundation
import Ingest
import Markup
import Store
import Vocabulary
import Web

/// The information tab: metadata, the licence, the records count and the field list.
extension DatasetPageController {
    func informationValues(_ dataset: Dataset, text: DatasetText, language: Language) -> [String: Any] {
        let metadata = dataset.metadata
        let licenceURL = metadata.licence == .other ? metadata.licenceURL : (metadata.licence.url ?? "")
        let licenceTitle =
            metadata.licence == .other ? catalog.text("dataset_licence_other", in: language) : metadata.licence.title
        return [
            "keywords": metadata.keywords,
            "has_keywords": !metadata.keywords.isEmpty,
            "themes": metadata.themes,
            "has_themes": !metadata.themes.isEmpty,
            "publisher": metadata.publisher,
            "has_publisher": !metadata.publisher.isEmpty,
            "licence": [
                "title": licenceTitle, "url": SafeLink.http(licenceURL) ?? "", "has_url": SafeLink.http(licenceURL) != nil,
            ],
            "modified": DatasetDates.long(dataset.modified, language: language),
            "modified_iso": DatasetDates.iso(dataset.modified),
            "records": NumberFormat.integer(dataset.recordsCount, language: language),
            "fields": dataset.fields.map { field in
                [
                    "label": field.label, "name": field.name, "description": field.description,
                    "type": catalog.text("dataset_type_\(field.type.rawValue)", in: language),
                ]
            },
        ]
    }
}

/// Dates written for people and for machines.
enum DatasetDates {
    static func long(_ date: Date, language: Language) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .fr ? "fr_FR" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateStyle = .long
        formatter.timeStyle = .none
        return formatter.string(from: date)
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Only `http(s)` links from publisher-given URLs reach an `href`.
enum SafeLink {
    static func http(_ url: String) -> String? {
        let lower = url.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") ? url : nil
    }
}

/// The schema.org `Dataset` description in the page head, as JSON-LD.
enum DatasetJSONLD {
    static func script(_ dataset: Dataset, text: DatasetText, base: String) -> String {
        let metadata = dataset.metadata
        var object: [String: Any] = [
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": text.title,
            "description": text.description.isEmpty ? text.title : text.description,
            "keywords": metadata.keywords,
            "dateModified": DatasetDates.iso(dataset.modified),
            "distribution": ExportFormat.allCases.map { format in
                [
                    "@type": "DataDownload", "encodingFormat": format.contentType,
                    "contentUrl": "\(base)/catalog/datasets/\(dataset.id)/exports/\(format.rawValue)",
                ]
            },
        ]
        if let licence = SafeLink.http(metadata.licence == .other ? metadata.licenceURL : (metadata.licence.url ?? "")) {
            object["license"] = licence
        }
        if !metadata.publisher.isEmpty {
            object["publisher"] = ["@type": "Organization", "name": metadata.publisher]
        }
        if !metadata.themes.isEmpty { object["about"] = metadata.themes }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        let json = MarkupEscaping.scriptJSON(String(decoding: data, as: UTF8.self))
        return "<script type=\"application/ld+json\">" + json + "</script>"
    }
}
