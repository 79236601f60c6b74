import Foundation

/// The controlled vocabularies DCAT-AP 2.x asks for: the EU Publications Office's data themes, file types and
/// languages, and IANA's media types.
enum DCATVocabulary {
    /// The EU data theme authority table; a code such as `TRAN` follows.
    static let themes = "http://publications.europa.eu/resource/authority/data-theme/"
    /// The EU file type authority table; a code such as `CSV` follows.
    static let fileTypes = "http://publications.europa.eu/resource/authority/file-type/"
    /// The EU language authority table; a code such as `FRA` follows.
    static let language = "http://publications.europa.eu/resource/authority/language/"
    /// IANA's media types registry; a type such as `text/csv` follows.
    static let mediaTypes = "https://www.iana.org/assignments/media-types/"

    /// The media types of Garona's exports that IANA registers (`application/jsonl`, `application/gpx+xml` and
    /// `application/flatgeobuf` are not, and stay literals).
    static let registeredMediaTypes: Set<String> = [
        "text/csv", "application/json", "application/geo+json", "application/zip", "application/vnd.apache.parquet",
        "application/vnd.google-earth.kml+xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/ld+json", "text/turtle", "application/rdf+xml",
    ]

    /// The EU file type of an export, nil when the table has none (JSON Lines, FlatGeobuf).
    static func fileType(_ format: ExportFormat) -> String? {
        switch format {
        case .csv: "CSV"
        case .json: "JSON"
        case .geojson: "GEOJSON"
        case .xlsx: "XLSX"
        case .parquet: "PARQUET"
        case .shp: "SHP"
        case .kml: "KML"
        case .gpx: "GPX"
        case .jsonld: "JSON_LD"
        case .turtle: "RDF_TURTLE"
        case .rdfxml: "RDF_XML"
        case .jsonl, .fgb: nil
        }
    }

    /// Word stems (folded: lower case, no accents) of French and English theme names, and the EU data theme each
    /// points to. A portal's themes are free text; the first stem found in a theme's folded name decides.
    private static let themeStems: [(String, String)] = [
        ("transport", "TRAN"), ("mobilit", "TRAN"), ("deplacement", "TRAN"),
        ("environ", "ENVI"), ("climat", "ENVI"), ("biodiversit", "ENVI"), ("nature", "ENVI"),
        ("sante", "HEAL"), ("health", "HEAL"),
        ("educat", "EDUC"), ("enseignement", "EDUC"), ("culture", "EDUC"), ("sport", "EDUC"), ("touris", "EDUC"),
        ("loisir", "EDUC"), ("patrimoine", "EDUC"),
        ("social", "SOCI"), ("solidarit", "SOCI"), ("population", "SOCI"), ("societ", "SOCI"), ("logement", "SOCI"),
        ("housing", "SOCI"),
        ("econom", "ECON"), ("financ", "ECON"), ("budget", "ECON"), ("entreprise", "ECON"), ("emploi", "ECON"),
        ("agricult", "AGRI"), ("peche", "AGRI"), ("foret", "AGRI"), ("forest", "AGRI"), ("aliment", "AGRI"),
        ("food", "AGRI"),
        ("energ", "ENER"),
        ("justice", "JUST"), ("securit", "JUST"), ("safety", "JUST"),
        ("administration", "GOVE"), ("gouvern", "GOVE"), ("govern", "GOVE"), ("citoyen", "GOVE"), ("election", "GOVE"),
        ("science", "TECH"), ("recherche", "TECH"), ("research", "TECH"), ("technolog", "TECH"), ("numerique", "TECH"),
        ("digital", "TECH"),
        ("amenagement", "REGI"), ("territoire", "REGI"), ("urbanis", "REGI"), ("region", "REGI"), ("ville", "REGI"),
        ("cities", "REGI"), ("international", "INTR"), ("europe", "INTR"),
    ]

    /// The EU data theme code matching a theme's name, nil when none does.
    static func dataTheme(_ name: String) -> String? {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return themeStems.first { folded.contains($0.0) }?.1
    }
}
