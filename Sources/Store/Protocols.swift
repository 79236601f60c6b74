import Foundation

/// Back-office accounts.
public protocol UserStore: Sendable {
    /// Creates an account. Throws ``StoreError/duplicate(_:)`` when the username is taken.
    func createUser(username: String, role: Role, passwordHash: String, now: Date) async throws -> User
    func user(named username: String) async throws -> User?
    func user(id: Int64) async throws -> User?
    func userCount() async throws -> Int
}

/// Server-side sessions.
public protocol SessionStore: Sendable {
    /// The session with `key`, unless it does not exist or has expired.
    func session(key: String, now: Date) async throws -> SessionRecord?
    /// Inserts or replaces a session.
    func saveSession(_ session: SessionRecord) async throws
    func deleteSession(key: String) async throws
    /// Deletes every expired session and says how many.
    @discardableResult func purgeExpiredSessions(now: Date) async throws -> Int
}

/// The append-only proof of consent.
public protocol ConsentLog: Sendable {
    func appendConsent(_ entry: ConsentLogEntry) async throws
    /// The latest entries, newest first.
    func recentConsents(limit: Int) async throws -> [ConsentLogEntry]
}

/// The data API's keys.
public protocol ApiKeyStore: Sendable {
    /// Stores a new active key for `userID`; only its hash and prefix are kept.
    func createApiKey(userID: Int64, label: String, keyHash: String, prefix: String, now: Date) async throws -> ApiKey
    /// The keys of `userID`, or every key when nil, newest first.
    func apiKeys(userID: Int64?) async throws -> [ApiKey]
    /// The active (not revoked) key with this hash.
    func activeApiKey(hash: String) async throws -> ApiKey?
    /// Revokes key `id`, if it belongs to `userID` (any owner when nil). Says whether a key was revoked.
    @discardableResult func revokeApiKey(id: Int64, userID: Int64?, now: Date) async throws -> Bool
    /// Records that key `id` authenticated a request at `now`.
    func touchApiKey(id: Int64, now: Date) async throws
}

/// Everything the web layer needs from storage, whatever the engine.
public typealias PortalStore = UserStore & SessionStore & ConsentLog
