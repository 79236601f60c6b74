import Foundation
import PostgresNIO

extension PostgreSQLStore: ContentPageStore {
    /// The content pages' table (migration 16).
    static let contentPagesSchema = [
        """
        CREATE TABLE content_pages (
            slug text PRIMARY KEY,
            title_fr text NOT NULL,
            title_en text NOT NULL,
            body_fr text NOT NULL,
            body_en text NOT NULL,
            menu text NOT NULL,
            position bigint NOT NULL,
            updated_at double precision NOT NULL
        )
        """
    ]

    public func contentPages() async throws -> [ContentPage] {
        try await pages("SELECT \(unescaped: Self.columns) FROM content_pages ORDER BY position, slug")
    }

    public func contentPage(slug: String) async throws -> ContentPage? {
        try await pages("SELECT \(unescaped: Self.columns) FROM content_pages WHERE slug = \(slug)").first
    }

    public func saveContentPage(_ page: ContentPage) async throws {
        try await run(
            """
            INSERT INTO content_pages (\(unescaped: Self.columns))
            VALUES (\(page.slug), \(page.titleFR), \(page.titleEN), \(page.bodyFR), \(page.bodyEN),
                    \(page.menu.rawValue), \(Int64(page.position)), \(page.updatedAt.timeIntervalSince1970))
            ON CONFLICT (slug) DO UPDATE SET title_fr = excluded.title_fr, title_en = excluded.title_en,
                body_fr = excluded.body_fr, body_en = excluded.body_en, menu = excluded.menu,
                position = excluded.position, updated_at = excluded.updated_at
            """)
    }

    @discardableResult public func seedContentPage(_ page: ContentPage) async throws -> Bool {
        try await run(
            """
            INSERT INTO content_pages (\(unescaped: Self.columns))
            VALUES (\(page.slug), \(page.titleFR), \(page.titleEN), \(page.bodyFR), \(page.bodyEN),
                    \(page.menu.rawValue), \(Int64(page.position)), \(page.updatedAt.timeIntervalSince1970))
            ON CONFLICT (slug) DO NOTHING RETURNING 1
            """) > 0
    }

    @discardableResult public func deleteContentPage(slug: String) async throws -> Bool {
        try await run("DELETE FROM content_pages WHERE slug = \(slug) RETURNING 1") > 0
    }

    /// The columns, in the order ``pages(_:)`` decodes them.
    private static let columns = "slug, title_fr, title_en, body_fr, body_en, menu, position, updated_at"

    /// The pages a query selecting ``columns`` returns.
    private func pages(_ query: PostgresQuery) async throws -> [ContentPage] {
        try await read { connection in
            var pages: [ContentPage] = []
            let rows = try await connection.query(query, logger: logger)
            for try await (slug, titleFR, titleEN, bodyFR, bodyEN, menu, position, updatedAt) in rows.decode(
                (String, String, String, String, String, String, Int64, Double).self)
            {
                pages.append(
                    ContentPage(
                        slug: slug, titleFR: titleFR, titleEN: titleEN, bodyFR: bodyFR, bodyEN: bodyEN,
                        menu: MenuPlacement(rawValue: menu) ?? .none, position: Int(clamping: position),
                        updatedAt: Date(timeIntervalSince1970: updatedAt)))
            }
            return pages
        }
    }
}
