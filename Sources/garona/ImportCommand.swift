import ArgumentParser
import Foundation
import Portal
import Store

/// `garona import`: publishes a file as a dataset version, atomically, even while `serve` runs.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV, TSV, JSON, JSON Lines, GeoJSON or XLSX file as a dataset.",
        discussion: "The previous version stays served until the new one is complete."
    )

    @Argument(help: "The file to import.")
    var file: String

    @Option(name: .customLong("data-dir"), help: "Data directory.")
    var dataDirectory = EnvironmentDefaults.string("GARONA_DATA_DIR", "./garona-data")

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

    func run() throws {
        ignoreFileSizeSignal()
        guard FileManager.default.isReadableFile(atPath: file) else { fail("cannot read \(file)") }
        let store: any StoreEngine
        let scratch: URL
        do {
            let directory = try DataDirectory(path: dataDirectory)
            store = try directory.openStore()
            scratch = try directory.importScratchDirectory()
        } catch {
            fail("\(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let request = ImportRequest(
            file: URL(fileURLWithPath: file), datasetID: dataset, title: title, delimiter: delimiter, encoding: encoding,
            sheet: sheet, fieldTypes: fieldTypes, scratchDirectory: scratch
        )
        let bar = ProgressBar()
        let started = Date()
        do {
            let (detection, report) = try DatasetImporter.run(request, store: store, now: Date()) { phase, progress in
                bar.show(phase == .analysing ? "analysing" : "importing", progress)
            }
            bar.finish()
            print(ImportSummary(detection: detection, report: report, seconds: Date().timeIntervalSince(started)).text)
        } catch {
            bar.finish()
            try? FileManager.default.removeItem(at: scratch)
            fail(error.description)
        }
    }
}
