import Testing
import Vocabulary

/// The field-type names are the catalog's and the API's: a renamed case would orphan every stored dataset.
@Suite struct FieldTypeTests {
    @Test func rawValuesAreTheOpendatasoftNames() {
        #expect(
            FieldType.allCases.map(\.rawValue) == [
                "text", "int", "double", "boolean", "date", "datetime", "geo_point_2d", "geo_shape", "json_blob",
            ])
    }

    @Test func decodesFromItsName() {
        #expect(FieldType(rawValue: "geo_point_2d") == .geoPoint2D)
        #expect(FieldType(rawValue: "number") == nil)
    }
}
