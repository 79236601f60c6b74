import Foundation
import Hummingbird
import Store
import Vocabulary
import Web

/// How the back office's figure pages (audience, consents) read the period a request asks for, and refuse a bad one:
/// one home, so that both answer the same 400s.
extension AudiencePeriod {
    /// The period of the request's `from` and `to` (`YYYY-MM-DD`), relative to the UTC day of `now`.
    init(_ request: Request, now: Date) throws(Refusal) {
        let query = request.uri.queryParameters
        let today = CivilDate(daysSinceEpoch: AudienceRecorder.day(of: now))
        try self.init(from: query.get("from"), to: query.get("to"), today: today)
    }

    /// The period of the request, or a 400 page whose message is `messageKey`, in the visitor's language.
    static func page(_ request: Request, now: Date, messageKey: String) throws -> AudiencePeriod {
        do {
            return try AudiencePeriod(request, now: now)
        } catch {
            throw PageError(.badRequest, messageKey: messageKey)
        }
    }

    /// The JSON figures of the request's period, as `report` computes them, or a 400 in the API's error shape.
    static func json(
        _ request: Request, now: Date, _ report: (AudiencePeriod) async throws -> some Encodable
    ) async throws -> Response {
        let period: AudiencePeriod
        do throws(Refusal) {
            period = try AudiencePeriod(request, now: now)
        } catch {
            var writer = JSONWriter()
            writer.raw("{\"error_code\":\"InvalidDate\",\"message\":")
            writer.string(error.message)
            writer.raw("}")
            return jsonResponse(writer, status: .badRequest)
        }
        var writer = JSONWriter()
        writer.encoded(try await report(period))
        return jsonResponse(writer)
    }
}

extension AudiencePeriod.Refusal {
    /// The JSON's message for a refused period.
    var message: String {
        switch self {
        case .invalidDate(let text): "Invalid date \"\(text)\": expected YYYY-MM-DD."
        case .invalidRange:
            "Invalid period: from must not be after to, and a period is at most \(AudienceRetention.maximumDays) days."
        }
    }
}
