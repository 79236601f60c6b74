import Vocabulary

/// The types a column may still have, narrowed cell after cell.
struct TypeSet: OptionSet {
    let rawValue: UInt16
    static let int = TypeSet(rawValue: 1)
    static let dotDouble = TypeSet(rawValue: 2)
    static let commaDouble = TypeSet(rawValue: 4)
    static let boolean = TypeSet(rawValue: 8)
    static let date = TypeSet(rawValue: 16)
    static let datetime = TypeSet(rawValue: 32)
    static let geoPoint = TypeSet(rawValue: 64)
    static let geoShape = TypeSet(rawValue: 128)
    static let json = TypeSet(rawValue: 256)
    static let numbers: TypeSet = [.int, .dotDouble, .commaDouble]
    static let all: TypeSet = [.int, .dotDouble, .commaDouble, .boolean, .date, .datetime, .geoPoint, .geoShape, .json]

    /// The best type among the candidates, in order of precedence; nil means text.
    var best: FieldType? {
        if contains(.int) { return .int }
        if contains(.dotDouble) || contains(.commaDouble) { return .double }
        if contains(.boolean) { return .boolean }
        if contains(.date) { return .date }
        if contains(.datetime) { return .datetime }
        if contains(.geoPoint) { return .geoPoint2D }
        if contains(.geoShape) { return .geoShape }
        if contains(.json) { return .jsonBlob }
        return nil
    }
}

/// Streaming type inference for one column: keeps candidate state, never the values.
struct ColumnInference {
    private(set) var candidates = TypeSet.all
    private(set) var nonEmpty = 0
    private(set) var nulls = 0
    private(set) var minimum = Double.infinity
    private(set) var maximum = -Double.infinity
    /// Why the column fell back to text, written when the last candidate is lost.
    private(set) var reason: String?
    /// Cells that look like numbers, and the first one that does not, to explain a text column of mostly numbers.
    private(set) var numberLike = 0
    private var firstNotNumber: (value: String, line: Int)?
    let tracksRange: Bool
    let label: String

    init(label: String, tracksRange: Bool) {
        self.label = label
        self.tracksRange = tracksRange
    }

    mutating func observeNull() { nulls += 1 }

    /// Narrows the candidates with one trimmed, non-empty cell.
    mutating func observe(_ b: Bytes, line: Int) {
        nonEmpty += 1
        let numberShape = CellParsers.numberShape(b)
        if numberShape != nil {
            numberLike += 1
        } else if firstNotNumber == nil {
            firstNotNumber = (Self.shown(b), line)
        }
        let current = candidates
        if current.isEmpty { return }
        var matched: TypeSet = []
        if !current.isDisjoint(with: .numbers), let shape = numberShape {
            switch shape {
            case .integer:
                matched.formUnion([.dotDouble, .commaDouble])
                if CellParsers.parseInt(b) != nil { matched.insert(.int) }
            case .dot: matched.insert(.dotDouble)
            case .comma: matched.insert(.commaDouble)
            }
            if tracksRange, let value = CellParsers.parseDouble(b) {
                minimum = min(minimum, value)
                maximum = max(maximum, value)
            }
        }
        if current.contains(.boolean), CellParsers.parseBool(b) != nil { matched.insert(.boolean) }
        if !current.isDisjoint(with: [.date, .datetime]) {
            if CellParsers.parseDate(b) != nil {
                matched.formUnion([.date, .datetime])
            } else if CellParsers.parseDateTime(b) != nil {
                matched.insert(.datetime)
            }
        }
        if current.contains(.geoPoint), CellParsers.parsePoint(b) != nil { matched.insert(.geoPoint) }
        if !current.isDisjoint(with: [.geoShape, .json]) {
            matched.formUnion(Self.structured(b, wantShape: current.contains(.geoShape)))
        }
        let remaining = current.intersection(matched)
        if remaining.isEmpty, let lost = current.best {
            reason = Self.explain(value: b, line: line, lost: lost, before: nonEmpty - 1)
        }
        candidates = remaining
    }

    private static func structured(_ b: Bytes, wantShape: Bool) -> TypeSet {
        guard let first = CellParsers.firstNonSpace(b) else { return [] }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            guard let json = try? JSONParser.parse(b) else { return [] }
            if wantShape, first == UInt8(ascii: "{"), (try? Geometry(geoJSON: json)) != nil {
                return [.geoShape, .json]
            }
            return .json
        }
        if wantShape, Geometry.looksLikeWKT(b), (try? Geometry(wkt: b)) != nil { return .geoShape }
        return []
    }

    private static func shown(_ b: Bytes) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[0..<min(b.count, 40)]), as: UTF8.self)
        return b.count > 40 ? text + "…" : text
    }

    /// Why a column lost its last candidate type; nil when its very first value was plain text.
    private static func explain(value b: Bytes, line: Int, lost: FieldType, before: Int) -> String? {
        let shown = shown(b)
        if lost == .int || lost == .double, b.count > 1, b[0] == UInt8(ascii: "0"), b.allSatisfy(CellParsers.isDigit) {
            return "codes with leading zeros such as \"\(shown)\" (line \(line)) are kept as text"
        }
        if before == 0 { return nil }
        return "value \"\(shown)\" (line \(line)) is not \(lost.rawValue) like the \(before) value(s) before it"
    }

    /// The inferred type, and why it is text when it fell back.
    var decision: (type: FieldType, reason: String?) {
        if nonEmpty == 0 { return (.text, "the column is empty") }
        if let best = candidates.best { return (best, nil) }
        if reason == nil, numberLike * 2 >= nonEmpty, let first = firstNotNumber {
            return (.text, "\(numberLike) of \(nonEmpty) values are numbers, but \"\(first.value)\" (line \(first.line)) is not")
        }
        return (.text, reason)
    }

    var usesDecimalComma: Bool { !candidates.contains(.dotDouble) && candidates.contains(.commaDouble) }

    func fits(range: ClosedRange<Double>) -> Bool {
        nonEmpty > 0 && minimum >= range.lowerBound && maximum <= range.upperBound
    }
}

/// Finds latitude/longitude column pairs by name.
enum CoordinatePairs {
    static let pairs: [(String, String)] = [
        ("lat", "lon"), ("lat", "lng"), ("lat", "long"), ("latitude", "longitude"), ("y", "x"),
        ("y_wgs84", "x_wgs84"), ("lat_wgs84", "lon_wgs84"),
    ]

    static func isCoordinateName(_ name: String) -> Bool {
        pairs.contains { $0.0 == name || $0.1 == name }
    }
}
