import Foundation
import Logging
import Portal
import Store
import Testing

/// `DataDirectory.openStore(_:logger:)`: the one place that picks the engine.
@Suite struct DataDirectoryStoreTests {
    @Test func withoutAURLTheStoreIsSQLiteInTheDataDirectory() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garona-dd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let directory = try DataDirectory(path: path)
        let store = try await directory.openStore(DatabaseOptions(), logger: Logger(label: "test"))
        try await store.createDataset(DatasetMetadata(id: "gares"), now: Date())
        #expect(FileManager.default.fileExists(atPath: directory.databasePath))
        #expect(try await directory.openStore().dataset(id: "gares") != nil)
    }

    @Test func aBadURLOrAnUnreachableServerIsOneLineWithoutThePassword() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garona-dd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let directory = try DataDirectory(path: path)
        for url in ["mysql://alice:s3cret-word@host/db", "postgres://alice:s3cret-word@127.0.0.1:1/db?sslmode=disable"] {
            let error = await #expect(throws: PortalSetupError.self) {
                _ = try await directory.openStore(
                    DatabaseOptions(url: url, poolSize: 1, waitSeconds: 0), logger: Logger(label: "test"))
            }
            let message = error?.description ?? ""
            #expect(!message.isEmpty && !message.contains("s3cret") && !message.contains("\n"), "\(message)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.databasePath))
    }
}
