import FuzzDriver
import FuzzSupport
import HTTPTypes
import PortalHarness

/// The data API's query parameters, one line of the input each, in this order; an empty line is an absent
/// parameter. The last line, if any, names an export format.
let parameterNames = [
    "select", "where", "group_by", "order_by", "refine", "exclude", "limit", "offset", "timezone", "facet", "q", "lang",
]

let harness: PortalHarness = {
    do {
        return try PortalHarness(name: "api")
    } catch {
        fatalError("cannot build the application: \(error)")
    }
}()

/// The parameter's value percent-encoded for a query string: every byte but the unreserved ones.
func percentEncoded(_ text: String) -> String {
    var encoded = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            encoded.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let digits = Array("0123456789ABCDEF".unicodeScalars)
            encoded.unicodeScalars.append("%")
            encoded.unicodeScalars.append(digits[Int(byte >> 4)])
            encoded.unicodeScalars.append(digits[Int(byte & 15)])
        }
    }
    return encoded
}

/// Sends the parameters to the records endpoint, the dataset's facets (when a facet is given), the catalog's
/// datasets and, when the input names one, an export, exactly as a client would over HTTP (the query string goes
/// through the server's own decoding). Every answer must be a 2xx or a 4xx: a 5xx is a finding, as is a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPIParameters(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let lines = InputLines.split(data, size, into: parameterNames.count + 1)
    let pairs = zip(parameterNames, lines).filter { !$0.1.isEmpty }
    let query = pairs.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    let base = "/api/explore/v2.1/catalog"
    var paths = ["\(base)/datasets/\(FixtureDataset.id)/records?\(query)", "\(base)/datasets?\(query)"]
    if pairs.contains(where: { $0.0 == "facet" }) {
        paths.append("\(base)/datasets/\(FixtureDataset.id)/facets?\(query)")
        paths.append("\(base)/facets?\(query)")
    }
    if let format = lines.last, !format.isEmpty {
        paths.append("\(base)/datasets/\(FixtureDataset.id)/exports/\(percentEncoded(format))?\(query)")
    }
    for path in paths {
        let reply = harness.send(.get, path)
        if reply.status.code >= 500 {
            fatalError("\(reply.status.code) for GET \(path): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
        }
    }
    return 0
}

/// The entry point SwiftPM links this executable with (see FuzzDriver.h): libFuzzer's driver, with this target's test.
@_cdecl("FuzzAPIParameters_main")
public func fuzzAPIParametersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    garona_run_fuzzer(argc, argv) { data, size in data.map { fuzzAPIParameters($0, size) } ?? 0 }
}
