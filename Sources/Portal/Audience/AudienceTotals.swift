import CookieCharter
import Foundation
import Store
import Synchronization
import Vocabulary

/// Each dataset's public downloads, API calls and page views over the figures kept, for the front office: the
/// information tab and the catalog API's `metas.explore`.
///
/// Read from the store's running totals (one row per dataset and metric, whatever the days kept) at most once per
/// ``refreshSeconds`` (six flush intervals, one minute by default: the figures only move at each flush); between two reads every request gets the same answer
/// and its generation, which pages cached with the counts put in their key. A failed read keeps the previous figures.
final class AudienceTotals: Sendable {
    let refreshSeconds: TimeInterval
    private let store: any AudienceStore
    private let clock: @Sendable () -> Date
    private let state = Mutex<(readAt: Date?, generation: Int, totals: [String: AudienceDatasetTotals])>((nil, 0, [:]))

    init(store: any AudienceStore, clock: @escaping @Sendable () -> Date, flushSeconds: Int = 10) {
        self.store = store
        self.clock = clock
        refreshSeconds = TimeInterval(min(max(flushSeconds, 1), 600) * 6)
    }

    /// The totals, with the generation they belong to.
    func current() async -> (generation: Int, totals: [String: AudienceDatasetTotals]) {
        let now = clock()
        let fresh = state.withLock { state -> (Int, [String: AudienceDatasetTotals])? in
            guard let readAt = state.readAt, now.timeIntervalSince(readAt) < refreshSeconds else {
                // This request reads; the others keep the previous figures meanwhile.
                state.readAt = now
                return nil
            }
            return (state.generation, state.totals)
        }
        if let fresh { return fresh }
        guard let totals = try? await store.audienceDatasetTotals() else {
            return state.withLock { ($0.generation, $0.totals) }
        }
        return state.withLock { state in
            if state.totals != totals {
                state.generation += 1
                state.totals = totals
            }
            return (state.generation, state.totals)
        }
    }

    /// The totals of `datasetID` (zeros when it has none).
    func of(_ datasetID: String) async -> AudienceDatasetTotals {
        await current().totals[datasetID] ?? AudienceDatasetTotals()
    }
}

extension AudienceTotals {
    /// The information tab's figures for `totals`.
    static func values(_ totals: AudienceDatasetTotals, language: Language) -> [String: String] {
        [
            "downloads": NumberFormat.integer(Int(clamping: totals.downloads), language: language),
            "api_calls": NumberFormat.integer(Int(clamping: totals.apiCalls), language: language),
        ]
    }
}
