import Foundation
import NIOCore

/// The full-text vector of a record, computed in Garona while it encodes the record for `COPY`, equal to what the
/// server's `garona_search_vector` (migration 11, ``PostgreSQLRecordFunctions/foldedCapitals``) gives for the same
/// text: the stored `_search` column then costs the single `COPY` backend a `tsvector` to parse instead of two
/// Unicode normalizations, a regular expression and a parser per row. ``SearchWords`` folds and cuts the text into
/// words; this keeps each word's positions, as `to_tsvector('simple', …)` does: each word at the next position
/// (from 1, at most 16383), and at most 255 positions a word.
///
/// Another character type, or a server with other Unicode tables, may fold some character otherwise: the store
/// compares both on every code point of planes 0 and 1 before its first import
/// (``PostgreSQLStore/serverFoldedScalars()``) and lets the server compute the vector of a record that holds one of
/// those that differ, or a code point beyond them.
///
/// Built for one row after another: the words' bytes sit end to end in one array, each word's positions in a chain
/// through another, found by a hash table of their own, and ``removeAll()`` keeps every array's room for the next
/// row. An import encodes millions of words: a dictionary of strings to arrays cost an allocation or two a word.
struct SearchVector {
    /// A word of the vector.
    private struct Entry {
        /// Where its bytes start in ``bytes``, and how many.
        var start: Int
        var length: Int
        var hash: UInt64
        /// Its first and last position kept, as indexes in ``positions``, and how many.
        var first: Int
        var last: Int
        var count: Int
        /// Its slot in ``slots``.
        var slot: Int
    }

    /// The words' bytes, end to end, in the order the words first came.
    private var bytes: [UInt8] = []
    /// The words, in the order they first came.
    private var entries: [Entry] = []
    /// Every position kept, in the order they came.
    private var positions: [Int] = []
    /// For each of ``positions``, the index of the same word's next one, or -1.
    private var nextOfSameWord: [Int] = []
    /// Open addressing: an index in ``entries`` or -1; a power of two in size, at most half full.
    private var slots = [Int](repeating: -1, count: 16)
    /// The position of the last word.
    private var position = 0

    /// The highest position PostgreSQL stores (`MAXENTRYPOS - 1`).
    static let lastPosition = 16383
    /// The most positions a word keeps (`MAXNUMPOS - 1`).
    static let positionLimit = 255
    /// The byte length from which the parser leaves a word out (`MAXSTRLEN`).
    static let longWord = 2047

    /// Adds the words of one field's text, after those of the previous fields.
    mutating func add(_ text: String) {
        var words = SearchWords()
        words.cut(text) { addWord($0) }
    }

    /// Adds one word (``SearchWords/cut(_:_:)`` gives them) at the next position.
    mutating func addWord(_ word: UnsafeBufferPointer<UInt8>) {
        position += 1
        let stored = min(position, Self.lastPosition)
        let hash = Self.hash(word)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            let index = slots[slot]
            if entries[index].hash == hash && matches(entries[index], word) {
                let entry = entries[index]
                let last = positions[entry.last]
                guard entry.count < Self.positionLimit, last != Self.lastPosition, last != stored else { return }
                positions.append(stored)
                nextOfSameWord.append(-1)
                nextOfSameWord[entry.last] = positions.count - 1
                entries[index].last = positions.count - 1
                entries[index].count += 1
                return
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        let start = bytes.count
        bytes.append(contentsOf: word)
        positions.append(stored)
        nextOfSameWord.append(-1)
        entries.append(
            Entry(
                start: start, length: word.count, hash: hash, first: positions.count - 1, last: positions.count - 1,
                count: 1, slot: slot))
        slots[slot] = entries.count - 1
        if entries.count * 2 > slots.count { grow() }
    }

    /// Empties the vector, keeping its room.
    mutating func removeAll() {
        for entry in entries { slots[entry.slot] = -1 }
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        nextOfSameWord.removeAll(keepingCapacity: true)
        position = 0
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

    /// The positions of each word.
    var words: [String: [Int]] {
        var words: [String: [Int]] = [:]
        for entry in entries {
            words[String(decoding: bytes[entry.start..<entry.start + entry.length], as: UTF8.self)] = positions(of: entry)
        }
        return words
    }

    /// The positions of `entry`, in order.
    private func positions(of entry: Entry) -> [Int] {
        var found: [Int] = []
        var index = entry.first
        while index >= 0 {
            found.append(positions[index])
            index = nextOfSameWord[index]
        }
        return found
    }

    /// The vector as `tsvector` input text: `'word':1,4 'other':2` (see ``write(to:)``).
    var text: String {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return String(buffer: buffer)
    }

    /// Writes the vector as `tsvector` input text. A word is letters and digits only: no quote to double, nor
    /// anything COPY escapes. Written straight into the buffer's memory, in one call: at most 4 bytes around a word
    /// (space, quotes, colon) and 6 a position (comma, 5 digits).
    func write(to buffer: inout ByteBuffer) {
        guard !entries.isEmpty else { return }
        let bound = bytes.count + entries.count * 4 + positions.count * 6
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { room in
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
                    room[at + 1] = UInt8(ascii: ":")
                    at += 2
                    var index = entry.first
                    while index >= 0 {
                        if index != entry.first {
                            room[at] = UInt8(ascii: ",")
                            at += 1
                        }
                        at += Self.writePosition(positions[index], into: room, at: at)
                        index = nextOfSameWord[index]
                    }
                }
                return at
            }
        }
    }

    /// Writes `position` (1 to ``lastPosition``) in decimal at `at`; returns its length.
    private static func writePosition(_ position: Int, into room: UnsafeMutableRawBufferPointer, at: Int) -> Int {
        let length = position < 10 ? 1 : position < 100 ? 2 : position < 1000 ? 3 : position < 10000 ? 4 : 5
        var rest = position
        for offset in stride(from: length - 1, through: 0, by: -1) {
            room[at + offset] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        return length
    }
}
