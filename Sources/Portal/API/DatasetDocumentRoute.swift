import Foundation
import Hummingbird
import ODSQL
import Store
import Web

/// `catalog/datasets/{dataset_id}`: one dataset's document (``DatasetDocument``), with the reference's parameters.
///
/// - `select`: names of the document's members (`select=dataset_id, fields`) keep those members; any other
///   expression is ODSQL over the catalog's fields, answered flat as `catalog/datasets` answers it
///   (`select=title` gives `{"title": …}`);
/// - `timezone`: the dates of `metas.default`;
/// - `include_links`: `_links`; `include_app_metas`: the application's metadata (``DatasetDocument/addApplicationMetas(_:)``).
extension ExploreAPIController {
    /// Answers `catalog/datasets/{dataset_id}`.
    func datasetDocument(request: Request, context: PortalRequestContext) async throws -> Response {
        let dataset = try await visibleDataset(context)
        let parameters = try APIParameters(request)
        let base = requestOrigin(context) + Self.base
        var audience: AudienceDatasetTotals?
        if let audienceTotals { audience = await audienceTotals.of(dataset.id) }
        var document = try await document(of: dataset, parameters: parameters, base: base, audience: audience)
        let select = parameters.query.select
        var writer = JSONWriter()
        if !RecordLinks.selectsWholeRecord(select) {
            let names = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard names.allSatisfy(DatasetDocument.memberNames.contains) else {
                return try await catalogSelection(of: dataset, parameters: parameters)
            }
            document.selected = Set(names)
        }
        writer.encoded(document)
        return jsonResponse(writer)
    }

    /// The document of `dataset` as `catalog/datasets` and `catalog/datasets/{dataset_id}` write it for `parameters`:
    /// its attachments, the audience figures when measured, `_links` and application metas when asked for, dates in
    /// the request's time zone.
    func document(
        of dataset: Dataset, parameters: APIParameters, base: String, audience: AudienceDatasetTotals?
    ) async throws -> DatasetDocument {
        var document = DatasetDocument(dataset, language: parameters.language)
        if let audience { document.addAudience(audience) }
        if try parameters.flag("include_app_metas", default: false) {
            document.addApplicationMetas(audience ?? AudienceDatasetTotals())
        }
        if try parameters.flag("include_links", default: false) {
            document.links = DatasetDocument.links(datasetID: dataset.id, base: base)
        }
        document.addAttachments(try await attachments.attachments(datasetID: dataset.id), base: base)
        document.render(in: parameters.timeZone)
        return document
    }

    /// `select` as ODSQL over the catalog's fields, on `dataset` alone: its one result, flat.
    private func catalogSelection(of dataset: Dataset, parameters: APIParameters) async throws -> Response {
        let table = try await catalogTable(language: parameters.language)
        let compiler = CatalogTable.compiler(now: clock(), language: parameters.language)
            .reading(timeZone: parameters.timeZone)
        let compiled: CompiledQuery
        do {
            // Dataset ids are `[a-z0-9_-]`: the literal needs no escaping, and the compiler binds it.
            let query = ODSQL.QueryText(select: parameters.query.select, where: ["dataset_id = \"\(dataset.id)\""])
            compiled = try compiler.records(query, limit: 1)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        var writer = JSONWriter()
        let renderer = RecordRenderer(columns: compiled.columns, timeZone: parameters.timeZone)
        renderer.writeObject(try table.rows(compiled).first ?? [], to: &writer)
        return jsonResponse(writer)
    }
}
