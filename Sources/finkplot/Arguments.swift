import ArgumentParser
import FinkPlotKit

// The kit's closed choices, as command-line values: parsed once (case-insensitively), listed in
// --help, completed by the shell.

extension StylePreset: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

extension BandPalette: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

extension YQuantity: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) + ["diffflux"] }
}

extension OutputFormat: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public static var allValueStrings: [String] { ["png", "svg", "pdf"] }
}

extension AlertPick: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension Survey: ExpressibleByArgument {
    public init?(argument: String) {
        let survey = Survey(argument)
        guard Surveys.profile(survey) != nil else { return nil }
        self = survey
    }
    public static var allValueStrings: [String] { Surveys.all.map(\.survey.name) }
    // Not CaseIterable (surveys are an open set), so the shell is told the values here.
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

extension StatsPlot: ExpressibleByArgument {}
extension AnomalyObjectFigure: ExpressibleByArgument {}

/// `--bin`: a fixed bin, or `auto` (the smallest that keeps bars visible).
enum StatsBinOption: String, CaseIterable, ExpressibleByArgument {
    case auto, night, week, month
    var bin: StatsBin? { StatsBin(rawValue: rawValue) }
}

/// `cutouts --alert`: which alerts' stamps.
enum StampAlertOption: String, CaseIterable, ExpressibleByArgument {
    case latest, peak, all
    var choice: AlertChoice {
        switch self {
        case .latest: .latest
        case .peak: .peak
        case .all: .all
        }
    }
}
