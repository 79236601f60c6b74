import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Store

/// Fetches a source's file over HTTP(S) with a conditional GET, streaming it to disk under a size and a time limit.
///
/// Only `http` and `https` URLs are fetched, and redirects are followed to `http` and `https` only, at most
/// ``maxRedirects`` of them, without cycles. Credentials in the URL (`https://user:secret@host/…`) are sent as basic
/// authentication and never appear in a failure's message. One fetcher holds one HTTP client: make it with
/// ``withFetcher(limits:_:)``, which shuts the client down afterwards.
struct SourceFetcher: Sendable {
    /// How much, and for how long, a fetch may download.
    struct Limits: Sendable {
        /// The largest file accepted, in bytes (the back office's upload limit by default).
        var maxBytes: Int
        /// How long the whole fetch (connection, headers and body) may take, in seconds.
        var seconds: Int
    }

    /// What a fetch brought.
    enum Outcome: Sendable {
        /// The server answered 304: the file has not changed since the validators sent.
        case notModified
        /// The file, written to `file`, with its validators.
        case downloaded(file: URL, bytes: Int, etag: String?, lastModified: String?)
    }

    /// The most redirects followed.
    static let maxRedirects = 5

    let client: HTTPClient
    let limits: Limits

    /// Runs `body` with a fetcher whose HTTP client is shut down when `body` ends.
    static func withFetcher<T: Sendable>(limits: Limits, _ body: (SourceFetcher) async -> T) async -> T {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: maxRedirects, allowCycles: false),
            timeout: .init(connect: .seconds(15), read: .seconds(60)))
        configuration.httpVersion = .http1Only
        // A refused or failed connection fails the run at once, rather than being retried until the deadline while
        // the other due sources wait.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let result = await body(SourceFetcher(client: client, limits: limits))
        // Nothing is left to wait for: a client that fails to close only logs, inside AsyncHTTPClient.
        try? await client.shutdown()
        return result
    }

    /// Fetches `url` into `directory` (which exists), sending `etag` and `lastModified` as validators.
    /// - Throws: ``SourceFailure`` with a reason for the publisher.
    func fetch(_ url: String, etag: String?, lastModified: String?, into directory: URL) async throws(SourceFailure)
        -> Outcome
    {
        guard DatasetSource.isFetchable(url), var components = URLComponents(string: url) else {
            throw SourceFailure("only http and https URLs can be fetched")
        }
        var request = HTTPClientRequest(url: "")
        if let user = components.user {
            let pair = user + ":" + (components.password ?? "")
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
            components.user = nil
            components.password = nil
        }
        request.url = components.string ?? url
        request.headers.add(name: "User-Agent", value: "Garona source fetcher")
        request.headers.add(name: "Accept", value: "text/csv, application/json, application/geo+json, */*")
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        let deadline = NIODeadline.now() + .seconds(Int64(limits.seconds))
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: deadline)
        } catch {
            throw Self.failure(error, seconds: limits.seconds)
        }
        if response.status == .notModified { return .notModified }
        guard response.status.code >= 200 && response.status.code < 300 else {
            throw SourceFailure("the server answered HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limits.maxBytes {
            throw tooLarge
        }
        let file = directory.appendingPathComponent(Self.fileName(url: components.url, headers: response.headers))
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = try? FileHandle(forWritingTo: file)
        else { throw SourceFailure("the file could not be written to the server's disk") }
        defer { try? handle.close() }
        var bytes = 0
        do {
            for try await buffer in response.body {
                bytes += buffer.readableBytes
                if bytes > limits.maxBytes { throw tooLarge }
                if ContinuousClock.now - started > .seconds(limits.seconds) { throw tooSlow }
                try handle.write(contentsOf: Data(buffer.readableBytesView))
            }
        } catch let failure as SourceFailure {
            throw failure
        } catch {
            throw Self.failure(error, seconds: limits.seconds)
        }
        return .downloaded(
            file: file, bytes: bytes, etag: response.headers.first(name: "ETag"),
            lastModified: response.headers.first(name: "Last-Modified"))
    }

    private var tooLarge: SourceFailure {
        SourceFailure("the file is larger than the limit of \(limits.maxBytes / 1_048_576) MB")
    }

    private var tooSlow: SourceFailure {
        SourceFailure("the download took longer than the limit of \(limits.seconds) s")
    }

    /// The reason a request failed, in one line: never the URL (it may hold credentials).
    static func failure(_ error: any Error, seconds: Int) -> SourceFailure {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return SourceFailure("the server did not answer in time (limit \(seconds) s)")
            case .redirectLimitReached, .redirectCycleDetected:
                return SourceFailure("too many redirects (at most \(maxRedirects))")
            case .remoteConnectionClosed:
                return SourceFailure("the server closed the connection")
            default:
                return SourceFailure("the download failed (\(error.shortDescription))")
            }
        }
        switch error {
        case let error as NIOConnectionError:
            return SourceFailure(
                error.dnsAError != nil && error.connectionErrors.isEmpty
                    ? "the host was not found" : "the server could not be reached")
        case is ChannelError, is IOError:
            return SourceFailure("the server could not be reached")
        default:
            return SourceFailure("the download failed (\(String(describing: type(of: error))))")
        }
    }

    /// A name for the downloaded file that tells Ingest its format: the URL's last path component, made harmless,
    /// with an extension from the response's `Content-Type` when it has none that Ingest knows.
    static func fileName(url: URL?, headers: HTTPHeaders) -> String {
        let known = ["csv", "tsv", "txt", "json", "jsonl", "ndjson", "geojson", "xlsx"]
        let base = UploadReceiver.safeFileName(url?.lastPathComponent ?? "source")
        if let ext = base.split(separator: ".").last, base.contains("."), known.contains(ext.lowercased()) {
            return base
        }
        let type = (headers.first(name: "Content-Type") ?? "").lowercased()
        let ext =
            if type.contains("geo+json") { "geojson" } else if type.contains("json") {
                "json"
            } else if type.contains(
                "spreadsheetml")
            { "xlsx" } else { "csv" }
        return base + "." + ext
    }
}

/// Why a source run failed, in one line for the publisher; the previous version stays served.
struct SourceFailure: Error, CustomStringConvertible, Sendable {
    let description: String

    init(_ description: String) { self.description = description }
}
