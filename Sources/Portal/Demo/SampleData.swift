import Foundation

/// A seeded, deterministic generator of French open-data CSV files, for the demo and the import benchmarks.
///
/// The file follows the Opendatasoft CSV conventions: UTF-8, `;` between fields, a header line, one line feed
/// after each row. It has twelve columns of mixed types, as a file a publisher of Occitanie would upload:
///
/// | column | example | type an importer should infer |
/// |---|---|---|
/// | `id` | `1` | int |
/// | `commune` | `Saint-Étienne-de-Gourgas` | text |
/// | `departement` | `09` | text (codes with leading zeros) |
/// | `code_insee` | `09122` | text |
/// | `montant` | `1234,50` | double (French decimal comma) |
/// | `effectif` | `42` | int |
/// | `date_creation` | `05/03/2019` | date |
/// | `date_maj` | `2024-03-05T14:30:00+01:00` | datetime |
/// | `accessible` | `oui` / `non` | boolean |
/// | `geo_point_2d` | `43.61100,3.87700` | geo_point_2d (in Occitanie) |
/// | `categorie` | `Santé` (8 values) | text, a good facet |
/// | `description` | 5 to 15 French words | text, for full-text search |
///
/// The same seed gives the same bytes on every machine: values come from ``SplitMix64`` through integer
/// arithmetic only. Writing streams through one buffer of about 1 MB, so memory does not grow with `rows`.
///
/// ```swift
/// try SampleData(seed: 42).write(rows: 1_000_000, toFile: "sample.csv")
/// ```
public struct SampleData: Sendable {
    /// The column names, in file order.
    public static let header = [
        "id", "commune", "departement", "code_insee", "montant", "effectif", "date_creation", "date_maj", "accessible",
        "geo_point_2d", "categorie", "description",
    ]

    /// Bytes gathered before each write.
    static let chunkSize = 1 << 20

    /// The seed of the pseudo-random stream.
    public var seed: UInt64
    /// Whether the file starts with a UTF-8 byte-order mark, as Opendatasoft exports do.
    public var byteOrderMark: Bool

    public init(seed: UInt64 = 42, byteOrderMark: Bool = false) {
        self.seed = seed
        self.byteOrderMark = byteOrderMark
    }

    /// Produces the header and `rows` rows in chunks of about ``chunkSize`` bytes, handing each to `sink`.
    /// The chunk is only valid during the call.
    public func generate(rows: Int, _ sink: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(Self.chunkSize + 4096)
        if byteOrderMark { out.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        out.append(contentsOf: Self.header.joined(separator: ";").utf8)
        out.append(UInt8(ascii: "\n"))
        var writer = SampleRowWriter(seed: seed)
        var id = 1
        while id <= rows {
            writer.appendRow(id: id, to: &out)
            if out.count >= Self.chunkSize {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
            id += 1
        }
        if !out.isEmpty { try sink(out) }
    }

    /// Writes the header and `rows` rows to an open file handle (a file, a pipe, standard output).
    public func write(rows: Int, to handle: FileHandle) throws {
        try generate(rows: rows) { chunk in try handle.write(contentsOf: chunk) }
    }

    /// Writes the header and `rows` rows to the file at `path`, created or truncated.
    public func write(rows: Int, toFile path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SampleDataError(reason: "cannot create \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try write(rows: rows, to: handle)
    }

    /// The whole file in memory; meant for small `rows` (tests, previews).
    public func csv(rows: Int) -> [UInt8] {
        var all: [UInt8] = []
        generate(rows: rows) { all.append(contentsOf: $0) }
        return all
    }
}

/// Why ``SampleData`` could not write its file.
public struct SampleDataError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { reason }
}
