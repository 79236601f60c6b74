import Foundation

/// Where a content page's link is shown in the front office.
public enum MenuPlacement: String, Sendable, Hashable, CaseIterable, Codable {
    /// In the header's navigation.
    case header
    /// In the footer's list of links.
    case footer
    /// In no menu: reached by its URL or from another page.
    case none
}

/// A page written by editors in Markdown, per language, served at `/pages/{slug}`.
///
/// The Markdown is stored as written; it is rendered (raw HTML escaped, unsafe links made inert) when shown, never
/// trusted as HTML.
public struct ContentPage: Sendable, Hashable {
    /// The URL slug: 1 to 64 lowercase ASCII letters, digits and hyphens (``isValidSlug(_:)``).
    public var slug: String
    public var titleFR: String
    public var titleEN: String
    /// The French text, in Markdown.
    public var bodyFR: String
    /// The English text, in Markdown.
    public var bodyEN: String
    public var menu: MenuPlacement
    /// The order of the page in its menu, smallest first.
    public var position: Int
    public var updatedAt: Date

    public init(
        slug: String, titleFR: String, titleEN: String, bodyFR: String, bodyEN: String, menu: MenuPlacement,
        position: Int = 0, updatedAt: Date
    ) {
        self.slug = slug
        self.titleFR = titleFR
        self.titleEN = titleEN
        self.bodyFR = bodyFR
        self.bodyEN = bodyEN
        self.menu = menu
        self.position = position
        self.updatedAt = updatedAt
    }

    /// Whether `slug` may name a page: 1 to 64 characters among `a-z`, `0-9` and `-`, not starting or ending with
    /// `-`.
    public static func isValidSlug(_ slug: String) -> Bool {
        guard (1...64).contains(slug.utf8.count), slug.first != "-", slug.last != "-" else { return false }
        return slug.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}

/// The editors' content pages. Conformers: ``SQLiteStore``, ``PostgreSQLStore``.
public protocol ContentPageStore: Sendable {
    /// Every page, by menu position then slug.
    func contentPages() async throws -> [ContentPage]
    /// The page `slug`, or nil.
    func contentPage(slug: String) async throws -> ContentPage?
    /// Inserts or replaces the page with `page.slug`.
    func saveContentPage(_ page: ContentPage) async throws
    /// Inserts `page` unless a page with its slug exists (a default page, seeded once, that editors then change);
    /// says whether it was inserted.
    @discardableResult func seedContentPage(_ page: ContentPage) async throws -> Bool
    /// Deletes the page `slug`; says whether it existed.
    @discardableResult func deleteContentPage(slug: String) async throws -> Bool
}
