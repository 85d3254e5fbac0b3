import Foundation

/// Saved Fink/LSST answers in a directory, named as the shared fixtures are:
///
/// - `sources_<diaObjectId>.json`: the `/api/v1/sources` answer (required);
/// - `fp_<diaObjectId>.json`: the `/api/v1/fp` answer (optional: no file, no forced points);
/// - `object_<diaObjectId>.json`: the `/api/v1/objects` answer (optional, read for summaries);
/// - `cutouts/<diaSourceId>_<Kind>.fits` (`output-format: FITS`) or
///   `cutouts/<diaSourceId>_All.json` (`kind: All`, `output-format: array`).
///
/// Answers saved with any `columns` work, as long as they have the time and band.
public struct LSSTDirectorySource: ObjectDataSource {
    public let directory: URL
    public let shownAs: String

    public init(directory: URL, shownAs: String) {
        self.directory = directory
        self.shownAs = shownAs
    }

    public var survey: Survey { .lsst }
    public var location: String { shownAs }
    public var isRemote: Bool { false }

    public func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>] {
        var results: [ObjectKey: Result<ObjectData, any Error>] = [:]
        for key in keys where results[key] == nil {
            do {
                results[key] = .success(try object(key, needs: needs))
            } catch {
                results[key] = .failure(error)
            }
        }
        return results
    }

    private func object(_ key: ObjectKey, needs: DataNeeds) throws(FinkError) -> ObjectData {
        let id = try LSSTClient.diaObjectId(of: key).get()
        let sourcesName = "sources_\(key.id).json"
        guard let sourcesData = try Self.read(file(sourcesName)) else {
            throw .file(path: shown(sourcesName), message: "no saved /sources answer for \(key.id)")
        }
        // One object per file: an id-less row is this object's, as in a one-id answer.
        let decoded = try LSSTDecoder.photometryRows(sourcesData, source: shown(sourcesName))
        guard let sources = LSSTDecoder.routeRows(decoded, ids: [id], route: "/sources")[id], sources.answerCount > 0 else {
            throw .noData(objectId: key.id, source: shown(sourcesName))
        }

        let fpName = "fp_\(key.id).json"
        let forced = try Self.read(file(fpName)).flatMap { data throws(FinkError) in
            LSSTDecoder.routeRows(try LSSTDecoder.photometryRows(data, source: shown(fpName)), ids: [id], route: "/fp")[id]
        }
        var object: LSSTObjectRow?
        if needs.summary {
            let objectName = "object_\(key.id).json"
            if let data = try Self.read(file(objectName)) {
                object = try LSSTDecoder.objectRows(data, source: shown(objectName))
                    .first { $0.diaObjectId == id || $0.diaObjectId == nil }
            }
        }
        return LSSTDecoder.objectData(key: key, sources: sources, forced: forced, object: object, summaryFetched: needs.summary)
    }

    /// The stamps of `alert`: per kind its FITS file, else its array in `_All.json`; none when
    /// neither was saved (as the server's empty answer for an unknown alert).
    /// A saved file that cannot be read costs only its stamps: the others are kept and
    /// `UnreadableStamps` says which file failed and why.
    public func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp] {
        var stamps: [StampKind: Stamp] = [:]
        var problems: [StampKind: String] = [:]
        for kind in StampKind.allCases {
            let name = "cutouts/\(alert.id)_\(kind.rawValue).fits"
            do {
                if let data = try Self.read(file(name)) {
                    stamps[kind] = try FITSImage.primaryImage(data, source: shown(name))
                }
            } catch {
                problems[kind] = "\(error)"
            }
        }
        if stamps.count < StampKind.allCases.count {
            let name = "cutouts/\(alert.id)_All.json"
            do {
                if let data = try Self.read(file(name)) {
                    for (kind, stamp) in try LSSTDecoder.stamps(fromArrayAnswer: data, source: shown(name)) where stamps[kind] == nil {
                        stamps[kind] = stamp
                        problems[kind] = nil
                    }
                }
            } catch {
                for kind in StampKind.allCases where stamps[kind] == nil && problems[kind] == nil { problems[kind] = "\(error)" }
            }
        }
        if !problems.isEmpty {
            // One file's problem is said once, even when it cost several kinds (`_All.json`).
            var said: [String] = []
            for (_, problem) in problems.sorted(by: { $0.key < $1.key }) where !said.contains(problem) { said.append(problem) }
            throw UnreadableStamps(stamps: stamps, problems: said)
        }
        return stamps
    }

    private func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private func shown(_ name: String) -> String {
        shownAs.hasSuffix("/") ? shownAs + name : shownAs + "/" + name
    }

    /// The file's bytes, or nil when it does not exist; other failures name the file.
    private static func read(_ url: URL) throws(FinkError) -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { throw .file(path: url.path, message: "is a directory, not a saved answer") }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .file(path: url.path, message: "could not be read: \(error.localizedDescription)")
        }
    }
}
