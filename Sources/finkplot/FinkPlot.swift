import ArgumentParser

@main
struct FinkPlot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finkplot",
        abstract: "Publication-ready figures from the Fink alert broker (ZTF).",
        discussion: """
            Data comes from the Fink REST API (\(SourceOptions.defaultURLText)), or from saved \
            responses with --from DIR. Run 'finkplot help <subcommand>' for details.
            """,
        version: "0.1.0",
        subcommands: [LightcurveCommand.self, CutoutsCommand.self, AnomalyCommand.self, StatsCommand.self]
    )
}
