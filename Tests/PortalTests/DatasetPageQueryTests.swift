import Foundation
import Testing

@testable import Portal
@testable import Store

/// The dataset page's `page` parameter: any number of digits, never an overflow.
@Suite struct DatasetPageQueryTests {
    static let dataset = Dataset(
        metadata: DatasetMetadata(id: "gares", titleFR: "Gares"), fields: [], recordsCount: 280,
        created: Date(timeIntervalSince1970: 0), modified: Date(timeIntervalSince1970: 0), dataProcessed: nil,
        version: 1, recordsTable: nil)

    static func query(page: String) -> DatasetPageQuery {
        DatasetPageQuery(pairs: [("page", page)], dataset: dataset, compiler: nil)
    }

    @Test(arguments: [
        ("9223372036854775807", Int.max), ("99999999999999999999", Int.max), ("0000000000000000000000003", 3),
        ("14", 14),
    ])
    func largePageNumbersReadAsPastTheLastPage(_ text: String, _ expected: Int) {
        let query = Self.query(page: text)
        #expect(query.page == expected)
        #expect(query.ignored.isEmpty)
        #expect(query.offset <= DatasetPageQuery.maxOffset)
    }

    @Test(arguments: ["0", "-1", "-9223372036854775808", "1e400", "+3", "", "nan", "٣"])
    func otherPageValuesAreIgnored(_ text: String) {
        let query = Self.query(page: text)
        #expect(query.page == 1)
        #expect(query.offset == 0)
        #expect(query.ignored == ["page=" + text])
    }
}
