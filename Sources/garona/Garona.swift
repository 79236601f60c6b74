import ArgumentParser

/// `garona`: the command line of the Garona open data platform.
@main
struct Garona: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garona",
        abstract: "Garona, a self-hosted open data platform.",
        subcommands: [
            Serve.self, UserCommand.self, ImportCommand.self, DatasetCommand.self, SampleCommand.self, ApiKeyCommand.self,
            SourceCommand.self,
            SettingsCommand.self,
        ]
    )
}
