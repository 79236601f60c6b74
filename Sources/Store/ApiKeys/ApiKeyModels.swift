import Crypto
import Foundation

/// A key that lets a program use the data API as its owner: it sees private datasets.
///
/// The key itself is shown once, when it is created, and never stored: the store keeps its
/// SHA-256 and a short prefix by which people recognise it.
public struct ApiKey: Sendable, Hashable {
    public var id: Int64
    public var userID: Int64
    /// The owner's username, for the lists.
    public var username: String
    public var label: String
    /// The lowercase hex SHA-256 of the key.
    public var keyHash: String
    /// The first characters of the key, safe to show.
    public var prefix: String
    public var createdAt: Date
    /// When the key last authenticated a request (to the minute), nil if never.
    public var lastUsedAt: Date?
    /// When the key was revoked, nil while it is active.
    public var revokedAt: Date?

    public init(
        id: Int64, userID: Int64, username: String, label: String, keyHash: String, prefix: String, createdAt: Date,
        lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.username = username
        self.label = label
        self.keyHash = keyHash
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Characters in a key.
    public static let length = 40
    /// Characters of the key shown in lists.
    public static let prefixLength = 8
    /// `[A-Za-z0-9]`, the alphabet keys are drawn from.
    public static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// The lowercase hex SHA-256 of `key`, the only form in which a key is stored.
    public static func hash(of key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `key` has the shape of the keys Garona issues; anything else is never looked up.
    public static func isWellFormed(_ key: String) -> Bool {
        key.utf8.count == length && key.utf8.allSatisfy { alphabet.contains($0) }
    }
}
