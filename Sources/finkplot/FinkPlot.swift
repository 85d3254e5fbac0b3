import ArgumentParser
import FinkPlotKit
import Foundation

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

            A path of '-' (-o -, --table -) sends a figure or a table to standard output; \
            messages always go to standard error.

            Shell completion (options, their values, file names):
              finkplot --generate-completion-script bash > ~/.finkplot-completion.bash
              finkplot --generate-completion-script zsh > ~/.zfunc/_finkplot
              finkplot --generate-completion-script fish \\
                > ~/.config/fish/completions/finkplot.fish
            then source the bash file from ~/.bashrc; for zsh, add ~/.zfunc to fpath \
            before compinit.

            Exit status: 0 on success, 1 when a figure or object failed, 64 for a usage \
            error, 130 when interrupted, 143 when terminated.
            """,
        version: FinkPlotVersion.current,
        subcommands: [LightcurveCommand.self, CutoutsCommand.self, CardCommand.self, RenderCommand.self, AnomalyCommand.self, StatsCommand.self]
    )

    /// A closed pipe (`| head -1`) must end in EPIPE errors that the run survives, not SIGPIPE.
    static func main() async {
        Console.ignoreBrokenPipes()
        Console.reserveStandardStreams()
        var command: ParsableCommand
        do { command = try parseAsRoot(nil) } catch {
            if let word = CommandLine.arguments.dropFirst().first, let message = unknownSubcommand(word) {
                usageError(message, of: FinkPlot.self)
            }
            exitSafely(error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch let error as ValidationError {
            // A usage error found while running (a bad URL, an empty ids file) shows the usage of
            // the subcommand that was typed, as ArgumentParser does for errors found while parsing;
            // its default names only the root ("finkplot <subcommand>").
            usageError(error.message, of: type(of: command))
        } catch {
            exitSafely(error)
        }
    }

    /// `exit(withError:)`, except that a message echoing what was typed (`--style $'\e]0;…'`) has
    /// its escape sequences and control characters written out, never sent to the terminal.
    static func exitSafely(_ error: any Error) -> Never {
        let message = fullMessage(for: error)
        let code = exitCode(for: error)
        guard code != .success, ServerText.hasInvisibles(message.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\t", with: "")) else {
            exit(withError: error)
        }
        _ = Console.error(ServerText.visible(message, keepNewlines: true) + "\n")
        Foundation.exit(code.rawValue)
    }

    /// Prints a usage error as ArgumentParser words its own, with `command`'s usage, and exits 64.
    static func usageError(_ message: String, of command: ParsableCommand.Type) -> Never {
        let help = command == FinkPlot.self ? "finkplot --help" : "finkplot \(command._commandName) --help"
        _ = Console.error("Error: \(ServerText.visible(message, keepNewlines: true))\nUsage: \(usageString(for: command))\n  See '\(help)' for more information.\n")
        exit(withError: ExitCode.validationFailure)
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

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
