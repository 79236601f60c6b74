import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks passwords with bcrypt at cost 12, off the event loops.
public struct PasswordHasher: Sendable {
    public static let minimumLength = 12
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks `password` against `hash`; with no hash (unknown user) it still spends the same
    /// time, so response times do not reveal which usernames exist.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? Self.decoy
        let valid = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return valid && hash != nil
    }

    private static let decoy = Bcrypt.hash("garona-decoy-password", cost: 12)
}
