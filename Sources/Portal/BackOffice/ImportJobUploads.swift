import Foundation
import Ingest
import Store
import Synchronization

/// The uploaded files of import jobs: copied to the store once detected, copied back by the node that publishes
/// when it is not the one that received them, and swept from this node's upload folder when no job needs them.
extension ImportJobs {
    /// Stores the uploaded `file` of job `id` in chunks of ``chunkBytes``, from an import thread; returns what was
    /// stored.
    func saveUpload(_ id: String, file: URL) throws -> ImportUpload {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var chunks = 0
        var bytes = 0
        while let data = try handle.read(upToCount: Self.chunkBytes), !data.isEmpty {
            let sequence = chunks
            try StoreCall.wait { [store] in try await store.saveImportUploadChunk(jobID: id, sequence: sequence, bytes: data) }
            chunks += 1
            bytes += data.count
        }
        return ImportUpload(chunks: chunks, bytes: bytes)
    }

    /// The uploaded file of `job` in this node's upload folder: the one received here, or else a copy of the
    /// stored chunks, made from an import thread.
    /// - Throws: ``ImportUploadMissing`` when the store does not hold the whole file.
    func localUpload(_ job: ImportJob) throws -> URL {
        guard let upload = job.upload else { throw ImportUploadMissing() }
        let name = UploadReceiver.safeFileName(job.uploadName)
        let folder = uploadsDirectory.appendingPathComponent(job.id)
        let file = folder.appendingPathComponent(name)
        if let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int, size == upload.bytes {
            return file
        }
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw ImportUploadMissing()
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var written = 0
        for sequence in 0..<max(0, upload.chunks) {
            let chunk = try StoreCall.wait { [store] in try await store.importUploadChunk(jobID: job.id, sequence: sequence) }
            guard let chunk else { throw ImportUploadMissing() }
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        guard written == upload.bytes else { throw ImportUploadMissing() }
        return file
    }

    /// Removes the upload folders whose job, if any, will not be published from them (not running on this node,
    /// not waiting for a confirmation) and whose newest entry is older than `horizon`; says how many.
    func sweepUploads(keeping live: Set<String>, olderThan horizon: Date) async throws -> Int {
        let files = FileManager.default
        let folders = (try? files.contentsOfDirectory(at: uploadsDirectory, includingPropertiesForKeys: nil)) ?? []
        var removed = 0
        for folder in folders where !live.contains(folder.lastPathComponent) {
            if let job = try await store.importJob(id: folder.lastPathComponent),
                job.state == .ready || (ImportJobState.running.contains(job.state) && job.node == node)
            {
                continue
            }
            let entries = (try? files.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            let newest = ([folder] + entries).compactMap { url in
                (try? files.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
            }.max()
            guard let newest, newest < horizon else { continue }
            if (try? files.removeItem(at: folder)) != nil { removed += 1 }
        }
        return removed
    }

    /// The name of the node whose uploads go to `uploadsDirectory`: its host, that folder, and a random id kept in
    /// `node-id` beside it (in the data directory), so that two nodes never share a name, even on hosts of the same
    /// name, and a node keeps its name across restarts. Without that file (it cannot be written), host and folder.
    static func nodeName(uploadsDirectory: URL) -> String {
        let place = ProcessInfo.processInfo.hostName + ":" + uploadsDirectory.standardizedFileURL.path
        let file = uploadsDirectory.deletingLastPathComponent().appendingPathComponent("node-id")
        if let id = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            !id.isEmpty
        {
            return place + " " + id
        }
        let id = UUID().uuidString.lowercased()
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data((id + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { return place }
        return place + " " + id
    }

    /// `detection` reading the parts of a workbook in `directory` (the job's upload folder on this node) rather
    /// than in the folder of the node that analysed the file, which this node may not have.
    ///
    /// Ingest keeps that folder in the detection's limits, which it does not let callers change: the detection is
    /// edited as JSON, its own coding. When that fails, `detection` is returned unchanged.
    static func extracting(_ detection: Detection, into directory: URL) -> Detection {
        guard let data = try? JSONEncoder().encode(detection),
            var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            var limits = object["limits"] as? [String: Any]
        else { return detection }
        limits["extractionDirectory"] = directory.path
        object["limits"] = limits
        guard let edited = try? JSONSerialization.data(withJSONObject: object),
            let moved = try? JSONDecoder().decode(Detection.self, from: edited)
        else { return detection }
        return moved
    }
}

/// The store holds no complete copy of a job's uploaded file.
struct ImportUploadMissing: Error {}

/// Calls the store from an import thread, which waits for the answer.
///
/// Import threads are threads of their own (``ImportJobs``), never threads of Swift's cooperative pool, so blocking
/// one while the call runs on the pool costs nothing to the server.
enum StoreCall {
    /// The outcome of a call, handed from the task that made it to the waiting thread.
    private final class Outcome<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    /// Runs `operation` in a task and waits for its result.
    static func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            outcome.result.withLock { $0 = result }
            outcome.done.signal()
        }
        outcome.done.wait()
        guard let result = outcome.result.withLock({ $0 }) else { throw CancellationError() }
        return try result.get()
    }
}
