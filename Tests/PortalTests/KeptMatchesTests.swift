import Testing

@testable import Portal

/// The full-text matches the column accelerator keeps: within their limit of rows, the least recently used set
/// goes first.
struct KeptMatchesTests {
    @Test func theLeastRecentlyUsedSetGoesFirst() {
        var kept = KeptMatches(limit: 10)
        kept.keep([1, 2, 3, 4], as: "a")
        kept.keep([5, 6, 7], as: "b")
        #expect(kept.set("a") == [1, 2, 3, 4])  // a is now more recent than b
        kept.keep([8, 9, 10, 11], as: "c")  // 11 rows: b goes
        #expect(kept.set("b") == nil)
        #expect(kept.set("a") == [1, 2, 3, 4] && kept.set("c") == [8, 9, 10, 11])
        kept.keep([Int32](0..<11), as: "too many")  // over the limit alone: not kept, nothing dropped
        #expect(kept.set("too many") == nil && kept.set("a") != nil && kept.set("c") != nil)
        kept.keep([Int32](0..<10), as: "all")
        #expect(kept.set("a") == nil && kept.set("c") == nil && kept.set("all")?.count == 10)
    }
}
