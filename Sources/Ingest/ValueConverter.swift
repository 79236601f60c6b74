import Vocabulary

/// Converts cell bytes to typed values. A cell that does not fit the type gives nil.
enum ValueConverter {
    /// Cell bytes without surrounding spaces and tabs.
    @inline(__always) static func trimmed(_ b: Bytes) -> Bytes {
        var start = 0
        var end = b.count
        while start < end, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        if start == 0 && end == b.count { return b }
        return UnsafeBufferPointer(rebasing: b[start..<end])
    }

    static func string(_ b: Bytes) -> String { String(decoding: b, as: UTF8.self) }

    /// A geometry from GeoJSON geometry text, WKT, or (only when `points` is true) `"lat,lon"`.
    static func geometry(_ b: Bytes, points: Bool = false) -> Geometry? {
        switch CellParsers.firstNonSpace(b) {
        case UInt8(ascii: "{")?:
            guard let json = try? JSONParser.parse(b) else { return nil }
            return try? Geometry(geoJSON: json)
        case nil: return nil
        default:
            if Geometry.looksLikeWKT(b), let geometry = try? Geometry(wkt: b) { return geometry }
            if points, let p = CellParsers.parsePoint(b) { return .point(Position(x: p.lon, y: p.lat)) }
            return nil
        }
    }

    /// JSON text that parses, as long as it is an object or an array.
    static func jsonText(_ b: Bytes) -> String? {
        guard let first = CellParsers.firstNonSpace(b), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            return nil
        }
        guard (try? JSONParser.parse(b)) != nil else { return nil }
        return string(b)
    }

    /// The typed value of a non-empty, trimmed cell, or nil when it does not fit `type`.
    static func convert(_ b: Bytes, to type: FieldType) -> Value? {
        switch type {
        case .text:
            return .text(string(b))
        case .int:
            if let parsed = CellParsers.parseInt(b) { return .int(parsed.value) }
            if b.first == UInt8(ascii: "+"), let parsed = CellParsers.parseInt(UnsafeBufferPointer(rebasing: b[1...])) {
                return .int(parsed.value)
            }
            if let d = CellParsers.parseDouble(b), d == d.rounded(), abs(d) < 9.0e18 { return .int(Int64(d)) }
            return nil
        case .double:
            return CellParsers.parseDouble(b).map(Value.double)
        case .boolean:
            if let value = CellParsers.parseBool(b) { return .bool(value) }
            if b.count == 1 && b[0] == UInt8(ascii: "1") { return .bool(true) }
            if b.count == 1 && b[0] == UInt8(ascii: "0") { return .bool(false) }
            return nil
        case .date:
            if let date = CellParsers.parseDate(b) { return .date(date.text) }
            if let dateTime = CellParsers.parseDateTime(b) { return .date(dateTime.date.text) }
            return nil
        case .datetime:
            if let dateTime = CellParsers.parseDateTime(b) { return .datetime(dateTime.utcISO) }
            if let date = CellParsers.parseDate(b) { return .datetime(date.text + "T00:00:00Z") }
            return nil
        case .geoPoint2D:
            if let point = CellParsers.parsePoint(b) { return .geoPoint(point) }
            return geometry(b).map { .geoPoint(GeoPoint($0.centroid)) }
        case .geoShape:
            return geometry(b, points: true).map { .geoShape(GeoShape($0)) }
        case .jsonBlob:
            return jsonText(b).map(Value.json)
        }
    }
}
