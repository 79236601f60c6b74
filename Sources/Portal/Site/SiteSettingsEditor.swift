import Foundation
import Store
import Web

/// Checks and writes the site's settings (``SiteSettingKey``), for the back office and `garona settings`: every
/// value is validated (``normalized(_:_:)``), written, audited (action `settings`), and the live site state told.
struct SiteSettingsEditor: Sendable {
    let store: any StoreEngine
    /// Called after each change, to rebuild the site state here and tell the other nodes (nil on the command line,
    /// where the serving nodes follow the version setting).
    let changed: (@Sendable () async throws -> Void)?

    /// Every key, comma-separated, for messages.
    static var keyList: String { SiteSettingKey.allCases.map(\.rawValue).joined(separator: ", ") }

    /// The longest value of each text key.
    static func limit(_ key: SiteSettingKey) -> Int {
        switch key {
        case .siteNameFR, .siteNameEN: 80
        case .homeTitleFR, .homeTitleEN: 160
        case .homeIntroFR, .homeIntroEN: 10_000
        case .contactEmail: 254
        case .footerLinks, .themeIcons, .featuredDatasets: 4_000
        case .primaryColor, .accentColor, .accessibilityStatus: 64
        case .logo, .favicon: 400_000
        }
    }

    /// The RGAA statuses, as stored.
    static let accessibilityStatuses = ["non_conforme", "partiellement_conforme", "totalement_conforme"]

    /// The value to store for `key`, trimmed and checked, or nil to remove the setting (an empty value); throws why
    /// it is refused. Images are not set here but with ``setImage(_:bytes:actor:now:)``.
    static func normalized(_ key: SiteSettingKey, _ raw: String) throws(SettingRefusal) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return nil }
        guard value.count <= limit(key) else { throw .tooLong(limit: limit(key)) }
        switch key {
        case .primaryColor, .accentColor:
            guard let color = SiteColor(hex: value) else { throw .colorFormat }
            guard ContrastRule.passes(color) else {
                throw .lowContrast(
                    color: color.description, ratio: ContrastRule.format(ContrastRule.ratio(of: color)),
                    suggestion: ContrastRule.nearestPassingShade(of: color).description)
            }
            return color.description
        case .contactEmail:
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
                !parts[1].hasSuffix("."),
                value.unicodeScalars.allSatisfy({ $0.value > 0x20 && !"<>\"'\\,;".unicodeScalars.contains($0) })
            else { throw .email }
            return value
        case .footerLinks:
            for (number, line) in lines(value).enumerated() {
                guard let (label, url) = pair(line), SafeMarkdown.isSafeLink(url) else { throw .listLine(number + 1) }
                _ = label
            }
            return value
        case .themeIcons:
            for (number, line) in lines(value).enumerated() {
                guard let (_, icon) = pair(line), icon.count <= 4 else { throw .listLine(number + 1) }
            }
            return value
        case .featuredDatasets:
            let ids = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = ids.first(where: { !isDatasetID($0) }) { throw .datasetID(bad) }
            return ids.joined(separator: ",")
        case .accessibilityStatus:
            guard accessibilityStatuses.contains(value) else { throw .accessibilityStatus }
            return value
        case .logo, .favicon:
            guard let image = SiteImage(dataURL: value) else { throw .imageFormat }
            return image.dataURL
        case .siteNameFR, .siteNameEN, .homeTitleFR, .homeTitleEN, .homeIntroFR, .homeIntroEN:
            return value
        }
    }

    /// The non-empty lines of a list setting.
    static func lines(_ value: String) -> [Substring] {
        value.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// `label | value`, both non-empty and trimmed.
    static func pair(_ line: Substring) -> (String, String)? {
        guard let bar = line.firstIndex(of: "|") else { return nil }
        let label = line[..<bar].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: bar)...].trimmingCharacters(in: .whitespaces)
        return label.isEmpty || value.isEmpty ? nil : (label, value)
    }

    /// Whether `id` looks like a dataset id: letters, digits, `-` and `_`, at most 100.
    static func isDatasetID(_ id: String) -> Bool {
        (1...100).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Checks and stores `raw` for `key` (nil or empty removes it), audits the change and rebuilds the site state.
    func set(_ key: SiteSettingKey, _ raw: String?, actor: String, now: Date) async throws {
        let value = try raw.flatMap { raw throws(SettingRefusal) in try Self.normalized(key, raw) }
        try await write(key, value, detail: Self.auditDetail(key, value), actor: actor, now: now)
    }

    /// Checks and stores an image file for `.logo` or `.favicon`.
    func setImage(_ key: SiteSettingKey, bytes: [UInt8], actor: String, now: Date) async throws {
        let image = try SiteImage(validating: bytes)
        try await write(key, image.dataURL, detail: "\(image.format.rawValue), \(bytes.count) bytes", actor: actor, now: now)
    }

    /// What the audit log says of a new value: colours, statuses and ids in full; other text only by its length.
    static func auditDetail(_ key: SiteSettingKey, _ value: String?) -> String {
        guard let value else { return "removed" }
        switch key {
        case .primaryColor, .accentColor, .accessibilityStatus, .featuredDatasets, .siteNameFR, .siteNameEN:
            return String(value.prefix(200))
        default:
            return "\(value.count) characters"
        }
    }

    private func write(_ key: SiteSettingKey, _ value: String?, detail: String, actor: String, now: Date) async throws {
        try await store.setSetting(key.rawValue, to: value)
        try await store.appendAudit(
            AuditEntry(at: now, actor: actor, action: .settings, target: key.rawValue, detail: detail))
        if let changed { try await changed() } else { try await store.setSetting(LiveSite.versionSetting, to: UUID().uuidString) }
    }
}
