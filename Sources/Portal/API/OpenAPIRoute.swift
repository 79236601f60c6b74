import Foundation
import Hummingbird
import NIOCore
import Web

/// `GET /api/explore/v2.1/openapi.json`: the OpenAPI 3.0 document of what Garona's data API implements,
/// a subset of Opendatasoft's Explore API v2.1 document, shipped as `Resources/openapi.json`.
extension ExploreAPIController {
    /// The document's bytes, read once from the bundle.
    static let openAPIDocument: ByteBuffer? = Bundle.module.url(forResource: "Resources/openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }
        .map { ByteBuffer(bytes: $0) }

    /// Adds `openapi.json` to `api`, the API's group.
    func addOpenAPIRoute(to api: RouterGroup<PortalRequestContext>) {
        api.get("openapi.json") { _, _ in
            guard let document = Self.openAPIDocument else {
                throw APIError(status: .notFound, code: "NotFound", message: "The OpenAPI document is not installed.")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: document))
        }
    }
}
