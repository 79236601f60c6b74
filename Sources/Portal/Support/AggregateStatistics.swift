import Foundation
import Synchronization

/// Counts where the answers of aggregate queries came from (``AggregateMemo``): remembered, computed by the
/// ``ColumnAccelerator``, or asked of the engine. With `GARONA_AGGREGATE_STATS` set to a file path, the counts are
/// written there as one line of JSON every quarter of a second while they change, so that a benchmark can read the
/// memo's hit rate during a run without a route of its own.
final class AggregateStatistics: Sendable {
    /// Who answered.
    enum Source: Int, CaseIterable {
        case memo, accelerator, engine
    }

    private struct Counts {
        var answers = [Int](repeating: 0, count: Source.allCases.count)
        var changed = false
    }

    private let counts = Mutex(Counts())
    private let path: String?

    init(path: String? = ProcessInfo.processInfo.environment["GARONA_AGGREGATE_STATS"]) {
        self.path = path.flatMap { $0.isEmpty ? nil : $0 }
        guard self.path != nil else { return }
        write([0, 0, 0])
        Task.detached { [weak self] in
            while let statistics = self {
                statistics.flush()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Counts one answer.
    func record(_ source: Source) {
        counts.withLock { counts in
            counts.answers[source.rawValue] += 1
            counts.changed = true
        }
    }

    /// The counts so far: memo, accelerator, engine.
    var answers: [Int] { counts.withLock { $0.answers } }

    /// Writes the counts when they changed since the last time.
    private func flush() {
        let changed = counts.withLock { counts -> [Int]? in
            defer { counts.changed = false }
            return counts.changed ? counts.answers : nil
        }
        if let changed { write(changed) }
    }

    private func write(_ answers: [Int]) {
        guard let path else { return }
        let line = "{\"memo\":\(answers[0]),\"accelerator\":\(answers[1]),\"engine\":\(answers[2])}\n"
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(line.utf8)) else { return }
        _ = rename(temporary, path)  // atomic: a reader sees the old line or the new one
    }
}
