import Foundation

/// Reads option defaults from `GARONA_*` environment variables, so every option of `serve`
/// can also come from the environment.
enum EnvironmentDefaults {
    static func string(_ name: String, _ fallback: String) -> String {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    static func int(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? fallback
    }

    static func bool(_ name: String) -> Bool {
        ["1", "true", "yes", "on"].contains(ProcessInfo.processInfo.environment[name]?.lowercased() ?? "")
    }

    /// A comma-separated list.
    static func list(_ name: String) -> [String] {
        (ProcessInfo.processInfo.environment[name] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }
}

/// Prints `garona: <reason>` on standard error and exits with status 1.
func fail(_ reason: String) -> Never {
    FileHandle.standardError.write(Data("garona: \(reason)\n".utf8))
    exit(1)
}

/// Prints a line on standard output at once (unbuffered), so that scripts waiting for it see it.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Makes a write past the process's file size limit (`ulimit -f`, systemd's `LimitFSIZE`) fail with
/// `EFBIG`, which the import and upload paths report as a clear error, instead of killing the process
/// with `SIGXFSZ`.
func ignoreFileSizeSignal() {
    signal(SIGXFSZ, SIG_IGN)
}
