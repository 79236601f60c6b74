import Testing

@testable import Portal

/// What the legacy download link (`/explore/dataset/{id}/download/`) passes on to the v2.1 export.
@Suite struct LegacyDownloadQueryTests {
    @Test func odsclientsParametersMapToTheExports() {
        // odsclient's get_whole_dataset(id, timezone="Europe/Paris", apikey=…): Python writes booleans as True.
        let query = LegacyDownloadQuery.exportQuery([
            ("format", "csv"), ("timezone", "Europe/Paris"), ("use_labels_for_header", "True"), ("csv_separator", ";"),
            ("apikey", "k&y"),
        ])
        #expect(query == "use_labels=True&delimiter=%3B&timezone=Europe/Paris&apikey=k%26y")
    }

    @Test func defaultsLeaveLabelsOffAndNothingElse() {
        #expect(LegacyDownloadQuery.exportQuery([("format", "json")]) == "use_labels=false")
    }

    @Test func refinesAndExcludesTakeTheV21Form() {
        let query = LegacyDownloadQuery.exportQuery([
            ("refine.departement", "31"), ("exclude.nature", "Halte & arrêt"), ("refine.", "x"), ("lang", "en"),
            ("q", "gare"), ("fields", "a,b"),
        ])
        #expect(
            query
                == "use_labels=false&lang=en&q=gare&refine=departement%3A31&exclude=nature%3AHalte%20%26%20arr%C3%AAt")
    }
}
