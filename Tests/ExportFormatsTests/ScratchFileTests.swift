import Foundation
import Testing

@testable import ExportFormats

@Test func scratchReaderCrossesChunkBoundaries() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = try ScratchFile(in: directory, prefix: "test")
    // 2.5 MiB of records of 13 bytes: reads straddle the 1 MiB chunks.
    let count = 200_000
    var record: [UInt8] = []
    for index in 0..<count {
        record.removeAll(keepingCapacity: true)
        ByteOrder.little(UInt32(index), to: &record)
        ByteOrder.little(Double(index) / 2, to: &record)
        record.append(UInt8(index % 251))
        try file.append(record)
    }
    #expect(file.size == Int64(count * 13))
    var reader = ScratchReader(file)
    for index in 0..<count {
        #expect(try reader.uint32() == UInt32(index))
        #expect(try reader.double() == Double(index) / 2)
        #expect(try reader.read(1)?.first == UInt8(index % 251))
    }
    #expect(try reader.read(1) == nil)
}
