import Foundation
import Ingest
import Store

/// What a publisher asks for when importing a file, from the command line or the back office.
public struct ImportRequest: Sendable {
    public var file: URL
    public var datasetID: String
    /// The title of a new dataset (French); the id when nil.
    public var title: String?
    public var delimiter: String?
    public var encoding: String?
    public var sheet: String?
    /// `NAME=TYPE` overrides.
    public var fieldTypes: [String]
    /// `NAME=SEPARATOR` declarations: each names a list (multivalued) field and the separator its cells are split on.
    public var fieldSeparators: [String]
    /// Where the parts of a workbook are extracted, inside the data directory; the file's own
    /// directory (an upload's job directory) when nil.
    public var scratchDirectory: URL?
    /// The limits against hostile files; by default those of the environment (``ImportLimits``).
    public var limits: IngestLimits

    public init(
        file: URL, datasetID: String, title: String? = nil, delimiter: String? = nil, encoding: String? = nil,
        sheet: String? = nil, fieldTypes: [String] = [], fieldSeparators: [String] = [], scratchDirectory: URL? = nil,
        limits: IngestLimits = ImportLimits.fromEnvironment()
    ) {
        self.fieldSeparators = fieldSeparators
        self.file = file
        self.datasetID = datasetID
        self.title = title
        self.delimiter = delimiter
        self.encoding = encoding
        self.sheet = sheet
        self.fieldTypes = fieldTypes
        self.scratchDirectory = scratchDirectory
        self.limits = limits
    }
}

/// A reason an import was refused, as one line for the publisher. Nothing was published.
public struct ImportFailure: Error, CustomStringConvertible, Sendable {
    /// A stable code: Ingest's error codes, `invalid_dataset_id`, `store`.
    public let code: String
    public let description: String
}

/// Turns a file into a published dataset version: detect, then read and publish atomically.
public enum DatasetImporter {
    /// The two passes over the file.
    public enum Phase: Sendable {
        case analysing
        case importing
    }

    /// Checks the request and detects the file: types, encoding, delimiter, preview.
    public static func detect(_ request: ImportRequest, progress: ((IngestProgress) -> Void)? = nil) throws(ImportFailure)
        -> Detection
    {
        guard DatasetMetadata.isValidID(request.datasetID) else {
            throw ImportFailure(
                code: "invalid_dataset_id",
                description: "invalid dataset id \"\(request.datasetID)\": use 1 to 100 lowercase letters, digits, - or _"
            )
        }
        do {
            var options = IngestOptions(sheet: request.sheet, limits: request.limits)
            options.limits.extractionDirectory = (request.scratchDirectory ?? request.file.deletingLastPathComponent()).path
            if let delimiter = request.delimiter { options.delimiter = try IngestOptions.parseDelimiter(delimiter) }
            if let name = request.encoding {
                guard let encoding = TextEncoding(name: name) else { throw IngestError.unknownEncoding(name) }
                options.encoding = encoding
            }
            for spec in request.fieldTypes { _ = try IngestOptions.parseFieldOverride(spec) }
            for spec in request.fieldSeparators { _ = try IngestOptions.parseFieldSeparator(spec) }
            let detection = try Ingest.detect(url: request.file, options: options, progress: progress)
            return try detection.overriding(request.fieldTypes).separating(request.fieldSeparators)
        } catch let error as IngestError {
            throw ImportFailure(code: error.code, description: error.message)
        } catch {
            throw ImportFailure(code: "unreadable", description: "\(error)")
        }
    }

    /// Publishes `detection`'s records as the dataset's new version.
    public static func publish(
        _ request: ImportRequest, detection: Detection, store: any StoreEngine, now: Date,
        progress: ((IngestProgress) -> Void)? = nil
    ) throws(ImportFailure) -> PublishReport {
        do {
            let reader = try Ingest.read(url: request.file, detection: detection)
            let metadata = DatasetMetadata(id: request.datasetID, titleFR: request.title ?? request.datasetID)
            var report = try store.publish(
                datasetID: request.datasetID, reader: reader, newDataset: metadata, now: now, progress: progress)
            report.warnings += IngestWarning.invalidValues(reader.invalidValueCounts, fields: reader.detection.fields)
            return report
        } catch let error as IngestError {
            throw ImportFailure(code: error.code, description: error.message)
        } catch StoreError.unwritable {
            throw ImportFailure(
                code: "storage_full", description: "the database is full or cannot be written; nothing was published")
        } catch let error as StoreError {
            throw ImportFailure(code: "store", description: "\(error)")
        } catch {
            throw ImportFailure(code: "store", description: "the import failed: \(error)")
        }
    }

    /// Both passes: detect, then publish.
    public static func run(
        _ request: ImportRequest, store: any StoreEngine, now: Date, progress: ((Phase, IngestProgress) -> Void)? = nil
    ) throws(ImportFailure) -> (Detection, PublishReport) {
        let detection = try detect(request) { progress?(.analysing, $0) }
        let report = try publish(request, detection: detection, store: store, now: now) { progress?(.importing, $0) }
        return (detection, report)
    }
}
