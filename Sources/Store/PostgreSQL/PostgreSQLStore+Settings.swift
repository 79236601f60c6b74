import Foundation
import PostgresNIO

extension PostgreSQLStore: InstanceSettings {
    /// The setting that holds the instance secret, as hex.
    static let secretSetting = "instance_secret"

    /// The instance secret, from the setting `instance_secret`: the first node that asks inserts a new one
    /// (`ON CONFLICT DO NOTHING`), then every node reads back the one that won, so all sign with the same secret.
    /// A stored secret that is not hex or shorter than 32 bytes is an error, never silently replaced: replacing it
    /// would log everybody out and void every consent cookie.
    public func instanceSecret() async throws -> [UInt8] {
        let candidate = InstanceSecret.hex(InstanceSecret.generate())
        try await run(
            """
            INSERT INTO settings (key, value) VALUES (\(Self.secretSetting), \(candidate))
            ON CONFLICT (key) DO NOTHING
            """)
        guard let text = try await setting(Self.secretSetting),
            let bytes = InstanceSecret.bytes(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            bytes.count >= InstanceSecret.minimumBytes
        else { throw StoreError.unavailable("the setting \(Self.secretSetting) is unreadable or too short") }
        return bytes
    }

    public func setting(_ key: String) async throws -> String? {
        try await read { connection in
            try await connection.query("SELECT value FROM settings WHERE key = \(key)", logger: logger)
                .decode(String.self).first { _ in true }
        }
    }

    public func setSetting(_ key: String, to value: String?) async throws {
        if let value {
            try await run(
                """
                INSERT INTO settings (key, value) VALUES (\(key), \(value))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        } else {
            try await run("DELETE FROM settings WHERE key = \(key)")
        }
    }
}
