import Foundation
import Logging
import Store
import Web

/// A key just created: the only moment its full text exists outside the caller's hands.
public struct IssuedApiKey: Sendable {
    /// The key, to show once; the store keeps only its hash.
    public let key: String
    public let record: ApiKey
}

/// Creates API keys: 40 characters `[A-Za-z0-9]` from the CSPRNG (about 238 bits), stored as
/// their SHA-256 with an 8-character prefix to recognise them by.
struct ApiKeyIssuer: Sendable {
    let store: any ApiKeyStore
    let random: RandomSource
    static let maxLabelLength = 100

    func issue(for user: User, label: String, now: Date) async throws -> IssuedApiKey {
        let key = random.string(length: ApiKey.length, alphabet: ApiKey.alphabet)
        let record = try await store.createApiKey(
            userID: user.id, label: Self.cleanLabel(label), keyHash: ApiKey.hash(of: key),
            prefix: String(key.prefix(ApiKey.prefixLength)), now: now
        )
        return IssuedApiKey(key: key, record: record)
    }

    /// `label` on one line, without control characters, at most ``maxLabelLength`` characters.
    static func cleanLabel(_ label: String) -> String {
        let visible = String(label.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init))
        return String(visible.trimmingCharacters(in: .whitespaces).prefix(maxLabelLength))
    }
}

extension Portal {
    /// `garona apikey create`: a new key for the account `username`.
    public static func createApiKey(
        dataDirectory: String, database: DatabaseOptions = DatabaseOptions(), username: String, label: String
    ) async throws -> IssuedApiKey {
        let store = try await DataDirectory(path: dataDirectory).openStore(database, logger: Logger(label: "garona"))
        guard let user = try await store.user(named: username) else {
            throw PortalSetupError("no account \"\(username)\"")
        }
        return try await ApiKeyIssuer(store: store, random: .system).issue(for: user, label: label, now: Date())
    }

    /// `garona apikey list`: every key, newest first.
    public static func apiKeys(dataDirectory: String, database: DatabaseOptions = DatabaseOptions()) async throws
        -> [ApiKey]
    {
        try await DataDirectory(path: dataDirectory).openStore(database, logger: Logger(label: "garona"))
            .apiKeys(userID: nil)
    }
}
