import CookieCharter
import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization
import Web

/// Builds the ``SiteState`` from what the operator declared: the consent services (the setting `services`, provisioned
/// from `services.json`), the `--demo` map tiles and the site's name.
///
/// The setting is the one home of the declared services, on both engines: the back office writes it, and every node
/// sharing the database reads it. `services.json` provisions it: at start-up, a file whose content changed since it
/// was last applied (its SHA-256 is kept in the setting `services_file_digest`) replaces the setting; an unchanged
/// file leaves it alone, so changes made in the back office survive a restart.
///
/// To extend ``SiteState``, read the new property's source here (a setting, a table) and set it in ``load()``.
struct SiteStateLoader: Sendable {
    let directory: DataDirectory
    let store: any StoreEngine
    let siteName: String
    /// The demo's tile URL template, when `--demo` declares the map tiles service.
    let demoTileURL: String?

    init(directory: DataDirectory, store: any StoreEngine, configuration: PortalConfiguration) {
        self.init(
            directory: directory, store: store, siteName: configuration.siteName,
            demoTileURL: configuration.demo ? configuration.tileURL : nil)
    }

    init(directory: DataDirectory, store: any StoreEngine, siteName: String, demoTileURL: String? = nil) {
        self.directory = directory
        self.store = store
        self.siteName = siteName
        self.demoTileURL = demoTileURL
    }

    /// Copies `services.json` into the setting when the file changed since it was last applied; says whether it did.
    /// A file that does not parse is an error, and the setting stays as it was.
    func provision() async throws -> Bool {
        let path = directory.servicesPath
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PortalSetupError("\(path) cannot be read: \(error.localizedDescription)")
        }
        _ = try ServiceDeclarations.parse(data, source: path)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard try await store.setting(ServiceDeclarations.fileDigestSetting) != digest else { return false }
        try await store.setSetting(ServiceDeclarations.setting, to: String(decoding: data, as: UTF8.self))
        try await store.setSetting(ServiceDeclarations.fileDigestSetting, to: digest)
        return true
    }

    /// The declared services, as the setting holds them now.
    func services() async throws -> [ConsentService] {
        guard let text = try await store.setting(ServiceDeclarations.setting) else { return [] }
        return try ServiceDeclarations.parse(Data(text.utf8), source: "the setting \"\(ServiceDeclarations.setting)\"")
    }

    /// The declared services now: the setting's, and the demo's map tiles unless the setting declares `map_tiles`.
    func declaredServices() async throws -> [ConsentService] {
        var services = try await services()
        if let demoTileURL, !services.contains(where: { $0.id == "map_tiles" }) {
            services.append(.mapTiles(urlTemplate: demoTileURL))
        }
        return services
    }

    /// The state as the store declares it now.
    func load() async throws -> SiteState {
        var state = SiteState(registry: CookieRegistry(services: try await declaredServices()), siteName: siteName)
        state.identity = try await SiteIdentityLoader.load(from: store)
        return state
    }
}

/// Keeps this node's ``LiveSite`` in step with the store: after a change made here (``commitChange()``), and, every
/// ``interval``, after a change made by another node sharing the database, seen as a new value of the setting
/// ``LiveSite/versionSetting``.
///
/// The version is read before the state is loaded, so a change that lands in between is loaded again at the next
/// poll rather than missed. A failed poll is logged and tried again at the next one; the state in force stays.
final class SiteStateSync: Service, Sendable {
    let site: LiveSite
    let loader: SiteStateLoader
    let logger: Logger
    /// How often the version setting is read.
    let interval: Duration
    /// The version whose state is in force, nil before the first change ever made.
    private let followed = Mutex<String?>(nil)

    init(site: LiveSite, loader: SiteStateLoader, logger: Logger, interval: Duration = .seconds(3)) {
        self.site = site
        self.loader = loader
        self.logger = logger
        self.interval = interval
    }

    /// Provisions `services.json` (see ``SiteStateLoader``), reads the version, then loads the state and puts it in
    /// force: at start-up, before the server listens.
    func start() async throws {
        if try await loader.provision() {
            try await loader.store.setSetting(LiveSite.versionSetting, to: UUID().uuidString)
        }
        let version = try await loader.store.setting(LiveSite.versionSetting)
        site.replace(with: try await loader.load())
        followed.withLock { $0 = version }
    }

    /// After a change made on this node to what the state is built from: tells the other nodes (a new version) and
    /// puts the new state in force here at once.
    func commitChange() async throws {
        let version = UUID().uuidString
        try await loader.store.setSetting(LiveSite.versionSetting, to: version)
        site.replace(with: try await loader.load())
        followed.withLock { $0 = version }
    }

    /// One poll: reloads the state when another node changed the version. Says whether it did.
    @discardableResult func follow() async throws -> Bool {
        let version = try await loader.store.setting(LiveSite.versionSetting)
        guard version != followed.withLock({ $0 }) else { return false }
        site.replace(with: try await loader.load())
        followed.withLock { $0 = version }
        logger.info("site state reloaded after a change on another node")
        return true
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            do {
                try await follow()
            } catch {
                logger.error("site state poll failed", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }
}
