import Foundation
import Logging
import ServiceLifecycle
import Store

/// The service of `garona serve` that runs the datasets' sources when they are due, one after the other.
///
/// Every ``interval`` it asks the store for the due sources and runs each through ``SourceRunner``, which first takes
/// the source's lease: when several nodes share a database, each run happens on the one node whose conditional
/// `UPDATE` applied; the others skip it. A failed pass is logged and the next one tries again.
struct SourceScheduler: Service {
    let runner: SourceRunner
    let store: any SourceStore
    let clock: @Sendable () -> Date
    let logger: Logger
    /// The time between two passes.
    var interval: Duration = .seconds(30)

    /// The most sources one pass runs; the others wait for the next pass.
    static let batch = 20

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await pass()
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Runs the sources due now; returns the runs this node made.
    @discardableResult func pass() async -> [SourceRun] {
        let due: [DatasetSource]
        do {
            due = try await store.dueSources(now: clock(), limit: Self.batch)
        } catch {
            logger.error("source scheduler: reading due sources failed", metadata: ["error.type": "\(type(of: error))"])
            return []
        }
        var runs: [SourceRun] = []
        for source in due {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            do {
                if let run = try await runner.run(
                    datasetID: source.datasetID, trigger: .schedule, actor: Self.actor, force: false)
                {
                    runs.append(run)
                }
            } catch {
                logger.error(
                    "source run could not be recorded",
                    metadata: ["dataset": "\(source.datasetID)", "error.type": "\(type(of: error))"])
            }
        }
        return runs
    }

    /// The actor of scheduled runs in the audit log.
    static let actor = "scheduler"

    /// The time between two passes from `GARONA_SOURCE_INTERVAL_S` (1 to 3600), 30 s by default.
    static func interval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration {
        guard let text = environment["GARONA_SOURCE_INTERVAL_S"], let seconds = Int(text), (1...3_600).contains(seconds)
        else { return .seconds(30) }
        return .seconds(seconds)
    }

    /// How long a fetch may take, from `GARONA_SOURCE_TIMEOUT_S` (1 to 86400), 600 s by default.
    static func fetchSeconds(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["GARONA_SOURCE_TIMEOUT_S"], let seconds = Int(text), (1...86_400).contains(seconds)
        else { return 600 }
        return seconds
    }
}
