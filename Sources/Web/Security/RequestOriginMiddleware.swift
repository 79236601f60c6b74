import Foundation
import Hummingbird
import Logging

/// Works out where a request really came from: HTTPS or not, which host, which client.
///
/// `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` are believed only when the peer
/// is a configured trusted proxy; from anyone else they are ignored, so a client cannot claim
/// HTTPS or another host. It is also the last line of defence: an error that escapes every other
/// layer becomes a plain 500 without internals, logged with its type only.
public struct RequestOriginMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    let trustedProxies: Set<String>
    let logger: Logger

    public init(trustedProxies: Set<String>, logger: Logger) {
        self.trustedProxies = trustedProxies
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let peer = context.remoteAddress?.ipAddress ?? ""
        let fromProxy = trustedProxies.contains(peer)
        var host = request.head.authority ?? ""
        var secure = false
        var client = peer
        if fromProxy {
            if let proto = request.headers[.xForwardedProto]?.split(separator: ",").first {
                secure = proto.trimmingCharacters(in: .whitespaces).lowercased() == "https"
            }
            if let forwardedHost = request.headers[.xForwardedHost]?.split(separator: ",").first {
                host = forwardedHost.trimmingCharacters(in: .whitespaces)
            }
            if let chain = request.headers[.xForwardedFor] {
                let hops = chain.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                client = hops.last { !trustedProxies.contains($0) } ?? client
            }
        }
        context.visit.with {
            $0.isSecure = secure
            $0.host = host
            $0.clientAddress = client
        }
        do {
            return try await next(request, context)
        } catch {
            logger.error("request failed outside the error pages", metadata: ["error.type": "\(type(of: error))"])
            return Response(
                status: .internalServerError,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "500 Internal Server Error\n"))
            )
        }
    }
}
