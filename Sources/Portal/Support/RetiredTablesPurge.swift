import Foundation
import Logging
import ServiceLifecycle
import Store

/// Drops, every minute, the records tables that publications and deletions retired more than
/// the engine's grace period ago, whichever process retired them (`garona import` included), and compacts the
/// engine's write-ahead log when it has one larger than ``logLimit``.
struct RetiredTablesPurge: Service {
    let store: any StoreEngine
    let clock: @Sendable () -> Date
    let logger: Logger
    /// The size past which the write-ahead log is truncated: 64 MiB, a few publications of a large dataset.
    var logLimit: Int64 = 64 << 20

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await dropDue()
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }

    /// One pass; a failure is logged and the next pass tries again.
    func dropDue() async {
        do {
            let dropped = try await store.dropRetiredTables(now: clock())
            if dropped > 0 { logger.info("dropped retired records tables", metadata: ["count": "\(dropped)"]) }
        } catch {
            logger.error("retired records tables purge failed", metadata: ["error.type": "\(type(of: error))"])
        }
        guard let log = store as? any WriteAheadLogCompaction else { return }
        do {
            if let size = try await log.compactWriteAheadLog(over: logLimit) {
                logger.info("truncated the write-ahead log", metadata: ["bytes.before": "\(size)"])
            }
        } catch {
            logger.error("write-ahead log compaction failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
