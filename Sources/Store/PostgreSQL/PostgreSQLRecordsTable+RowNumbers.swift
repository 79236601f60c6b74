import ODSQL

extension PostgreSQLRecordsTable {
    /// The key of the index on the row numbers (``PostgreSQLDialect/rowNumberColumn``) of a loaded table: the column
    /// accelerator reads a column page by page in their order, and the table tab's sorted page reads its rows by
    /// number.
    static var rowNumberIndexKey: String { RecordLayout.quote(PostgreSQLDialect.rowNumberColumn) }

    /// Migration 24: the records tables published before it get the index on their row numbers.
    static let rowNumberIndexForPublishedTables: [String] = [
        #"""
        DO $migration$
        DECLARE
            published record;
        BEGIN
            FOR published IN
                SELECT records_table FROM datasets
                WHERE records_table IS NOT NULL AND pg_catalog.to_regclass(pg_catalog.quote_ident(records_table)) IS NOT NULL
            LOOP
                IF NOT EXISTS (
                    SELECT 1 FROM pg_catalog.pg_index AS i
                    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = pg_catalog.to_regclass(pg_catalog.quote_ident(published.records_table))
                        AND a.attname = '\#(PostgreSQLDialect.rowNumberColumn)'
                ) THEN
                    EXECUTE pg_catalog.format('CREATE INDEX ON %I (%I)', published.records_table, '\#(PostgreSQLDialect.rowNumberColumn)');
                END IF;
            END LOOP;
        END
        $migration$
        """#
    ]
}
