import Testing
import Vocabulary

@testable import ExportFormats

/// Toulouse's Capitole, in degrees.
let toulouse = Position(x: 1.444, y: 43.604)

@Test func lambert93PutsToulouseWhereIGNDoes() throws {
    let projection = try Reprojection(epsg: 2154)
    let projected = projection.project(toulouse)
    #expect(abs(projected.x - 574_340) < 10)
    #expect(abs(projected.y - 6_279_566) < 10)
    #expect(projection.esriWKT.contains("RGF_1993_Lambert_93"))
    #expect(projection.esriWKT.hasPrefix("PROJCS["))
}

@Test func webMercatorIsEastingThenNorthing() throws {
    let projected = try Reprojection(epsg: 3857).project(toulouse)
    // x = R·λ, y = R·ln(tan(π/4 + φ/2)) with R = 6,378,137 m.
    #expect(abs(projected.x - 160_745.3) < 1)
    #expect(abs(projected.y - 5_404_363.4) < 1)
}

@Test func wgs84IsTheIdentityWithAGeographicPrj() throws {
    let projection = try Reprojection(epsg: 4326)
    #expect(projection.isIdentity)
    #expect(projection.project(toulouse) == toulouse)
    #expect(projection.esriWKT.hasPrefix("GEOGCS["))
}

@Test(arguments: [0, 1, 999_999, -4326, 4_000_000])
func unknownCodesAreClearErrors(code: Int) {
    let error = #expect(throws: ReprojectionError.self) { try Reprojection(epsg: code) }
    #expect(error?.description.contains("EPSG code \(code)") == true)
}

@Test func shapesProjectEveryPosition() throws {
    let square = Geometry.polygon([[toulouse, Position(x: 1.5, y: 43.6), Position(x: 1.5, y: 43.7), toulouse]])
    let projected = try Reprojection(epsg: 2154).project(square)
    #expect(projected.positions.count == 4)
    #expect(projected.positions.allSatisfy { $0.x > 500_000 && $0.y > 6_000_000 })
}

@Test func storedDatesRoundTrip() {
    #expect(StoredDates.days(fromDate: "1970-01-01") == 0)
    #expect(StoredDates.days(fromDate: "2024-02-29") == 19_782)
    #expect(StoredDates.days(fromDate: "1969-12-31") == -1)
    #expect(StoredDates.dateText(days: 19_782) == "2024-02-29")
    #expect(StoredDates.days(fromDate: "2024-13-01") == nil)
    #expect(StoredDates.microseconds(fromDateTime: "1970-01-01T00:00:01Z") == 1_000_000)
    #expect(StoredDates.microseconds(fromDateTime: "2024-12-31T23:30:00.5Z") == 1_735_687_800_500_000)
    #expect(StoredDates.microseconds(fromDateTime: "2025-01-01T00:30:00+01:00") == 1_735_687_800_000_000)
    #expect(StoredDates.dateTimeText(microseconds: 1_735_687_800_500_000) == "2024-12-31T23:30:00.500000Z")
    #expect(StoredDates.dateTimeText(microseconds: -1) == "1969-12-31T23:59:59.999999Z")
}
