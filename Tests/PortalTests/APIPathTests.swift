import Testing

@testable import Portal

/// Which paths the API access middleware (keys, rate limit, CORS) covers.
@Suite struct APIPathTests {
    @Test func theAPIAndTheLegacyDownloadLinkAreCovered() {
        for path in ["/api/explore/v2.1/catalog/datasets", "/explore/dataset/gares/download", "/explore/dataset/gares/download/"]
        {
            #expect(APIAccessMiddleware.isAPIPath(path), "\(path)")
        }
    }

    @Test func pagesAreNot() {
        for path in [
            "/", "/explore/", "/explore/dataset/gares/", "/explore/dataset/gares/table/", "/explore/dataset//download",
            "/explore/dataset/a/b/download", "/explore/dataset/download", "/explore/dataset/gares/download/x", "/apix",
        ] {
            #expect(!APIAccessMiddleware.isAPIPath(path), "\(path)")
        }
    }
}
