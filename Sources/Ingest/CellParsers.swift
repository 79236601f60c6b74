import Vocabulary

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

typealias Bytes = UnsafeBufferPointer<UInt8>

/// Byte-level recognisers for cell values. None allocates on the common path.
enum CellParsers {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// A strict integer: optional `-`, digits, fits Int64 (from -9223372036854775808 to 9223372036854775807; the
    /// value is built with the sign, so the smallest one fits too). `leadingZero` is true for codes like `09`.
    static func parseInt(_ b: Bytes) -> (value: Int64, leadingZero: Bool)? {
        let n = b.count
        guard n > 0 else { return nil }
        var i = 0
        let negative = b[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        guard i < n else { return nil }
        let leadingZero = b[i] == UInt8(ascii: "0") && n - i > 1
        var value: Int64 = 0
        while i < n {
            let digit = b[i] &- 0x30
            guard digit < 10 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) =
                negative ? times.subtractingReportingOverflow(Int64(digit)) : times.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        return (value, leadingZero)
    }

    /// The shape of a decimal number: which separator it uses, if any.
    enum NumberShape { case integer, dot, comma }

    /// A strict decimal: `-`? digits (`.` or `,` digits)? exponent?; integer part without a leading zero
    /// unless it is `0` itself.
    static func numberShape(_ b: Bytes) -> NumberShape? {
        let n = b.count
        var i = 0
        if n > 0 && b[0] == UInt8(ascii: "-") { i = 1 }
        let intStart = i
        while i < n && isDigit(b[i]) { i += 1 }
        let intDigits = i - intStart
        if intDigits > 1 && b[intStart] == UInt8(ascii: "0") { return nil }
        var shape = NumberShape.integer
        if i < n && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
            shape = b[i] == UInt8(ascii: ".") ? .dot : .comma
            i += 1
            let fracStart = i
            while i < n && isDigit(b[i]) { i += 1 }
            guard i > fracStart else { return nil }
        } else if intDigits == 0 {
            return nil
        }
        if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            let expStart = i
            while i < n && isDigit(b[i]) { i += 1 }
            guard i > expStart else { return nil }
            if shape == .integer { shape = .dot }
        }
        return i == n ? shape : nil
    }

    /// Parses a decimal written with `.` or `,` (leading zeros accepted), via `strtod` on a stack copy.
    static func parseDouble(_ b: Bytes) -> Double? {
        var start = 0
        var end = b.count
        while start < end && b[start] == 0x20 { start += 1 }
        while end > start && b[end - 1] == 0x20 { end -= 1 }
        let n = end - start
        guard n > 0, n < 64 else { return nil }
        var sawDigit = false
        for k in start..<end {
            let byte = b[k]
            if isDigit(byte) { sawDigit = true; continue }
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "e"),
                UInt8(ascii: "E"):
                continue
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        if let fast = fastDouble(UnsafeBufferPointer(rebasing: b[start..<end])) { return fast }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { text -> Double? in
            for k in 0..<n {
                let byte = b[start + k]
                text[k] = CChar(bitPattern: byte == UInt8(ascii: ",") ? UInt8(ascii: ".") : byte)
            }
            text[n] = 0
            guard let base = text.baseAddress else { return nil }
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &endPointer)
            guard let endPointer, endPointer == base + n, value.isFinite else { return nil }
            return value
        }
    }

    private static let powersOfTen: [Double] = (0...22).map { k in
        var value = 1.0
        for _ in 0..<k { value *= 10 }
        return value
    }

    /// Exact conversion of `-?digits([.,]digits)?` with at most 15 significant digits (Clinger's fast path:
    /// both the mantissa and the power of ten are exact doubles, so one division rounds correctly).
    @inline(__always) static func fastDouble(_ b: Bytes) -> Double? {
        var i = 0
        let n = b.count
        let negative = n > 0 && b[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        while i < n {
            let byte = b[i]
            let digit = byte &- 0x30
            if digit < 10 {
                mantissa = mantissa &* 10 &+ Int64(digit)
                digits += 1
                if inFraction { fractionDigits += 1 }
            } else if !inFraction && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")) {
                inFraction = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, digits <= 15 else { return nil }
        let value = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -value : value
    }

    /// `true`/`false`, `vrai`/`faux`, `oui`/`non`, `yes`/`no`, any case.
    static func parseBool(_ b: Bytes) -> Bool? {
        guard b.count >= 2, b.count <= 5 else { return nil }
        var word: UInt64 = 0
        for byte in b {
            guard byte < 0x80 else { return nil }
            word = word << 8 | UInt64(byte | 0x20)
        }
        switch word {
        case 0x7472_7565, 0x7672_6169, 0x6F75_69, 0x7965_73: return true  // true vrai oui yes
        case 0x66_616C_7365, 0x6661_7578, 0x6E6F_6E, 0x6E6F: return false  // false faux non no
        default: return nil
        }
    }

    static func number(_ b: Bytes, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var value = 0
        for k in start..<(start + count) {
            let digit = b[k] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// A calendar date: `yyyy-mm-dd`, or `dd/mm/yyyy` (day and month may have one digit).
    /// Returns the date and how many bytes it took.
    static func parseDatePrefix(_ b: Bytes) -> (CivilDate, Int)? {
        if b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = number(b, 0, 4), let m = number(b, 5, 2), let d = number(b, 8, 2)
        {
            let date = CivilDate(year: y, month: m, day: d)
            return date.isValid ? (date, 10) : nil
        }
        var i = 0
        var parts: [Int] = []
        for width in [2, 2, 4] {
            var digits = 0
            var value = 0
            while i < b.count, digits < width, isDigit(b[i]) {
                value = value * 10 + Int(b[i] &- 0x30)
                digits += 1
                i += 1
            }
            guard digits == width || (width == 2 && digits == 1) else { return nil }
            parts.append(value)
            if parts.count < 3 {
                guard i < b.count, b[i] == UInt8(ascii: "/") else { return nil }
                i += 1
            }
        }
        let date = CivilDate(year: parts[2], month: parts[1], day: parts[0])
        return date.isValid ? (date, i) : nil
    }

    static func parseDate(_ b: Bytes) -> CivilDate? {
        guard let (date, used) = parseDatePrefix(b), used == b.count else { return nil }
        return date
    }

    /// A date followed by `T` or a space and `HH:MM[:SS[.fff]]`, then `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (UTC).
    static func parseDateTime(_ b: Bytes) -> DateTime? {
        guard let (date, used) = parseDatePrefix(b), used < b.count else { return nil }
        var i = used
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") else { return nil }
        i += 1
        guard let hour = number(b, i, 2), i + 2 < b.count, b[i + 2] == UInt8(ascii: ":"),
            let minute = number(b, i + 3, 2)
        else { return nil }
        i += 5
        var second = 0
        var fraction = ""
        if i < b.count && b[i] == UInt8(ascii: ":") {
            guard let s = number(b, i + 1, 2) else { return nil }
            second = s
            i += 3
            if i < b.count && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                let start = i + 1
                i = start
                while i < b.count && isDigit(b[i]) { i += 1 }
                guard i > start, i - start <= 9 else { return nil }
                fraction = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            }
        }
        guard hour < 24 || (hour == 24 && minute == 0 && second == 0), minute < 60, second < 61 else { return nil }
        var offset = 0
        if i < b.count {
            let sign = b[i]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                i += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let oh = number(b, i + 1, 2), oh <= 18 else { return nil }
                i += 3
                var om = 0
                if i < b.count {
                    if b[i] == UInt8(ascii: ":") { i += 1 }
                    guard let m = number(b, i, 2), m < 60 else { return nil }
                    om = m
                    i += 2
                }
                offset = (oh * 60 + om) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let dateTime = DateTime(
            date: date, hour: hour, minute: minute, second: second, fraction: fraction, offsetMinutes: offset)
        return dateTime.isInStorableRange ? dateTime : nil
    }

    /// `"lat,lon"` or `"lat, lon"` (also `;` or space between) with lat in [-90, 90] and lon in [-180, 180].
    static func parsePoint(_ b: Bytes) -> GeoPoint? {
        guard b.count >= 3, b.count < 80 else { return nil }
        var split = -1
        for k in 0..<b.count where b[k] == UInt8(ascii: ",") || b[k] == UInt8(ascii: ";") {
            guard split < 0 else { return nil }
            split = k
        }
        guard split > 0, split < b.count - 1,
            let lat = parseDouble(UnsafeBufferPointer(rebasing: b[0..<split])),
            let lon = parseDouble(UnsafeBufferPointer(rebasing: b[(split + 1)...])),
            (-90.0...90.0).contains(lat), (-180.0...180.0).contains(lon)
        else { return nil }
        return GeoPoint(lat: lat, lon: lon)
    }

    static func firstNonSpace(_ b: Bytes) -> UInt8? {
        for byte in b where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return byte }
        return nil
    }
}
