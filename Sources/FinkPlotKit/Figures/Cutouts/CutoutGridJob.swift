import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// One grid of many objects (`cutouts -o FILE`): the batch runner fetches and checks every
/// object, each adds its rows here, and `finish()` writes the grid once all are in, in the
/// order the ids were given.
public final class CutoutGridJob: BatchJob, @unchecked Sendable {
    public let output: URL
    public let choice: AlertChoice
    public let rendering: StampRendering
    public let scale: Int
    public let exactScale: Bool
    public let dpi: Double
    public let colorbars: Bool
    public let format: OutputFormat
    public let rawDirectory: URL?
    public let style: Style
    public let identity: String
    /// Collects the grid's rows (`cutouts --table`), in the grid's order.
    public let points: PointTable?
    /// The grid file's metadata, given the objects it shows and when the oldest of their data
    /// were fetched (nil when unknown).
    public let metadata: @Sendable ([ObjectKey], _ fetchedAt: Date?) -> DocumentMetadata?
    // Guarded by `lock`: objects finish on several tasks.
    private let lock = NSLock()
    private var collected: [ObjectKey: [CutoutRow]] = [:]
    private var fetched: [ObjectKey: Date] = [:]

    public init(output: URL, choice: AlertChoice, rendering: StampRendering, scale: Int, dpi: Double, colorbars: Bool,
                format: OutputFormat, rawDirectory: URL?, style: Style = .screen, identity: String = "cutouts", exactScale: Bool = false,
                points: PointTable? = nil, metadata: @escaping @Sendable ([ObjectKey], Date?) -> DocumentMetadata? = { _, _ in nil }) {
        self.points = points
        self.output = output; self.choice = choice; self.rendering = rendering; self.scale = scale; self.dpi = dpi
        self.colorbars = colorbars; self.format = format; self.rawDirectory = rawDirectory; self.style = style
        self.identity = identity; self.metadata = metadata; self.exactScale = exactScale
    }

    public var needs: DataNeeds { .lightcurve }
    /// With `--alert all`, one alert's missing stamps leave the other rows.
    public var drawsWithoutStamps: Bool { choice == .all }
    public func alertWithoutObject(_ key: ObjectKey) -> PhotometryPoint? { choice.bareAlert(of: key) }
    public func outputs(for key: ObjectKey) -> [URL] { [output] }
    public func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] { try CutoutFigure.choose(choice, from: data) }

    public func render(_ data: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let alerts = try stampAlerts(of: data)
        let (rows, notes) = try CutoutFigure.rows(of: data, alerts: alerts,
                                                  stamps: alerts.map { a in a.alertId.flatMap { stamps[$0] } ?? [:] },
                                                  rendering: rendering, rawDirectory: rawDirectory)
        lock.withLock {
            collected[data.key] = rows
            fetched[data.key] = data.fetchedAt
        }
        CutoutTable.add(rows, of: data.key, to: points)
        // Nothing is written yet: `finish` writes the grid once, and the command says so once
        // (as an output of every object, the progress printed "wrote" per object).
        return BatchRendered(outputs: [], notes: notes)
    }

    /// Writes the grid of the objects that were drawn, in `order`; false when none was.
    public func finish(order: [ObjectKey]) throws -> Bool {
        let (byKey, times) = lock.withLock { (collected, fetched) }
        let keys = order.filter { byKey[$0] != nil }
        // The grid is as old as its oldest data.
        let oldest = keys.compactMap { times[$0] }.min()
        let rows = keys.flatMap { byKey[$0]! }
        guard !rows.isEmpty else { return false }
        let data = try CutoutFigure.render(rows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars, exactScale: exactScale,
                                           style: style, format: format, metadata: metadata(keys, oldest))
        try AtomicFile.write(data, to: output)
        return true
    }
}
