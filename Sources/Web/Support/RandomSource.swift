import Synchronization

/// Where tokens and keys get their randomness.
///
/// Production uses the system's cryptographically secure generator; tests inject a seeded one
/// so that they are deterministic.
public struct RandomSource: Sendable {
    private let index: @Sendable (Int) -> Int
    /// Fills a buffer with uniformly random bytes at once, when the source can: a token then costs a few system
    /// calls, not one per letter.
    private let fill: (@Sendable (UnsafeMutableRawBufferPointer) -> Void)?

    /// - Parameter index: returns a uniformly random integer in `0..<bound`.
    public init(index: @escaping @Sendable (Int) -> Int) {
        self.index = index
        fill = nil
    }

    private init(index: @escaping @Sendable (Int) -> Int, fill: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) {
        self.index = index
        self.fill = fill
    }

    /// The operating system's CSPRNG (`getrandom` on Linux).
    public static let system = RandomSource(index: { bound in Int.random(in: 0..<bound) }, fill: systemFill)

    /// Eight bytes per draw of the system generator (one `getrandom` call each), not one draw per letter.
    private static func systemFill(_ buffer: UnsafeMutableRawBufferPointer) {
        var generator = SystemRandomNumberGenerator()
        var offset = 0
        while offset < buffer.count {
            var word = generator.next()
            let count = min(8, buffer.count - offset)
            withUnsafeBytes(of: &word) { bytes in
                for index in 0..<count { buffer[offset + index] = bytes[index] }
            }
            offset += count
        }
    }

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
        if let fill, !alphabet.isEmpty, alphabet.count <= 256 {
            // Bytes at or above the largest multiple of the alphabet's size are dropped, so each letter is equally likely.
            let limit = 256 - 256 % alphabet.count
            var drawn = [UInt8](repeating: 0, count: length + length / 4 + 8)
            while bytes.count < length {
                drawn.withUnsafeMutableBytes(fill)
                for byte in drawn where Int(byte) < limit && bytes.count < length {
                    bytes.append(alphabet[Int(byte) % alphabet.count])
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
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
