import Foundation
import Ingest
import ODSQL
import Testing
import Vocabulary

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

    @Test func theAnalyzeTabSumsAsDecimalsSoImportedIntegersCannotOverflow() {
        var dataset = Self.dataset
        dataset.fields = [
            DatasetField(name: "montant", label: "Montant", type: .int, facet: false, sortable: true),
            DatasetField(name: "commune", label: "Commune", type: .text, facet: true, sortable: true),
        ]
        var query = DatasetPageQuery(
            pairs: [("agg", "sum"), ("y", "montant"), ("x", "commune")], dataset: dataset, compiler: nil)
        let sum = DatasetAnalysis(dataset, query: &query).odsql(filters: query.odsql)
        #expect(sum?.select == "sum(`montant` * 1.0) as value")
        query.extra["agg"] = "max"
        let largest = DatasetAnalysis(dataset, query: &query).odsql(filters: query.odsql)
        #expect(largest?.select == "max(`montant`) as value")
        #expect(query.ignored.isEmpty)
    }
}
