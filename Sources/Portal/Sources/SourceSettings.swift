import Foundation
import Ingest
import Store

/// Why a source's settings were refused, for the command line (``description``) and the back office (``messageKey``).
public enum SourceSettingError: Error, Equatable, CustomStringConvertible {
    /// The URL is not an absolute `http` or `https` URL.
    case url
    /// The schedule is not `30m`, `1h`, `hourly` or `daily HH:MM`, or is shorter than 5 minutes.
    case schedule
    case delimiter(String)
    case encoding(String)
    /// A `NAME=TYPE` override that Ingest does not read.
    case fieldType(String)

    public var description: String {
        switch self {
        case .url: "the URL must be an absolute http:// or https:// URL"
        case .schedule:
            "the schedule must be a period such as 30m or 1h (5 minutes to a week), or a daily time such as 03:00"
        case .delimiter(let reason), .encoding(let reason), .fieldType(let reason): reason
        }
    }

    /// The back office's message for this refusal.
    var messageKey: String {
        switch self {
        case .url: "bo_source_bad_url"
        case .schedule: "bo_source_bad_schedule"
        case .delimiter: "bo_source_bad_delimiter"
        case .encoding: "bo_source_bad_encoding"
        case .fieldType: "bo_source_bad_field_type"
        }
    }
}

/// Checks what a publisher asks of a source, the same way from the back office and `garona source set`, and with
/// the same rules as an import's options (``DatasetImporter``).
public enum SourceSettings {
    /// The source of `datasetID`, due at once (its first run fetches the file without waiting for the schedule).
    /// Empty options count as absent.
    public static func source(
        datasetID: String, url: String, schedule: String, delimiter: String?, encoding: String?, sheet: String?,
        fieldTypes: [String], fieldSeparators: [String] = [], now: Date
    ) throws(SourceSettingError) -> DatasetSource {
        let url = url.trimmingCharacters(in: .whitespaces)
        guard DatasetSource.isFetchable(url) else { throw .url }
        guard let schedule = SourceSchedule(text: schedule) else { throw .schedule }
        func present(_ text: String?) -> String? {
            guard let text, !text.isEmpty else { return nil }
            return text
        }
        let delimiter = present(delimiter)
        let encoding = present(encoding?.trimmingCharacters(in: .whitespaces))
        let sheet = present(sheet?.trimmingCharacters(in: .whitespaces))
        let fieldTypes = fieldTypes.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let delimiter {
            do { _ = try IngestOptions.parseDelimiter(delimiter) } catch { throw .delimiter(error.message) }
        }
        if let encoding, TextEncoding(name: encoding) == nil {
            throw .encoding(IngestError.unknownEncoding(encoding).message)
        }
        for spec in fieldTypes {
            do { _ = try IngestOptions.parseFieldOverride(spec) } catch { throw .fieldType(error.message) }
        }
        let fieldSeparators = fieldSeparators.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        for spec in fieldSeparators {
            do { _ = try IngestOptions.parseFieldSeparator(spec) } catch { throw .fieldType(error.message) }
        }
        return DatasetSource(
            datasetID: datasetID, url: url,
            options: ImportJobOptions(
                delimiter: delimiter, encoding: encoding, sheet: sheet, fieldTypes: fieldTypes,
                fieldSeparators: fieldSeparators),
            schedule: schedule, nextRunAt: now, updatedAt: now)
    }
}
