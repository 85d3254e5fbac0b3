import CairoRender
import FinkAPI
import Foundation

/// Where a figure came from, recorded inside the file: PNG text chunks, PDF document information,
/// an SVG `<metadata>` element.
public struct Provenance: Sendable, Equatable {
    /// `finkplot 0.2.0`.
    public var software: String
    /// The API base URL (credentials stripped), or `directory <name>` for saved answers: never an
    /// absolute path of the machine that drew it.
    public var source: String
    /// The surveys whose data the figure shows (`ZTF`, `Rubin`).
    public var surveys: [Survey]
    public var objectIds: [String]
    /// When the data were asked for, ISO 8601 UTC. A re-rendering from a saved spec reuses the
    /// original time, so the same data and options give the same bytes.
    public var queryTime: String
    /// The options that shaped the figure, normalised (`--alert latest --width 1200 ...`).
    public var options: String
    /// The figure spec as JSON (`finkplot render` input), stored in PNG and SVG; nil for none.
    public var specJSON: String?

    public init(software: String = FinkPlotVersion.software, source: String, surveys: [Survey] = [.ztf], objectIds: [String],
                queryTime: String, options: String, specJSON: String? = nil) {
        self.software = software; self.source = source; self.surveys = surveys; self.objectIds = objectIds
        self.queryTime = queryTime; self.options = options; self.specJSON = specJSON
    }

    /// A path as a figure records it: as given when relative, by its last component when
    /// absolute (figures travel; the directories of the machine that drew them stay there).
    public static func shown(path: String) -> String {
        path.hasPrefix("/") ? URL(fileURLWithPath: path).lastPathComponent : path
    }

    /// The current time as ISO 8601 UTC to the second.
    public static func now() -> String { iso8601(Date()) }

    public static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// This provenance for one object of a run over several; `fetchedAt` (a cache entry's time)
    /// replaces the query time, so a figure drawn from the cache says when its data were fetched.
    public func forObject(_ id: String, fetchedAt: Date? = nil) -> Provenance {
        var p = self
        p.objectIds = [id]
        if let fetchedAt { p.queryTime = Self.iso8601(fetchedAt) }
        return p
    }

    /// The file metadata: `title` names the figure ("ZTF21aaxtctv lightcurve").
    public func metadata(title: String) -> DocumentMetadata {
        var extra = [PNGText.Chunk("Source", source), PNGText.Chunk("finkplot:objectIds", objectIds.joined(separator: ",")),
                     PNGText.Chunk("finkplot:options", options)]
        if let specJSON { extra.append(PNGText.Chunk("finkplot:spec", specJSON)) }
        let names = surveys.map { Surveys.profile($0)?.displayName ?? $0.name.uppercased() }
        let what = names.isEmpty ? "" : " (\(names.joined(separator: ", ")))"
        return DocumentMetadata(
            title: title,
            subject: "Fink alert broker\(what) data from \(source), queried \(queryTime); options: \(options)",
            keywords: (["Fink"] + names + objectIds).joined(separator: ", "),
            creator: software,
            creationDate: queryTime,
            extraText: extra)
    }
}
