import Foundation

/// What a back-office account may do.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Manages everything, including accounts.
    case admin
    /// Publishes and edits datasets.
    case editor
}

/// A back-office account.
public struct User: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    public var role: Role
    /// A bcrypt hash; never the password.
    public var passwordHash: String
    public var createdAt: Date
    /// When the account was disabled, nil while it is enabled. A disabled account cannot log in, has no session and
    /// its API keys are refused.
    public var disabledAt: Date?
    /// When the account last logged in, nil if never.
    public var lastLoginAt: Date?

    public init(
        id: Int64, username: String, role: Role, passwordHash: String, createdAt: Date, disabledAt: Date? = nil,
        lastLoginAt: Date? = nil
    ) {
        self.id = id
        self.username = username
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.lastLoginAt = lastLoginAt
    }

    /// Whether the account may log in and use its API keys.
    public var isEnabled: Bool { disabledAt == nil }
}

/// A server-side session, found by the key in the `sessionid` cookie.
public struct SessionRecord: Sendable, Hashable {
    /// 32 characters `[a-z0-9]`.
    public var key: String
    /// The session's content, a small string map (user id, authentication hash, …).
    public var data: [String: String]
    public var expiresAt: Date

    public init(key: String, data: [String: String], expiresAt: Date) {
        self.key = key
        self.data = data
        self.expiresAt = expiresAt
    }
}

/// One entry of the proof-of-consent log. It holds no IP address and no identifier.
public struct ConsentLogEntry: Sendable, Hashable {
    public var date: Date
    public var policyVersion: String
    /// Accepted optional categories, comma-separated, possibly empty.
    public var acceptedCategories: String
    /// Accepted individual services, comma-separated, possibly empty.
    public var acceptedServices: String
    /// How the choice was made: `accept_all`, `refuse_all` or `save`.
    public var action: String

    public init(date: Date, policyVersion: String, acceptedCategories: String, acceptedServices: String, action: String) {
        self.date = date
        self.policyVersion = policyVersion
        self.acceptedCategories = acceptedCategories
        self.acceptedServices = acceptedServices
        self.action = action
    }
}

/// Failures a store reports in domain terms.
public enum StoreError: Error, Sendable, Equatable {
    /// A unique value (a username, a dataset id) already exists.
    case duplicate(String)
    /// The database file could not be opened or migrated.
    case unavailable(String)
    /// Nothing has this identifier.
    case notFound(String)
    /// A value breaks a rule of the model, such as a dataset id that is not a slug.
    case invalid(String)
    /// The database could not be written: its disk is full, a file size limit was reached, or a write failed.
    /// Whatever was being written is rolled back; the message is the engine's, for the log.
    case unwritable(String)
}
