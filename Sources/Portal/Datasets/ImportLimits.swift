import Foundation
import Ingest

/// The limits against hostile files that an operator sets with environment variables, read the same way
/// by `garona serve` (back-office uploads) and `garona import`.
///
/// | Variable | Limit | Default |
/// |---|---|---|
/// | `GARONA_ZIP_MAX_PART_MB` | uncompressed size of one part of a ZIP (XLSX) archive | 1024 |
/// | `GARONA_ZIP_MAX_TOTAL_MB` | uncompressed size of all its parts together | 2048 |
/// | `GARONA_ZIP_MAX_RATIO` | compression ratio of a part (beyond its first MiB) | 100 |
/// | `GARONA_ZIP_MAX_ENTRIES` | entries in the archive | 10000 |
/// | `GARONA_XLSX_MAX_SHARED_STRINGS` | shared strings of a workbook | 5000000 |
/// | `GARONA_XLSX_MAX_SHARED_STRINGS_MB` | bytes of those shared strings | 256 |
///
/// A value that is not a positive integer is ignored (the default holds).
public enum ImportLimits {
    /// The limits, from `environment`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> IngestLimits {
        var limits = IngestLimits()
        func read(_ name: String, megabytes: Bool = false) -> Int? {
            guard let text = environment[name], let value = Int(text), value > 0 else { return nil }
            guard megabytes else { return value }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: 1 << 20)
            return overflow ? Int.max : bytes
        }
        if let value = read("GARONA_ZIP_MAX_PART_MB", megabytes: true) { limits.maxArchivePartBytes = value }
        if let value = read("GARONA_ZIP_MAX_TOTAL_MB", megabytes: true) { limits.maxArchiveBytes = value }
        if let value = read("GARONA_ZIP_MAX_RATIO") { limits.maxCompressionRatio = value }
        if let value = read("GARONA_ZIP_MAX_ENTRIES") { limits.maxArchiveEntries = value }
        if let value = read("GARONA_XLSX_MAX_SHARED_STRINGS") { limits.maxSharedStrings = value }
        if let value = read("GARONA_XLSX_MAX_SHARED_STRINGS_MB", megabytes: true) { limits.maxSharedStringBytes = value }
        return limits
    }
}
