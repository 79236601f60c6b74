import Vocabulary

/// Runs detection: sniffing, delimiter detection and one full streaming pass for type inference.
struct Detector {
    let origin: SourceOrigin
    /// The file name, used to tell the format.
    let fileName: String?
    let options: IngestOptions
    let progress: ((IngestProgress) -> Void)?
    var limits: IngestLimits { options.limits }

    func run() throws(IngestError) -> Detection {
        let prefix = try readPrefix()
        if options.format == .xlsx || (options.format == nil && Self.isWorkbook(fileName: fileName, prefix: prefix)) {
            return try detectWorkbook()
        }
        if let name = fileName?.lowercased(), name.hasSuffix(".xls") || name.hasSuffix(".ods") {
            throw .unsupportedFormat(String(name.split(separator: ".").last ?? ""))
        }
        let sniff = try EncodingSniffer.sniff(prefix: prefix, declared: options.encoding)
        let body = prefix.dropFirst(sniff.bomLength)
        guard body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0 }) else {
            throw .emptyFile
        }
        let format = options.format ?? Self.format(fileName: fileName, prefix: Array(body))
        do {
            return try detect(format: format, sniff: sniff)
        } catch .invalidEncoding(let encoding, let offset, _) {
            guard sniff.tentative else {
                throw .invalidEncoding(encoding: encoding, offset: offset, line: origin.line(atOffset: offset))
            }
            var fallback = sniff
            fallback.encoding = .windows1252
            fallback.tentative = false
            var detection = try detect(format: format, sniff: fallback)
            detection.warnings.insert(
                IngestWarning(
                    code: "encoding_fallback",
                    message: "The file is not valid UTF-8 (byte \(offset)); it was read as Windows-1252."), at: 0)
            return detection
        }
    }

    private func readPrefix() throws(IngestError) -> [UInt8] {
        let source = try origin.open()
        var prefix: [UInt8] = []
        while prefix.count < EncodingSniffer.prefixLength {
            guard try source.read(into: &prefix, maxCount: EncodingSniffer.prefixLength - prefix.count) > 0 else { break }
        }
        return prefix
    }

    /// A `.xlsx` name, or a ZIP archive that holds `xl/workbook.xml`.
    static func isWorkbook(fileName: String?, prefix: [UInt8]) -> Bool {
        if fileName?.lowercased().hasSuffix(".xlsx") == true { return true }
        return prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) && String(decoding: prefix, as: UTF8.self).contains("xl/")
    }

    private func detectWorkbook() throws(IngestError) -> Detection {
        let workbook = try XLSXWorkbook(origin: origin, limits: limits)
        let sheet = try workbook.sheet(named: options.sheet).name
        let source = try XLSXRowSource(workbook: workbook, sheet: sheet, limits: limits)
        guard try source.next() else { throw .emptyFile }
        let labels = (0..<source.row.count).map { source.row.string($0).trimmingASCIIWhitespace() }
        guard labels.count <= limits.maxColumns else { throw .tooManyColumns(count: labels.count, limit: limits.maxColumns) }
        source.width = labels.count
        var pass = InferencePass(labels: labels, expected: labels.count, previewRows: options.previewRows)
        try pass.run(source, progress: progress)
        guard pass.rows > 0 else { throw .headerOnly }
        let sniff = EncodingSniff(encoding: .utf8, bomLength: 0, tentative: false)
        var detection = try finish(
            pass, format: .xlsx, sniff: sniff, delimiter: nil, order: Array(labels.indices), geometryColumn: nil)
        detection.sheet = sheet
        return detection
    }

    static func format(fileName: String?, prefix: [UInt8]) -> FileFormat {
        let ext = fileName.flatMap { name in name.split(separator: ".").count > 1 ? name.split(separator: ".").last : nil }
            .map { $0.lowercased() }
        let first = prefix.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        let text = String(decoding: prefix.prefix(4096), as: UTF8.self)
        let featureCollection = first == UInt8(ascii: "{") && text.contains("\"FeatureCollection\"")
        switch ext {
        case "csv", "tsv", "txt", "tab": return .csv
        case "geojson": return .geoJSON
        case "xlsx": return .xlsx
        case "jsonl", "ndjson": return .jsonLines
        default: break
        }
        if featureCollection { return .geoJSON }
        if first == UInt8(ascii: "[") { return .json }
        if first == UInt8(ascii: "{") {
            let lines = prefix.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: true)
            if lines.count >= 2, (try? JSONParser.parse(Array(lines[0]))) != nil { return .jsonLines }
            return .json
        }
        return .csv
    }

    private func stream(_ sniff: EncodingSniff) throws(IngestError) -> DecodedStream {
        DecodedStream(source: try origin.open(), encoding: sniff.encoding, skip: sniff.bomLength, chunkSize: limits.chunkSize)
    }

    private func detect(format: FileFormat, sniff: EncodingSniff) throws(IngestError) -> Detection {
        switch format {
        case .csv:
            let delimiter: UInt8
            if let forced = options.delimiter { delimiter = forced } else { delimiter = try detectDelimiter(sniff) }
            let parser = CSVParser(
                stream: try stream(sniff), delimiter: delimiter, maxCellBytes: limits.maxCellBytes,
                maxFields: max(limits.maxColumns, 10_000))
            guard try parser.next() else { throw .emptyFile }
            let labels = (0..<parser.row.count).map { parser.row.string($0).trimmingASCIIWhitespace() }
            guard labels.count <= limits.maxColumns else { throw .tooManyColumns(count: labels.count, limit: limits.maxColumns) }
            var pass = InferencePass(labels: labels, expected: labels.count, previewRows: options.previewRows)
            try pass.run(parser, progress: progress)
            guard pass.rows > 0 else { throw .headerOnly }
            if pass.raggedTotal > 0 {
                throw .raggedRows(expected: labels.count, lines: pass.raggedLines, total: pass.raggedTotal)
            }
            return try finish(
                pass, format: .csv, sniff: sniff, delimiter: delimiter, order: Array(labels.indices), geometryColumn: nil)
        case .xlsx:
            return try detectWorkbook()
        case .json, .jsonLines, .geoJSON:
            let mode: JSONRecordStream.Mode = format == .json ? .array : format == .jsonLines ? .lines : .featureCollection
            let records = JSONRecordStream(stream: try stream(sniff), mode: mode, maxRecordBytes: limits.maxRecordBytes)
            let source = JSONRowSource(records: records, geoJSON: format == .geoJSON, keys: nil, maxColumns: limits.maxColumns)
            var pass = InferencePass(labels: source.keys, expected: nil, previewRows: options.previewRows)
            try pass.run(source, progress: progress) { source.keys }
            guard pass.rows > 0 else { throw .emptyFile }
            if format == .geoJSON {
                pass.labels[0] = "geo_shape"
                return try finish(
                    pass, format: format, sniff: sniff, delimiter: nil, order: Array(pass.labels.indices.dropFirst()) + [0],
                    geometryColumn: 0)
            }
            return try finish(
                pass, format: format, sniff: sniff, delimiter: nil, order: Array(pass.labels.indices), geometryColumn: nil)
        }
    }

    /// Picks the delimiter that splits a sample of up to 1,000 rows into the most consistent field counts.
    private func detectDelimiter(_ sniff: EncodingSniff) throws(IngestError) -> UInt8 {
        let decoded = try stream(sniff)
        var sample: [UInt8] = []
        var complete = true
        let sampleLimit = 512 * 1024
        while sample.count < sampleLimit {
            guard try decoded.next() else { break }
            sample.append(contentsOf: decoded.chunk)
        }
        if sample.count >= sampleLimit, try decoded.next() {
            complete = false
        }
        var best: (delimiter: UInt8, consistency: Double, fields: Int) = (UInt8(ascii: ","), -1, 1)
        for delimiter in [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "|")] {
            let parser = CSVParser(
                stream: DecodedStream(source: MemoryByteSource(sample), encoding: .utf8, skip: 0, chunkSize: limits.chunkSize),
                delimiter: delimiter, maxCellBytes: limits.maxCellBytes, maxFields: 100_000)
            var counts: [Int] = []
            while counts.count < 1001, (try? parser.next()) == true { counts.append(parser.row.count) }
            if !complete && counts.count > 2 { counts.removeLast() }
            guard let header = counts.first, header > 1 else { continue }
            let data = counts.dropFirst()
            let consistency = data.isEmpty ? 1 : Double(data.filter { $0 == header }.count) / Double(data.count)
            if consistency > best.consistency + 1e-9 || (abs(consistency - best.consistency) <= 1e-9 && header > best.fields) {
                best = (delimiter, consistency, header)
            }
        }
        return best.delimiter
    }

    private func finish(
        _ pass: InferencePass, format: FileFormat, sniff: EncodingSniff, delimiter: UInt8?, order: [Int], geometryColumn: Int?
    ) throws(IngestError) -> Detection {
        let (names, renameWarnings) = FieldNames.unique(order.map { pass.labels[$0] })
        var warnings = renameWarnings
        var fields: [Field] = []
        for (position, column) in order.enumerated() {
            let inference = pass.columns[column]
            var (type, reason) = inference.decision
            if column == geometryColumn {
                type = .geoShape
                reason = nil
            }
            let field = Field(
                name: names[position], label: pass.labels[column], type: type, source: .column(column),
                nullCount: pass.rows - inference.nonEmpty, reason: reason)
            if let reason {
                let code = inference.nonEmpty == 0 ? "empty_column" : "text_fallback"
                warnings.append(IngestWarning(code: code, field: field.name, message: "Field \(field.name) is text: \(reason)."))
            }
            fields.append(field)
        }
        Self.addDerivedPoint(to: &fields, columns: pass.columns, warnings: &warnings)
        var detection = Detection(
            format: format, encoding: sniff.encoding, delimiter: delimiter, sheet: nil, fields: fields, warnings: warnings,
            recordCount: pass.rows, totalBytes: pass.totalBytes, bomLength: sniff.bomLength, columnKeys: pass.keys,
            previewCells: pass.preview, limits: limits)
        if !options.fieldTypes.isEmpty { detection = try detection.overriding(options.fieldTypes) }
        return detection
    }

    /// Adds `geo_point_2d` from a latitude/longitude pair, or from the centroid of the first shape.
    static func addDerivedPoint(to fields: inout [Field], columns: [ColumnInference], warnings: inout [IngestWarning]) {
        guard !fields.contains(where: { $0.type == .geoPoint2D }), !fields.contains(where: { $0.name == "geo_point_2d" }) else {
            return
        }
        func numeric(_ name: String, _ range: ClosedRange<Double>) -> Int? {
            guard let index = fields.firstIndex(where: { $0.name == name }),
                fields[index].type == .int || fields[index].type == .double,
                case .column(let column) = fields[index].source, columns[column].fits(range: range)
            else { return nil }
            return index
        }
        for (latName, lonName) in CoordinatePairs.pairs {
            if let lat = numeric(latName, -90...90), let lon = numeric(lonName, -180...180) {
                fields.append(
                    Field(
                        name: "geo_point_2d", label: "geo_point_2d", type: .geoPoint2D,
                        source: .latLon(latitude: lat, longitude: lon)))
                warnings.append(
                    IngestWarning(
                        code: "derived_field", field: "geo_point_2d",
                        message: "Field geo_point_2d is built from the \(latName)/\(lonName) columns."))
                return
            }
        }
        if let shape = fields.firstIndex(where: { $0.type == .geoShape }) {
            fields.append(Field(name: "geo_point_2d", label: "geo_point_2d", type: .geoPoint2D, source: .centroid(of: shape)))
            warnings.append(
                IngestWarning(
                    code: "derived_field", field: "geo_point_2d",
                    message: "Field geo_point_2d is the centroid of \(fields[shape].name)."))
        }
    }
}
