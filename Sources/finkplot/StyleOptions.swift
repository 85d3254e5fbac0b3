import ArgumentParser
import FinkPlotKit

/// The pages a command's presets give, as its `--style` and `--dpi` help state them.
protocol PresetPages {
    static var styleHelp: String { get }
    static var dpiHelp: String { get }
}

/// A lightcurve's pages (the presets' own).
enum LightcurvePages: PresetPages {
    static let styleHelp = "Preset: screen (8×4 in, 150 dpi), paper (one journal column, 3.4 in), paper-wide (two columns, 7.1 in), talk (16:9 slide, 1920×1080), dark (talk on a dark background)."
    static let dpiHelp = "Pixels per inch of PNG and SVG (default: the preset's). Lengths in in/cm keep their size; PDF is always vector."
}

/// A card's pages (`CardPage`): a card needs more room than a lightcurve, so its own sizes.
enum CardPages: PresetPages {
    static let styleHelp = "Card page: screen 8×6 in at 150 dpi (1200×900 px); paper and paper-wide 7.1×5 in at 300 dpi (a two-column journal's text width); talk 16:9, 13.33×7.5 in at 144 dpi (1920×1080 px); dark as talk on a dark background."
    static let dpiHelp = "Pixels per inch of PNG and SVG (default: the preset's): changes the pixels, not the page. PDF is always vector."
}

/// A preset and the overrides that keep its page: palette, resolution, type size. Shared by
/// `lightcurve` (inside `StyleOptions`) and `card`, whose page follows the preset; `Pages` words
/// the help for the command's own pages.
struct LookOptions<Pages: PresetPages>: ParsableArguments {
    @Option(help: ArgumentHelp(Pages.styleHelp, valueName: "name"))
    var style: StylePreset = .screen

    @Option(help: ArgumentHelp("Band colours: default (Fink's Portals) or colorblind (colour-blind safe, with a marker shape per band).",
                               valueName: "name"))
    var palette: BandPalette = .fink

    // `.unconditional`: a negative value (`--dpi -5`) is a value to refuse by name, not an unknown option.
    @Option(parsing: .unconditional, help: ArgumentHelp(Pages.dpiHelp, valueName: "dpi"))
    var dpi: Double?

    @Option(name: .customLong("font-size"), parsing: .unconditional, help: ArgumentHelp(
        "Tick-label and legend size in points; axis titles and the title scale with it.", valueName: "pt"))
    var fontSize: Double?

    @Option(name: .customLong("marker-size"), parsing: .unconditional, help: ArgumentHelp(
        "Marker size in points, fixed (default: the preset's, smaller for dense lightcurves so points stay apart).",
        valueName: "pt"))
    var markerSize: Double?

    func validate() throws {
        if let markerSize { guard (0.5...50).contains(markerSize) else { throw ValidationError("--marker-size must be between 0.5 and 50 points") } }
        if let dpi { guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400") } }
        if let fontSize { guard fontSize >= 3, fontSize <= 72 else { throw ValidationError("--font-size must be between 3 and 72 points") } }
    }

    func preset() throws -> StylePreset { style }

    /// Records the look in a figure spec (defaults are left out). The dpi is recorded by the
    /// caller, which knows whether the figure's size depends on it.
    func record(in options: inout FigureSpec.Options) {
        options.style = style == .screen ? nil : style
        options.palette = palette == .fink ? nil : palette
        options.fontSize = fontSize
        options.markerSize = markerSize
    }
}

/// The look of a figure: a preset and its overrides, including the page size.
struct StyleOptions: ParsableArguments {
    @OptionGroup var look: LookOptions<LightcurvePages>

    // `--width -5` says "expected a positive length", not "Missing value for '--width'".
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Figure width: 1200 or 1200px (pixels), 3.4in, 8.6cm, 245pt (default: the preset's; one side alone keeps its aspect).",
        valueName: "length"))
    var width: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Figure height, as --width.", valueName: "length"))
    var height: String?

    func validate() throws {
        do {
            if let width { _ = try Length(parsing: width, option: "--width") }
            if let height { _ = try Length(parsing: height, option: "--height") }
        } catch { throw ValidationError("\(error)") }
        let size = try figureSize()
        guard (16...20000).contains(size.widthPixels), (16...20000).contains(size.heightPixels) else {
            throw ValidationError("the figure would be \(size.widthPixels)×\(size.heightPixels) px: each side must be between 16 and 20000 pixels")
        }
    }

    func preset() throws -> StylePreset { try look.preset() }

    /// Records the look in a figure spec (defaults are left out).
    func record(in options: inout FigureSpec.Options) { look.record(in: &options) }

    func figureSize() throws -> FigureSize {
        try preset().size(width: try width.map { try Length(parsing: $0, option: "--width") },
                          height: try height.map { try Length(parsing: $0, option: "--height") },
                          dpi: look.dpi)
    }
}

/// The values `--time` and `--top-axis` take, for the shell's completion.
let timeModes = ["mjd", "date", "since-first", "since-t0"]

/// What a lightcurve's axes show, and which points: `lightcurve`, and a card's lightcurve panel.
struct TimeAndYOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "x axis: mjd, date (calendar, UTC), since-first (days since the first valid alert) or since-t0 (days since --t0).",
        valueName: "mode"), completion: .list(timeModes))
    var time: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The zero of since-t0, an MJD (giving it alone implies --time since-t0).", valueName: "mjd"))
    var t0: Double?

    @Option(name: .customLong("top-axis"), help: ArgumentHelp(
        "A second time axis along the top: mjd, date, since-first, since-t0 or none.", valueName: "mode"),
            completion: .list(timeModes + ["none"]))
    var topAxis: String = "none"

    @Option(parsing: .unconditional, help: ArgumentHelp("Draw only rows from this MJD or UTC date (YYYY-MM-DD[THH:MM]) on.", valueName: "time"))
    var since: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Draw only rows up to this MJD or UTC date (a bare date includes that day).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp(
        "y axis. ZTF: diffmag (default; difference magnitude), dcmag (apparent magnitude where a reference source lies under the alert), flux (difference flux, mJy). Rubin: mag (default; science-flux magnitude), diffflux (difference flux, µJy, forced photometry too), diffmag (difference magnitude where S/N ≥ 5, forced photometry below as 5σ limits).",
        valueName: "quantity"))
    var y: YQuantity?

    func validate() throws {
        do {
            var o = FigureSpec.Options(format: .png)
            try record(in: &o)
            _ = try FigureSpec(command: .lightcurve, objectIds: [], source: .init(), options: o, output: nil).lightcurveOptions()
        } catch { throw ValidationError("\(error)") }
    }

    /// Records the axes in a figure spec, typed: times resolved to MJD.
    func record(in options: inout FigureSpec.Options) throws {
        let mode = try time.map { try TimeAxisMode(parsing: $0, t0: t0) } ?? t0.map { .sinceT0($0) }
        options.time = mode
        options.topAxis = topAxis.lowercased() == "none" ? nil : try TimeAxisMode(parsing: topAxis, t0: t0, option: "--top-axis")
        options.since = try since.map { try TimeParsing.mjd($0, option: "--since") }
        options.until = try until.map { try TimeParsing.mjd($0, option: "--until", endOfDay: true) }
        options.y = y
    }
}

/// The lightcurve command's axes, and the drawn points as a table.
struct LightcurveAxisOptions: ParsableArguments {
    @OptionGroup var axes: TimeAndYOptions

    @Option(help: ArgumentHelp(
        "Also write the drawn points as CSV ('-': standard output): one table of every object drawn, a row per point with its objectId.",
        valueName: "file.csv"), completion: .file(extensions: ["csv"]))
    var table: String?

    /// Records the axes in a figure spec: names as given, times resolved to MJD.
    func record(in options: inout FigureSpec.Options) throws { try axes.record(in: &options) }
}
