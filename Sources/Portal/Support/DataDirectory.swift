import Foundation
import Logging
import Store

/// The instance's data directory: `garona.sqlite`, `secret.key` and, later, uploaded originals.
public struct DataDirectory: Sendable {
    public let path: String

    /// Opens `path`, creating it (mode 0700) if needed.
    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw PortalSetupError("\(path) exists and is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: path,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw PortalSetupError("cannot create the data directory \(path)")
            }
        }
    }

    public var databasePath: String { path + "/garona.sqlite" }
    public var servicesPath: String { path + "/services.json" }

    private var uploadsURL: URL { URL(fileURLWithPath: path).appendingPathComponent("uploads") }

    /// `uploads/`, emptied of leftovers of a previous run (uploads are deleted once imported).
    public func uploadsDirectory() throws -> URL {
        try? FileManager.default.removeItem(at: uploadsURL)
        return try Self.createPrivateDirectory(uploadsURL)
    }

    /// A new directory (mode 0700) under `uploads/` where `garona import` extracts a workbook's parts.
    /// The caller removes it; `serve` empties `uploads/` when it starts, so a killed import leaves nothing.
    public func importScratchDirectory() throws -> URL {
        try Self.createPrivateDirectory(uploadsURL.appendingPathComponent("import-" + UUID().uuidString))
    }

    /// Creates `url` and its missing parents with mode 0700.
    private static func createPrivateDirectory(_ url: URL) throws -> URL {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PortalSetupError("cannot create \(url.path)")
        }
        return url
    }

    /// Opens the embedded database.
    public func openStore() throws -> any StoreEngine {
        try SQLiteStore(path: databasePath)
    }

    /// Opens the instance's store: the PostgreSQL database of `database`'s URL (waiting for it as configured, then
    /// migrating it), or else the SQLite file of this directory. The one place that picks an engine.
    /// - Throws: ``PortalSetupError`` with a one-line reason (never the URL's password).
    public func openStore(_ database: DatabaseOptions, logger: Logger) async throws -> any StoreEngine {
        do {
            guard let url = database.url else { return try openStore() }
            return try await PostgreSQLStore.open(
                url: url, poolSize: database.poolSize, waitSeconds: database.waitSeconds, logger: logger)
        } catch let error as StoreError {
            switch error {
            case .unavailable(let reason), .invalid(let reason), .duplicate(let reason), .notFound(let reason),
                .unwritable(let reason):
                throw PortalSetupError(reason)
            }
        }
    }

}

/// A reason the instance cannot start, shown as one line to the operator.
public struct PortalSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
