import Foundation

/// Saved `/api/v1/objects` answers: `DIR/<objectId>.json` (the JSON answer) or, failing that,
/// `DIR/<objectId>.csv` (`output-format: csv`). Best saved with upper limits and cutouts, since
/// `options` can only remove data, as the server would: rows of other objects, non-valid rows
/// when `withUpperLimits` is false, stamps when `withCutouts` is false (or of other kinds than
/// `cutoutKind`). `columns` does not apply: a Detection has fixed fields.
public struct DirectorySource: ObjectDataSource {
    public let directory: URL
    /// How messages and figures name the directory: as the user gave it, never an absolute
    /// path of this machine (figures travel into papers).
    public let shownAs: String

    public init(directory: URL, shownAs: String? = nil) {
        self.directory = directory
        self.shownAs = shownAs ?? directory.lastPathComponent
    }

    public var survey: Survey { .ztf }
    public var location: String { shownAs }
    public var isRemote: Bool { false }

    /// Each key's saved answer, upper limits included; stamps are read by `stamps(of:object:)`.
    public func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>] {
        var result: [ObjectKey: Result<ObjectData, any Error>] = [:]
        for key in keys {
            do {
                let rows = try await detections(of: try ObjectId(key), options: FetchOptions(withUpperLimits: true, withCutouts: false))
                result[key] = .success(ZTFPhotometry.object(key, rows: rows, full: true))
            } catch {
                result[key] = .failure(error)
            }
        }
        return result
    }

    /// A saved `/api/v1/cutouts` answer `DIR/cutouts/<id>_<candid>.json` when there is one, else
    /// the stamps saved in the alert's own row (`withcutouts`). A stamp cell of that row that
    /// cannot be read throws `UnreadableStamps` with the others and the row's problem, so the
    /// user hears why that stamp is missing (the objects' rows, read without stamps, never say).
    public func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp] {
        let id = try ObjectId(object)
        let saved = directory.appendingPathComponent("cutouts/\(id.rawValue)_\(alert.id).json")
        if let data = try Self.read(saved) {
            return try RowDecoder.stamps(fromCutouts: data, kinds: StampKind.allCases, source: saved.path)
        }
        let rows = try await detections(of: id, options: FetchOptions(withUpperLimits: false, withCutouts: true))
        guard let row = rows.first(where: { $0.candid == alert.id }) else { return [:] }
        if !row.stampProblems.isEmpty {
            throw UnreadableStamps(stamps: row.stamps, problems: row.stampProblems.sorted { $0.key < $1.key }.map(\.value))
        }
        return row.stamps
    }

    public func detections(of id: ObjectId, options: FetchOptions) async throws -> [Detection] {
        let json = directory.appendingPathComponent("\(id.rawValue).json")
        let csv = directory.appendingPathComponent("\(id.rawValue).csv")
        let decoded: RowDecoder.Decoded
        let path: String
        if let data = try Self.read(json) {
            path = json.path
            decoded = try RowDecoder.decodeJSON(data, source: path)
        } else if let data = try Self.read(csv) {
            path = csv.path
            decoded = try RowDecoder.decodeCSV(data, source: path)
        } else {
            throw FinkError.file(path: directory.path,
                                 message: "no saved response for \(id.rawValue) (neither \(json.lastPathComponent) nor \(csv.lastPathComponent))")
        }
        let rows = Self.apply(options, to: decoded.detections, of: id)
        guard !rows.isEmpty else { throw FinkError.noData(objectId: id.rawValue, source: path) }
        return rows
    }

    /// What the server would have sent for `options`, given a response saved with everything.
    static func apply(_ options: FetchOptions, to rows: [Detection], of id: ObjectId) -> [Detection] {
        rows.compactMap { row in
            guard row.objectId == id.rawValue else { return nil }
            if !options.withUpperLimits && row.tag != .valid { return nil }
            var row = row
            // A stamp's problem goes with the stamp: a lightcurve, which asks for none, hears nothing of it.
            if !options.withCutouts {
                row.stamps = [:]
                row.stampProblems = [:]
            } else if let kind = options.cutoutKind {
                row.stamps = row.stamps.filter { $0.key == kind }
                row.stampProblems = row.stampProblems.filter { $0.key == kind }
            }
            return row
        }
    }

    /// The file's bytes, or nil when it does not exist; other failures (permissions, a directory
    /// in the way) are errors naming the file.
    private static func read(_ url: URL) throws -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { throw FinkError.file(path: url.path, message: "is a directory, not a saved response") }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FinkError.file(path: url.path, message: "could not be read: \(error.localizedDescription)")
        }
    }
}
