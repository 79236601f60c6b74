import Foundation
import Hummingbird
import Store
import Web

/// `/site/theme.css`, `/site/logo` and `/site/favicon`: the stylesheet of the site's colours and its images, served
/// by the portal itself (no external request). Their URLs carry a fingerprint (`?v=`), so they are cached for a
/// day; a change of colour or image changes the URL in every page.
///
/// An image is served with its own type (`image/png` or `image/svg+xml`) and `nosniff`; an SVG is meant for `<img>`
/// only, where browsers run no script, and the portal's Content-Security-Policy on every answer (`script-src 'self'`,
/// no inline script or event handler) keeps one opened directly inert.
struct SiteAssetController: Sendable {
    let settings: any InstanceSettings
    let site: LiveSite

    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/site/theme.css") { _, _ in
            Self.response(
                ByteBuffer(string: ThemeStylesheet.css(for: site.current.identity)), type: "text/css; charset=utf-8")
        }
        for key in [SiteSettingKey.logo, .favicon] {
            router.get("/site/\(key.rawValue)") { _, _ in
                guard let value = try await settings.setting(key.rawValue), let image = SiteImage(dataURL: value) else {
                    throw PageError.notFound
                }
                return Self.response(ByteBuffer(bytes: image.bytes), type: image.format.rawValue)
            }
        }
    }

    private static func response(_ body: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=86400", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: body))
    }
}
