import Ingest
import Testing

@testable import Portal

/// The archive limits an operator sets with environment variables.
@Suite struct ImportLimitsTests {
    @Test func everyVariableSetsItsLimit() {
        let limits = ImportLimits.fromEnvironment([
            "GARONA_ZIP_MAX_PART_MB": "10", "GARONA_ZIP_MAX_TOTAL_MB": "20", "GARONA_ZIP_MAX_RATIO": "30",
            "GARONA_ZIP_MAX_ENTRIES": "40", "GARONA_XLSX_MAX_SHARED_STRINGS": "50",
            "GARONA_XLSX_MAX_SHARED_STRINGS_MB": "60",
        ])
        #expect(limits.maxArchivePartBytes == 10 << 20)
        #expect(limits.maxArchiveBytes == 20 << 20)
        #expect(limits.maxCompressionRatio == 30)
        #expect(limits.maxArchiveEntries == 40)
        #expect(limits.maxSharedStrings == 50)
        #expect(limits.maxSharedStringBytes == 60 << 20)
    }

    @Test func valuesThatAreNotPositiveIntegersKeepTheDefaults() {
        let limits = ImportLimits.fromEnvironment([
            "GARONA_ZIP_MAX_PART_MB": "0", "GARONA_ZIP_MAX_TOTAL_MB": "-5", "GARONA_ZIP_MAX_RATIO": "lots",
            "GARONA_ZIP_MAX_ENTRIES": "", "GARONA_XLSX_MAX_SHARED_STRINGS": "1e9",
        ])
        #expect(limits == IngestLimits())
        #expect(ImportLimits.fromEnvironment([:]) == IngestLimits())
    }

    @Test func hugeMegabyteCountsSaturateInsteadOfTrapping() {
        let limits = ImportLimits.fromEnvironment(["GARONA_ZIP_MAX_TOTAL_MB": String(Int.max)])
        #expect(limits.maxArchiveBytes == Int.max)
    }
}
