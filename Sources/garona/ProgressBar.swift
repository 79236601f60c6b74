import Foundation
import Ingest
import Portal

/// A one-line progress bar on standard error, drawn only when it is a terminal: bytes done,
/// rows per second and the time left.
final class ProgressBar {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var phaseStart = Date()
    private var phase = ""
    private var lastDraw = Date.distantPast

    func show(_ phase: String, _ progress: IngestProgress) {
        guard enabled else { return }
        let now = Date()
        if phase != self.phase {
            self.phase = phase
            phaseStart = now
        }
        guard now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let fraction = progress.totalBytes > 0 ? min(1, Double(progress.bytesRead) / Double(progress.totalBytes)) : 0
        let elapsed = max(0.001, now.timeIntervalSince(phaseStart))
        let rate = Double(progress.records) / elapsed
        let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(
            format: "\r%@ [%@] %3.0f%% %@/%@ %@ rows/s ETA %@ ", phase, bar, fraction * 100, megabytes(progress.bytesRead),
            megabytes(progress.totalBytes), NumberFormat.grouped(Int(rate)), duration(left)
        )
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled, !phase.isEmpty else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

    private func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.0fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
