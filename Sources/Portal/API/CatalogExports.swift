import Foundation
import Hummingbird
import ODSQL
import Store
import Vocabulary
import Web

/// The formats of `catalog/exports/{format}`.
enum CatalogExportFormat: Equatable {
    /// One row per dataset, as the dataset exports write rows: `csv`, `json`, `jsonl`, `xlsx`.
    case table(ExportFormat)
    /// The DCAT graph: `dcat` (RDF/XML as Opendatasoft writes it), the `dcat_ap_*` names (DCAT-AP 2.x, RDF/XML) and
    /// the same DCAT-AP graph as `rdf`/`rdfxml`, `ttl`/`turtle` and `jsonld`.
    case graph(DCATProfile, RDFSyntax)
    /// Project Open Data 1.1 (`data.json`).
    case dataJSON

    /// The national DCAT-AP profiles Opendatasoft names (`dcat_ap_ch`…); each answers DCAT-AP 2.x.
    static let dcatAPNames: Set<String> = [
        "dcat_ap_ch", "dcat_ap_de", "dcat_ap_se", "dcat_ap_sp", "dcat_ap_it", "dcat_ap_vl", "dcat_ap_benap",
    ]
    /// The formats `catalog/exports` lists: every name ``init(name:)`` accepts (but the dashed `dcat-ap-*` spellings).
    static let listed =
        ["csv", "json", "jsonl", "xlsx", "dcat"] + dcatAPNames.sorted()
        + ["rdf", "rdfxml", "ttl", "turtle", "jsonld", "data.json"]

    /// The format named `name` in the path; the JS client's `dcat-ap-ch` spelling is also understood.
    init?(name: String) {
        switch name {
        case "csv": self = .table(.csv)
        case "json": self = .table(.json)
        case "jsonl": self = .table(.jsonl)
        case "xlsx": self = .table(.xlsx)
        case "dcat": self = .graph(.opendatasoft, .rdfXML)
        case "rdf", "rdfxml": self = .graph(.dcatAP, .rdfXML)
        case "ttl", "turtle": self = .graph(.dcatAP, .turtle)
        case "jsonld": self = .graph(.dcatAP, .jsonLD)
        case "data.json": self = .dataJSON
        default:
            guard Self.dcatAPNames.contains(name.replacing("-", with: "_")) else { return nil }
            self = .graph(.dcatAP, .rdfXML)
        }
    }
}

extension ExploreAPIController {
    /// The catalog as CSV, JSON, JSON Lines or XLSX (one flat row per dataset, filtered and shaped by the same
    /// ODSQL parameters as `catalog/datasets`), or its DCAT description (RDF/XML, Turtle, JSON-LD), or `data.json`.
    func catalogExport(_ format: CatalogExportFormat, request: Request, context: PortalRequestContext) async throws
        -> Response
    {
        let parameters = try APIParameters(request)
        let table = try await catalogTable(language: parameters.language)
        let compiler = table.correcting(
            CatalogTable.compiler(now: clock(), language: parameters.language).reading(timeZone: parameters.timeZone),
            query: parameters.query)
        let exportFormat: ExportFormat
        switch format {
        case .table(let tableFormat): exportFormat = tableFormat
        case .graph, .dataJSON:
            return try descriptionExport(format, parameters: parameters, table: table, compiler: compiler, context: context)
        }
        var offset = 0
        if let text = parameters.value("offset") {
            guard let number = Int(text), number >= 0 else {
                throw APIParameters.invalid("offset", text, expected: "offset >= 0")
            }
            offset = number
        }
        let plan = try exportPlan(exportFormat, compiler: compiler, parameters: parameters, labels: [:], startOffset: offset)
        return try streamExport(plan, name: "catalog", parameters: parameters) { query, consume in
            try await consume(try table.rows(query))
        }
    }

    /// The DCAT graph or `data.json` of the datasets that `where`, `refine`, `q`… select, in `order_by`'s order, with
    /// a distribution per export of `include_exports` (every format by default) that the dataset has: a format
    /// Garona lacks, and a geographic format for a dataset without a geographic field, are left out, never a 400
    /// for the whole catalog (harvesters such as data.gouv.fr's ask for a fixed list).
    private func descriptionExport(
        _ format: CatalogExportFormat, parameters: APIParameters, table: CatalogTable, compiler: ODSQL.Compiler,
        context: PortalRequestContext
    ) throws -> Response {
        var formats: [ExportFormat] = []
        let requested = parameters.value("include_exports").map { $0.split(separator: ",").map(String.init) }
        for name in requested ?? ExportFormat.allCases.map(\.rawValue) {
            let format = ExportFormat(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased())
            if let format, !formats.contains(format) { formats.append(format) }
        }
        let useLabels = try parameters.flag("use_labels_in_exports", default: true)
        var query = parameters.query
        query.select = ""
        query.groupBy = ""
        let ids: [String]
        do {
            ids = try table.rows(compiler.records(query, limit: nil, includeRecordID: true)).compactMap { row in
                if case .text(let id) = row.first { return id }
                return nil
            }
        } catch let error as ODSQLError {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        let datasets = ids.compactMap { table.datasets[$0] }.map { Self.withAvailableExports($0, formats) }
        let origin = requestOrigin(context)
        var bytes: [UInt8]
        var filename: String
        var contentType: String
        switch format {
        case .graph(let profile, let syntax):
            var writer = DCATWriter(
                origin: origin, apiBase: Self.base, useLabels: useLabels, language: parameters.language)
            writer.profile = profile
            if let siteName = siteName(in: parameters.language) { writer.siteName = siteName }
            bytes = Array(syntax.document(writer.catalog(datasets)).utf8)
            (filename, contentType) = ("catalog." + syntax.fileExtension, syntax.contentType)
        default:
            var writer = DataJSONWriter(
                origin: origin, apiBase: Self.base, useLabels: useLabels, language: parameters.language)
            if let siteName = siteName(in: parameters.language) { writer.siteName = siteName }
            var json = JSONWriter()
            json.encoded(writer.document(datasets))
            (bytes, filename, contentType) = (json.bytes, "data.json", "application/json; charset=utf-8")
        }
        if try parameters.flag("compressed", default: false) {
            let gzip = Deflater(.gzip)
            bytes = gzip.compress(bytes) + gzip.finish()
            filename += ".gzip"
            contentType = "application/gzip"
        }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// The portal's name in `language` from the site's settings (issue 16), else the configured name; nil without a
    /// live site (tests that build the controller alone).
    private func siteName(in language: String) -> String? {
        guard let state = site?.current else { return nil }
        return state.identity.name(in: language, fallback: state.siteName)
    }

    /// The formats of `formats` that `dataset` can be exported in: none before its first import, and the
    /// geographic ones only when it has a geographic field.
    static func withAvailableExports(_ dataset: Dataset, _ formats: [ExportFormat]) -> DatasetExports {
        guard dataset.recordsTable != nil else { return DatasetExports(dataset: dataset, formats: []) }
        let geographic = dataset.fields.contains { $0.type == .geoPoint2D || $0.type == .geoShape }
        return DatasetExports(dataset: dataset, formats: formats.filter { geographic || !$0.isGeographic })
    }
}

/// A dataset and the export formats its catalog description lists as distributions.
struct DatasetExports {
    let dataset: Dataset
    let formats: [ExportFormat]
}

extension ExportFormat {
    /// The media type without parameters (`text/csv`).
    var mediaType: String { contentType.split(separator: ";").first.map(String.init) ?? contentType }

    /// The download URL of `datasetID`'s export in this format, under `api` (`https://host/api/explore/v2.1`), with
    /// field labels as headers when `useLabels`.
    func downloadURL(datasetID: String, api: String, useLabels: Bool) -> String {
        "\(api)/catalog/datasets/\(datasetID)/exports/\(rawValue)" + (useLabels ? "?use_labels=true" : "")
    }

    /// Whether the format only makes sense with a geometry (GeoJSON, shapefile, KML, GPX, FlatGeobuf).
    var isGeographic: Bool {
        switch self {
        case .geojson, .shp, .kml, .gpx, .fgb: true
        case .csv, .json, .jsonl, .xlsx, .parquet, .jsonld, .turtle, .rdfxml: false
        }
    }
}
