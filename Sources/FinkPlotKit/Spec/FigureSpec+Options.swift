import Foundation
import PlotCore

/// The lightcurve's style and axes as a spec records them: the command line fills these fields
/// and every lightcurve, from the command line or `finkplot render`, is drawn from them.
extension FigureSpec {
    public func lightcurveStyle() -> Style {
        (options.style ?? .screen).style(fontSize: options.fontSize)
    }

    public func lightcurveOptions() throws -> LightcurveOptions {
        let o = options
        // An MJD far outside the calendar (--t0 1e308) leaves no room for an axis: say so here,
        // not "invalid matrix" from the renderer.
        for (name, value) in [("--t0", o.t0), ("--since", o.since), ("--until", o.until)] {
            if let value { try TimeParsing.checkRange(value, option: name) }
        }
        if let s = o.since, let u = o.until, s > u {
            throw LightcurveOptionError.conflict("--since (MJD \(Self.number(s))) is after --until (MJD \(Self.number(u)))")
        }
        return LightcurveOptions(time: o.time ?? .mjd, topAxis: o.topAxis, y: o.y, palette: o.palette ?? .fink,
                                 since: o.since, until: o.until, markerSize: o.markerSize)
    }

    /// A card's look: the preset's card page (`CardPage`) at `dpi`, the font size, and the
    /// lightcurve panel's options. Width and height do not apply: a card's page follows its preset.
    public func cardLook() throws -> CardLook {
        CardLook(preset: options.style ?? .screen, fontSize: options.fontSize, dpi: options.dpi, lightcurve: try lightcurveOptions())
    }

    /// The lightcurve options that differ from the defaults, as command-line arguments.
    var lightcurveArguments: [String] {
        let o = options
        var parts: [String] = []
        if let v = o.style { parts += ["--style", v.rawValue] }
        if let v = o.palette { parts += ["--palette", v.rawValue] }
        if let v = o.fontSize { parts += ["--font-size", Self.number(v)] }
        if let v = o.markerSize { parts += ["--marker-size", Self.number(v)] }
        if let v = o.time { parts += ["--time", v.name] }
        if let v = o.t0 { parts += ["--t0", Self.number(v)] }
        if let v = o.topAxis { parts += ["--top-axis", v.name] }
        if let v = o.since { parts += ["--since", Self.number(v)] }
        if let v = o.until { parts += ["--until", Self.number(v)] }
        if let v = o.y { parts += ["--y", v.rawValue] }
        return parts
    }
}

extension StylePreset {
    /// This preset's style with tick and legend text at `fontSize` points and titles scaled alike.
    public func style(fontSize: Double?) -> Style {
        var s = style
        if let fontSize {
            let k = fontSize / s.fontSize
            s.fontSize = fontSize
            s.labelSize *= k
            s.titleSize *= k
        }
        return s
    }
}
