import Hummingbird
import Web

extension APIParameters {
    /// Refuses a query string whose percent-escapes do not decode to valid UTF-8 (`%FF`, a lone `%C3`, an
    /// encoded surrogate), naming the parameter, rather than reading it with replacement characters.
    static func checkEncoding(of request: Request) throws {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            for part in parts where String(validating: percentDecoded(part), as: UTF8.self) == nil {
                let name = String(decoding: percentDecoded(parts[0]), as: UTF8.self)
                throw APIError(
                    status: .badRequest, code: "InvalidRESTParameterError",
                    message: "Invalid value for \(name.prefix(100)) API parameter: its percent-escapes are not valid UTF-8."
                )
            }
        }
    }

    /// The bytes of a form-encoded component: `+` is a space, `%XX` a byte; a malformed escape stays as it is.
    private static func percentDecoded(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = FormData.hexValue(bytes[index + 1]), let low = FormData.hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return decoded
    }
}
