import Foundation
import Hummingbird

/// An error of the data API, in Opendatasoft's shape: `{"error_code": …, "message": …}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response() -> Response {
        let body =
            (try? JSONSerialization.data(withJSONObject: ["error_code": code, "message": message], options: [.sortedKeys]))
            ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
