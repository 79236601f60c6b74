/// Decides whether a `Set-Cookie` may leave the server.
///
/// Whatever code tried to set a cookie, it is allowed only when its name is declared in the
/// registry and its category is necessary or was accepted by the visitor. The web layer applies
/// this decision to every response.
public struct CookieFirewall: Sendable {
    /// Why a cookie was stopped.
    public enum Denial: Sendable, Hashable, CustomStringConvertible {
        /// No declaration has this name.
        case undeclared
        /// The cookie is declared, but the visitor has not accepted its category or service.
        case noConsent(CookieCategory)

        public var description: String {
            switch self {
            case .undeclared: "not declared in the cookie registry"
            case .noConsent(let category): "no consent for category \(category.rawValue)"
            }
        }
    }

    public let registry: CookieRegistry

    public init(registry: CookieRegistry) {
        self.registry = registry
    }

    /// Nil when the cookie `name` may be set under `consent`, else the reason it may not.
    public func denial(forCookieNamed name: String, consent: ConsentState) -> Denial? {
        guard let (cookie, service) = registry.declaration(named: name) else { return .undeclared }
        if cookie.category.isExempt { return nil }
        if let service, consent.allows(service) { return nil }
        if service == nil, consent.allows(cookie.category) { return nil }
        return .noConsent(cookie.category)
    }
}
