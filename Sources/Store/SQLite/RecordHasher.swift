import Crypto
import Ingest
import Vocabulary

/// Gives each record a stable id: a hash of the dataset id and the record's values, so that the
/// same row keeps its `/records/{record_id}` across re-imports.
///
/// It runs on the parsing thread, beside the parser, so that the thread writing to SQLite only binds.
struct RecordHasher {
    let datasetID: String
    let types: [FieldType]
    private var input: [UInt8] = []

    init(datasetID: String, types: [FieldType]) {
        self.datasetID = datasetID
        self.types = types
    }

    /// 40 hexadecimal characters, like Opendatasoft's record ids.
    mutating func id(of row: [Value]) -> String {
        input.removeAll(keepingCapacity: true)
        input.append(contentsOf: datasetID.utf8)
        for index in types.indices {
            input.append(0x1F)
            feed(index < row.count ? row[index] : .null)
        }
        let digest = SHA256.hash(data: input)
        return String(unsafeUninitializedCapacity: 40) { buffer in
            var position = 0
            for byte in digest.prefix(20) {
                buffer[position] = Self.hexDigits[Int(byte >> 4)]
                buffer[position + 1] = Self.hexDigits[Int(byte & 0x0F)]
                position += 2
            }
            return 40
        }
    }

    private mutating func feed(_ value: Value) {
        switch value {
        case .null: break
        case .text(let text), .date(let text), .datetime(let text), .json(let text): input.append(contentsOf: text.utf8)
        case .int(let number): withUnsafeBytes(of: number) { input.append(contentsOf: $0) }
        case .double(let number): withUnsafeBytes(of: number.bitPattern) { input.append(contentsOf: $0) }
        case .bool(let flag): input.append(flag ? 0x31 : 0x30)
        case .geoPoint(let point):
            withUnsafeBytes(of: point.lat.bitPattern) { input.append(contentsOf: $0) }
            withUnsafeBytes(of: point.lon.bitPattern) { input.append(contentsOf: $0) }
        case .geoShape(let shape): input.append(contentsOf: shape.geoJSON.utf8)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// Counts the distinct values of each text field while the file is read, up to a cap, so that
/// facets are decided without scanning the table again.
struct DistinctTally {
    /// Above this many distinct values a text field is not a facet.
    static let cap = 200
    private let indexes: [Int]
    /// One set per tallied field; nil once the field went over the cap.
    private var seen: [Set<String>?]

    /// Tallies the fields at `indexes` (text fields).
    init(indexes: [Int]) {
        self.indexes = indexes
        seen = Array(repeating: [], count: indexes.count)
    }

    mutating func add(_ row: [Value]) {
        for slot in indexes.indices where seen[slot] != nil && indexes[slot] < row.count {
            guard case .text(let text) = row[indexes[slot]] else { continue }
            seen[slot]!.insert(text)
            if seen[slot]!.count > Self.cap { seen[slot] = nil }
        }
    }

    /// The number of distinct non-null values of the field at `index`, or nil above the cap.
    func count(at index: Int) -> Int? {
        indexes.firstIndex(of: index).flatMap { seen[$0]?.count }
    }
}
