import Foundation
import ODSQL
import Testing

@testable import Portal

/// The pure parts of the record and dataset schemas (issue 12): `dataset_uid`, the RDF exports' property names and
/// the technical members written before a record's fields.
@Suite struct RecordSchemaTests {
    @Test func datasetUIDsAreStableAndShapedAsOpendatasoftsOnes() {
        let uid = DatasetDocument.uid(of: "gares-occitanie")
        #expect(uid == DatasetDocument.uid(of: "gares-occitanie"))
        #expect(uid.wholeMatch(of: /da_[0-9a-z]{6}/) != nil)
        #expect(uid != DatasetDocument.uid(of: "gares-occitanie-2"))
    }

    @Test func propertyNamesAreXMLNames() {
        #expect(RDFRecords.propertyName("toponyme") == "toponyme")
        #expect(RDFRecords.propertyName("_x1") == "_x1")
        #expect(RDFRecords.propertyName("2020") == "_2020")
        #expect(RDFRecords.propertyName("count(*)") == "_count_28_2a_29")
        #expect(RDFRecords.propertyName("é") == "__c3_a9")
        #expect(RDFRecords.propertyName("a-b") != RDFRecords.propertyName("a_b"))
    }

    @Test func aLinkedRecordStartsWithItsTechnicalMembers() throws {
        let links = RecordLinks(
            datasetID: "d", apiBase: "http://h/api/explore/v2.1", processed: Date(timeIntervalSince1970: 0),
            timeZone: TimeZone(identifier: "Europe/Paris")!)
        let renderer = RecordRenderer(columns: [ResultColumn(key: "n", type: .int, firstSQLColumn: 1)], timeZone: .gmt)
        var writer = JSONWriter()
        links.write([.text("abc"), .int(7)], size: 7, renderer: renderer, to: &writer)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        let start = ##"{"_id":"abc","_timestamp":"1970-01-01T01:00:00+01:00","_size":7,"_links":["##
        #expect(text.hasPrefix(start) && text.hasSuffix(##"],"n":7}"##), "\(text)")
        let selfLink = ##"{"rel":"self","href":"http://h/api/explore/v2.1/catalog/datasets/d/records/abc"}"##
        #expect(text.contains(selfLink))
        #expect(text.contains(##"{"rel":"dataset","href":"http://h/api/explore/v2.1/catalog/datasets/d"}"##))
        #expect(renderer.size(of: [.text("abc"), .int(7)]) == ##"{"n":7}"##.utf8.count)
    }
}
