import Foundation

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
    mutating func add(_ text: String) {
        // COPY stores text up to a NUL (``CopyEncoder/appendText(_:to:)``).
        let stored = text.utf8.contains(0) ? String(decoding: text.utf8.prefix { $0 != 0 }, as: UTF8.self) : text
        for run in Self.runs(Self.fold(stored)) { addRun(run) }
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

    /// Adds a run as the parser cuts it (step 4).
    private mutating func addRun(_ run: Substring.UnicodeScalarView) {
        var rest = run
        while !rest.isEmpty {
            let length = Self.scientificPrefix(rest)
            let word = length.map { rest.prefix($0) } ?? rest[...]
            rest = length.map { rest.dropFirst($0) } ?? rest[rest.endIndex...]
            let text = String(String.UnicodeScalarView(word))
            guard text.utf8.count < Self.longWord else { continue }
            position += 1
            let stored = min(position, Self.lastPosition)
            var positions = words[text, default: []]
            if let last = positions.last {
                guard positions.count < Self.positionLimit, last != Self.lastPosition, last != stored else { continue }
            }
            positions.append(stored)
            words[text] = positions
        }
    }

    /// The length of `digits e digits` at the start of `run` when more follows it, else nil.
    private static func scientificPrefix(_ run: Substring.UnicodeScalarView) -> Int? {
        var index = run.startIndex
        var count = 0
        func digits() -> Int {
            var found = 0
            while index < run.endIndex, ("0"..."9").contains(run[index]) {
                found += 1
                index = run.index(after: index)
            }
            return found
        }
        let mantissa = digits()
        guard mantissa > 0, index < run.endIndex, run[index] == "e" else { return nil }
        index = run.index(after: index)
        let exponent = digits()
        count = mantissa + 1 + exponent
        guard exponent > 0, index < run.endIndex else { return nil }
        return count
    }

    /// The vector as `tsvector` input text: `'word':1,4 'other':2`. A word is letters and digits only: no quote to
    /// double.
    var text: String {
        var result = ""
        for (word, positions) in words {
            if !result.isEmpty { result.append(" ") }
            result.append("'")
            result.append(word)
            result.append("':")
            for (index, position) in positions.enumerated() {
                if index > 0 { result.append(",") }
                result.append(String(position))
            }
        }
        return result
    }
}
