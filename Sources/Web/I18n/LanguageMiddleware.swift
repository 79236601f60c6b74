import CookieCharter
import Hummingbird

/// Chooses the visitor's language and says so in the response.
///
/// Responses carry `Content-Language` and `Vary: Accept-Language`, so caches keep one copy per
/// language.
public struct LanguageMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let header = request.headers[values: .acceptLanguage].joined(separator: ",")
        let language = LanguageNegotiation.language(
            cookie: context.visit.cookie(LanguageCookie.name, in: request),
            acceptLanguage: header.isEmpty ? nil : header
        )
        context.visit.with { $0.language = language }
        var response = try await next(request, context)
        if response.headers[.contentLanguage] == nil {
            response.headers[.contentLanguage] = context.visit.language.rawValue
        }
        response.headers.addVary("Accept-Language")
        return response
    }
}

/// The `django_language` cookie.
public enum LanguageCookie {
    public static let name = "django_language"
    /// Twelve months, as Opendatasoft portals state.
    public static let maxAge = 31_536_000

    public static func make(_ language: Language, secure: Bool) -> SetCookie {
        SetCookie(name: name, value: language.rawValue, maxAge: maxAge, httpOnly: false, secure: secure)
    }
}
