import ArgumentParser
import Foundation
import Portal
import Store

/// `garona settings …`: the portal's identity (name, colours, logo, favicon, contact, home page, footer), for
/// provisioning. A refused value exits non-zero with the reason.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Read and change the portal's name, colours, logo and pages' settings.",
        subcommands: [Get.self, Set.self, List.self]
    )

    /// `garona settings get KEY`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a setting's value (nothing when unset).")

        @OptionGroup var storage: StoreOptions

        @Argument(help: "The setting, one of: \(SiteSettingsCommands.keys.joined(separator: ", ")).")
        var key: String

        func run() async throws {
            try storage.requireInstance()
            let store = await storage.openStore()
            do {
                if let value = try await SiteSettingsCommands.value(of: key, store: store) { print(value) }
            } catch let error as SiteSettingsError {
                fail(error.description)
            }
        }
    }

    /// `garona settings set KEY VALUE`.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a setting; an empty value removes it. logo and favicon take a PNG or SVG file's path.")

        @OptionGroup var storage: StoreOptions

        @Argument(help: "The setting.")
        var key: String

        @Argument(help: "Its new value: #rrggbb for colours, a file path for logo and favicon.")
        var value: String

        func run() async throws {
            try storage.requireInstance()
            let store = await storage.openStore()
            do {
                try await SiteSettingsCommands.set(key, value: value, store: store)
            } catch let error as SiteSettingsError {
                fail(error.description)
            }
            print("set \(key)")
        }
    }

    /// `garona settings list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every setting, KEY=VALUE, unset ones empty.")

        @OptionGroup var storage: StoreOptions

        func run() async throws {
            try storage.requireInstance()
            let store = await storage.openStore()
            for key in SiteSettingsCommands.keys {
                let value = try await SiteSettingsCommands.value(of: key, store: store) ?? ""
                print("\(key)=\(value.replacing("\n", with: "\\n"))")
            }
        }
    }
}
