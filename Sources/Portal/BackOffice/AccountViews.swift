import Foundation
import Store

/// The values of `bo_users.mustache`: the accounts and the form to create one.
struct UsersView: Sendable {
    /// One account's row.
    struct Row: Sendable {
        let id: Int64
        let username: String
        let isAdmin: Bool
        let isEnabled: Bool
        /// The logged-in admin's own row.
        let isSelf: Bool
        let lastLogin: DisplayedTime?
        let created: DisplayedTime
    }

    /// What the last change did, shown once after the redirect.
    enum Notice: String, Sendable {
        case created, role, disabled, enabled, password

        /// Its text's key in the catalog.
        var key: String { "accounts_done_" + rawValue }
    }

    /// The create form as the admin filled it, when it was refused.
    struct Draft: Sendable {
        let username: String
        let isAdmin: Bool
    }

    let rows: [Row]
    let notice: String?
    let error: String?
    let draft: Draft
    let minimumPasswordLength: Int
    /// "At least 12 characters."
    let passwordHelp: String

    init(
        accounts: [User], admin: User, notice: String?, error: String?, draft: Draft, minimumPasswordLength: Int,
        passwordHelp: String
    ) {
        rows = accounts.map {
            Row(
                id: $0.id, username: $0.username, isAdmin: $0.role == .admin, isEnabled: $0.isEnabled,
                isSelf: $0.id == admin.id, lastLogin: $0.lastLoginAt.map(DisplayedTime.init), created: DisplayedTime($0.createdAt)
            )
        }
        self.notice = notice
        self.error = error
        self.draft = draft
        self.minimumPasswordLength = minimumPasswordLength
        self.passwordHelp = passwordHelp
    }
}

/// The values of `bo_account.mustache`: the logged-in user's own account.
struct AccountView: Sendable {
    let username: String
    let isAdmin: Bool
    let saved: Bool
    let error: String?
    let minimumPasswordLength: Int
    /// "At least 12 characters."
    let passwordHelp: String
}

/// A time as the back office shows it: `2026-11-29 04:33 UTC`, the same in both languages and unambiguous, with its
/// ISO 8601 form for `<time datetime>`.
struct DisplayedTime: Sendable {
    let text: String
    let iso: String

    init(_ date: Date) {
        iso = date.formatted(.iso8601)
        text = String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}

/// The values of `bo_audit.mustache`: a page of the audit log and its filters.
struct AuditView: Sendable {
    /// One entry.
    struct Row: Sendable {
        let time: DisplayedTime
        let actor: String
        /// The action's name for people.
        let action: String
        let target: String
        let detail: String
    }

    /// One choice of the action filter.
    struct ActionOption: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let entries: [Row]
    /// The filters as given, for the form.
    let actor: String
    let target: String
    let actions: [ActionOption]
    let page: Int
    /// The addresses of the previous and next pages, nil when there is none.
    let previous: String?
    let next: String?
    /// The address of the CSV download of the same filters.
    let csv: String
    /// "Page 2".
    let pageLabel: String
    /// Whether the page has entries (a stored flag: templates see stored properties only).
    let hasEntries: Bool
}
