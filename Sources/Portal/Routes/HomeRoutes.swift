import CookieCharter
import Hummingbird
import Web

/// `/`, `/healthz` and `/static/…`.
extension PortalServices {
    func addHomeRoutes(to router: Router<PortalRequestContext>) {
        router.get("/") { request, context in
            let language = context.visit.language
            var values: [String: Any] = [:]
            if let service = registry.service(id: "map_tiles") {
                values["map"] = [
                    "allowed": context.visit.consent.allows(service),
                    "markup": service.markup,
                    "service_id": service.id,
                    "placeholder": catalog.text("consent_placeholder", in: language, ["provider": service.provider]),
                ]
            }
            return renderer.page(
                "home", title: catalog.text("nav_home", in: language), values: values, request: request, context: context)
        }
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/static/{name}") { request, context in
            guard let name = context.parameters.get("name"), let asset = staticFiles.asset(named: name) else {
                throw PageError.notFound
            }
            if request.headers[.ifNoneMatch] == asset.etag {
                return Response(status: .notModified, headers: [.eTag: asset.etag])
            }
            return Response(
                status: .ok,
                headers: [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "public, max-age=3600"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes))
            )
        }
    }
}
