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
        var command: ParsableCommand
        do { command = try parseAsRoot(nil) } catch {
            if let word = CommandLine.arguments.dropFirst().first, let message = unknownSubcommand(word) {
                _ = Console.error("Error: \(message)\nUsage: \(usageString(for: FinkPlot.self))\n  See 'finkplot --help' for more information.\n")
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch let error as ValidationError {
            // A usage error found while running (a bad URL, an empty ids file) shows the usage of
            // the subcommand that was typed, as ArgumentParser does for errors found while parsing;
            // its default names only the root ("finkplot <subcommand>").
            let name = type(of: command)._commandName
            _ = Console.error("""
                Error: \(error.message)
                Usage: \(usageString(for: type(of: command)))
                  See 'finkplot help \(name)' for more information.

                """)
            exit(withError: ExitCode.validationFailure)
        } catch {
            exit(withError: error)
        }
    }

    /// "unknown subcommand 'lightcuve'; did you mean 'lightcurve'?" when the first word is neither
    /// an option nor a subcommand (ArgumentParser would call it "2 unexpected arguments").
    static func unknownSubcommand(_ word: String) -> String? {
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !word.hasPrefix("-"), !names.contains(word) else { return nil }
        let nearest = names.map { ($0, editDistance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
        if let (name, distance) = nearest, distance <= max(2, name.count / 3) {
            return "unknown subcommand '\(word)'; did you mean '\(name)'?"
        }
        return "unknown subcommand '\(word)'; the subcommands are \(names.dropLast().joined(separator: ", "))"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
