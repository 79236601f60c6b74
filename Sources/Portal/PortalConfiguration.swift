/// How an instance is run: what `garona serve` reads from its options and the environment.
public struct PortalConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Holds the node's local files: uploads in progress and, without ``database``'s URL, the SQLite database and
    /// the instance secret.
    public var dataDirectory: String
    /// Which database engine the instance uses: PostgreSQL when it has a URL, else SQLite in ``dataDirectory``.
    public var database = DatabaseOptions()
    /// Seed demo content and an admin account, and declare the demo map-tiles service.
    public var demo: Bool
    /// How long one data-API query may run before it is interrupted, in milliseconds.
    public var queryTimeoutMS: Int
    /// Proxies whose `X-Forwarded-*` headers are believed.
    public var trustedProxies: [String]
    /// Extra origins allowed to POST, such as `https://portal.example.org` or `https://*.example.org`.
    public var csrfTrustedOrigins: [String]
    /// The map tile URL template of the demo's third-party tile service.
    public var tileURL: String
    public var siteName: String
    /// The largest upload the back office accepts, in megabytes.
    public var maxUploadMB: Int
    /// Requests a minute each data API client may make; 0 turns the limit off.
    public var apiRateLimit: Int
    /// How long one export may take (its query and the sending of its rows), in milliseconds.
    public var exportTimeoutMS: Int = 300_000
    /// How many exports may stream at once; 0 means the database readers minus 2.
    public var maxConcurrentExports: Int = 0
    /// How many days a proof of consent is kept before it is purged.
    public var consentRetentionDays: Int = 1_825
    /// How many days an audit log entry is kept before it is purged.
    public var auditRetentionDays: Int = 400
    /// How many hours a finished import job stays visible (on every node), and a ready one waits for its confirmation.
    public var jobRetentionHours: Int = 1
    /// How many back-office imports (analysis or publication) may run at once; the others wait, queued.
    public var maxConcurrentImports: Int = 2
    /// Seconds a connection may stay idle, or take to send a request head, before it is closed.
    /// A response being written is never cut by it.
    public var idleTimeoutSeconds: Int = 30
    /// Seconds between two writes of the audience counters to the database (at most this much is lost on a crash);
    /// 0 turns the audience measurement off.
    public var audienceFlushSeconds: Int = 10
    /// Days of audience figures kept, at most 760 (25 months).
    public var audienceRetentionDays: Int = 760

    public static let defaultTileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        dataDirectory: String = "./garona-data",
        demo: Bool = false,
        queryTimeoutMS: Int = 5_000,
        trustedProxies: [String] = [],
        csrfTrustedOrigins: [String] = [],
        tileURL: String = PortalConfiguration.defaultTileURL,
        siteName: String = "Garona",
        maxUploadMB: Int = 512,
        apiRateLimit: Int = 0
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.demo = demo
        self.queryTimeoutMS = queryTimeoutMS
        self.trustedProxies = trustedProxies
        self.csrfTrustedOrigins = csrfTrustedOrigins
        self.tileURL = tileURL
        self.siteName = siteName
        self.maxUploadMB = maxUploadMB
        self.apiRateLimit = apiRateLimit
    }
}

/// Where an instance's data lives: SQLite in the data directory (the default), or a PostgreSQL database that several
/// nodes share, chosen by `--database-url`.
public struct DatabaseOptions: Sendable {
    /// `postgres://USER:PASSWORD@HOST:PORT/DB`, or nil for SQLite. Never logged: it may hold a password.
    public var url: String?
    /// PostgreSQL connections a process keeps at most.
    public var poolSize: Int
    /// How long to wait, at start-up, for a PostgreSQL server that does not answer yet, in seconds.
    public var waitSeconds: Int

    /// SQLite unless `url` is given.
    public init(url: String? = nil, poolSize: Int = 10, waitSeconds: Int = 60) {
        self.url = url
        self.poolSize = poolSize
        self.waitSeconds = waitSeconds
    }
}
