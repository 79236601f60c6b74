import Foundation
import Hummingbird
import Synchronization
import Web

/// How many dataset exports may stream at once (how long each may take is the store's
/// ``QueryBudget/exportMilliseconds``).
///
/// An export holds one database reader for its whole run, however slowly its client reads. The slots are
/// fewer than the readers (by default the pool's size minus 2), so that exports, even stalled ones, always
/// leave readers for pages, the API and login. A request that finds every slot taken waits briefly, then gets
/// a 503 in the API's error shape with `Retry-After`.
final class ExportSlots: Sendable {
    /// Slots when nothing else is configured: all readers but `reservedReaders`, at least one.
    static func defaultCapacity(readers: Int) -> Int { max(1, readers - reservedReaders) }
    /// Readers kept free for everything else than exports.
    static let reservedReaders = 2
    /// How often a waiting export looks for a free slot.
    static let pollInterval = Duration.milliseconds(50)

    /// How many exports may run at once.
    let capacity: Int
    /// How long a request waits for a slot before it is refused.
    let wait: Duration
    /// The `Retry-After` of a refused request, in seconds.
    let retryAfterSeconds = 10
    private let taken = Mutex(0)

    init(capacity: Int, wait: Duration = .seconds(2)) {
        self.capacity = max(1, capacity)
        self.wait = wait
    }

    /// Slots in use now.
    var inUse: Int { taken.withLock { $0 } }

    /// A slot, waiting up to ``wait`` for one; nil when every slot stayed taken (or the request was cancelled).
    func enter() async -> ExportSlot? {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: wait)
        while !Task.isCancelled {
            if take() { return ExportSlot(self) }
            guard clock.now < end else { return nil }
            try? await Task.sleep(for: Self.pollInterval)
        }
        return nil
    }

    /// The answer when no slot freed in time.
    func busyResponse() -> Response {
        var response = APIError(
            status: .serviceUnavailable, code: "TooManyExports",
            message: "Every export slot (\(capacity)) is in use; retry in a few seconds."
        ).response()
        response.headers[.retryAfter] = String(retryAfterSeconds)
        return response
    }

    private func take() -> Bool {
        taken.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
    }

    fileprivate func give() {
        taken.withLock { count in count = max(0, count - 1) }
    }
}

/// One taken export slot, given back once: explicitly when the export ends, or when the response that holds it
/// is dropped without being sent.
final class ExportSlot: Sendable {
    private let slots: ExportSlots
    private let released = Atomic(false)

    fileprivate init(_ slots: ExportSlots) { self.slots = slots }

    deinit { release() }

    /// Gives the slot back (once).
    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        slots.give()
    }
}
