import CookieCharter
import Foundation

/// Consent services declared by the operator: in `<data-dir>/services.json`, copied to the setting ``setting``.
///
/// The file holds a JSON array of services: `id`, `name` and `purpose` as `{"fr", "en"}`,
/// `provider`, `category` (`statistics`, `first_party` or `third_party`), and optionally
/// `cookies`, `origins` and `markup`.
enum ServiceDeclarations {
    /// The setting that holds the declared services as this JSON array, on both engines (see ``SiteStateLoader``).
    static let setting = "services"
    /// The setting that holds the SHA-256 of the last `services.json` copied into ``setting``.
    static let fileDigestSetting = "services_file_digest"

    /// The services of the JSON array `data`, read from `source` (a file's path, or the setting's name), checked.
    static func parse(_ data: Data, source path: String) throws -> [ConsentService] {
        let services: [ConsentService]
        do {
            services = try JSONDecoder().decode([ConsentService].self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw PortalSetupError("\(path): \(Self.location(context)) has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context)
        {
            throw PortalSetupError("\(path): \(Self.location(context)): \(context.debugDescription)")
        } catch {
            throw PortalSetupError("\(path) cannot be read: \(error.localizedDescription)")
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

    /// `service 2, "category"`, from a decoding error's coding path.
    private static func location(_ context: DecodingError.Context) -> String {
        let parts = context.codingPath.map { key in key.intValue.map { "service \($0 + 1)" } ?? "\"\(key.stringValue)\"" }
        return parts.isEmpty ? "the file" : parts.joined(separator: ", ")
    }
}
