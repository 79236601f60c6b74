import Foundation
import Hummingbird
import Store

/// Who is calling the data API: an anonymous client, or a program holding a valid API key.
///
/// ``APIAccessMiddleware`` resolves it once per request and binds it to ``current`` while the
/// handler runs, so every endpoint applies the same rule with ``canSee(_:)``: public datasets for
/// everyone, private ones only with a key. A private dataset is otherwise answered exactly as an
/// unknown one.
struct APIAccess: Sendable {
    /// The valid key the request presented; nil for an anonymous client.
    let key: ApiKey?

    static let anonymous = APIAccess(key: nil)

    /// The access of the data API request being handled; anonymous anywhere else.
    @TaskLocal static var current = APIAccess.anonymous

    /// Whether this caller may see `dataset` (its metadata, records and exports).
    func canSee(_ dataset: Dataset) -> Bool {
        dataset.metadata.visibility == .public || key != nil
    }

    /// The key a request presents: `Authorization: Apikey KEY` (the scheme in any case, as the
    /// official JS client sends `ApiKey`), else the `apikey` query parameter. Empty values count
    /// as none.
    static func presentedKey(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "apikey" {
                let key = parts[1].trimmingCharacters(in: .whitespaces)
                if !key.isEmpty { return key }
            }
        }
        return request.uri.queryParameters.get("apikey").flatMap { $0.isEmpty ? nil : $0 }
    }
}
