import ArgumentParser
import FinkPlotKit

@main
struct FinkPlot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finkplot", abstract: "Figures from the Fink alert broker.")
}
