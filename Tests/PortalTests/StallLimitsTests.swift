import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import Testing

@testable import Portal

/// The limits that keep slow or expensive clients from stalling the portal: login reservations and checks,
/// export slots, and the catalog table built once per version.
@Suite struct StallLimitsTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func parallelReservationsNeverExceedTheAccountLimit() async {
        let throttle = LoginThrottle()
        let now = self.now
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for number in 0..<200 {
                group.addTask {
                    if case .admitted = throttle.reserve(account: "Alice", client: "10.0.0.\(number % 7)", now: now) {
                        return true
                    }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 5)
        #expect(throttle.lockedUntil(account: "alice", client: "10.9.9.9", now: now) == now.addingTimeInterval(15 * 60))
    }

    @Test func aClientIsLimitedWhateverTheAccounts() {
        let throttle = LoginThrottle()
        let admitted = (0..<50).filter { number in
            if case .admitted = throttle.reserve(account: "user\(number)", client: "10.0.0.1", now: now) { return true }
            return false
        }
        #expect(admitted.count == 20)
    }

    @Test func aSuccessForgivesTheAccountAndItsOwnAttempt() {
        let throttle = LoginThrottle()
        for _ in 0..<4 { _ = throttle.reserve(account: "alice", client: "10.0.0.1", now: now) }
        guard case .admitted(let reservation) = throttle.reserve(account: "alice", client: "10.0.0.1", now: now) else {
            Issue.record("the fifth attempt is admitted")
            return
        }
        #expect(throttle.lockedUntil(account: "alice", client: "10.0.0.2", now: now) != nil)
        throttle.release(reservation)
        #expect(throttle.lockedUntil(account: "alice", client: "10.0.0.2", now: now) == nil)
        // The client keeps its four failures: sixteen more attempts lock it.
        let more = (0..<20).filter { number in
            if case .admitted = throttle.reserve(account: "other\(number)", client: "10.0.0.1", now: now) { return true }
            return false
        }
        #expect(more.count == 16)
    }

    @Test func failuresExpireWithTheirWindowAndTheirNumberIsBounded() {
        var limits = LoginThrottle.Limits()
        limits.remembered = 10
        let throttle = LoginThrottle(limits: limits)
        for _ in 0..<5 { _ = throttle.reserve(account: "alice", client: "10.0.0.1", now: now) }
        #expect(throttle.lockedUntil(account: "alice", client: "10.0.0.2", now: now.addingTimeInterval(899)) != nil)
        #expect(throttle.lockedUntil(account: "alice", client: "10.0.0.2", now: now.addingTimeInterval(901)) == nil)
        for _ in 0..<5 { _ = throttle.reserve(account: "alice", client: "10.0.0.1", now: now) }
        // Ten failures of other accounts from other addresses push Alice's five out of memory.
        for number in 0..<5 { _ = throttle.reserve(account: "user\(number)", client: "10.1.0.\(number)", now: now) }
        #expect(throttle.lockedUntil(account: "alice", client: "10.0.0.2", now: now) == nil)
        #expect(throttle.rememberedFailures <= 10)
    }

    @Test func passwordChecksAreCappedPerAccountAndOverall() async {
        var limits = LoginThrottle.Limits()
        limits.checksPerAccount = 1
        limits.checksOverall = 2
        limits.checkWait = .milliseconds(30)
        let throttle = LoginThrottle(limits: limits)
        #expect(await throttle.enterCheck(account: "alice"))
        #expect(await !throttle.enterCheck(account: "ALICE"))
        #expect(await throttle.enterCheck(account: "bob"))
        #expect(await !throttle.enterCheck(account: "carol"))
        #expect(throttle.runningChecks(account: "alice") == (1, 2))
        throttle.leaveCheck(account: "alice")
        #expect(await throttle.enterCheck(account: "carol"))
        #expect(await !throttle.enterCheck(account: "alice"))
    }

    @Test func exportSlotsAreBoundedAndComeBackHoweverAnExportEnds() async {
        let slots = ExportSlots(capacity: 2, wait: .milliseconds(30))
        let first = await slots.enter()
        var second = await slots.enter()
        #expect(first != nil && second != nil)
        #expect(await slots.enter() == nil)
        #expect(slots.inUse == 2)
        first?.release()
        first?.release()
        #expect(slots.inUse == 1)
        second = nil  // a response dropped before its body ran
        #expect(second == nil && slots.inUse == 0)
        #expect(ExportSlots.defaultCapacity(readers: 5) == 3)
        #expect(ExportSlots.defaultCapacity(readers: 2) == 1)
        let busy = slots.busyResponse()
        #expect(busy.status == .serviceUnavailable && busy.headers[.retryAfter] == "10")
    }

    @Test func theCatalogTableIsBuiltOncePerVersion() async throws {
        let tables = CatalogTables()
        let builds = Atomic(0)
        let build: @Sendable () async throws -> CatalogTable = {
            builds.add(1, ordering: .relaxed)
            return try CatalogTable([], language: "fr")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try await tables.table(version: 7, language: "fr", includingPrivate: false, build: build) }
            }
            try await group.waitForAll()
        }
        #expect(builds.load(ordering: .relaxed) == 1)
        _ = try await tables.table(version: 7, language: "en", includingPrivate: false, build: build)
        _ = try await tables.table(version: 7, language: "fr", includingPrivate: true, build: build)
        #expect(builds.load(ordering: .relaxed) == 3 && tables.count == 3)
        _ = try await tables.table(version: 8, language: "fr", includingPrivate: false, build: build)
        #expect(builds.load(ordering: .relaxed) == 4 && tables.count == 1)
    }

    @Test func aFailedBuildIsForgotten() async throws {
        struct Broken: Error {}
        let tables = CatalogTables()
        await #expect(throws: Broken.self) {
            _ = try await tables.table(version: 1, language: "fr", includingPrivate: false) { throw Broken() }
        }
        #expect(tables.count == 0)
        _ = try await tables.table(version: 1, language: "fr", includingPrivate: false) { try CatalogTable([], language: "fr") }
        #expect(tables.count == 1)
    }
}
