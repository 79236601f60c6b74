import CookieCharter
import Foundation
import Hummingbird

/// Reads the visitor's consent for this request.
///
/// A valid, current, correctly signed `cookies_preferences` is the choice. Without one,
/// `Sec-GPC: 1` counts as a refusal that shows no banner and writes nothing; otherwise the
/// visitor is undecided, and nothing optional runs. The policy version in force is read per request, so a change
/// of the declared services asks every visitor again at once.
public struct ConsentMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    let environment: WebEnvironment

    public init(environment: WebEnvironment) {
        self.environment = environment
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let stored = context.visit.cookie(ConsentCookie.name, in: request).flatMap {
            environment.consentCodec.decode(
                $0,
                policyVersion: environment.site.current.registry.policyVersion,
                now: environment.clock()
            )
        }
        let globalPrivacyControl = request.headers[values: .secGPC].contains { $0.trimmingCharacters(in: .whitespaces) == "1" }
        let consent: ConsentState =
            if let stored { .chosen(stored) } else if globalPrivacyControl { .refusedByGlobalPrivacyControl } else { .undecided }
        context.visit.with { $0.consent = consent }
        return try await next(request, context)
    }
}

/// The `cookies_preferences` cookie.
public enum ConsentCookie {
    public static let name = "cookies_preferences"
    public static let maxAge = 15_552_000

    /// The cookie that stores `choice`.
    public static func make(_ choice: ConsentChoice, codec: ConsentCodec, secure: Bool) -> SetCookie {
        SetCookie(name: name, value: codec.encode(choice), maxAge: maxAge, httpOnly: true, secure: secure)
    }
}
