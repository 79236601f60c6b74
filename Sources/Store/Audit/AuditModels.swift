import Foundation

/// What a change recorded in the audit log was.
///
/// The raw value is what the log stores and what the back office filters on; never rename one. An area whose changes
/// must be audited adds its own case here. An entry whose action this build does not know (written by a newer node)
/// is left out of the answers of ``AuditTrail/auditEntries(_:)``.
public enum AuditAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// A successful back-office login.
    case login
    /// A refused back-office login; its target is the username typed, never the password.
    case loginFailed = "login_failed"
    /// A back-office logout.
    case logout
    /// A first publication of a dataset (an import that created it).
    case publish
    /// A new version of an existing dataset.
    case republish
    /// A dataset deleted.
    case delete
    /// A dataset's metadata edited.
    case metadata
    /// A dataset made public or private.
    case visibility
    /// An API key created; its target is the key's prefix, never the key.
    case apiKeyCreate = "apikey_create"
    /// An API key revoked.
    case apiKeyRevoke = "apikey_revoke"
    /// An account created.
    case userCreate = "user_create"
    /// An account's role changed.
    case userRole = "user_role"
    /// An account disabled: its sessions end and its API keys are refused.
    case userDisable = "user_disable"
    /// An account enabled again.
    case userEnable = "user_enable"
    /// An account's password set by an admin, or changed by its owner.
    case userPassword = "user_password"
    /// The declared services (third-party cookies) changed.
    case services
    /// An instance setting changed.
    case settings
    /// A dataset's source was run (scheduled or "refresh now").
    case sourceRun = "source_run"
    /// A dataset's source set or changed (its URL, redacted, in the detail).
    case sourceSet = "source_set"
    /// A dataset's source removed.
    case sourceRemove = "source_remove"
    /// A file attached to a dataset.
    case attachmentAdd = "attachment_add"
    /// An attachment removed from a dataset.
    case attachmentDelete = "attachment_delete"
}

/// One entry of the audit log: who changed what, and when.
///
/// It holds no password, no API key and no IP address. ``actor`` is a username, or `cli` for the command line.
public struct AuditEntry: Sendable, Hashable {
    /// The store's identifier, nil until the entry is stored.
    public var id: Int64?
    public var at: Date
    /// The username who made the change, ``AuditEntry/commandLine`` for the command line.
    public var actor: String
    public var action: AuditAction
    /// What was changed: a dataset id, a username, an API key's prefix.
    public var target: String
    /// A short, free description (the new role, the version published); may be empty.
    public var detail: String

    public init(
        id: Int64? = nil, at: Date, actor: String, action: AuditAction, target: String, detail: String = ""
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
    }

    /// The actor of every change made by the command line.
    public static let commandLine = "cli"
}

/// Which audit entries to read: every filter set must match; newest first, a page at a time.
public struct AuditQuery: Sendable, Hashable {
    /// The exact actor, or nil for any.
    public var actor: String?
    /// The action, or nil for any.
    public var action: AuditAction?
    /// Text the target contains (case-sensitive), or nil for any.
    public var target: String?
    /// The most entries to return (at least 0).
    public var limit: Int
    /// How many of the newest matching entries to skip (at least 0).
    public var offset: Int
    /// Only the entries older than this stored entry (earlier, or at the same time and stored before it), to read
    /// a long log in batches that new entries do not shift; nil for no bound.
    public var olderThan: AuditEntry?

    public init(
        actor: String? = nil, action: AuditAction? = nil, target: String? = nil, limit: Int = 50, offset: Int = 0,
        olderThan: AuditEntry? = nil
    ) {
        self.actor = actor
        self.action = action
        self.target = target
        self.limit = max(0, limit)
        self.offset = max(0, offset)
        self.olderThan = olderThan
    }
}

/// The audit log: an append-only record of every change to the catalog, the accounts and the settings.
/// Conformers: ``SQLiteStore``, ``PostgreSQLStore`` (one shared log for every node).
///
/// Entries are read newest first (by time, then by insertion order) and deleted only by ``purgeAudit(before:)``,
/// once past their retention period.
public protocol AuditTrail: Sendable {
    /// Appends `entry` (its ``AuditEntry/id`` is ignored).
    func appendAudit(_ entry: AuditEntry) async throws
    /// The entries `query` selects, newest first.
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
    /// Deletes the entries recorded before `cutoff` and says how many.
    @discardableResult func purgeAudit(before cutoff: Date) async throws -> Int
}
