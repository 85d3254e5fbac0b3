import ArgumentParser
import FinkPlotKit

@main
struct FinkPlot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finkplot",
        abstract: "Publication-ready figures from the Fink alert broker (ZTF and Rubin/LSST).",
        discussion: """
            Data comes from Fink's REST APIs (\(Surveys.all.map { "\($0.displayName): \($0.defaultBaseURL)" }.joined(separator: ", "))), \
            or from saved responses with --from DIR. Ids say their survey: ZTF21aaxtctv is ZTF, \
            a number such as 170028485706776685 a Rubin diaObjectId. \
            Run 'finkplot help <subcommand>' for details.
            """,
        version: FinkPlotVersion.current,
        subcommands: [LightcurveCommand.self, CutoutsCommand.self, CardCommand.self, RenderCommand.self, AnomalyCommand.self, StatsCommand.self]
    )

    /// A closed pipe (`| head -1`) must end in EPIPE errors that the run survives, not SIGPIPE.
    static func main() async {
        Console.ignoreBrokenPipes()
        await main(nil)
    }
}
