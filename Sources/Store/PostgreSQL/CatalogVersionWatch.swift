import Logging
import PostgresNIO
import Synchronization

/// What a node knows of the catalog version without asking the database at every request.
///
/// Every change to `datasets`, whichever node or command makes it, bumps `catalog_version` and notifies the new
/// version on ``channel`` when its transaction commits (migration 25). A connection of the node's own listens there
/// (``listen(address:logger:)``), so the node hears of another node's publication within milliseconds, and a
/// request takes the version it heard instead of a round trip.
///
/// The watch vouches for a version only while all of these hold, and the store reads the database otherwise:
/// - the listening connection is up (a version is trusted only from a read made after it started listening);
/// - this node has not written since the last read (``invalidate()``): its own change is seen at its next request,
///   whenever the notification arrives;
/// - the last read is at most ``confirmation`` old, so that a listening connection dead without a word (a peer gone
///   without closing the socket) leaves a node at most that long behind.
final class CatalogVersionWatch: Sendable {
    /// Where the bumps are notified.
    static let channel = "garona_catalog"
    /// How long a version read from the database is vouched for without another read.
    static let confirmation: Duration = .seconds(5)

    private struct State {
        var listening = false
        /// Whether a read since the last write, loss or start of listening vouches for ``newest``.
        var vouched = false
        var readAt = ContinuousClock.now
        /// The newest version read or heard: the current one is at least this.
        var newest: Int64 = 0
        /// Moves at every write, loss or start of listening: a read that began before does not vouch.
        var generation = 0
    }

    private let state = Mutex(State())
    /// Whether notifications are taken: tests turn it off to play a notification that has not arrived yet.
    let hearing = Mutex(true)
    /// The listening task, started at the first use (``startListening(address:logger:)``).
    private let listener = Mutex<Task<Void, Never>?>(nil)

    /// The current catalog version, when the watch vouches for it.
    func current() -> Int64? {
        state.withLock { state in
            guard state.listening, state.vouched, ContinuousClock.now - state.readAt <= Self.confirmation else {
                return nil
            }
            return state.newest
        }
    }

    /// The generation to hand back to ``read(_:since:)`` with the version a read is about to fetch.
    func generation() -> Int { state.withLock { $0.generation } }

    /// Records `version`, read from the database by a read that began at `generation`.
    func read(_ version: Int64, since generation: Int) {
        state.withLock { state in
            state.newest = max(state.newest, version)
            guard state.listening, state.generation == generation else { return }
            state.vouched = true
            state.readAt = .now
        }
    }

    /// Records a version heard, or read from the database some other way (with a query's rows): the current one is
    /// at least that, whatever the watch vouched for.
    func saw(_ version: Int64) {
        state.withLock { state in state.newest = max(state.newest, version) }
    }

    /// This node changed something (perhaps the catalog): the next request reads the version from the database.
    func invalidate() {
        state.withLock { state in
            state.vouched = false
            state.generation &+= 1
        }
    }

    private func setListening(_ listening: Bool) {
        state.withLock { state in
            state.listening = listening
            state.vouched = false
            state.generation &+= 1
        }
    }

    /// Starts listening on a connection of its own to `address`, once; it connects again after a loss, every
    /// second. ``stop()`` ends it.
    func startListening(address: PostgreSQLAddress, logger: Logger) {
        listener.withLock { task in
            guard task == nil else { return }
            task = Task { [self] in await listen(address: address, logger: logger) }
        }
    }

    /// Stops listening: the store reads the version at every request from then on.
    func stop() {
        listener.withLock { $0?.cancel() }
    }

    private func listen(address: PostgreSQLAddress, logger: Logger) async {
        var quiet = logger
        quiet.logLevel = .critical
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try address.connectionConfiguration(), id: attempt, logger: quiet)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        setListening(true)
                        for try await notification in notifications {
                            if let version = Int64(notification.payload), hearing.withLock({ $0 }) { saw(version) }
                        }
                    }
                } catch {}
                try? await connection.close()
            } catch {}
            setListening(false)
            attempt &+= 1
            if !Task.isCancelled {
                logger.debug("catalog version watch: listening again in 1 s")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

extension CatalogVersionWatch {
    /// Migration 25: the trigger function of migration 2 also notifies the version it bumped to on ``channel``.
    /// PostgreSQL delivers a notification when its transaction commits, in commit order, and drops it with a
    /// rolled-back one.
    static let notifyingBump: [String] = [
        """
        CREATE OR REPLACE FUNCTION garona_bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            bumped bigint;
        BEGIN
            UPDATE catalog_version SET version = version + 1 WHERE id = 1 RETURNING version INTO bumped;
            PERFORM pg_catalog.pg_notify('\(channel)', bumped::text);
            RETURN NULL;
        END
        $$
        """
    ]
}
