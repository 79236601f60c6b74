import NIOCore
import Synchronization

/// Rendered page HTML, kept by a key that names everything the page depends on.
///
/// The CSRF token differs on every response, so pages are rendered with a sentinel word in its
/// place; a cached page is stored cut at the sentinels, and a hit writes the parts back with a
/// fresh token in between. Memory is bounded: when the pages kept would exceed `limit` bytes,
/// the cache is emptied and starts over.
public final class PageCache: Sendable {
    /// One cached page: its UTF-8 bytes and where the token goes.
    struct Page: Sendable {
        let bytes: [UInt8]
        /// The ranges of `bytes` between the sentinels; the token goes between two of them.
        let parts: [Range<Int>]
    }

    private struct Contents {
        var pages: [String: Page] = [:]
        var bytes = 0
    }

    /// The most HTML kept, in bytes.
    public let limit: Int
    /// The word rendered in place of the token: letters only (so HTML escaping keeps it whole), and
    /// random per process, so that no visitor can write it into a page to learn where tokens go.
    let sentinel: [UInt8]
    private let contents = Mutex(Contents())

    public init(limit: Int = 8 * 1024 * 1024) {
        self.limit = limit
        var generator = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        sentinel = Array("garonacsrfsentinel".utf8) + (0..<24).map { _ in letters.randomElement(using: &generator) ?? 97 }
    }

    /// The sentinel as text, for the template values.
    var sentinelText: String { String(decoding: sentinel, as: UTF8.self) }

    /// How many pages and bytes are kept.
    public var usage: (pages: Int, bytes: Int) {
        contents.withLock { ($0.pages.count, $0.bytes) }
    }

    func page(_ key: String) -> Page? {
        contents.withLock { $0.pages[key] }
    }

    /// Keeps `html` (rendered with the sentinel) under `key` and returns it cut at the sentinels.
    @discardableResult func store(_ html: String, key: String) -> Page {
        let bytes = Array(html.utf8)
        let page = Page(bytes: bytes, parts: Self.split(bytes, at: sentinel))
        guard bytes.count <= limit else { return page }
        contents.withLock { contents in
            if let previous = contents.pages[key] { contents.bytes -= previous.bytes.count }
            if contents.bytes + bytes.count > limit { contents = Contents() }
            contents.pages[key] = page
            contents.bytes += bytes.count
        }
        return page
    }

    /// `page` with `token` in place of every sentinel.
    static func body(_ page: Page, token: String) -> ByteBuffer {
        let tokenBytes = token.utf8.count
        var buffer = ByteBufferAllocator().buffer(capacity: page.bytes.count + page.parts.count * tokenBytes)
        for (index, part) in page.parts.enumerated() {
            if index > 0 { buffer.writeString(token) }
            buffer.writeBytes(page.bytes[part])
        }
        return buffer
    }

    /// The ranges of `bytes` around each occurrence of `word`.
    static func split(_ bytes: [UInt8], at word: [UInt8]) -> [Range<Int>] {
        guard let first = word.first, bytes.count >= word.count else { return [0..<bytes.count] }
        var parts: [Range<Int>] = []
        var start = 0
        var index = 0
        let last = bytes.count - word.count
        bytes.withUnsafeBufferPointer { haystack in
            word.withUnsafeBufferPointer { needle in
                while index <= last {
                    if haystack[index] == first && (1..<needle.count).allSatisfy({ haystack[index + $0] == needle[$0] }) {
                        parts.append(start..<index)
                        index += needle.count
                        start = index
                    } else {
                        index += 1
                    }
                }
            }
        }
        parts.append(start..<bytes.count)
        return parts
    }
}
