import Foundation
import Logging
import ServiceLifecycle
import Store
import Vocabulary

/// Writes the audience counters to the store every few seconds, and deletes the days past the retention period
/// once a day.
///
/// Each flush takes the counts out of memory and adds them to the stored ones (additive upserts: every node flushes
/// its own, and they add up). A crash loses at most one interval; a graceful shutdown flushes a last time; a flush
/// that fails puts its counts back for the next one.
struct AudienceFlush: Service {
    let counters: AudienceCounters
    let store: any AudienceStore
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Seconds between two flushes.
    let interval: Int
    /// Days of figures kept, at most ``AudienceRetention/maximumDays``.
    let retentionDays: Int

    func run() async throws {
        var purgedDay: Int?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(1, interval))) }
            await flush()
            let today = AudienceRecorder.day(of: clock())
            if purgedDay != today {
                await purge(today: today)
                purgedDay = today
            }
        }
        await flush()
    }

    /// Writes what was counted since the last flush.
    func flush() async {
        let counts = counters.drain()
        guard !counts.isEmpty else { return }
        do {
            try await store.addAudience(counts)
        } catch {
            counters.restore(counts)
            logger.error("audience flush failed; kept for the next one", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// Deletes the days older than the retention period.
    func purge(today: Int) async {
        let kept = min(max(1, retentionDays), AudienceRetention.maximumDays)
        do {
            let purged = try await store.purgeAudience(before: CivilDate(daysSinceEpoch: today - kept))
            if purged > 0 { logger.info("purged audience figures past their retention", metadata: ["count": "\(purged)"]) }
            // Words and hosts that can never be shown go once their day is over and every node has flushed it.
            _ = try await store.purgeAudience(
                below: AudienceReport.threshold, of: [.search, .searchWithoutResults, .referrer],
                before: CivilDate(daysSinceEpoch: today - 1))
        } catch {
            logger.error("audience purge failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
