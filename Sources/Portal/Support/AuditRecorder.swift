import Foundation
import Logging
import Store

/// Records changes in the audit log (``AuditTrail``) at the clock's time.
///
/// The change has already been made when it is recorded: a failure to record it is logged (its type only, never the
/// entry, which names people) and does not undo the change or fail the request.
struct AuditRecorder: Sendable {
    let trail: any AuditTrail
    let clock: @Sendable () -> Date
    let logger: Logger

    /// Records that `actor` (a username, or ``AuditEntry/commandLine``) did `action` to `target`.
    func record(_ action: AuditAction, by actor: String, target: String, detail: String = "") async {
        let entry = AuditEntry(at: clock(), actor: actor, action: action, target: target, detail: detail)
        do {
            try await trail.appendAudit(entry)
        } catch {
            logger.error(
                "audit entry not recorded",
                metadata: ["audit.action": "\(action.rawValue)", "error.type": "\(type(of: error))"])
        }
    }
}
