import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// Streams a `multipart/form-data` upload to disk, in constant memory, under a size limit.
///
/// Small text fields are kept in memory (at most 64 KB each); the one file part is written to
/// `directory`. The CSRF token field must come before the file: the receiver hands it to
/// `checkToken` as soon as it is complete and stops reading if the check fails.
struct UploadReceiver {
    /// What the form sent.
    struct Upload {
        var fields: [String: String] = [:]
        var fileName: String?
        var file: URL?
        var bytes = 0
    }

    enum Failure: Error {
        case tooLarge
        case malformed
        case tokenRejected(Response)
        case noFile
        /// The file could not be created or written (full disk, file size limit, I/O error); the reason is
        /// the system's, for the log, not for the visitor.
        case writeFailed(String)
    }

    let directory: URL
    let maxBytes: Int

    func receive(
        _ request: Request, checkToken: @escaping (String?) -> Response?
    ) async throws(Failure) -> Upload {
        guard let type = request.headers[.contentType], let boundary = Self.boundary(of: type) else { throw .malformed }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes + 64 * 1024 { throw .tooLarge }
        let parser = MultipartParser(boundary: boundary)
        var upload = Upload()
        var header: [String: String] = [:]
        var value = [UInt8]()
        var handle: FileHandle?
        var partIsFile = false
        var failure: Failure?
        var tokenVerified = false
        let directory = self.directory
        func openFile(_ disposition: String) {
            partIsFile = true
            let name = Self.safeFileName(Self.parameter("filename", in: disposition) ?? "upload")
            upload.fileName = name
            let url = directory.appendingPathComponent(name)
            upload.file = url
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else {
                failure = .writeFailed(String(cString: strerror(errno)))
                return
            }
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }
        parser.onHeader = { name, content in header[name.lowercased()] = content }
        parser.onBody = { buffer in
            guard failure == nil else { return }
            let disposition = header["content-disposition"] ?? ""
            if Self.parameter("filename", in: disposition) != nil {
                guard tokenVerified else {
                    if failure == nil, let rejection = checkToken(nil) { failure = .tokenRejected(rejection) }
                    return
                }
                if handle == nil { openFile(disposition) }
                upload.bytes += buffer.readableBytes
                if upload.bytes > maxBytes {
                    failure = .tooLarge
                    return
                }
                // `write(contentsOf:)` throws where `write(_:)` would trap on a full disk.
                do {
                    try handle?.write(contentsOf: Data(buffer.readableBytesView))
                } catch {
                    failure = .writeFailed("\(error)")
                }
            } else if value.count + buffer.readableBytes <= 64 * 1024 {
                value.append(contentsOf: buffer.readableBytesView)
            } else {
                failure = .malformed
            }
        }
        parser.onPartComplete = {
            let disposition = header["content-disposition"] ?? ""
            // A chosen but empty file still counts as a file: the import then says it is empty.
            if failure == nil, tokenVerified, handle == nil, Self.parameter("filename", in: disposition) != nil {
                partIsFile = true
                openFile(disposition)
            }
            let name = Self.parameter("name", in: disposition) ?? ""
            if !partIsFile {
                upload.fields[name] = String(decoding: value, as: UTF8.self)
                if name == "csrfmiddlewaretoken" && !tokenVerified && failure == nil {
                    if let rejection = checkToken(upload.fields[name]) {
                        failure = .tokenRejected(rejection)
                    } else {
                        tokenVerified = true
                    }
                }
            }
            header = [:]
            value = []
            partIsFile = false
        }
        do {
            for try await chunk in request.body {
                try parser.execute(chunk)
                if let failure { throw failure }
            }
        } catch let error as Failure {
            try? handle?.close()
            throw error
        } catch {
            try? handle?.close()
            throw .malformed
        }
        do {
            try handle?.close()
        } catch {
            throw .writeFailed("\(error)")
        }
        if !tokenVerified, let rejection = checkToken(upload.fields["csrfmiddlewaretoken"]) { throw .tokenRejected(rejection) }
        guard upload.file != nil else { throw .noFile }
        return upload
    }

    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        return parameter("boundary", in: contentType)
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// A file name with no directory part and only harmless characters.
    static func safeFileName(_ name: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "upload"
        let cleaned = String(
            base.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        let trimmed = cleaned.drop { $0 == "." }
        return trimmed.isEmpty ? "upload" : String(trimmed.prefix(120))
    }
}
