import Foundation
import NIOCore

/// The full-text vector of a record, computed in Garona while it encodes the record for `COPY`, equal to what the
/// server's `garona_search_vector` (migration 11, ``PostgreSQLRecordFunctions/foldedCapitals``) gives for the same
/// text: the stored `_search` column then costs the single `COPY` backend a `tsvector` to parse instead of two
/// Unicode normalizations, a regular expression and a parser per row.
///
/// Step for step, as the SQL does it on a database whose character type is `C.UTF-8`:
/// 1. lower case, code point by code point (the simple mapping: `İ` gives `i`), then `ſ` as `s`;
/// 2. canonical decomposition; a run of combining marks U+0300–U+036F right after a letter `a`–`z` removed;
///    canonical composition;
/// 3. every character that is neither a letter nor a decimal digit (ICU's `[:alnum:]`) a separator;
/// 4. `to_tsvector('simple', …)`: each run a word at the next position (from 1, at most 16383), but a run that starts
///    with digits, `e` and digits (scientific notation, as PostgreSQL's parser reads it) is cut after them, and a
///    word of 2047 bytes or more is left out (without a position); a word keeps at most 255 positions.
///
/// Another character type, or a server with other Unicode tables, may fold some character otherwise: the store
/// compares both on every code point of planes 0 and 1 before its first import
/// (``PostgreSQLStore/serverFoldedScalars()``) and lets the server compute the vector of a record that holds one of
/// those that differ, or a code point beyond them.
struct SearchVector {
    /// The positions of each word.
    private(set) var words: [String: [Int]] = [:]
    /// The position of the last word.
    private var position = 0

    /// The highest position PostgreSQL stores (`MAXENTRYPOS - 1`).
    static let lastPosition = 16383
    /// The most positions a word keeps (`MAXNUMPOS - 1`).
    static let positionLimit = 255
    /// The byte length from which the parser leaves a word out (`MAXSTRLEN`).
    static let longWord = 2047

    /// Adds the words of one field's text, after those of the previous fields.
    ///
    /// Latin text (every code point below ``latinFoldLimit``) is folded and cut into runs in one pass over its code
    /// points, each folded from ``latinFoldedPieces``, as ``fold(_:)`` and ``runs(_:)`` would (ASCII over its
    /// bytes); other text takes both steps in turn.
    mutating func add(_ text: String) {
        // COPY stores text up to a NUL (``CopyEncoder/appendText(_:to:)``).
        let stored = text.utf8.contains(0) ? String(decoding: text.utf8.prefix { $0 != 0 }, as: UTF8.self) : text
        var run: [UInt8] = []
        run.reserveCapacity(64)
        if stored.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in stored.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): run.append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): run.append(byte | 0x20)
                default: endRun(&run)
                }
            }
        } else if stored.unicodeScalars.allSatisfy({ $0.value < Self.latinFoldLimit }) {
            for scalar in stored.unicodeScalars {
                for piece in Self.latinFoldedPieces[Int(scalar.value)] {
                    if piece.isWord { run.append(contentsOf: piece.utf8) } else { endRun(&run) }
                }
            }
        } else {
            for found in Self.runs(Self.fold(stored)) {
                run.append(contentsOf: String(String.UnicodeScalarView(found)).utf8)
                endRun(&run)
            }
        }
        endRun(&run)
    }

    /// Adds the run of word bytes gathered so far, if any, and empties it.
    private mutating func endRun(_ run: inout [UInt8]) {
        guard !run.isEmpty else { return }
        addRun(run[...])
        run.removeAll(keepingCapacity: true)
    }

    /// One code point of a Latin code point's fold: its UTF-8 bytes, and whether it belongs to a word.
    struct FoldedPiece: Sendable {
        let utf8: [UInt8]
        let isWord: Bool
    }

    /// The fold of each code point below ``latinFoldLimit`` (``latinFolds``), code point by code point.
    static let latinFoldedPieces: [[FoldedPiece]] = latinFolds.map { folded in
        folded.map { FoldedPiece(utf8: Array(String(Character($0)).utf8), isWord: isWordScalar($0)) }
    }

    /// Adds the words of another field's vector after this one's, as ``add(_:)`` of its text would: the positions
    /// shifted by this vector's last, with the same limits. A record's vector is its fields' vectors appended in
    /// order, so each field's is computed once.
    mutating func append(_ other: SearchVector) {
        let offset = position
        for (word, added) in other.words {
            var positions = words[word, default: []]
            for addedPosition in added {
                let stored = min(addedPosition + offset, Self.lastPosition)
                if let last = positions.last {
                    guard positions.count < Self.positionLimit, last != Self.lastPosition, last != stored else { break }
                }
                positions.append(stored)
            }
            words[word] = positions
        }
        position += other.position
    }

    /// `text` lowered and without the accents of Latin letters (steps 1 and 2).
    ///
    /// A text of code points below U+0250 (ASCII, Latin-1 and Latin Extended-A and B: French text) folds code point
    /// by code point, from a table: none of them is a combining mark, and no composition joins two of them, so each
    /// folds alone as it does in the text (`SearchVectorFoldTests` compares both ways on random texts).
    static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        if text.unicodeScalars.allSatisfy({ $0.value < latinFoldLimit }) {
            var folded = String.UnicodeScalarView()
            for scalar in text.unicodeScalars { folded.append(contentsOf: latinFolds[Int(scalar.value)]) }
            return String(folded)
        }
        return foldEachStep(text)
    }

    /// The code points that ``latinFolds`` holds: below U+0250.
    static let latinFoldLimit: UInt32 = 0x250

    /// The fold of each code point below ``latinFoldLimit``, computed once by ``foldEachStep(_:)``.
    static let latinFolds: [String.UnicodeScalarView] = (0..<latinFoldLimit).map { value in
        Unicode.Scalar(value).map { foldEachStep(String(Character($0))).unicodeScalars } ?? String.UnicodeScalarView()
    }

    /// Steps 1 and 2 on the whole text.
    static func foldEachStep(_ text: String) -> String {
        var lowered = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "ſ" {
                lowered.append("s")
                continue
            }
            let mapping = scalar.properties.lowercaseMapping.unicodeScalars
            // The simple mapping: the full one only differs by more code points (U+0130's dot above).
            lowered.append(mapping.first ?? scalar)
        }
        let decomposed = String(lowered).decomposedStringWithCanonicalMapping.unicodeScalars
        var kept = String.UnicodeScalarView()
        var afterLatin = false
        for scalar in decomposed {
            if afterLatin && (0x300...0x36F).contains(scalar.value) { continue }
            afterLatin = ("a"..."z").contains(scalar)
            kept.append(scalar)
        }
        return String(kept).precomposedStringWithCanonicalMapping
    }

    /// Whether `scalar` belongs to a word: a letter or a decimal digit.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// The runs of word characters of `text` (step 3).
    static func runs(_ text: String) -> [Substring.UnicodeScalarView] {
        text.unicodeScalars.split { !isWordScalar($0) }
    }

    /// Adds a run of word characters (UTF-8) as the parser cuts it (step 4).
    private mutating func addRun(_ run: ArraySlice<UInt8>) {
        var rest = run
        while !rest.isEmpty {
            let length = Self.scientificPrefix(rest)
            let word = length.map { rest.prefix($0) } ?? rest
            rest = length.map { rest.dropFirst($0) } ?? rest[rest.endIndex...]
            guard word.count < Self.longWord else { continue }
            let text = String(decoding: word, as: UTF8.self)
            position += 1
            let stored = min(position, Self.lastPosition)
            if let positions = words[text], let last = positions.last {
                guard positions.count < Self.positionLimit, last != Self.lastPosition, last != stored else { continue }
            }
            words[text, default: []].append(stored)
        }
    }

    /// The length of `digits e digits` at the start of `run` when more follows it, else nil (ASCII bytes: a
    /// code point of several bytes holds none).
    private static func scientificPrefix(_ run: ArraySlice<UInt8>) -> Int? {
        var index = run.startIndex
        func digits() -> Int {
            let start = index
            while index < run.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(run[index]) { index += 1 }
            return index - start
        }
        let mantissa = digits()
        guard mantissa > 0, index < run.endIndex, run[index] == UInt8(ascii: "e") else { return nil }
        index += 1
        let exponent = digits()
        guard exponent > 0, index < run.endIndex else { return nil }
        return mantissa + 1 + exponent
    }

    /// The vector as `tsvector` input text: `'word':1,4 'other':2` (see ``write(to:)``).
    var text: String {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return String(buffer: buffer)
    }

    /// Writes the vector as `tsvector` input text. A word is letters and digits only: no quote to double, nor
    /// anything COPY escapes.
    func write(to buffer: inout ByteBuffer) {
        var first = true
        for (word, positions) in words {
            if !first { buffer.writeInteger(UInt8(ascii: " ")) }
            first = false
            buffer.writeInteger(UInt8(ascii: "'"))
            buffer.writeString(word)
            buffer.writeStaticString("':")
            for (index, position) in positions.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeString(String(position))
            }
        }
    }
}
