import ArgumentParser
import Foundation
import Portal
import Store

/// `garona import`: publishes a file as a dataset version, atomically, even while `serve` runs.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV, TSV, JSON, JSON Lines, GeoJSON or XLSX file as a dataset.",
        discussion: "The previous version stays served until the new one is complete."
    )

    @Argument(help: "The file to import.")
    var file: String

    @OptionGroup var storage: StoreOptions

    @Option(help: "Dataset id: lowercase letters, digits, - and _.")
    var dataset: String

    @Option(help: "Title of a new dataset.")
    var title: String?

    @Option(help: "CSV delimiter: ; , | or tab.")
    var delimiter: String?

    @Option(help: "Text encoding: utf-8, utf-16, windows-1252, iso-8859-1.")
    var encoding: String?

    @Option(help: "XLSX sheet name (default: the first sheet).")
    var sheet: String?

    @Option(name: .customLong("field-type"), help: "Force a field's type, as NAME=TYPE (repeatable).")
    var fieldTypes: [String] = []

    @Option(
        name: .customLong("field-separator"),
        help: "Make a field a list (multivalued), its cells split on a separator, as NAME=SEPARATOR (repeatable).")
    var fieldSeparators: [String] = []

    func run() async throws {
        ignoreFileSizeSignal()
        guard FileManager.default.isReadableFile(atPath: file) else { fail("cannot read \(file)") }
        let store = await storage.openStore()
        let scratch: URL
        do {
            scratch = try DataDirectory(path: storage.dataDirectory).importScratchDirectory()
        } catch {
            fail("\(error)")
        }
        let request = ImportRequest(
            file: URL(fileURLWithPath: file), datasetID: dataset, title: title, delimiter: delimiter, encoding: encoding,
            sheet: sheet, fieldTypes: fieldTypes, fieldSeparators: fieldSeparators, scratchDirectory: scratch
        )
        // A publication blocks its thread (see `DatasetPublisher.publish`): it gets one of its own, never one of
        // Swift's cooperative pool, which the PostgreSQL engine's connections need meanwhile.
        let report = await withCheckedContinuation { (done: CheckedContinuation<PublishReport, Never>) in
            Thread.detachNewThread {
                done.resume(returning: Self.publish(request, scratch: scratch, store: store))
            }
        }
        let action: AuditAction = report.version == 1 ? .publish : .republish
        try await store.appendAudit(
            AuditEntry(
                at: Date(), actor: AuditEntry.commandLine, action: action, target: report.datasetID,
                detail: "version \(report.version), \(report.records) records"))
    }

    /// Runs the import, prints its summary and returns its report, or fails with its reason; removes the scratch
    /// directory.
    private static func publish(_ request: ImportRequest, scratch: URL, store: any StoreEngine) -> PublishReport {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bar = ProgressBar()
        let started = Date()
        do {
            let (detection, report) = try DatasetImporter.run(request, store: store, now: Date()) { phase, progress in
                bar.show(phase == .analysing ? "analysing" : "importing", progress)
            }
            bar.finish()
            print(ImportSummary(detection: detection, report: report, seconds: Date().timeIntervalSince(started)).text)
            return report
        } catch {
            bar.finish()
            try? FileManager.default.removeItem(at: scratch)
            fail(error.description)
        }
    }
}
