import Hummingbird
import NIOCore

/// The request context of every Garona route.
///
/// Besides Hummingbird's core storage it carries the peer address and the ``Visit`` that the
/// middlewares and the handler share.
public struct PortalRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let visit: Visit

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.visit = Visit()
    }

    /// Form and upload bodies may be large; streaming handlers enforce their own limits.
    public var maxUploadSize: Int { 2 * 1024 * 1024 }
}
