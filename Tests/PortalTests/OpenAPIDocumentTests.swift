import Foundation
import Hummingbird
import Logging
import Store
import Testing
import Web

@testable import Portal

/// The OpenAPI document (`Resources/openapi.json`) against the routes the data API registers: a route, an export
/// format or a path parameter added without its description fails here. The query parameters are checked against
/// the API's sources by Tests/Acceptance/test_openapi_schemathesis.py.
@Suite struct OpenAPIDocumentTests {
    /// The document's `paths` object.
    static func documentPaths() throws -> [String: [String: Any]] {
        let buffer = try #require(ExploreAPIController.openAPIDocument)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
        return try #require(document["paths"] as? [String: [String: Any]])
    }

    /// The routes that ``ExploreAPIController/addRoutes(to:)`` registers, written as the document writes paths
    /// (`{dataset_id}`, `{record_id}`, `{attachment_id}`): those under its base without it (and without the document's
    /// own route), and the others (the legacy download link) from the root.
    static func registeredPaths() throws -> (api: Set<String>, root: Set<String>) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path)
        let router = Router(context: PortalRequestContext.self)
        ExploreAPIController(
            store: store, attachments: store, memo: AggregateMemo(), catalogTables: CatalogTables(),
            exportSlots: ExportSlots(capacity: 1), uploadsDirectory: directory, clock: { Date() },
            logger: Logger(label: "openapi-test")
        ).addRoutes(to: router)
        let base = ExploreAPIController.base
        var api = Set<String>()
        var root = Set<String>()
        for route in router.routes where route.method == .get {
            let path = route.path.description
                .replacing("{id}", with: "{dataset_id}")
                .replacing("{record}", with: "{record_id}")
                .replacing("{attachment}", with: "{attachment_id}")
            if path.hasPrefix(base + "/") {
                let documented = String(path.dropFirst(base.count))
                if documented != "/openapi.json" { api.insert(documented) }
            } else {
                root.insert(path)
            }
        }
        return (api, root)
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() throws {
        let (registered, root) = try Self.registeredPaths()
        #expect(registered.count >= 12, "\(registered)")
        let documented = try Self.documentPaths()
        // Paths with their own `servers` (the legacy download link) are under the portal's root.
        let rootPaths = documented.filter { $0.value["servers"] != nil }.keys
        #expect(Set(rootPaths.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }) == root)
        // The document also describes fixed formats (`exports/csv`, `exports/dcat`…) that the `{format}` route serves.
        let templated = Set(
            documented.filter { $0.value["servers"] == nil }.keys.map { path in
                path.replacing(/\/exports\/[a-z.]+$/, with: "/exports/{format}")
            })
        #expect(registered.subtracting(templated).isEmpty, "undocumented: \(registered.subtracting(templated))")
        #expect(templated.subtracting(registered).isEmpty, "not served: \(templated.subtracting(registered))")
        for (path, item) in documented {
            #expect(item.keys.filter { $0 != "servers" } == ["get"], "\(path): \(item.keys)")
        }
    }

    /// The `format` enum of an export operation.
    static func formats(_ path: String) throws -> Set<String> {
        let get = try #require(try documentPaths()[path]?["get"] as? [String: Any])
        let parameters = try #require(get["parameters"] as? [[String: Any]])
        let format = try #require(parameters.first { $0["name"] as? String == "format" })
        let schema = try #require(format["schema"] as? [String: Any])
        return Set(try #require(schema["enum"] as? [String]))
    }

    @Test func exportFormatsAreThoseServed() throws {
        #expect(try Self.formats("/catalog/datasets/{dataset_id}/exports/{format}") == Set(ExportFormat.allCases.map(\.rawValue)))
        // `data.json` has its own operation.
        #expect(try Self.formats("/catalog/exports/{format}").union(["data.json"]) == Set(CatalogExportFormat.listed))
    }
}
