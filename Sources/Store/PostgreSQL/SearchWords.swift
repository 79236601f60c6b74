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
/// folded from ``latinPieces``, as ``fold(_:)`` and ``runs(_:)`` would (ASCII over its bytes, its words handed over
/// where they lie unless they hold capitals); other text takes both steps in turn. One value cuts text after text,
/// keeping the room of its run.
struct SearchWords {
    /// The word bytes gathered since the last separator.
    private var run: [UInt8] = []

    /// The byte length from which the parser leaves a word out (`MAXSTRLEN`).
    static let longWord = 2047

    /// Calls `body` with each word of `text`, in order.
    mutating func cut(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var contiguous = text
        // Text beyond ASCII, up to a NUL: COPY stores text up to one (``CopyEncoder/appendText(_:to:)``).
        let unicode: String? = contiguous.withUTF8 { whole in
            let end = whole.firstIndex(of: 0) ?? whole.count
            let bytes = UnsafeBufferPointer(rebasing: whole[..<end])
            guard bytes.contains(where: { $0 >= 0x80 }) else {
                cutASCII(bytes, body)
                return nil
            }
            return end == whole.count ? text : String(decoding: bytes, as: UTF8.self)
        }
        if let unicode { cutUnicode(unicode, body) }
    }

    /// The words of ASCII text, straight from its bytes: a word without capitals is handed over where it lies.
    private mutating func cutASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        var capitals = false
        for index in bytes.indices {
            let byte = bytes[index]
            let lowered = byte | 0x20
            if lowered >= UInt8(ascii: "a") && lowered <= UInt8(ascii: "z") {
                capitals = capitals || byte < UInt8(ascii: "a")
            } else if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                if index > start { handOver(UnsafeBufferPointer(rebasing: bytes[start..<index]), capitals, body) }
                start = index + 1
                capitals = false
            }
        }
        if bytes.count > start { handOver(UnsafeBufferPointer(rebasing: bytes[start...]), capitals, body) }
    }

    /// Hands over a run of ASCII letters and digits, lowered first when it holds capitals.
    private mutating func handOver(
        _ word: UnsafeBufferPointer<UInt8>, _ capitals: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        guard capitals else {
            Self.handOverRun(word, body)
            return
        }
        run.removeAll(keepingCapacity: true)
        for byte in word { run.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) }
        run.withUnsafeBufferPointer { Self.handOverRun($0, body) }
    }

    /// The words of text beyond ASCII: Latin text from ``latinPieces``, other text folded then cut.
    private mutating func cutUnicode(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        run.removeAll(keepingCapacity: true)
        if text.unicodeScalars.allSatisfy({ $0.value < Self.latinFoldLimit }) {
            let table = Self.latinPieces
            table.bytes.withUnsafeBufferPointer { pieceBytes in
                for scalar in text.unicodeScalars {
                    let value = Int(scalar.value)
                    for piece in table.pieces[table.starts[value]..<table.starts[value + 1]] {
                        if piece.isWord {
                            run.append(contentsOf: UnsafeBufferPointer(rebasing: pieceBytes[piece.bytes]))
                        } else {
                            endRun(body)
                        }
                    }
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

    /// Hands the run gathered so far to `body`, if any, and empties it.
    private mutating func endRun(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !run.isEmpty else { return }
        run.withUnsafeBufferPointer { Self.handOverRun($0, body) }
        run.removeAll(keepingCapacity: true)
    }

    /// Hands a run of word bytes to `body` as the parser cuts it (step 4).
    private static func handOverRun(_ whole: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var rest = whole[...]
        while !rest.isEmpty {
            let length = scientificPrefix(rest) ?? rest.count
            let word = rest.prefix(length)
            rest = rest.dropFirst(length)
            guard word.count < Self.longWord else { continue }
            body(UnsafeBufferPointer(rebasing: word))
        }
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

    /// The fold of each code point below ``latinFoldLimit`` (``latinFolds``) in three flat arrays, read without an
    /// array per piece: the code points of the fold of code point `c` are `pieces[starts[c]..<starts[c + 1]]`, each
    /// the range of its UTF-8 in `bytes` and whether it belongs to a word.
    static let latinPieces: (bytes: [UInt8], pieces: [(bytes: Range<Int>, isWord: Bool)], starts: [Int]) = {
        var bytes: [UInt8] = []
        var pieces: [(bytes: Range<Int>, isWord: Bool)] = []
        var starts = [0]
        for folded in latinFolds {
            for scalar in folded {
                let utf8 = Array(String(Character(scalar)).utf8)
                pieces.append((bytes.count..<bytes.count + utf8.count, isWordScalar(scalar)))
                bytes += utf8
            }
            starts.append(pieces.count)
        }
        return (bytes, pieces, starts)
    }()

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
