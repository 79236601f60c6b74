import CookieCharter
import Foundation
import Hummingbird
import Ingest
import ODSQL
import Store
import Vocabulary
import Web

/// The map tab: the records' points drawn by Leaflet from a page-local JSON endpoint, with background tiles
/// only after the visitor consents to the tile service.
enum DatasetMap {
    /// Points sent to the browser at most; past this the page says the map is partial.
    static let maxPoints = 20_000
    /// Points listed in the page's table, for readers without the map.
    static let listedPoints = 20
    /// Text fields shown in a marker's popup.
    static let popupFields = 3

    /// The field the map draws: the first `geo_point_2d`, else the first `geo_shape` (drawn at its centre).
    static func geoField(of dataset: Dataset) -> DatasetField? {
        dataset.fields.first { $0.type == .geoPoint2D } ?? dataset.fields.first { $0.type == .geoShape }
    }

    /// Latitude and longitude of the first result column: the point, or the centre of the shape's bounding box.
    static func position(_ row: [SQLValue], _ column: ResultColumn) -> (lat: Double, lon: Double)? {
        let first = column.firstSQLColumn
        guard first < row.count else { return nil }
        if column.type == .geoPoint {
            guard first + 1 < row.count, let lat = row[first].double, let lon = row[first + 1].double else { return nil }
            return (lat, lon)
        }
        guard case .text(let text) = row[first], let box = (try? Geometry(geoJSON: text, acceptingFeature: true))?.extent,
            !box.isEmpty
        else { return nil }
        return ((box.minY + box.maxY) / 2, (box.minX + box.maxX) / 2)
    }

    /// The fields a popup shows: the first few text fields, then other plain fields.
    static func popupFields(of dataset: Dataset) -> [DatasetField] {
        let plain = dataset.fields.filter { ![.geoPoint2D, .geoShape, .jsonBlob].contains($0.type) }
        return Array((plain.filter { $0.type == .text } + plain.filter { $0.type != .text }).prefix(popupFields))
    }

    /// The query selecting the point then the popup fields, under the page's filters.
    static func pointsQuery(_ dataset: Dataset, query: DatasetPageQuery) -> ODSQL.QueryText? {
        guard let geo = geoField(of: dataset) else { return nil }
        var text = query.odsql
        text.select = ([geo] + popupFields(of: dataset)).map { DatasetPageQuery.identifier($0.name) }.joined(separator: ", ")
        text.wheres.append(DatasetPageQuery.identifier(geo.name) + " is not null")
        return text
    }
}

extension DatasetPageController {
    func mapValues(
        _ dataset: Dataset, query: DatasetPageQuery, options: DatasetPageOptions, request: Request,
        context: PortalRequestContext
    ) async throws -> [String: Any] {
        let language = context.visit.language
        guard
            let compiler = await correcting(pageCompiler(for: dataset, language: language), for: dataset, query: query),
            let text = DatasetMap.pointsQuery(dataset, query: query)
        else { throw PageError.notFound }
        let total = try await matchingCount(dataset, compiler: compiler, query: query)
        let compiled = try compiler.records(text, limit: DatasetMap.listedPoints)
        let rows = try await store.rows(compiled)
        let popup = DatasetMap.popupFields(of: dataset)
        var values: [String: Any] = [
            "points_url": "/explore/dataset/\(dataset.id)/map/points.json" + query.link(),
            "leaflet": options.hasLeaflet,
            "clustering": options.hasClustering,
            "popup_labels": popup.map(\.label),
            "headers": popup.map(\.label),
            "points": rows.map { row in
                [
                    "position": compiled.columns.first.flatMap { DatasetMap.position(row, $0) }.map { "\($0.lat), \($0.lon)" }
                        ?? "",
                    "cells": compiled.columns.dropFirst().map { DatasetCells.text(row, $0, language: language) },
                ] as [String: Any]
            },
            "points_caption": catalog.text(
                "dataset_map_points_caption", in: language,
                [
                    "shown": NumberFormat.integer(rows.count, language: language),
                    "count": NumberFormat.integer(total, language: language),
                ]),
            "table_href": "/explore/dataset/\(dataset.id)/table/" + query.link(),
        ]
        if total > DatasetMap.maxPoints {
            values["partial"] = [
                "text": catalog.text(
                    "dataset_map_partial", in: language,
                    ["max": NumberFormat.integer(DatasetMap.maxPoints, language: language)])
            ]
        }
        if let service = site.current.registry.service(id: "map_tiles") {
            if context.visit.consent.allows(service) {
                values["tiles"] = ["url": options.tileURL, "attribution": service.provider]
            } else {
                values["consent"] = [
                    "service_id": service.id,
                    "text": catalog.text("dataset_map_consent", in: language, ["provider": service.provider]),
                ]
            }
        }
        return values
    }

    /// `map/points.json`: `{"fields": [labels], "points": [[lat, lon, text…], …], "truncated": bool}`.
    func mapPoints(_ dataset: Dataset, request: Request, context: PortalRequestContext) async throws -> Response {
        let language = context.visit.language
        let compiler = pageCompiler(for: dataset, language: language)
        let query = DatasetPageQuery(pairs: request.queryForm.pairs, dataset: dataset, compiler: compiler)
        guard let compiler = await correcting(compiler, for: dataset, query: query),
            let text = DatasetMap.pointsQuery(dataset, query: query)
        else { throw PageError.notFound }
        let compiled = try compiler.records(text, limit: DatasetMap.maxPoints + 1)
        let rows = try await store.rows(compiled)
        var writer = JSONWriter()
        writer.raw("{\"fields\":[")
        for (index, field) in DatasetMap.popupFields(of: dataset).enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(field.label)
        }
        writer.raw("],\"truncated\":\(rows.count > DatasetMap.maxPoints),\"points\":[")
        var first = true
        guard let geo = compiled.columns.first else { throw PageError.notFound }
        for row in rows.prefix(DatasetMap.maxPoints) {
            guard let (lat, lon) = DatasetMap.position(row, geo) else { continue }
            writer.raw(first ? "[" : ",[")
            first = false
            writer.number(lat)
            writer.raw(",")
            writer.number(lon)
            for column in compiled.columns.dropFirst() {
                writer.raw(",")
                writer.string(DatasetCells.text(row, column, language: language))
            }
            writer.raw("]")
        }
        writer.raw("]}")
        var response = jsonResponse(writer)
        response.headers[.cacheControl] = dataset.metadata.visibility == .public ? "public, max-age=60" : "private, no-store"
        return response
    }
}
