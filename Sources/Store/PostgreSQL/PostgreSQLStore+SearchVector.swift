import PostgresNIO
import Synchronization

extension PostgreSQLStore {
    /// The code points whose words the server folds or cuts otherwise than ``SearchVector`` (a newer character
    /// than its Unicode tables know, another character type): a record with one of them gets its vector from the
    /// server. Found by comparing both on every code point of planes 0 and 1 (``SearchVector/probe(_:)``, one query
    /// of a few seconds), once per database and server: the answer is kept in the `settings` table under
    /// ``SearchVector/probeSetting`` with what it depends on (``probeFingerprint()``), and in memory.
    func serverFoldedScalars() async throws -> ScalarSet {
        if let known = serverScalars.withLock({ $0 }) { return known }
        let fingerprint = try await probeFingerprint()
        let differing: [Unicode.Scalar]
        let stored = try await setting(SearchVector.probeSetting)?.split(separator: "|", omittingEmptySubsequences: false)
        if let stored, stored.count == 2, stored[0] == fingerprint {
            differing = stored[1].split(separator: ",").compactMap { UInt32($0, radix: 16).flatMap(Unicode.Scalar.init) }
        } else {
            if let probed = Self.probedFingerprints.withLock({ $0[fingerprint] }) {
                differing = probed
            } else {
                let scalars = (1...ScalarSet.probedLimit).compactMap(Unicode.Scalar.init)
                differing = try await searchVectorMismatches(scalars.map(SearchVector.probe)).map { scalars[$0] }
                Self.probedFingerprints.withLock { $0[fingerprint] = differing }
            }
            let list = differing.map { String($0.value, radix: 16) }.joined(separator: ",")
            try await setSetting(SearchVector.probeSetting, to: fingerprint + "|" + list)
        }
        var set = ScalarSet()
        for scalar in differing { set.insert(scalar) }
        if !differing.isEmpty {
            logger.info(
                "the server folds \(differing.count) code points otherwise than Garona: it computes the search vectors of the records that hold them"
            )
        }
        serverScalars.withLock { $0 = set }
        return set
    }

    /// The probes this process made, by fingerprint: the folding depends on nothing else, so another database
    /// with the same fingerprint (a new one on the same server, as each test makes) need not probe again.
    static let probedFingerprints = Mutex<[String: [Unicode.Scalar]]>([:])

    /// What the server's folding depends on: its version, its ICU collation's, the database's character type, and
    /// ``SearchVector/revision``.
    func probeFingerprint() async throws -> String {
        try await withConnection { connection in
            let row = try await connection.query(
                """
                SELECT concat_ws(' ', current_setting('server_version_num'),
                    (SELECT collversion FROM pg_collation WHERE collname = 'und-x-icu'),
                    (SELECT datctype FROM pg_database WHERE datname = current_database()))
                """, logger: logger
            ).collect().first
            return try (row?.decode(String.self) ?? "") + " garona-\(SearchVector.revision)"
        }
    }

    /// The indexes of the texts whose vector by `garona_search_vector` (on a `COLLATE "C"` text, as the records
    /// tables' columns are), without positions, differs from ``SearchVector``'s.
    func searchVectorMismatches(_ texts: [String]) async throws -> [Int] {
        let vectors = texts.map { text in
            var vector = SearchVector()
            vector.add(text)
            return vector.text
        }
        return try await withConnection { connection in
            try await connection.query(
                """
                SELECT i::bigint FROM unnest(\(texts)::text[], \(vectors)::text[]) WITH ORDINALITY AS p(t, v, i)
                WHERE strip(garona_search_vector(t COLLATE "C")) IS DISTINCT FROM v::tsvector ORDER BY i
                """, logger: logger
            ).collect().map { Int(try $0.decode(Int64.self)) - 1 }
        }
    }
}

/// A set of code points of planes 0 and 1, as a bitmap; every code point beyond them belongs to it.
struct ScalarSet: Sendable {
    /// The last code point probed.
    static let probedLimit = 0x1FFFF
    private var bits = [UInt64](repeating: 0, count: (probedLimit + 1) / 64)

    /// Adds `scalar`.
    mutating func insert(_ scalar: Unicode.Scalar) {
        let value = Int(scalar.value)
        guard value <= Self.probedLimit else { return }
        bits[value / 64] |= 1 << UInt64(value % 64)
    }

    /// Whether `scalar` belongs to the set.
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = Int(scalar.value)
        guard value <= Self.probedLimit else { return true }
        return bits[value / 64] & (1 << UInt64(value % 64)) != 0
    }

    /// Whether a scalar of `text` belongs to the set.
    func intersects(_ text: String) -> Bool {
        if bits[0] == 0 && bits[1] == 0 && text.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        return text.unicodeScalars.contains(where: contains)
    }
}

extension SearchVector {
    /// The `settings` key of the code points the server folds otherwise.
    static let probeSetting = "search_vector_probe"
    /// Changed with ``SearchVector``'s folding or Swift's Unicode tables, so that every database probes again.
    static let revision = "1-swift-6.3"

    /// A text that puts `scalar` where the server's folding, word characters or parser could differ from Garona's:
    /// between letters, after a capital with an accent and before a combining accent, alone, after a number in
    /// scientific notation, after a capital.
    static func probe(_ scalar: Unicode.Scalar) -> String {
        "x\(scalar)y É\(scalar)\u{301} \(scalar) 1e5\(scalar) A\(scalar)"
    }
}
