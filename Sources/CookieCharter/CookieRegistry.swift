import Crypto
import Foundation

/// Every cookie and every consent-requiring service of an instance, declared once.
///
/// The charter page, `/cookies.json`, the banner, the preferences page and the cookie
/// firewall all read this one registry, so what the portal says and what it does cannot
/// drift apart.
public struct CookieRegistry: Sendable {
    /// Cookies the platform itself sets: by default, the charter's four.
    public let cookies: [CookieDeclaration]
    /// Services that need the visitor's consent, as declared by the operator.
    public let services: [ConsentService]
    /// A fingerprint of the optional services. Changing them changes it, which asks visitors again.
    public let policyVersion: String

    public init(cookies: [CookieDeclaration] = CookieDeclaration.charter, services: [ConsentService] = []) {
        self.cookies = cookies
        self.services = services
        self.policyVersion = Self.fingerprint(of: services)
    }

    /// Whether at least one declared service needs consent, in which case a banner is shown.
    public var needsConsent: Bool { !services.isEmpty }

    /// The optional categories that have at least one declared service, in charter order.
    public var consentCategories: [CookieCategory] {
        CookieCategory.optional.filter { category in services.contains { $0.category == category } }
    }

    /// Every declared cookie: the platform's own, then each service's.
    public var allCookies: [CookieDeclaration] { cookies + services.flatMap(\.cookies) }

    /// The service with this identifier.
    public func service(id: String) -> ConsentService? { services.first { $0.id == id } }

    /// The declaration of the cookie called `name`, with the service that sets it, if any.
    public func declaration(named name: String) -> (cookie: CookieDeclaration, service: ConsentService?)? {
        if let own = cookies.first(where: { $0.name == name }) { return (own, nil) }
        for service in services {
            if let cookie = service.cookies.first(where: { $0.name == name }) { return (cookie, service) }
        }
        return nil
    }

    private static func fingerprint(of services: [ConsentService]) -> String {
        let canonical = services.sorted { $0.id < $1.id }.map { service in
            let cookies = service.cookies.map(\.name).sorted().joined(separator: ",")
            let origins = service.origins.sorted().joined(separator: ",")
            return "\(service.id)|\(service.category.rawValue)|\(cookies)|\(origins)"
        }.joined(separator: "\n")
        let digest = SHA256.hash(data: Data(canonical.utf8))
        return digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
