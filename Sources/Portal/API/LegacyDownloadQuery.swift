import Web

/// The query of the v2.1 export that the legacy download link (`/explore/dataset/{id}/download/`) redirects to,
/// from the link's own parameters, as Opendatasoft's clients send them (odsclient's `get_whole_dataset` and
/// `get_whole_dataframe`, data.gouv.fr's resource links):
///
/// | legacy | v2.1 export |
/// | --- | --- |
/// | `use_labels_for_header` (default false) | `use_labels` |
/// | `csv_separator` | `delimiter` |
/// | `timezone`, `lang`, `q`, `apikey` | the same |
/// | `refine.<facet>=<value>`, `exclude.<facet>=<value>` | `refine=<facet>:<value>`, `exclude=<facet>:<value>` |
///
/// Other parameters are left out, as before; the export checks the values it is given and answers its 400.
enum LegacyDownloadQuery {
    /// The export's query string, without `?`, from the pairs of the legacy link's query.
    static func exportQuery(_ pairs: [(name: String, value: String)]) -> String {
        func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
        var query = ["use_labels=" + (first("use_labels_for_header") ?? "false").urlQueryEncoded]
        if let separator = first("csv_separator") { query.append("delimiter=" + separator.urlQueryEncoded) }
        for name in ["timezone", "lang", "q"] {
            if let value = first(name) { query.append(name + "=" + value.urlQueryEncoded) }
        }
        for (name, value) in pairs {
            for kind in ["refine", "exclude"] where name.hasPrefix(kind + ".") && name.count > kind.count + 1 {
                let facet = name.dropFirst(kind.count + 1)
                query.append(kind + "=" + (facet + ":" + value).urlQueryEncoded)
            }
        }
        // A key given in the query string goes on to the export; one in `Authorization` is sent again by clients.
        if let key = first("apikey") { query.append("apikey=" + key.urlQueryEncoded) }
        return query.joined(separator: "&")
    }
}
