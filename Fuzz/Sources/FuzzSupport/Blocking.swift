import Dispatch
import Synchronization

/// Runs async code to completion from the synchronous fuzzing entry point.
///
/// libFuzzer calls `LLVMFuzzerTestOneInput` on its own thread and expects the input to be fully processed on
/// return; the store and the application are async, so each input starts a task and waits for it.
public enum Blocking {
    /// The result of `body`, run in a new task while the calling thread waits.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<T>()
        Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return outcome.value.withLock { $0 }!
    }
}

/// Where the task leaves its result for the waiting thread.
final class Outcome<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}
