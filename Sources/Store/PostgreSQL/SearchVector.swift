import Foundation
import NIOCore

/// The full-text vector of a record, computed in Garona while it encodes the record for `COPY`: the words that the
/// server's `garona_search_vector` (migration 11, ``PostgreSQLRecordFunctions/foldedCapitals``) finds in the same
/// text, without their positions, as `strip` leaves them. The stored `_search` column then costs the single `COPY`
/// backend a `tsvector` to parse instead of two Unicode normalizations, a regular expression and a parser per row.
/// ``SearchWords`` folds and cuts the text into words; this keeps each word once.
///
/// Positions are left out: Garona's searches match words and prefixes (`&`, `|`, `:*`), never phrases nor
/// distances, and never rank by them; the vocabulary of the typo-tolerant search counts documents (`ts_stat`'s
/// `ndoc`). A vector without positions is shorter to store and to parse, and the `COPY`'s backend parses six of
/// them a record of the sample. Tables published before keep their positions: the same searches match them.
///
/// Another character type, or a server with other Unicode tables, may fold some character otherwise: the store
/// compares both on every code point of planes 0 and 1 before its first import
/// (``PostgreSQLStore/serverFoldedScalars()``) and lets the server compute the vector of a record that holds one of
/// those that differ, or a code point beyond them.
///
/// Built for one row after another: the words' bytes sit end to end in one array, found by a hash table of their
/// own, and ``removeAll()`` keeps every array's room for the next row. An import encodes millions of words: a set
/// of strings cost an allocation or two a word.
struct SearchVector {
    /// A word of the vector.
    private struct Entry {
        /// Where its bytes start in ``bytes``, and how many.
        var start: Int
        var length: Int
        var hash: UInt64
        /// Its slot in ``slots``.
        var slot: Int
    }

    /// The words' bytes, end to end, in the order the words first came.
    private var bytes: [UInt8] = []
    /// The words, in the order they first came.
    private var entries: [Entry] = []
    /// Open addressing: an index in ``entries`` or -1; a power of two in size, at most half full.
    private var slots = [Int](repeating: -1, count: 16)

    /// Adds the words of one field's text.
    mutating func add(_ text: String) {
        var words = SearchWords()
        words.cut(text) { addWord($0) }
    }

    /// Adds one word (``SearchWords/cut(_:_:)`` gives them), unless it is there already.
    mutating func addWord(_ word: UnsafeBufferPointer<UInt8>) {
        let hash = Self.hash(word)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            let entry = entries[slots[slot]]
            if entry.hash == hash && matches(entry, word) { return }
            slot = (slot + 1) & (slots.count - 1)
        }
        entries.append(Entry(start: bytes.count, length: word.count, hash: hash, slot: slot))
        bytes.append(contentsOf: word)
        slots[slot] = entries.count - 1
        if entries.count * 2 > slots.count { grow() }
    }

    /// Empties the vector, keeping its room.
    mutating func removeAll() {
        for entry in entries { slots[entry.slot] = -1 }
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Whether `entry`'s bytes are `word`'s.
    private func matches(_ entry: Entry, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard entry.length == word.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            word.isEmpty || memcmp(stored.baseAddress! + entry.start, word.baseAddress!, word.count) == 0
        }
    }

    /// Doubles the hash table.
    private mutating func grow() {
        slots = [Int](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for index in entries.indices {
            var slot = Int(truncatingIfNeeded: entries[index].hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = index
            entries[index].slot = slot
        }
    }

    /// FNV-1a over the word's bytes.
    private static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash ^ (hash >> 29)
    }

    /// The words.
    var words: Set<String> {
        Set(entries.map { String(decoding: bytes[$0.start..<$0.start + $0.length], as: UTF8.self) })
    }

    /// The vector as `tsvector` input text: `'word' 'other'` (see ``write(to:)``).
    var text: String {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return String(buffer: buffer)
    }

    /// Writes the vector as `tsvector` input text. A word is letters and digits only: no quote to double, nor
    /// anything COPY escapes. Written straight into the buffer's memory, in one call: 3 bytes around a word (space
    /// and quotes).
    func write(to buffer: inout ByteBuffer) {
        guard !entries.isEmpty else { return }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bytes.count + entries.count * 3) { room in
            bytes.withUnsafeBufferPointer { stored in
                var at = 0
                for (number, entry) in entries.enumerated() {
                    if number > 0 {
                        room[at] = UInt8(ascii: " ")
                        at += 1
                    }
                    room[at] = UInt8(ascii: "'")
                    (room.baseAddress! + at + 1).copyMemory(
                        from: stored.baseAddress! + entry.start, byteCount: entry.length)
                    at += 1 + entry.length
                    room[at] = UInt8(ascii: "'")
                    at += 1
                }
                return at
            }
        }
    }
}
