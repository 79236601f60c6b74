import Vocabulary

/// A pull-based source of raw records, whatever the file format.
protocol RowSource: AnyObject {
    /// Loads the next record into ``row``; false at the end.
    func next() throws(IngestError) -> Bool
    var row: RawRow { get }
    var bytesRead: Int { get }
    var totalBytes: Int { get }
}

extension CSVParser: RowSource {}

/// Turns JSON records (objects, or GeoJSON features) into raw rows, one cell per key.
/// During detection it discovers keys in order of first appearance; when reading, the keys are fixed.
final class JSONRowSource: RowSource {
    /// The internal key of a GeoJSON feature's geometry (not a valid JSON property name in practice).
    static let geometryKey = "\u{0}geometry"

    private let records: JSONRecordStream
    private let geoJSON: Bool
    private let discovers: Bool
    private let maxColumns: Int
    private(set) var keys: [String]
    private var index: [String: Int]
    private var scratch: [UInt8] = []
    private var slots: [Range<Int>?] = []
    private(set) var row = RawRow()

    var bytesRead: Int { records.bytesRead }
    var totalBytes: Int { records.totalBytes }

    init(records: JSONRecordStream, geoJSON: Bool, keys: [String]?, maxColumns: Int) {
        self.records = records
        self.geoJSON = geoJSON
        self.discovers = keys == nil
        self.maxColumns = maxColumns
        let initial = keys ?? (geoJSON ? [Self.geometryKey] : [])
        self.keys = initial
        var index: [String: Int] = [:]
        for (k, key) in initial.enumerated() { index[key] = k }
        self.index = index
    }

    func next() throws(IngestError) -> Bool {
        guard let value = try records.next() else { return false }
        let number = records.count
        scratch.removeAll(keepingCapacity: true)
        for k in slots.indices { slots[k] = nil }
        if geoJSON {
            try feature(value, number: number)
        } else {
            guard case .object(let members) = value else {
                throw .notArrayOfObjects(record: number, found: value.kindDescription)
            }
            try store(members)
        }
        row.reset()
        row.line = number
        for k in 0..<keys.count {
            if k < slots.count, let range = slots[k] {
                row.append(cell: scratch[range])
            } else {
                row.ends.append(row.bytes.count)
            }
        }
        return true
    }

    private func feature(_ value: JSONValue, number: Int) throws(IngestError) {
        guard case .object = value, case .string("Feature")? = value["type"] else {
            throw .invalidGeoJSON(reason: "feature \(number) is not an object of type \"Feature\"")
        }
        switch value["properties"] {
        case .object(let members)?: try store(members)
        case .null?, nil: break
        case let other?: throw .invalidGeoJSON(reason: "the properties of feature \(number) are \(other.kindDescription)")
        }
        switch value["geometry"] {
        case .null?, nil: break
        case let geometry?:
            do {
                let shape = try Geometry(geoJSON: geometry)
                let start = scratch.count
                shape.write(to: &scratch)
                set(0, start..<scratch.count)
            } catch {
                throw .invalidGeometry(feature: number, reason: error.reason)
            }
        }
    }

    private func store(_ members: [JSONValue.Member]) throws(IngestError) {
        for member in members {
            var column = index[member.key]
            if column == nil && discovers {
                guard keys.count < maxColumns + (geoJSON ? 1 : 0) else {
                    throw .tooManyColumns(count: keys.count + 1, limit: maxColumns)
                }
                column = keys.count
                index[member.key] = keys.count
                keys.append(member.key)
            }
            guard let column else { continue }
            let start = scratch.count
            switch member.value {
            case .null: continue
            case .bool(let flag): scratch.append(contentsOf: (flag ? "true" : "false").utf8)
            case .number(let text): scratch.append(contentsOf: text.utf8)
            case .string(let text): scratch.append(contentsOf: text.utf8)
            case .array, .object: member.value.write(to: &scratch)
            }
            set(column, start..<scratch.count)
        }
    }

    private func set(_ column: Int, _ range: Range<Int>) {
        while slots.count <= column { slots.append(nil) }
        slots[column] = range
    }
}
