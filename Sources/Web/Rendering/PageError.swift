import Hummingbird

/// A failure shown to the visitor as a page in their language.
///
/// Thrown anywhere below the error middleware, which turns it into the right status and page.
public struct PageError: Error, Sendable {
    public var status: HTTPResponse.Status
    /// A key of the locale catalogs.
    public var messageKey: String
    public var arguments: [String: String]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, messageKey: String, arguments: [String: String] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.messageKey = messageKey
        self.arguments = arguments
        self.headers = headers
    }

    public static let notFound = PageError(.notFound, messageKey: "error_not_found")
}
