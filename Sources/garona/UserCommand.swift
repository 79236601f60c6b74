import ArgumentParser
import Foundation
import Portal
import Store

/// `garona user …`: back-office accounts.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage back-office accounts.",
        subcommands: [Create.self]
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
            guard passwordFromStandardInput else { fail("give the password on standard input with --password-stdin") }
            let input = FileHandle.standardInput.readDataToEndOfFile()
            var password = String(decoding: input, as: UTF8.self)
            while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
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
}
