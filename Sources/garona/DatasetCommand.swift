import ArgumentParser
import Foundation
import Ingest
import Portal
import Store
import Vocabulary

/// `garona dataset list|show|delete`.
struct DatasetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "List, show or delete datasets.",
        subcommands: [List.self, Show.self, Delete.self]
    )

    /// Where the instance's data lives; it must already exist.
    struct Location: ParsableArguments {
        @OptionGroup var storage: StoreOptions

        func validate() throws { try storage.requireInstance() }

        /// The instance's store, or a one-line failure.
        func store() async -> any StoreEngine { await storage.openStore() }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List datasets.")
        @OptionGroup var location: Location

        func run() async throws {
            let datasets = try await location.store().datasets()
            if datasets.isEmpty { print("No dataset.") }
            for dataset in datasets {
                let title = dataset.metadata.titleFR.isEmpty ? dataset.metadata.titleEN : dataset.metadata.titleFR
                print(
                    "\(dataset.id)\t\(dataset.metadata.visibility.rawValue)\t\(NumberFormat.grouped(dataset.recordsCount)) records\t\(title)"
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a dataset's metadata and fields.")
        @OptionGroup var location: Location
        @Argument(help: "Dataset id.") var id: String

        func run() async throws {
            guard let dataset = try await location.store().dataset(id: id) else { fail("no dataset \"\(id)\"") }
            let metadata = dataset.metadata
            print("id: \(dataset.id)")
            print("title: \(metadata.titleFR)\(metadata.titleEN.isEmpty ? "" : " / " + metadata.titleEN)")
            print("visibility: \(metadata.visibility.rawValue)")
            print("licence: \(metadata.licence.title)")
            print("records: \(dataset.recordsCount) (version \(dataset.version))")
            print("fields:")
            for field in dataset.fields { print("  \(field.name)\t\(field.type.rawValue)\t\(field.label)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dataset and its records.")
        @OptionGroup var location: Location
        @Argument(help: "Dataset id.") var id: String

        func run() async throws {
            let store = await location.store()
            do {
                try await store.deleteDataset(id: id)
            } catch StoreError.notFound {
                fail("no dataset \"\(id)\"")
            }
            try await store.appendAudit(AuditEntry(at: Date(), actor: AuditEntry.commandLine, action: .delete, target: id))
            print("deleted \(id)")
        }
    }
}
