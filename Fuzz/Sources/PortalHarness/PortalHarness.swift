import Foundation
import FuzzSupport
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Portal
import Synchronization

/// The whole Garona application (every middleware and route, as `garona serve` builds it) over a data directory
/// holding the fixture dataset, answering requests in process, without sockets.
///
/// Requests come from either a trusted proxy (`127.0.0.1`, whose `X-Forwarded-*` headers are believed) or a
/// client on the internet (`192.0.2.1`).
public final class PortalHarness: Sendable {
    /// The address of the trusted proxy.
    public static let proxyAddress = "127.0.0.1"

    /// What the application answered.
    public struct Reply: Sendable {
        public let status: HTTPResponse.Status
        public let headers: HTTPFields
        /// The first 64 KB of the body.
        public let body: [UInt8]
    }

    private let respond: @Sendable (Request, Bool) async throws -> Response

    /// Builds the application over a new data directory named after `name`, with a 250 ms query budget.
    public init(name: String) throws {
        let directory = try ScratchDirectory.make(name)
        let data = try DataDirectory(path: directory.path)
        _ = try FixtureDataset.publish(into: data.databasePath)
        let configuration = PortalConfiguration(
            dataDirectory: data.path, queryTimeoutMS: 250, trustedProxies: [Self.proxyAddress],
            csrfTrustedOrigins: ["https://portal.example"])
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        let built = Blocking.run { [logger] in
            try await Self.responder(of: try await Portal.buildApplication(configuration, logger: logger))
        }
        respond = try built.get()
    }

    /// A function answering a request on the responder of `app`; the flag says whether it comes from the proxy.
    private static func responder<App: ApplicationProtocol>(of app: App) async throws
        -> @Sendable (Request, Bool) async throws -> Response
    {
        let responder = try await app.responder
        let logger = app.logger
        let proxy = NIOAsyncTestingChannel()
        try await proxy.connect(to: SocketAddress(ipAddress: proxyAddress, port: 40_000))
        let client = NIOAsyncTestingChannel()
        try await client.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 40_000))
        return { request, fromProxy in
            let context = App.Context(
                source: ApplicationRequestContextSource(channel: fromProxy ? proxy : client, logger: logger))
            return try await responder.respond(to: request, context: context)
        }
    }

    /// Sends one request and waits for the whole answer.
    public func send(
        _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: [UInt8] = [], fromProxy: Bool = false
    ) -> Reply {
        let respond = self.respond
        let result = Blocking.run {
            var fields = headers
            if !body.isEmpty { fields[.contentLength] = String(body.count) }
            let request = Request(
                head: HTTPRequest(method: method, scheme: "http", authority: "portal.example", path: path, headerFields: fields),
                body: RequestBody(buffer: ByteBuffer(bytes: body)))
            let response = try await respond(request, fromProxy)
            let collector = BodyCollector()
            try await response.body.write(collector)
            return Reply(status: response.status, headers: response.headers, body: collector.bytes.withLock { $0 })
        }
        switch result {
        case .success(let reply): return reply
        // An error that escapes every middleware becomes Hummingbird's bare 500: a finding as well.
        case .failure: return Reply(status: .internalServerError, headers: [:], body: [])
        }
    }
}

/// Keeps the first 64 KB of a response body.
final class BodyCollector: ResponseBodyWriter, Sendable {
    let bytes = Mutex<[UInt8]>([])

    func write(_ buffer: ByteBuffer) async throws {
        bytes.withLock { bytes in
            let room = 65_536 - bytes.count
            if room > 0 { bytes.append(contentsOf: buffer.readableBytesView.prefix(room)) }
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
