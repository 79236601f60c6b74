/// Django's CSRF token scheme, byte for byte.
///
/// The `csrftoken` cookie holds a 32-character secret. Every form gets a fresh 64-character
/// token: a random 32-character mask followed by the secret "added" to the mask character by
/// character in the 62-character alphabet. A new mask per page defeats BREACH-style compression
/// attacks, and a Django tool that unmasks tokens recovers the same secret.
public enum CSRFToken {
    public static let secretLength = 32
    public static let maskedLength = 64
    private static let alphabet = TokenAlphabet.csrf

    /// A new secret for the cookie.
    public static func newSecret(random: RandomSource) -> String {
        random.string(length: secretLength, alphabet: alphabet)
    }

    /// A fresh masked token for `secret`.
    public static func mask(_ secret: String, random: RandomSource) -> String {
        let mask = Array(random.string(length: secretLength, alphabet: alphabet).utf8)
        let secretIndexes = Array(secret.utf8).compactMap(index(of:))
        let maskIndexes = mask.compactMap(index(of:))
        let cipher = zip(secretIndexes, maskIndexes).map { alphabet[($0 + $1) % alphabet.count] }
        return String(decoding: mask + cipher, as: UTF8.self)
    }

    /// The secret inside a 64-character masked token. The format must have been checked.
    public static func unmask(_ token: String) -> String {
        let bytes = Array(token.utf8)
        let mask = bytes.prefix(secretLength).compactMap(index(of:))
        let cipher = bytes.dropFirst(secretLength).compactMap(index(of:))
        let secret = zip(cipher, mask).map { alphabet[($0 - $1 + alphabet.count) % alphabet.count] }
        return String(decoding: secret, as: UTF8.self)
    }

    /// Django's `_check_token_format`: nil when `token` is a well-formed secret or masked token,
    /// else the reason fragment, "has incorrect length" or "has invalid characters".
    public static func formatProblem(_ token: String) -> String? {
        // Django counts characters, not bytes.
        let length = token.unicodeScalars.count
        guard length == secretLength || length == maskedLength else { return "has incorrect length" }
        guard token.utf8.allSatisfy({ index(of: $0) != nil }) else { return "has invalid characters" }
        return nil
    }

    /// Whether a well-formed request token (masked or not) carries `secret`, in constant time.
    public static func matches(_ token: String, secret: String) -> Bool {
        let candidate = token.utf8.count == maskedLength ? unmask(token) : token
        return constantTimeEquals(candidate, secret)
    }

    private static func index(of byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 52
        default: nil
        }
    }
}

/// Compares two secrets in time that depends only on their length, not on where they differ.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for (p, q) in zip(x, y) { difference |= p ^ q }
    return difference == 0
}
