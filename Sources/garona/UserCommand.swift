import ArgumentParser
import Foundation
import Portal
import Store

/// `garona user …`: back-office accounts. Every change is audited with the actor `cli`; a refusal exits non-zero with
/// its reason.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage back-office accounts.",
        subcommands: [Create.self, List.self, SetRole.self, Disable.self, Enable.self, Passwd.self]
    )

    /// `garona user create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account.")

        @OptionGroup var storage: StoreOptions

        @Option(help: "The account's username.")
        var username: String

        @Option(help: "admin or editor.")
        var role: String

        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordFromStandardInput = false

        func run() async throws {
            guard let role = Role(rawValue: role) else { fail("--role must be admin or editor") }
            let password = readPassword(passwordFromStandardInput)
            do {
                try await Portal.createUser(
                    dataDirectory: storage.dataDirectory, database: storage.database, username: username, role: role,
                    password: password)
            } catch let error as PortalSetupError {
                fail(error.description)
            }
            print("created \(role.rawValue) account \"\(username)\"")
        }
    }

    /// Where the instance's data lives; it must already exist.
    struct Location: ParsableArguments {
        @OptionGroup var storage: StoreOptions

        func validate() throws { try storage.requireInstance() }
    }

    /// `garona user list`: one account a line, tab-separated.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the accounts: username, role, state (enabled or disabled), last login (ISO 8601 or never).")
        @OptionGroup var location: Location

        func run() async throws {
            let users = try await UserCommand.run(location) { try await Portal.users(dataDirectory: $0, database: $1) }
            for user in users {
                let state = user.isEnabled ? "enabled" : "disabled"
                let login = user.lastLoginAt.map { $0.formatted(.iso8601) } ?? "never"
                say([user.username, user.role.rawValue, state, login].joined(separator: "\t"))
            }
        }
    }

    /// `garona user set-role USER ROLE`.
    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Give an account the role admin or editor (the last admin stays one).")
        @OptionGroup var location: Location
        @Argument(help: "The account's username.") var username: String
        @Argument(help: "admin or editor.") var role: String

        func run() async throws {
            guard let role = Role(rawValue: role) else { fail("the role must be admin or editor") }
            try await UserCommand.run(location) {
                try await Portal.setRole(role, of: username, dataDirectory: $0, database: $1)
            }
            print("\"\(username)\" is \(role.rawValue)")
        }
    }

    /// `garona user disable USER`.
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its sessions end and its API keys are refused (the last admin stays).")
        @OptionGroup var location: Location
        @Argument(help: "The account's username.") var username: String

        func run() async throws {
            try await UserCommand.run(location) {
                try await Portal.setDisabled(true, username: username, dataDirectory: $0, database: $1)
            }
            print("\"\(username)\" is disabled")
        }
    }

    /// `garona user enable USER`.
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @OptionGroup var location: Location
        @Argument(help: "The account's username.") var username: String

        func run() async throws {
            try await UserCommand.run(location) {
                try await Portal.setDisabled(false, username: username, dataDirectory: $0, database: $1)
            }
            print("\"\(username)\" is enabled")
        }
    }

    /// `garona user passwd USER --password-stdin`.
    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's password (read from standard input); its sessions end.")
        @OptionGroup var location: Location
        @Argument(help: "The account's username.") var username: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordFromStandardInput = false

        func run() async throws {
            let password = readPassword(passwordFromStandardInput)
            try await UserCommand.run(location) {
                try await Portal.setPassword(password, username: username, dataDirectory: $0, database: $1)
            }
            print("the password of \"\(username)\" is set")
        }
    }

    /// Runs `body` with the instance's location; a refusal ends the command with its reason.
    static func run<T>(_ location: Location, _ body: (String, DatabaseOptions) async throws -> T) async throws -> T {
        do {
            return try await body(location.storage.dataDirectory, location.storage.database)
        } catch let error as PortalSetupError {
            fail(error.description)
        }
    }
}

/// The password on standard input, without its final line break; without `--password-stdin`, the command fails.
private func readPassword(_ fromStandardInput: Bool) -> String {
    guard fromStandardInput else { fail("give the password on standard input with --password-stdin") }
    var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
    return password
}
