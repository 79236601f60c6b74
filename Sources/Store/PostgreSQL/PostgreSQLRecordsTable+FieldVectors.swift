import ODSQL

extension PostgreSQLRecordsTable {
    /// Migration 23: the records tables published before it get their text fields' own search vectors
    /// (``fieldSearchColumns(_:)``), which the dialect now reads for a search in some fields.
    ///
    /// Each is a stored generated column (`garona_search_vector` of the field): adding it rewrites the table once,
    /// in its heap order, so that rows without an `order_by` still come in the file's order, and computes the
    /// vectors on the server (about 5 s per 100,000 records of the sample on one core), under the migrations' lock
    /// at the first start of the new version. Tables published afterwards get plain columns that the `COPY` fills.
    static let fieldVectorsForPublishedTables: [String] = [
        #"""
        DO $migration$
        DECLARE
            published record;
            field text;
            additions text;
        BEGIN
            FOR published IN
                SELECT records_table, fields FROM datasets
                WHERE records_table IS NOT NULL AND pg_catalog.to_regclass(pg_catalog.quote_ident(records_table)) IS NOT NULL
            LOOP
                additions := NULL;
                FOR field IN
                    SELECT element->>'name' FROM pg_catalog.jsonb_array_elements(published.fields::jsonb) AS element
                    WHERE element->>'type' = 'text' AND pg_catalog.octet_length(element->>'name') <= \#(TableLayout.longestFieldWithSearchVector)
                LOOP
                    additions := pg_catalog.concat_ws(', ', additions, pg_catalog.format(
                        'ADD COLUMN IF NOT EXISTS %I tsvector GENERATED ALWAYS AS (garona_search_vector(coalesce(%I, %L))) STORED',
                        field || '\#(TableLayout.searchVectorSuffix)', field, ''));
                END LOOP;
                IF additions IS NOT NULL THEN
                    EXECUTE pg_catalog.format('ALTER TABLE %I ', published.records_table) || additions;
                END IF;
            END LOOP;
        END
        $migration$
        """#
    ]
}
