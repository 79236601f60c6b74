import Foundation
import ODSQL

/// The rows of one query as they are read on a database thread (see ``RecordQueries/rowStream(_:milliseconds:batchSize:)``).
///
/// The query holds one database reader until its last row is read, it fails, its budget runs out, or the stream
/// is cancelled or released: a consumer that stops reading (a client that went away) frees the reader at once.
public final class RowStream: Sendable {
    private let channel: RowChannel
    private let stop: @Sendable () -> Void

    /// Creates the stream read from `channel`; `stop` asks the engine's producer to stop its query.
    init(channel: RowChannel, stop: @escaping @Sendable () -> Void) {
        self.channel = channel
        self.stop = stop
    }

    deinit { cancel() }

    /// The next batch of rows, or nil after the last. Throws ``QueryTimeoutError`` when the budget ran out, and
    /// `CancellationError` when the calling task is cancelled (which also stops the query).
    public func next() async throws -> [[SQLValue]]? {
        try await withTaskCancellationHandler {
            try await channel.next()
        } onCancel: {
            cancel()
        }
    }

    /// Stops the query: an interrupted statement, a producer that no longer waits, the reader back in the pool.
    public func cancel() {
        stop()
        channel.cancel()
    }
}
