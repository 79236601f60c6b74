import Crypto
import Foundation
import Synchronization

/// Writes and reads the value of the `cookies_preferences` cookie.
///
/// The value is `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`, where the
/// payload is `1|<policy version>|<unix time>|<categories>|<services>`, where an objection to a category that runs
/// without consent is written among the categories with a leading `-` (`-audience_measurement`). Only characters allowed
/// in a cookie value appear. A value that was tampered with, that was made under another policy
/// version, that is older than the cookie's lifetime or that comes from the future decodes to
/// nil: it counts as no choice, never as an error.
public struct ConsentCodec: Sendable {
    /// How long a choice is valid: six months, the CNIL's good practice.
    public static let lifetime: TimeInterval = 15_552_000
    private static let formatVersion = "1"
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// Payloads of values whose signature was already checked: a visitor sends the same value on every request,
    /// and checking it (base64, HMAC) is most of the cost of reading it. Policy and age are checked every time.
    private let verified = VerifiedPayloads()

    /// - Parameter secret: the instance secret. A purpose-specific key is derived from it.
    public init(secret: some DataProtocol) {
        let master = SymmetricKey(data: Data(secret))
        var hmac = HMAC<SHA256>(key: master)
        hmac.update(data: Data("garona.cookies_preferences".utf8))
        self.keyBytes = Array(hmac.finalize())
    }

    /// The cookie value for `choice`.
    public func encode(_ choice: ConsentChoice) -> String {
        let categories = (choice.categories.sorted().map(\.rawValue) + choice.objections.sorted().map { "-" + $0.rawValue })
            .joined(separator: ",")
        let services = choice.services.sorted().joined(separator: ",")
        let seconds = Int(choice.date.timeIntervalSince1970)
        let payload = Data(
            [Self.formatVersion, choice.policyVersion, String(seconds), categories, services].joined(separator: "|").utf8
        )
        let signature = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Data(signature))
    }

    /// The choice stored in `value`, or nil when it is not a valid, current choice.
    public func decode(_ value: String, policyVersion: String, now: Date) -> ConsentChoice? {
        guard value.utf8.count <= 1024, let text = verified.payload(of: value, verify: verifiedPayload) else { return nil }
        let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, fields[0] == Self.formatVersion, fields[1] == policyVersion,
            let seconds = Int(fields[2])
        else { return nil }
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let age = now.timeIntervalSince(date)
        guard age >= -300, age <= Self.lifetime else { return nil }
        var categories = Set<CookieCategory>()
        var objections = Set<CookieCategory>()
        for name in fields[3].split(separator: ",") {
            if name.hasPrefix("-") {
                guard let category = CookieCategory(rawValue: String(name.dropFirst())), category.allowsObjection else {
                    return nil
                }
                objections.insert(category)
                continue
            }
            guard let category = CookieCategory(rawValue: String(name)) else { return nil }
            categories.insert(category)
        }
        let services = Set(fields[4].split(separator: ",").map(String.init))
        return ConsentChoice(
            policyVersion: policyVersion, date: date, categories: categories, services: services, objections: objections)
    }
}

extension ConsentCodec {
    /// The payload text of `value` when its signature is valid.
    fileprivate func verifiedPayload(_ value: String) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let payload = Base64URL.decode(String(parts[0])),
            let signature = Base64URL.decode(String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key)
        else { return nil }
        return String(data: payload, encoding: .utf8)
    }
}

/// Cookie values already verified, with their payload; bounded, emptied when full. Only valid values are kept, so
/// forged ones cannot fill it faster than real visitors do.
private final class VerifiedPayloads: Sendable {
    private static let capacity = 4096
    private let payloads = Mutex<[String: String]>([:])

    func payload(of value: String, verify: (String) -> String?) -> String? {
        if let known = payloads.withLock({ $0[value] }) { return known }
        guard let payload = verify(value) else { return nil }
        payloads.withLock { payloads in
            if payloads.count >= Self.capacity { payloads.removeAll(keepingCapacity: true) }
            payloads[value] = payload
        }
        return payload
    }
}

/// Base64 with the URL-safe alphabet and no padding, so values fit in a cookie.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        guard text.utf8.allSatisfy({ Self.isAlphabet($0) }) else { return nil }
        var base64 = text.replacing("-", with: "+").replacing("_", with: "/")
        let remainder = base64.utf8.count % 4
        guard remainder != 1 else { return nil }
        if remainder > 0 { base64 += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: base64)
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D
            || byte == 0x5F
    }
}
