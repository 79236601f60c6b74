import CookieCharter
import Foundation
import Web

/// The back office's form of a service that needs consent: what it shows (``values(catalog:language:)``) and what a
/// posted form declares (``init(form:id:existing:)``).
///
/// Hosts are typed one per line, as a hostname (`tiles.example.org`, read as `https://tiles.example.org`) or an origin
/// (`http://tiles.example.org:8080`). Cookies are rows of a name and its lifetime in French and English; an empty row
/// is ignored. The markup, which only `services.json` declares, is kept as it was.
struct ServiceForm {
    /// Empty cookie rows offered below the declared ones.
    static let blankCookieRows = 3
    /// The most cookie rows a form may post.
    static let maxCookieRows = 40

    var id: String
    var nameFR = ""
    var nameEN = ""
    var provider = ""
    var category = CookieCategory.thirdParty
    var purposeFR = ""
    var purposeEN = ""
    var hosts = ""
    var cookies: [(name: String, lifetimeFR: String, lifetimeEN: String)] = []
    var markup = ""

    /// An empty form for a new service.
    init() { id = "" }

    /// The form of a declared service.
    init(_ service: ConsentService) {
        id = service.id
        nameFR = service.name.fr
        nameEN = service.name.en
        provider = service.provider
        category = service.category
        purposeFR = service.purpose.fr
        purposeEN = service.purpose.en
        hosts = service.origins.map { $0.hasPrefix("https://") && !$0.dropFirst(8).contains(":") ? String($0.dropFirst(8)) : $0 }
            .joined(separator: "\n")
        cookies = service.cookies.map { ($0.name, $0.lifetime.fr, $0.lifetime.en) }
        markup = service.markup
    }

    /// The form as posted: `id` (only when creating), names, provider, category, purposes, hosts and cookie rows.
    init(form: FormData, id: String?, existing: ConsentService?) {
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        self.id = id ?? text("id")
        nameFR = text("name_fr")
        nameEN = text("name_en")
        provider = text("provider")
        category = CookieCategory(rawValue: text("category")) ?? .necessary
        purposeFR = text("purpose_fr")
        purposeEN = text("purpose_en")
        hosts = text("hosts")
        cookies = (0..<Self.maxCookieRows).compactMap { row in
            let cookie = (text("cookie_name_\(row)"), text("cookie_lifetime_fr_\(row)"), text("cookie_lifetime_en_\(row)"))
            return cookie.0.isEmpty && cookie.1.isEmpty && cookie.2.isEmpty ? nil : cookie
        }
        markup = existing?.markup ?? ""
    }

    /// The service this form declares; ``ServiceDeclarations/problem(in:)`` says whether it is usable.
    var service: ConsentService {
        let name = LocalizedText(fr: nameFR, en: nameEN)
        let purpose = LocalizedText(fr: purposeFR, en: purposeEN)
        let origins = hosts.split(whereSeparator: \.isNewline).map { line -> String in
            let host = line.trimmingCharacters(in: .whitespaces)
            return host.contains("://") ? host : "https://" + host.lowercased()
        }.filter { !$0.isEmpty }
        return ConsentService(
            id: id, name: name, provider: provider, category: category, purpose: purpose,
            cookies: cookies.map {
                CookieDeclaration(
                    provider: provider, service: name, name: $0.name, purpose: purpose, category: category,
                    lifetime: LocalizedText(fr: $0.lifetimeFR, en: $0.lifetimeEN))
            },
            origins: origins, markup: markup)
    }

    /// The template's values: the fields, the categories to choose from and the cookie rows with blank ones after.
    func values(catalog: Catalog, language: Language) -> [String: Any] {
        let rows = cookies + Array(repeating: ("", "", ""), count: Self.blankCookieRows)
        return [
            "id": id, "name_fr": nameFR, "name_en": nameEN, "provider": provider, "purpose_fr": purposeFR,
            "purpose_en": purposeEN, "hosts": hosts,
            "categories": CookieCategory.optional.map {
                ["value": $0.rawValue, "label": $0.title.text(in: language), "selected": $0 == category]
            },
            "cookies": rows.enumerated().map { index, row in
                [
                    "row": index, "number": index + 1, "name": row.name, "lifetime_fr": row.lifetimeFR,
                    "lifetime_en": row.lifetimeEN,
                ] as [String: Any]
            },
        ]
    }
}
