import PlotCore

/// The page of an object card for a style preset.
///
/// A card holds a lightcurve, a metadata block and three stamps, so it cannot shrink to the
/// presets' lightcurve pages (a 3.4 in column has no room for three stamps and their labels).
/// Each preset therefore gets a card page of its own, with the preset's type, colours and dpi:
///
/// - `screen`: 8×6 in at 150 dpi (1200×900 px); metadata beside the lightcurve, stamps below both.
/// - `paper` and `paper-wide`: 7.1×5 in at 300 dpi, the full text width of a two-column journal,
///   8–9 pt type; same arrangement as `screen`.
/// - `talk` and `dark`: a 16:9 slide, 13.33×7.5 in at 144 dpi (1920×1080 px), 14 pt text (titles
///   scaled alike; the lightcurve preset's 16 pt would not leave the metadata a column wide enough
///   beside the stamps' labels). The metadata gets a column as wide as its rows need.
///
/// On every page the stamps take the largest whole scale that fits the page's width and
/// `ObjectCard.maxStampShare` of its height, and sit under both the lightcurve and the metadata
/// when the metadata fits above them; a taller metadata block gets the page's full height and the
/// stamps move left, under the lightcurve. The lightcurve's legend goes under the metadata when
/// it fits there, else above the plot.
public struct CardPage: Sendable, Equatable {
    public enum Arrangement: Sendable, Equatable {
        /// The metadata in a column of a fixed share of the width (36 %), beside the lightcurve.
        case stampsBelow
        /// The metadata in a column as wide as its rows need (large type on a slide).
        case metadataColumn
    }

    public var size: FigureSize
    public var arrangement: Arrangement
    /// Tick, legend and metadata text in points when the card differs from the preset; nil for the preset's.
    public var fontSize: Double?

    public init(size: FigureSize, arrangement: Arrangement, fontSize: Double? = nil) {
        self.size = size; self.arrangement = arrangement; self.fontSize = fontSize
    }

    /// The preset's card page; `dpi` changes the pixels, not the physical size of the page (nor,
    /// but for rounding to whole device pixels per stamp pixel, of the stamps).
    public static func of(_ preset: StylePreset, dpi: Double? = nil) -> CardPage {
        let inches: (width: Double, height: Double), baseDPI: Double, arrangement: Arrangement
        switch preset {
        case .screen: (inches, baseDPI, arrangement) = ((8, 6), 150, .stampsBelow)
        case .paper, .paperWide: (inches, baseDPI, arrangement) = ((7.1, 5), 300, .stampsBelow)
        case .talk, .dark: (inches, baseDPI, arrangement) = ((40.0 / 3, 7.5), 144, .metadataColumn)
        }
        let dpi = dpi ?? baseDPI
        let size = FigureSize(widthPixels: Int((inches.width * dpi).rounded()), heightPixels: Int((inches.height * dpi).rounded()),
                              dpi: dpi)
        return CardPage(size: size, arrangement: arrangement, fontSize: arrangement == .metadataColumn ? 14 : nil)
    }
}

/// How a card looks: a style preset (page, type, colours), a font size and dpi overriding the
/// preset's, and the lightcurve panel's axes, palette and time window.
public struct CardLook: Sendable, Equatable {
    public var preset: StylePreset
    public var fontSize: Double?
    public var dpi: Double?
    public var lightcurve: LightcurveOptions

    public init(preset: StylePreset = .screen, fontSize: Double? = nil, dpi: Double? = nil,
                lightcurve: LightcurveOptions = LightcurveOptions()) {
        self.preset = preset; self.fontSize = fontSize; self.dpi = dpi; self.lightcurve = lightcurve
    }

    /// The preset's style, its type at `fontSize`, else at the card page's size, else the preset's.
    public var style: Style { preset.style(fontSize: fontSize ?? page.fontSize) }
    public var page: CardPage { .of(preset, dpi: dpi) }
}
