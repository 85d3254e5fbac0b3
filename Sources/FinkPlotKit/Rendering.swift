import CairoRender
import Foundation
import PlotCore

/// Page size and resolution of an output figure.
public struct FigureSize: Sendable, Equatable {
    public var widthPixels: Int
    public var heightPixels: Int
    /// Pixels per inch for PNG and SVG; PDF pages are sized in points (width/dpi inches).
    public var dpi: Double

    public init(widthPixels: Int = 1200, heightPixels: Int = 600, dpi: Double = 150) {
        self.widthPixels = widthPixels
        self.heightPixels = heightPixels
        self.dpi = dpi
    }

    /// The page in points: the layout unit shared by every format.
    public var points: Size { Size(Double(widthPixels) * 72 / dpi, Double(heightPixels) * 72 / dpi) }
    public var pixelsPerPoint: Double { dpi / 72 }
}

public enum FigureRenderer {
    /// Lays out and draws `figure` in `format`, measuring text with Cairo.
    public static func render(_ figure: Figure, format: OutputFormat, size: FigureSize,
                              metadata: DocumentMetadata? = nil) throws -> Data {
        let list = figure.displayList(measurer: try CairoTextMeasurer())
        return try Renderer.render(list, format: format, pixelsPerPoint: size.pixelsPerPoint, metadata: metadata)
    }
}

/// Re-exported so the command line needs only FinkPlotKit.
public typealias OutputFormat = CairoRender.OutputFormat
