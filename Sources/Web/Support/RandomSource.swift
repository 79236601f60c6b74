import Synchronization

/// Where tokens and keys get their randomness.
///
/// Production uses the system's cryptographically secure generator; tests inject a seeded one
/// so that they are deterministic.
public struct RandomSource: Sendable {
    private let index: @Sendable (Int) -> Int

    /// - Parameter index: returns a uniformly random integer in `0..<bound`.
    public init(index: @escaping @Sendable (Int) -> Int) {
        self.index = index
    }

    /// The operating system's CSPRNG (`getrandom` on Linux).
    public static let system = RandomSource { bound in Int.random(in: 0..<bound) }

    /// A deterministic source for tests. Never use it to serve real visitors.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        let state = Mutex(seed)
        return RandomSource { bound in
            let value = state.withLock { state -> UInt64 in
                // SplitMix64.
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            return Int(value % UInt64(bound))
        }
    }

    /// A string of `length` characters drawn uniformly from `alphabet`.
    public func string(length: Int, alphabet: [UInt8]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for _ in 0..<length { bytes.append(alphabet[index(alphabet.count)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `count` random bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(index(256)) }
    }
}

/// Character sets of the tokens Django defines.
public enum TokenAlphabet {
    /// Python's `ascii_letters + digits`, in that order: the CSRF alphabet. The order matters
    /// for masking.
    public static let csrf = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    /// `ascii_lowercase + digits`: session keys.
    public static let session = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
}
