extension PostgreSQLRecordFunctions {
    /// Migration 10: `garona_search_fold` and `garona_search_vector` as functions PostgreSQL inlines, so that the
    /// stored search vector of a records table costs one expression per row instead of two SQL function calls
    /// (each an executor of its own, with a `search_path` to set and restore).
    ///
    /// `COPY` into a table with the stored vector spent almost all of an import's "read and write records" on it
    /// (500,000 sample records: 45 s with the vector, 2.9 s without, on a loaded machine); the vectors of 100,000
    /// of them took 7.6 s with the called functions, 4.7 to 6.0 s inlined, the same vectors. PostgreSQL inlines a SQL
    /// function only without a `SET` clause: every name in the bodies is qualified instead (`pg_catalog`'s functions,
    /// configuration and collation, the fold in the schema the migrations run in), so that a caller's `search_path`
    /// (record queries put the store's SQLite-like `lower()` first) changes nothing. Same meaning as migration 6's;
    /// `garona_search_query` keeps its definition and calls the new fold.
    static let inlinedSearch: [String] = [
        #"""
        CREATE OR REPLACE FUNCTION garona_search_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.normalize(pg_catalog.regexp_replace(
            pg_catalog.normalize(pg_catalog.translate(pg_catalog.lower(t), 'ſ', 's'), 'NFD'),
            '([a-z])[\u0300-\u036f]+', '\1', 'g'), 'NFC') $$
        """#,
        #"""
        DO $migration$
        BEGIN
            EXECUTE pg_catalog.format(
                $function$
                CREATE OR REPLACE FUNCTION garona_search_vector(t text) RETURNS tsvector
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                AS $body$ SELECT pg_catalog.to_tsvector('pg_catalog.simple'::pg_catalog.regconfig,
                    pg_catalog.regexp_replace(%I.garona_search_fold(t) COLLATE pg_catalog."und-x-icu",
                    '[^[:alnum:]]+', ' ', 'g')) $body$
                $function$, pg_catalog.current_schema());
        END
        $migration$
        """#,
    ]
}

extension PostgreSQLRecordFunctions {
    /// Migration 11: accented capitals fold as SQLite's tokenizer folds them (`Été` gives the word `ete`).
    ///
    /// The records' text columns are `COLLATE "C"`, under which `lower()` changes ASCII letters only: the fold left
    /// `É` upper case, so its accent, after a capital, stayed, and the vector had `éte` where a search for `été` or
    /// `ete` looks for `ete`. The fold now lowers in the database's own collation, whatever the argument's. Vectors
    /// stored before keep their words until their dataset is published again (`garona import`). Same statement
    /// as ``inlinedSearch``'s otherwise, so that PostgreSQL still inlines it; ``SearchVector`` computes the same
    /// vectors in Swift.
    static let foldedCapitals: [String] = [
        #"""
        CREATE OR REPLACE FUNCTION garona_search_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.normalize(pg_catalog.regexp_replace(
            pg_catalog.normalize(pg_catalog.translate(pg_catalog.lower(t COLLATE pg_catalog."default"), 'ſ', 's'),
            'NFD'), '([a-z])[\u0300-\u036f]+', '\1', 'g'), 'NFC') $$
        """#
    ]
}
