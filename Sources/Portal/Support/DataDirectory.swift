import Foundation
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
    public var secretPath: String { path + "/secret.key" }
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
    public func openStore() throws -> SQLiteStore {
        try SQLiteStore(path: databasePath)
    }

    /// The instance secret: generated on first use and stored with mode 0600.
    public func instanceSecret() throws -> [UInt8] {
        if FileManager.default.fileExists(atPath: secretPath) {
            guard let text = try? String(contentsOfFile: secretPath, encoding: .utf8),
                let bytes = Self.hexBytes(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count >= 32
            else { throw PortalSetupError("the secret key file \(secretPath) is unreadable or too short") }
            if chmod(secretPath, 0o600) != 0 { throw PortalSetupError("cannot restrict the permissions of \(secretPath)") }
            return bytes
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hex = bytes.map { String(format: "%02x", $0) }.joined() + "\n"
        guard FileManager.default.createFile(atPath: secretPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            chmod(secretPath, 0o600) == 0
        else { throw PortalSetupError("cannot create the secret key file \(secretPath)") }
        do {
            try Data(hex.utf8).write(to: URL(fileURLWithPath: secretPath))
        } catch {
            throw PortalSetupError("cannot write the secret key file \(secretPath)")
        }
        return bytes
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: utf8.count, by: 2) {
            guard let byte = UInt8(String(decoding: utf8[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// A reason the instance cannot start, shown as one line to the operator.
public struct PortalSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
