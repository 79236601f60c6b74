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
        if let problem = problem(in: services) { throw PortalSetupError("\(path): \(problem)") }
        return services
    }

    /// The JSON array that ``parse(_:source:)`` reads back, for the setting.
    static func encode(_ services: [ConsentService]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(services), as: UTF8.self)
    }

    /// The first problem of a list of services, or nil when every service is usable and their ids and cookie names
    /// are unique.
    static func problem(in services: [ConsentService]) -> ServiceProblem? {
        var ids = Set<String>()
        var cookies = Set(CookieDeclaration.charter.map(\.name))
        for service in services {
            if let problem = problem(in: service) { return problem }
            guard ids.insert(service.id).inserted else { return .duplicateID(service.id) }
            for cookie in service.cookies {
                guard cookies.insert(cookie.name).inserted else { return .duplicateCookie(service.id, cookie.name) }
            }
        }
        return nil
    }

    /// The first problem of one service: its id, category, texts, origins (the hosts it contacts), cookie names and
    /// lifetimes. Origins reach the Content-Security-Policy header, so nothing but `scheme://host[:port]` passes.
    static func problem(in service: ConsentService) -> ServiceProblem? {
        let id = service.id
        guard ConsentService.isValidIdentifier(id) else { return .invalidID(String(id.prefix(60))) }
        guard !service.category.isExempt else { return .exemptCategory(id) }
        for text in [service.name.fr, service.name.en, service.purpose.fr, service.purpose.en, service.provider] {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.count <= 2_000 else {
                return .missingText(id)
            }
        }
        guard service.origins.count <= 20, service.cookies.count <= 30 else { return .tooMany(id) }
        for origin in service.origins where !isValidOrigin(origin) { return .invalidOrigin(id, String(origin.prefix(80))) }
        for cookie in service.cookies {
            guard isValidCookieName(cookie.name) else { return .invalidCookieName(id, String(cookie.name.prefix(80))) }
            for lifetime in [cookie.lifetime.fr, cookie.lifetime.en] {
                guard !lifetime.trimmingCharacters(in: .whitespaces).isEmpty, lifetime.count <= 60 else {
                    return .invalidLifetime(id, cookie.name)
                }
            }
        }
        return nil
    }

    /// `https://host` or `http://host`, with an optional port, where host is a DNS name (lowercase labels of letters,
    /// digits and inner hyphens).
    static func isValidOrigin(_ origin: String) -> Bool {
        let rest: Substring
        if origin.hasPrefix("https://") {
            rest = origin.dropFirst(8)
        } else if origin.hasPrefix("http://") {
            rest = origin.dropFirst(7)
        } else {
            return false
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, isValidHostname(parts[0]) else { return false }
        guard parts.count == 2 else { return true }
        return parts[1].count <= 5 && parts[1].allSatisfy(\.isASCII) && (UInt16(parts[1]).map { $0 > 0 } ?? false)
    }

    /// A DNS name: 1 to 253 characters, labels of 1 to 63 lowercase letters, digits and inner hyphens.
    static func isValidHostname(_ host: Substring) -> Bool {
        guard (1...253).contains(host.utf8.count) else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = Array(label.utf8)
            guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
                return false
            }
            return bytes.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            }
        }
    }

    /// A cookie name as RFC 6265 allows it (a token: visible ASCII but separators), 1 to 64 characters.
    static func isValidCookieName(_ name: String) -> Bool {
        let separators = Set("()<>@,;:\\\"/[]?={} \t".utf8)
        return (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !separators.contains($0) }
    }

    /// `service 2, "category"`, from a decoding error's coding path.
    private static func location(_ context: DecodingError.Context) -> String {
        let parts = context.codingPath.map { key in key.intValue.map { "service \($0 + 1)" } ?? "\"\(key.stringValue)\"" }
        return parts.isEmpty ? "the file" : parts.joined(separator: ", ")
    }
}

/// Why a declared service cannot be used. Its description, in English, names the service for a file's error; the back
/// office shows ``messageKey`` in the visitor's language.
enum ServiceProblem: Error, Equatable, CustomStringConvertible {
    case invalidID(String)
    case duplicateID(String)
    case exemptCategory(String)
    case missingText(String)
    case tooMany(String)
    case invalidOrigin(String, String)
    case invalidCookieName(String, String)
    case duplicateCookie(String, String)
    case invalidLifetime(String, String)

    var description: String {
        switch self {
        case .invalidID(let id): "service id \"\(id)\" must match [a-z0-9_]"
        case .duplicateID(let id): "service id \"\(id)\" is declared twice"
        case .exemptCategory(let id): "service \"\(id)\" needs an optional category"
        case .missingText(let id): "service \"\(id)\" needs a name, a provider and a purpose in French and English"
        case .tooMany(let id): "service \"\(id)\" has more than 20 hosts or 30 cookies"
        case .invalidOrigin(let id, let origin):
            "service \"\(id)\": \"\(origin)\" is not an origin (https://host or http://host, with an optional port)"
        case .invalidCookieName(let id, let name): "service \"\(id)\": \"\(name)\" is not a cookie name"
        case .duplicateCookie(let id, let name): "service \"\(id)\": the cookie \"\(name)\" is already declared"
        case .invalidLifetime(let id, let name):
            "service \"\(id)\": the cookie \"\(name)\" needs a lifetime in French and English (60 characters at most)"
        }
    }

    /// The back office's message for this problem, and its arguments.
    var message: (key: String, arguments: [String: String]) {
        switch self {
        case .invalidID: ("services_error_id", [:])
        case .duplicateID(let id): ("services_error_duplicate_id", ["id": id])
        case .exemptCategory: ("services_error_category", [:])
        case .missingText: ("services_error_text", [:])
        case .tooMany: ("services_error_too_many", [:])
        case .invalidOrigin(_, let origin): ("services_error_host", ["host": origin])
        case .invalidCookieName(_, let name): ("services_error_cookie_name", ["name": name])
        case .duplicateCookie(_, let name): ("services_error_duplicate_cookie", ["name": name])
        case .invalidLifetime(_, let name): ("services_error_lifetime", ["name": name])
        }
    }
}
