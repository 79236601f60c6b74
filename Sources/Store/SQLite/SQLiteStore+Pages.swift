import Foundation
import GRDB

extension SQLiteStore: ContentPageStore {
    /// The content pages' table (migration v12).
    static let contentPagesSchema = """
        CREATE TABLE content_pages (
            slug TEXT PRIMARY KEY,
            title_fr TEXT NOT NULL,
            title_en TEXT NOT NULL,
            body_fr TEXT NOT NULL,
            body_en TEXT NOT NULL,
            menu TEXT NOT NULL,
            position INTEGER NOT NULL,
            updated_at REAL NOT NULL
        )
        """

    public func contentPages() async throws -> [ContentPage] {
        try await pool.read { db in
            try ContentPageRow.fetchAll(db, sql: "SELECT * FROM content_pages ORDER BY position, slug").map(\.page)
        }
    }

    public func contentPage(slug: String) async throws -> ContentPage? {
        try await pool.read { db in
            try ContentPageRow.fetchOne(db, sql: "SELECT * FROM content_pages WHERE slug = ?", arguments: [slug])?.page
        }
    }

    public func saveContentPage(_ page: ContentPage) async throws {
        try await write(
            page,
            conflict: "DO UPDATE SET title_fr = excluded.title_fr, title_en = excluded.title_en, "
                + "body_fr = excluded.body_fr, body_en = excluded.body_en, menu = excluded.menu, "
                + "position = excluded.position, updated_at = excluded.updated_at")
    }

    @discardableResult public func seedContentPage(_ page: ContentPage) async throws -> Bool {
        try await write(page, conflict: "DO NOTHING") > 0
    }

    @discardableResult public func deleteContentPage(slug: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM content_pages WHERE slug = ?", arguments: [slug])
            return db.changesCount > 0
        }
    }

    /// Inserts `page`, doing `conflict` (a fixed `ON CONFLICT` action, never a value) when its slug exists; returns
    /// the number of rows changed.
    @discardableResult private func write(_ page: ContentPage, conflict: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO content_pages (slug, title_fr, title_en, body_fr, body_en, menu, position, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) \(conflict)
                    """,
                arguments: [
                    page.slug, page.titleFR, page.titleEN, page.bodyFR, page.bodyEN, page.menu.rawValue, page.position,
                    page.updatedAt.timeIntervalSince1970,
                ])
            return db.changesCount
        }
    }
}

/// A row of `content_pages`.
private struct ContentPageRow: Decodable, FetchableRecord {
    var slug: String
    var title_fr: String
    var title_en: String
    var body_fr: String
    var body_en: String
    var menu: String
    var position: Int
    var updated_at: Double

    var page: ContentPage {
        ContentPage(
            slug: slug, titleFR: title_fr, titleEN: title_en, bodyFR: body_fr, bodyEN: body_en,
            menu: MenuPlacement(rawValue: menu) ?? .none, position: position,
            updatedAt: Date(timeIntervalSince1970: updated_at))
    }
}
