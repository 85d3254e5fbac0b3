import ArgumentParser
import FinkPlotKit

@main
struct FinkPlot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finkplot",
        abstract: "Publication-ready figures from the Fink alert broker (ZTF).",
        discussion: """
            Data comes from the Fink REST API (\(SourceOptions.defaultURLText)), or from saved \
            responses with --from DIR. Run 'finkplot help <subcommand>' for details.
            """,
        version: FinkPlotVersion.current,
        subcommands: [LightcurveCommand.self, CutoutsCommand.self, CardCommand.self, RenderCommand.self, AnomalyCommand.self, StatsCommand.self]
    )
}
