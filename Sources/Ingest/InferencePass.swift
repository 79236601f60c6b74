/// One streaming pass over all records: narrows each column's type, counts rows, keeps a preview and
/// the first ragged lines. Memory depends on the number of columns, never on the number of rows.
struct InferencePass {
    var labels: [String]
    let expected: Int?
    let previewRows: Int
    private(set) var columns: [ColumnInference] = []
    private(set) var rows = 0
    private(set) var raggedLines: [Int] = []
    private(set) var raggedTotal = 0
    private(set) var preview: [[String]] = []
    private(set) var totalBytes = 0
    /// The source keys (CSV headers or JSON keys) by column index.
    var keys: [String] { labels }

    init(labels: [String], expected: Int?, previewRows: Int) {
        self.labels = labels
        self.expected = expected
        self.previewRows = previewRows
        for label in labels { addColumn(label) }
    }

    private mutating func addColumn(_ label: String) {
        columns.append(ColumnInference(label: label, tracksRange: CoordinatePairs.isCoordinateName(FieldNames.normalize(label))))
    }

    mutating func run(
        _ source: some RowSource, progress: ((IngestProgress) -> Void)?, currentKeys: (() -> [String])? = nil
    ) throws(IngestError) {
        totalBytes = source.totalBytes
        while try source.next() {
            let count = source.row.count
            if let expected, count != expected {
                raggedTotal += 1
                if raggedLines.count < 10 { raggedLines.append(source.row.line) }
                continue
            }
            if count > columns.count, let keys = currentKeys?() {
                for k in columns.count..<min(count, keys.count) {
                    labels.append(keys[k])
                    addColumn(keys[k])
                }
            }
            rows += 1
            let row = source.row
            row.bytes.withUnsafeBufferPointer { buffer in
                for c in 0..<min(count, columns.count) {
                    let cell = ValueConverter.trimmed(UnsafeBufferPointer(rebasing: buffer[row.range(c)]))
                    if !cell.isEmpty { columns[c].observe(cell, line: row.line) }
                }
            }
            if preview.count < previewRows {
                preview.append((0..<count).map { row.string($0) })
            }
            if rows & 0x3FFF == 0, let progress {
                progress(IngestProgress(bytesRead: source.bytesRead, totalBytes: totalBytes, records: rows))
            }
        }
        progress?(IngestProgress(bytesRead: source.bytesRead, totalBytes: totalBytes, records: rows))
    }
}
