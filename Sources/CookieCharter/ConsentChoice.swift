import Foundation

/// What a visitor chose about optional cookies and services, under one policy version.
public struct ConsentChoice: Sendable, Hashable {
    /// The registry's ``CookieRegistry/policyVersion`` when the choice was made.
    public var policyVersion: String
    /// When the choice was made.
    public var date: Date
    /// Optional categories the visitor accepted. Everything else is refused.
    public var categories: Set<CookieCategory>
    /// Services accepted one by one, outside of their whole category.
    public var services: Set<String>
    /// Categories that run without consent and that the visitor objected to (see
    /// ``CookieCategory/allowsObjection``).
    public var objections: Set<CookieCategory>

    public init(
        policyVersion: String, date: Date, categories: Set<CookieCategory>, services: Set<String> = [],
        objections: Set<CookieCategory> = []
    ) {
        self.policyVersion = policyVersion
        self.date = date
        self.categories = categories.filter { !$0.isExempt }
        self.services = services
        self.objections = objections.filter(\.allowsObjection)
    }

    /// Whether the visitor accepted `category` (necessary cookies are always allowed).
    public func allows(_ category: CookieCategory) -> Bool {
        if category.allowsObjection { return !objections.contains(category) }
        return category.isExempt || categories.contains(category)
    }

    /// Whether the visitor accepted `service`, through its category or by itself.
    public func allows(_ service: ConsentService) -> Bool {
        allows(service.category) || services.contains(service.id)
    }
}

/// The consent in force for one request.
public enum ConsentState: Sendable, Hashable {
    /// No valid choice is stored: nothing optional may run, and the banner asks.
    case undecided
    /// No choice is stored, but the browser sends `Sec-GPC: 1`: a refusal that asks nothing.
    case refusedByGlobalPrivacyControl
    /// The visitor's stored, valid choice.
    case chosen(ConsentChoice)

    public func allows(_ service: ConsentService) -> Bool {
        if case .chosen(let choice) = self { return choice.allows(service) }
        return false
    }

    public func allows(_ category: CookieCategory) -> Bool {
        if case .chosen(let choice) = self { return choice.allows(category) }
        // Global Privacy Control is an objection too; with no choice stored, nothing else is.
        if category.allowsObjection { return self != .refusedByGlobalPrivacyControl }
        return category.isExempt
    }

    /// Whether the banner should ask the visitor.
    public var asks: Bool { self == .undecided }
}
