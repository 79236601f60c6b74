import Foundation
import Hummingbird
import Web

/// A redirect to `target` (302 unless told, as Django's `HttpResponseRedirect`).
func redirect(to target: String, status: HTTPResponse.Status = .found) -> Response {
    Response(status: status, headers: [.location: target])
}

/// `next` when it stays on this site (and on HTTPS when the request is), else `fallback`.
func safeNext(_ next: String?, context: PortalRequestContext, fallback: String) -> String {
    let state = context.visit.snapshot
    return SafeURL.isSafe(next, allowedHost: state.host, requireHTTPS: state.isSecure) ? (next ?? fallback) : fallback
}

/// A JSON answer holding what `writer` wrote.
func jsonResponse(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json; charset=utf-8"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes))
    )
}

/// `http://host` or `https://host`, as the client reached us (through a trusted proxy's forwarded headers); the
/// data API's links start with it.
func requestOrigin(_ context: PortalRequestContext) -> String {
    let state = context.visit.snapshot
    return (state.isSecure ? "https" : "http") + "://" + state.host
}

/// `scheme://host` of this request, as Django's `build_absolute_uri` sees it (trusted proxies included), falling back
/// on the request's authority, then `localhost`, when no host was resolved; the pages' links start with it.
func siteOrigin(_ request: Request, _ context: PortalRequestContext) -> String {
    let state = context.visit.snapshot
    let host = state.host.isEmpty ? (request.head.authority ?? "localhost") : state.host
    return (state.isSecure ? "https://" : "http://") + host
}
