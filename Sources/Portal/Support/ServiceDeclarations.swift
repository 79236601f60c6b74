import CookieCharter
import Foundation

/// Consent services declared by the operator in `<data-dir>/services.json`.
///
/// The file holds a JSON array of services: `id`, `name` and `purpose` as `{"fr", "en"}`,
/// `provider`, `category` (`statistics`, `first_party` or `third_party`), and optionally
/// `cookies`, `origins` and `markup`.
enum ServiceDeclarations {
    static func load(from path: String) throws -> [ConsentService] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let services: [ConsentService]
        do {
            services = try JSONDecoder().decode([ConsentService].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw PortalSetupError("\(path) is not a valid list of services: \(error.localizedDescription)")
        }
        for service in services {
            guard ConsentService.isValidIdentifier(service.id) else {
                throw PortalSetupError("\(path): service id \"\(service.id)\" must match [a-z0-9_]")
            }
            guard !service.category.isExempt else {
                throw PortalSetupError("\(path): service \"\(service.id)\" needs an optional category")
            }
        }
        return services
    }
}
