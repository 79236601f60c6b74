import Foundation

/// Folds a text and cuts it into the words of its search vector (``SearchVector``), step for step as the SQL of
/// `garona_search_vector` does on a database whose character type is `C.UTF-8`:
/// 1. lower case, code point by code point (the simple mapping: `İ` gives `i`), then `ſ` as `s`;
/// 2. canonical decomposition; a run of combining marks U+0300–U+036F right after a letter `a`–`z` removed;
///    canonical composition;
/// 3. every character that is neither a letter nor a decimal digit (ICU's `[:alnum:]`) a separator;
/// 4. `to_tsvector('simple', …)`: each run a word, but a run that starts with digits, `e` and digits (scientific
///    notation, as PostgreSQL's parser reads it) is cut after them, and a word of 2047 bytes or more is left out.
///
/// Latin text (every code point below ``latinFoldLimit``) is folded and cut in one pass over its code points, each
/// folded from ``latinFoldedPieces``, as ``fold(_:)`` and ``runs(_:)`` would (ASCII over its bytes); other text
/// takes both steps in turn. One value cuts text after text, keeping the room of its run.
struct SearchWords {
    /// The word bytes gathered since the last separator.
    private var run: [UInt8] = []

    /// Calls `body` with each word of `text`, in order.
    mutating func cut(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        run.removeAll(keepingCapacity: true)
        let utf8 = text.utf8
        // COPY stores text up to a NUL (``CopyEncoder/appendText(_:to:)``).
        if let nul = utf8.firstIndex(of: 0) {
            cut(String(decoding: utf8[..<nul], as: UTF8.self), body)
            return
        }
        let ascii =
            utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } }
            ?? utf8.allSatisfy { $0 < 0x80 }
        if ascii {
            let walked: Void? = utf8.withContiguousStorageIfAvailable { bytes in
                for byte in bytes { addASCII(byte, body) }
            }
            if walked == nil {
                for byte in utf8 { addASCII(byte, body) }
            }
        } else if text.unicodeScalars.allSatisfy({ $0.value < Self.latinFoldLimit }) {
            for scalar in text.unicodeScalars {
                for piece in Self.latinFoldedPieces[Int(scalar.value)] {
                    if piece.isWord { run.append(contentsOf: piece.utf8) } else { endRun(body) }
                }
            }
        } else {
            for found in Self.runs(Self.fold(text)) {
                run.append(contentsOf: String(String.UnicodeScalarView(found)).utf8)
                endRun(body)
            }
        }
        endRun(body)
    }

    /// One ASCII byte: a letter (lowered) or digit joins the run, anything else ends it.
    @inline(__always)
    private mutating func addASCII(_ byte: UInt8, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): run.append(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): run.append(byte | 0x20)
        default: endRun(body)
        }
    }

    /// Hands the run gathered so far to `body` as the parser cuts it (step 4), if any, and empties it.
    private mutating func endRun(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !run.isEmpty else { return }
        run.withUnsafeBufferPointer { whole in
            var rest = whole[...]
            while !rest.isEmpty {
                let length = Self.scientificPrefix(rest) ?? rest.count
                let word = rest.prefix(length)
                rest = rest.dropFirst(length)
                guard word.count < SearchVector.longWord else { continue }
                body(UnsafeBufferPointer(rebasing: word))
            }
        }
        run.removeAll(keepingCapacity: true)
    }

    /// The length of `digits e digits` at the start of `run` when more follows it, else nil (ASCII bytes: a
    /// code point of several bytes holds none).
    private static func scientificPrefix(_ run: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
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

    /// One code point of a Latin code point's fold: its UTF-8 bytes, and whether it belongs to a word.
    struct FoldedPiece: Sendable {
        let utf8: [UInt8]
        let isWord: Bool
    }

    /// The fold of each code point below ``latinFoldLimit`` (``latinFolds``), code point by code point.
    static let latinFoldedPieces: [[FoldedPiece]] = latinFolds.map { folded in
        folded.map { FoldedPiece(utf8: Array(String(Character($0)).utf8), isWord: isWordScalar($0)) }
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
}
