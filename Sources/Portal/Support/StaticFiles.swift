import Crypto
import Foundation
import Hummingbird
import Web

/// The portal's static assets, loaded once into memory: they are few and small.
struct StaticFiles: Sendable {
    struct Asset: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let etag: String
    }

    private let assets: [String: Asset]

    init(directory: URL) {
        var assets: [String: Asset] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
            let etag = "\"" + SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
            assets[name] = Asset(bytes: Array(data), contentType: Self.contentType(of: name), etag: etag)
        }
        self.assets = assets
    }

    func asset(named name: String) -> Asset? { assets[name] }

    /// The file the route's `name` parameter names, with its ETag (304 when the client has it), or the 404 page.
    func response(to request: Request, context: PortalRequestContext) throws -> Response {
        guard let name = context.parameters.get("name"), let asset = asset(named: name) else {
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

    private static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}
