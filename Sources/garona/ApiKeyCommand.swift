import ArgumentParser
import Foundation
import Portal
import Store

/// `garona apikey create|list`: keys of the data API.
struct ApiKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Create or list API keys (revoke them in the back office).",
        subcommands: [Create.self, List.self]
    )

    /// Where the instance's data lives; it must already exist.
    struct Location: ParsableArguments {
        @OptionGroup var storage: StoreOptions

        func validate() throws { try storage.requireInstance() }
    }

    /// `garona apikey create`: prints the new key once, alone on standard output.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for an account and print it once.",
            discussion: "Only the key's hash is stored: copy it now, it cannot be shown again."
        )
        @OptionGroup var location: Location

        @Option(help: "The account that owns the key.")
        var username: String

        @Option(help: "A label to recognise the key by.")
        var label = ""

        func run() async throws {
            let issued: IssuedApiKey
            do {
                issued = try await Portal.createApiKey(
                    dataDirectory: location.storage.dataDirectory, database: location.storage.database,
                    username: username, label: label)
            } catch let error as PortalSetupError {
                fail(error.description)
            }
            try await location.storage.openStore().appendAudit(
                AuditEntry(
                    at: Date(), actor: AuditEntry.commandLine, action: .apiKeyCreate, target: issued.record.prefix,
                    detail: username))
            FileHandle.standardError.write(
                Data("created API key \(issued.record.prefix)… for \"\(username)\"; it is shown only this once\n".utf8))
            say(issued.key)
        }
    }

    /// `garona apikey list`: one key a line, tab-separated, never the key itself.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API keys: id, owner, prefix, status, created, last used, label.")
        @OptionGroup var location: Location

        func run() async throws {
            let keys: [ApiKey]
            do {
                keys = try await Portal.apiKeys(
                    dataDirectory: location.storage.dataDirectory, database: location.storage.database)
            } catch let error as PortalSetupError {
                fail(error.description)
            }
            if keys.isEmpty { print("No API key.") }
            let time = Date.ISO8601FormatStyle()
            for key in keys {
                let status = key.isRevoked ? "revoked" : "active"
                let lastUsed = key.lastUsedAt.map { $0.formatted(time) } ?? "never"
                print(
                    "\(key.id)\t\(key.username)\t\(key.prefix)…\t\(status)\t\(key.createdAt.formatted(time))\t\(lastUsed)\t\(key.label)"
                )
            }
        }
    }
}
