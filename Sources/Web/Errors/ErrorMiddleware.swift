import HTTPTypes
import Hummingbird
import Logging
import Store

/// The one place where failures become responses.
///
/// Pages get an error page in the visitor's language, with a way back; API paths get the
/// Opendatasoft error shape `{"error_code": …, "message": …}`. An unexpected error is logged
/// with its type only and shown as a generic 500: no stack trace or internal detail reaches a
/// client.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    let environment: WebEnvironment

    public init(environment: WebEnvironment) {
        self.environment = environment
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as QueryTimeoutError {
            let message = "The query took longer than \(error.milliseconds) ms and was interrupted."
            return APIError(status: .badRequest, code: "ODSQLError", message: message).response()
        } catch is QueryOverflowError {
            guard !request.uri.path.hasPrefix("/api/") else {
                return APIError(status: .badRequest, code: "ODSQLError", message: QueryOverflowError.message).response()
            }
            return render(PageError(.badRequest, messageKey: "error_bad_request"), request: request, context: context)
        } catch StoreError.unavailable(let reason) {
            // The database cannot be reached (PostgreSQL down, or every connection busy too long): the request is
            // not at fault, and asking again later may work.
            environment.logger.error("database unavailable", metadata: ["reason": "\(reason)", "path": "\(request.uri.path)"])
            let retry = HTTPFields([HTTPField(name: .retryAfter, value: "5")])
            guard !request.uri.path.hasPrefix("/api/") else {
                var response = APIError(
                    status: .serviceUnavailable, code: "ServiceUnavailable",
                    message: "The database is unavailable; try again in a few seconds."
                ).response()
                response.headers.append(contentsOf: retry)
                return response
            }
            let page = PageError(.serviceUnavailable, messageKey: "error_unavailable", headers: retry)
            return render(page, request: request, context: context)
        } catch let error as PageError {
            return render(error, request: request, context: context)
        } catch let error as HTTPError {
            return render(Self.pageError(for: error), request: request, context: context)
        } catch {
            environment.logger.error(
                "unexpected error", metadata: ["error.type": "\(type(of: error))", "path": "\(request.uri.path)"])
            return render(PageError(.internalServerError, messageKey: "error_internal"), request: request, context: context)
        }
    }

    /// The response for `error`: a page in the visitor's language, or the API's JSON shape.
    func render(_ error: PageError, request: Request, context: Context) -> Response {
        if request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" {
            return APIError(status: error.status, code: Self.apiCode(for: error.status), message: error.messageKey).response()
        }
        let language = context.visit.language
        let message = environment.catalog.text(error.messageKey, in: language, error.arguments)
        var response = environment.renderer.page(
            "error",
            title: environment.catalog.text("error_title_\(error.status.code)", in: language),
            values: ["status": error.status.code, "message": message],
            status: error.status,
            request: request,
            context: context
        )
        for field in error.headers { response.headers.append(field) }
        return response
    }

    static func pageError(for error: HTTPError) -> PageError {
        switch error.status {
        case .notFound: .notFound
        case .methodNotAllowed: PageError(.methodNotAllowed, messageKey: "error_method_not_allowed")
        case .contentTooLarge: PageError(.contentTooLarge, messageKey: "error_too_large")
        case .badRequest: PageError(.badRequest, messageKey: "error_bad_request")
        default: PageError(error.status.code >= 500 ? .internalServerError : .badRequest, messageKey: "error_bad_request")
        }
    }

    static func apiCode(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "NotFound"
        case .methodNotAllowed: "MethodNotAllowed"
        case .tooManyRequests: "TooManyRequests"
        case .internalServerError: "InternalServerError"
        default: "InvalidRESTParameterError"
        }
    }
}
