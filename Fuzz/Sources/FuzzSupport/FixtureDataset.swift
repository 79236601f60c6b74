import Foundation
import Ingest
import ODSQL
import Store
import Synchronization
import Vocabulary

/// A dataset with a column of every field type, published once per fuzzing process into a real SQLite file in a
/// temporary directory, exactly as `garona import` publishes (records table, B-tree indexes, full-text index).
///
/// The rows hold the values that make SQL misbehave when it is not careful: NULLs, the `Int64` extremes, huge
/// and tiny doubles, the first and last representable dates, full-text syntax characters, combining marks.
public enum FixtureDataset {
    /// The dataset's id in the store.
    public static let id = "fixture"

    /// The fields, named as in the ODSQL tests' fixtures so that their queries are meaningful seeds.
    public static let fieldTypes: [(name: String, type: FieldType)] = [
        ("nom", .text), ("commune", .text), ("code", .text), ("population", .int), ("capacity", .int),
        ("price", .double), ("open", .boolean), ("date", .date), ("updated", .datetime), ("geo", .geoPoint2D),
        ("shape", .geoShape), ("extra", .jsonBlob), ("tags", .text),
    ]

    /// The records, `;`-separated, one line each.
    static let rows = [
        #"Toulouse-Matabiau;Toulouse;31555;493465;1200;12.5;true;2021-05-06;2021-05-06T12:34:55Z;43.611,1.453;"POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))";"{""a"":1,""b"":[1,2]}";a,b"#,
        #"Gare d'Albi-Ville;Albi;81004;49000;-5;0.1;false;1970-01-01;1970-01-01T00:00:00+02:00;43.92,2.14;"POINT(2.14 43.92)";"[]";b"#,
        #"Foix;Foix;09122;9223372036854775807;9223372036854775807;1.7976931348623157e308;1;0001-01-01;0001-01-01T00:00:00Z;90,180;"LINESTRING(0 0, 180 90)";"{}";"#,
        #"Rodez;Rodez;12202;-9223372036854775808;-9223372036854775808;-1.7976931348623157e308;0;9999-12-31;9999-12-31T23:59:59Z;-90,-180;"MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))";"null";c"#,
        #""AND OR NOT * "" ^ : ( ) NEAR";"E\#u{301}tampes \#u{600}<";"'; DROP TABLE x; --";0;0;5e-324;true;2024-02-29;2024-02-29T23:59:59.999+14:00;0,0;;"{""nested"":{""deep"":[[[]]]}}";"x,y,z""#,
        #";;;;;;;;;;;;"#,
        #"Perpignan;Perpignan;66136;1;2;-0.0;false;2000-01-01;2000-01-01T00:00:00-12:00;42.69,2.88;"POLYGON((2 42, 3 42, 3 43, 2 43, 2 42), (2.2 42.2, 2.8 42.2, 2.8 42.8, 2.2 42.8, 2.2 42.2))";"3.5";a"#,
    ]

    /// The whole file: a header line and the rows.
    static var csv: String {
        ([fieldTypes.map(\.name).joined(separator: ";")] + rows).joined(separator: "\n") + "\n"
    }

    /// Publishes the dataset into a new store at `databasePath` (under a directory the caller made and removes).
    public static func publish(into databasePath: String) throws -> SQLiteStore {
        let store = try SQLiteStore(path: databasePath)
        let bytes = Array(csv.utf8)
        let options = IngestOptions(
            format: .csv, delimiter: UInt8(ascii: ";"),
            fieldTypes: Dictionary(uniqueKeysWithValues: fieldTypes.map { ($0.name, $0.type) }))
        let detection = try Ingest.detect(bytes: bytes, fileName: "fixture.csv", options: options)
        let reader = try Ingest.read(bytes: bytes, detection: detection)
        _ = try store.publish(
            datasetID: id, reader: reader, newDataset: DatasetMetadata(id: id, titleFR: "Fixture"), now: Date())
        return store
    }

    /// The ODSQL view of a published dataset, built as the data API builds it.
    public static func compiler(for dataset: Dataset, now: Date) -> ODSQL.Compiler? {
        guard let table = dataset.recordsTable else { return nil }
        let schema = ODSQL.Schema(fields: dataset.fields.map { ODSQL.Field(name: $0.name, type: $0.type) })
        return ODSQL.Compiler(
            schema: schema, layout: TableLayout(recordsTable: table), dialect: SQLiteDialect(),
            options: ODSQL.CompileOptions(now: now, language: "fr"))
    }
}

/// A directory under the system's temporary folder, made once per fuzzing process and removed at exit.
public enum ScratchDirectory {
    /// Creates `garona-fuzz-<name>-<random>` and registers its removal at exit.
    public static func make(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("garona-fuzz-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        registered.withLock { $0.append(url.path) }
        atexit {
            for path in ScratchDirectory.registered.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
        return url
    }

    static let registered = Mutex<[String]>([])
}
