import Foundation
import Hummingbird
import Ingest
import Store
import Vocabulary
import Web

/// The export and api tabs: download links and ready-to-copy Explore API calls carrying the page's filters.
extension DatasetPageController {
    func exportValues(_ dataset: Dataset, query: DatasetPageQuery) -> [String: Any] {
        let filters = DatasetPageQuery.queryString(query.apiPairs)
        return [
            "formats": ExportFormat.allCases.map { format in
                [
                    "name": format.rawValue.uppercased(), "format": format.rawValue,
                    "href": "\(ExploreAPIController.base)/catalog/datasets/\(dataset.id)/exports/\(format.rawValue)" + filters,
                    "download": "\(dataset.id).\(format.fileExtension)",
                ]
            },
            "filtered": !query.apiPairs.isEmpty,
        ]
    }

    func apiValues(
        _ dataset: Dataset, query: DatasetPageQuery, request: Request, context: PortalRequestContext
    ) -> [String: Any] {
        let base = "\(siteOrigin(request, context))\(ExploreAPIController.base)/catalog/datasets/\(dataset.id)"
        let records = base + "/records" + DatasetPageQuery.queryString(query.apiPairs + [("limit", "20")])
        var calls: [[String: String]] = [
            ["key": "dataset_api_metadata", "url": base],
            ["key": "dataset_api_records", "url": records],
        ]
        if let facet = dataset.fields.first(where: { $0.facet && $0.type != .geoPoint2D && $0.type != .geoShape }) {
            let pairs = query.apiPairs + [("select", "count(*) as total"), ("group_by", facet.name)]
            calls.append(["key": "dataset_api_facets", "url": base + "/records" + DatasetPageQuery.queryString(pairs)])
        }
        for format in ExportFormat.allCases {
            calls.append(
                [
                    "key": "dataset_api_export",
                    "url": base + "/exports/\(format.rawValue)" + DatasetPageQuery.queryString(query.apiPairs),
                ])
        }
        let language = context.visit.language
        return [
            "calls": calls.map { ["label": catalog.text($0["key"] ?? "", in: language), "url": $0["url"] ?? ""] },
            // Per scalar: a `'` fused with a combining mark would otherwise end the shell quote.
            "curl": "curl -s '" + records.unicodeScalars.map { $0 == "'" ? "'\\''" : String($0) }.joined() + "'",
        ]
    }
}
