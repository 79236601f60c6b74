/// One parsed record: all cell bytes back to back, and where each cell ends.
/// An empty cell is a null.
struct RawRow {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// The physical line (1-based) where the record starts; for JSON, the record number.
    var line = 0

    var count: Int { ends.count }

    /// Where the cell being filled starts.
    var fieldStart: Int { ends.last ?? 0 }

    func range(_ index: Int) -> Range<Int> {
        let start = index == 0 ? 0 : ends[index - 1]
        return start..<ends[index]
    }

    func string(_ index: Int) -> String {
        String(decoding: bytes[range(index)], as: UTF8.self)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    mutating func append(cell: some Collection<UInt8>) {
        bytes.append(contentsOf: cell)
        ends.append(bytes.count)
    }
}

/// A pull-based RFC 4180 parser over decoded UTF-8 chunks: quoted fields with embedded newlines and
/// doubled quotes, CRLF, LF or CR line ends. Blank lines are skipped. Works on bytes only.
final class CSVParser {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private let stream: DecodedStream
    private let delimiter: UInt8
    private let maxCellBytes: Int
    private let maxFields: Int
    private var position = 0
    private var state = State.fieldStart
    private var line = 1
    private var skipLineFeed = false
    private var exhausted = false
    /// The record produced by the last successful ``next()``.
    private(set) var row = RawRow()

    var bytesRead: Int { stream.bytesRead }
    var totalBytes: Int { stream.totalBytes }

    init(stream: DecodedStream, delimiter: UInt8, maxCellBytes: Int, maxFields: Int) {
        self.stream = stream
        self.delimiter = delimiter
        self.maxCellBytes = maxCellBytes
        self.maxFields = maxFields
    }

    /// Parses the next non-blank record into ``row``; false at the end of the file.
    func next() throws(IngestError) -> Bool {
        while true {
            guard try nextRecord() else { return false }
            if row.count == 1 && row.ends[0] == 0 { continue }
            return true
        }
    }

    private func nextRecord() throws(IngestError) -> Bool {
        // Work on a local copy: no exclusivity checks on class properties in the hot loop.
        var row = RawRow()
        swap(&row, &self.row)
        defer { swap(&row, &self.row) }
        row.reset()
        state = .fieldStart
        var started = false
        while true {
            if position >= stream.chunk.count {
                let more = exhausted ? false : try stream.next()
                if !more {
                    exhausted = true
                    if !started && row.count == 0 && state == .fieldStart { return false }
                    try endField(&row)
                    return true
                }
                position = 0
            }
            if !started {
                row.line = line
                started = true
            }
            let done = try stream.chunk.withUnsafeBufferPointer { (buffer) throws(IngestError) -> Bool in
                try scan(buffer, &row)
            }
            if done { return true }
        }
    }

    /// Scans from `position`; returns true when a record ended.
    private func scan(_ buffer: UnsafeBufferPointer<UInt8>, _ row: inout RawRow) throws(IngestError) -> Bool {
        let quote = UInt8(ascii: "\"")
        let lf: UInt8 = 0x0A
        let cr: UInt8 = 0x0D
        let delimiter = self.delimiter
        let n = buffer.count
        var i = position
        var state = self.state
        var line = self.line
        if skipLineFeed {
            skipLineFeed = false
            if i < n && buffer[i] == lf { i += 1 }
        }
        defer {
            position = i
            self.state = state
            self.line = line
        }
        while i < n {
            switch state {
            case .fieldStart:
                if buffer[i] == quote {
                    state = .quoted
                    i += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                let start = i
                while i < n {
                    let byte = buffer[i]
                    if byte == delimiter || byte == lf || byte == cr { break }
                    i += 1
                }
                try appendRun(buffer, start, i, &row)
                if i == n { return false }
                let byte = buffer[i]
                i += 1
                try endField(&row)
                if byte == delimiter {
                    state = .fieldStart
                } else {
                    line += 1
                    endLine(byte == cr, buffer, &i)
                    return true
                }
            case .quoted:
                let start = i
                while i < n {
                    let byte = buffer[i]
                    if byte == quote { break }
                    if byte == lf { line += 1 }
                    i += 1
                }
                try appendRun(buffer, start, i, &row)
                if i == n { return false }
                i += 1
                state = .quoteInQuoted
            case .quoteInQuoted:
                let byte = buffer[i]
                if byte == quote {
                    try appendRun(buffer, i, i + 1, &row)
                    i += 1
                    state = .quoted
                } else if byte == delimiter {
                    i += 1
                    try endField(&row)
                    state = .fieldStart
                } else if byte == lf || byte == cr {
                    i += 1
                    try endField(&row)
                    line += 1
                    endLine(byte == cr, buffer, &i)
                    return true
                } else {
                    // A stray quote closed the field early: keep the rest of the text as it is.
                    state = .unquoted
                }
            }
        }
        return false
    }

    private func endLine(_ carriageReturn: Bool, _ buffer: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        if carriageReturn {
            if i < buffer.count {
                if buffer[i] == 0x0A { i += 1 }
            } else {
                skipLineFeed = true
            }
        }
    }

    @inline(__always)
    private func appendRun(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ row: inout RawRow)
        throws(IngestError)
    {
        guard end > start else { return }
        row.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
        if row.bytes.count - row.fieldStart > maxCellBytes {
            throw .cellTooLarge(line: row.line, column: row.count + 1, limit: maxCellBytes)
        }
    }

    @inline(__always)
    private func endField(_ row: inout RawRow) throws(IngestError) {
        row.ends.append(row.bytes.count)
        if row.ends.count > maxFields {
            throw .tooManyColumns(count: row.ends.count, limit: maxFields)
        }
    }
}
