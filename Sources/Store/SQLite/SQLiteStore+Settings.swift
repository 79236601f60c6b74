import Foundation
import GRDB

extension SQLiteStore: InstanceSettings {
    /// `secret.key`, beside the database file.
    var secretPath: String { (path as NSString).deletingLastPathComponent + "/secret.key" }

    /// The instance secret, read from `secret.key` beside the database: generated on first use (64 random bytes,
    /// written as hex) and kept with mode 0600. A file that is unreadable or shorter than 32 bytes is an error, never
    /// silently replaced: replacing it would log everybody out and void every consent cookie.
    public func instanceSecret() async throws -> [UInt8] {
        let path = secretPath
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let bytes = InstanceSecret.bytes(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                bytes.count >= InstanceSecret.minimumBytes
            else { throw StoreError.unavailable("the secret key file \(path) is unreadable or too short") }
            if chmod(path, 0o600) != 0 { throw StoreError.unavailable("cannot restrict the permissions of \(path)") }
            return bytes
        }
        let bytes = InstanceSecret.generate()
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            chmod(path, 0o600) == 0
        else { throw StoreError.unavailable("cannot create the secret key file \(path)") }
        do {
            try Data((InstanceSecret.hex(bytes) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw StoreError.unavailable("cannot write the secret key file \(path)")
        }
        return bytes
    }

    public func setting(_ key: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, to value: String?) async throws {
        try await pool.write { db in
            if let value {
                try db.execute(
                    sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
            }
        }
    }
}
