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

extension FigureRenderer {
    /// The one way a figure becomes a file: laid out, drawn in `format` with its metadata, and
    /// written atomically (a failure never leaves half a file).
    public static func write(_ figure: Figure, format: OutputFormat, size: FigureSize, metadata: DocumentMetadata?,
                             to url: URL) throws {
        try AtomicFile.write(try render(figure, format: format, size: size, metadata: metadata), to: url)
    }

    /// Provenance for a service figure (anomaly, statistics): tool, service and query time.
    public static func serviceMetadata(title: String, service: String, options: String, queryTime: String = Provenance.now())
        -> DocumentMetadata {
        Provenance(source: service, objectIds: [], queryTime: queryTime, options: options).metadata(title: title)
    }
}

/// Re-exported so the command line needs only FinkPlotKit.
public typealias OutputFormat = CairoRender.OutputFormat
