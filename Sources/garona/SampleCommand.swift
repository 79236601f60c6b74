import ArgumentParser
import Foundation
import Portal

/// `garona sample`: writes a seeded, deterministic CSV file of French open data (see ``SampleData``),
/// for demos and import benchmarks.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate a deterministic sample CSV file (12 columns of French open data).",
        discussion: "The same --rows and --seed always give the same bytes, on every machine."
    )

    // Values are parsed here rather than by ArgumentParser so that a bad one gets a one-line reason.
    @Option(parsing: .unconditional, help: "Number of data rows (the header is extra).")
    var rows = "1000"

    @Option(parsing: .unconditional, help: "Seed of the pseudo-random generator (0 to 18446744073709551615).")
    var seed = "42"

    @Option(help: "The file to write (replaced if it exists), or - for standard output.")
    var output: String?

    @Flag(help: "Start the file with a UTF-8 byte-order mark, as Opendatasoft exports do.")
    var bom = false

    func run() throws {
        guard let count = Int(rows.replacingOccurrences(of: "_", with: "")), count >= 0 else {
            fail("--rows must be a whole number of rows, 0 or more (got \"\(rows)\")")
        }
        guard let seedValue = UInt64(seed.replacingOccurrences(of: "_", with: "")) else {
            fail("--seed must be a whole number from 0 to \(UInt64.max) (got \"\(seed)\")")
        }
        guard let output, !output.isEmpty else { fail("--output FILE is required (- for standard output)") }
        let sample = SampleData(seed: seedValue, byteOrderMark: bom)
        do {
            if output == "-" {
                try sample.write(rows: count, to: FileHandle.standardOutput)
            } else {
                try sample.write(rows: count, toFile: output)
            }
        } catch {
            fail("cannot write \(output): \(Self.reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? SampleDataError { return error.reason }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return error.localizedDescription
    }
}
