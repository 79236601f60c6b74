import Foundation
import Store

/// The site's settings for the command line (`garona settings get|set|list`): the same checks and audit as the back
/// office, with the actor `cli`. Serving nodes see a change within their poll of the site version.
public enum SiteSettingsCommands {
    /// Every key, in the documented order.
    public static var keys: [String] { SiteSettingKey.allCases.map(\.rawValue) }

    /// The value of `key` as the command line shows it: an image as its type and size, never its bytes; nil when
    /// unset.
    public static func value(of key: String, store: any StoreEngine) async throws -> String? {
        let key = try settingKey(key)
        guard let value = try await store.setting(key.rawValue) else { return nil }
        if key == .logo || key == .favicon {
            guard let image = SiteImage(dataURL: value) else { return "(unreadable image)" }
            return "\(image.format.rawValue), \(image.bytes.count) bytes"
        }
        return value
    }

    /// Checks and sets `key` to `value` (for `logo` and `favicon`, the path of a PNG or SVG file); an empty value
    /// removes the setting. Throws ``SiteSettingsError`` with the reason when the value is refused.
    public static func set(_ key: String, value: String, store: any StoreEngine, now: Date = Date()) async throws {
        let key = try settingKey(key)
        let editor = SiteSettingsEditor(store: store, changed: nil)
        do {
            if (key == .logo || key == .favicon) && !value.isEmpty {
                guard let data = FileManager.default.contents(atPath: value) else { throw SettingRefusal.unreadableFile }
                try await editor.setImage(key, bytes: [UInt8](data), actor: AuditEntry.commandLine, now: now)
            } else {
                try await editor.set(key, value, actor: AuditEntry.commandLine, now: now)
            }
        } catch let refusal as SettingRefusal {
            throw SiteSettingsError(description: "\(key.rawValue): \(refusal)")
        }
    }

    private static func settingKey(_ key: String) throws -> SiteSettingKey {
        guard let key = SiteSettingKey(rawValue: key) else {
            throw SiteSettingsError(description: SettingRefusal.unknownKey(key).description)
        }
        return key
    }
}

/// A site setting refused, with the reason in one line.
public struct SiteSettingsError: Error, CustomStringConvertible {
    public let description: String
}
