import ArgumentParser
import Foundation
import Portal
import Store

/// `garona source set|refresh|list|runs|remove`: the datasets' sources, fetched on a schedule by `garona serve`.
struct SourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Set, refresh, list or remove the sources that datasets are fetched from.",
        discussion: """
            A source is an http(s) URL of a CSV, JSON, GeoJSON or XLSX file that `garona serve` fetches on a schedule \
            (with a conditional GET) and publishes when it changed. Daily times are in Europe/Paris time.
            """,
        subcommands: [SetSource.self, Refresh.self, List.self, Runs.self, Remove.self]
    )

    /// Where the instance's data lives; it must already exist.
    struct Location: ParsableArguments {
        @OptionGroup var storage: StoreOptions

        func validate() throws { try storage.requireInstance() }
    }

    struct SetSource: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set (or replace) a dataset's source; it is fetched at once, then on its schedule.")
        @OptionGroup var location: Location
        @Argument(help: "Dataset id (the dataset must exist: import it once first).") var dataset: String
        @Option(help: "The http(s) URL of the file.") var url: String
        @Option(help: "Fetch every period: 30m, 1h, 6h (5 minutes to a week).") var every: String?
        @Option(help: "Fetch every day at HH:MM, Europe/Paris time (the default, at 03:00).") var daily: String?
        @Option(help: "CSV delimiter: ; , | or tab.") var delimiter: String?
        @Option(help: "Text encoding: utf-8, utf-16, windows-1252, iso-8859-1.") var encoding: String?
        @Option(help: "XLSX sheet name (default: the first sheet).") var sheet: String?
        @Option(name: .customLong("field-type"), help: "Force a field's type, as NAME=TYPE (repeatable).")
        var fieldTypes: [String] = []
        @Option(
            name: .customLong("field-separator"),
            help: "Make a field a list, split on a separator, as NAME=SEPARATOR (repeatable).")
        var fieldSeparators: [String] = []

        func validate() throws {
            if every != nil && daily != nil { throw ValidationError("give --every or --daily, not both") }
        }

        func run() async throws {
            let schedule = every ?? "daily " + (daily ?? "03:00")
            let source: DatasetSource
            do throws(SourceSettingError) {
                source = try SourceSettings.source(
                    datasetID: dataset, url: url, schedule: schedule, delimiter: delimiter, encoding: encoding,
                    sheet: sheet, fieldTypes: fieldTypes, fieldSeparators: fieldSeparators, now: Date())
            } catch {
                fail(error.description)
            }
            let store = await location.storage.openStore()
            do {
                try await store.saveSource(source)
            } catch StoreError.notFound {
                fail("no dataset \"\(dataset)\" (import it once with garona import, then set its source)")
            }
            try? await store.appendAudit(
                AuditEntry(
                    at: Date(), actor: AuditEntry.commandLine, action: .sourceSet, target: dataset,
                    detail: source.redactedURL + " " + source.schedule.text))
            print("source of \(dataset): \(source.redactedURL), \(source.schedule.text); due now")
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a dataset's source now and publish it if it changed.")
        @OptionGroup var location: Location
        @Argument(help: "Dataset id.") var dataset: String
        @Option(name: .customLong("max-mb"), help: "Largest file accepted, in MB (env GARONA_MAX_UPLOAD_MB).")
        var maxMB = EnvironmentDefaults.int("GARONA_MAX_UPLOAD_MB", 512)
        @Option(name: .customLong("timeout-s"), help: "Longest download, in seconds (env GARONA_SOURCE_TIMEOUT_S).")
        var timeoutSeconds = EnvironmentDefaults.int("GARONA_SOURCE_TIMEOUT_S", 600)

        func validate() throws {
            guard (1...1_048_576).contains(maxMB) else { throw ValidationError("--max-mb must be 1 to 1048576") }
            guard (1...86_400).contains(timeoutSeconds) else { throw ValidationError("--timeout-s must be 1 to 86400") }
        }

        func run() async throws {
            ignoreFileSizeSignal()
            let store = await location.storage.openStore()
            guard try await store.source(datasetID: dataset) != nil else { fail("dataset \"\(dataset)\" has no source") }
            let scratch: URL
            do {
                scratch = try DataDirectory(path: location.storage.dataDirectory).importScratchDirectory()
            } catch {
                fail("\(error)")
            }
            defer { try? FileManager.default.removeItem(at: scratch) }
            let runner = SourceRunner(
                store: store, maxBytes: maxMB << 20, seconds: timeoutSeconds, scratchDirectory: scratch,
                node: "cli " + ProcessInfo.processInfo.hostName + " " + String(ProcessInfo.processInfo.processIdentifier),
                clock: { Date() }, logger: StoreOptions.logger)
            guard
                let run = try await runner.run(
                    datasetID: dataset, trigger: .commandLine, actor: AuditEntry.commandLine, force: true)
            else {
                try? FileManager.default.removeItem(at: scratch)
                fail("the source of \"\(dataset)\" is being fetched by another process; try again later")
            }
            print(SourceLines.run(run))
            if run.outcome == .failed {
                try? FileManager.default.removeItem(at: scratch)
                throw ExitCode.failure
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sources: schedule, next run, last outcome.")
        @OptionGroup var location: Location

        func run() async throws {
            let sources = try await location.storage.openStore().sources()
            if sources.isEmpty { print("No source.") }
            for source in sources {
                let last = source.lastOutcome.map { $0.rawValue } ?? "never run"
                print(
                    "\(source.datasetID)\t\(source.schedule.text)\tnext \(SourceLines.time(source.nextRunAt))\t"
                        + "\(last)\t\(source.redactedURL)")
            }
        }
    }

    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the latest runs of a dataset's source.")
        @OptionGroup var location: Location
        @Argument(help: "Dataset id.") var dataset: String

        func run() async throws {
            let runs = try await location.storage.openStore().sourceRuns(datasetID: dataset, limit: 20)
            if runs.isEmpty { print("No run.") }
            for run in runs { print(SourceLines.run(run)) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a dataset's source (the dataset stays).")
        @OptionGroup var location: Location
        @Argument(help: "Dataset id.") var dataset: String

        func run() async throws {
            let store = await location.storage.openStore()
            guard try await store.deleteSource(datasetID: dataset) else { fail("dataset \"\(dataset)\" has no source") }
            try? await store.appendAudit(
                AuditEntry(at: Date(), actor: AuditEntry.commandLine, action: .sourceRemove, target: dataset))
            print("removed the source of \(dataset)")
        }
    }
}

/// How the command line writes sources' times and runs.
enum SourceLines {
    /// `2026-12-05 03:00 UTC`.
    static func time(_ date: Date) -> String {
        String(date.formatted(.iso8601).prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// One run on one line: when, what started it, its outcome and detail.
    static func run(_ run: SourceRun) -> String {
        "\(time(run.startedAt))\t\(run.trigger.rawValue)\t\(run.outcome.rawValue)"
            + (run.detail.isEmpty ? "" : "\t\(run.detail)")
    }
}
