import Foundation

/// An in-process imitation of the Fink/LSST API (`api.lsst.fink-portal.org`) on 127.0.0.1: a
/// `FixtureServer` (request recording, fault hooks, latency) whose routes are LSST's.
///
/// Emulated, as the server code behaves (shared/fink-lsst-api.md):
/// - every route: POST JSON or GET query (a GET without arguments answers the route's
///   description as text/html; a POST body that is not `application/json` gets 415);
///   ids must be strings (a JSON number → 500 `{"message": "Internal Server Error"}`);
///   400 answers are Python-dict text, with the ZTF URL in them as live;
/// - `/api/v1/sources`, `/fp`, `/objects`: `diaObjectId` required; a comma list is split and
///   each part trimmed, a single id is not; each part is a row-key prefix scan of
///   `<last 3 chars>_<id>` (so "0", "", " 170…" and unknown ids find nothing), at most 10,000
///   rows per part, oldest first; the scans merged by row key. `midpointMjdTai` (single id,
///   `/sources` and `/fp`) extends the prefix. `columns` (spaces removed) keeps those columns,
///   drops a column null in every row and rows with none of them, fills holes with `null`
///   (`"nan"` in text columns, as pandas 2); a family the table lacks (`i:`, `d:`, `v:`, `b:`,
///   or `f:` on `/fp`) gives `[]`; `r:` alone gives 500. Rows are sorted newest first only when
///   `r:midpointMjdTai` is among the returned columns, otherwise in a shuffled (deterministic)
///   order. Only `output-format: json` is served (csv/votable/parquet → 501 here).
/// - `/api/v1/cutouts`: the server's checks in its order (missing argument → 400; a kind not
///   Science/Template/Difference/All → 500; `All` without `output-format` → 500, with another
///   than `array` → 400; another format → 400; a non-string id → 500); an unknown
///   diaSourceId → 200 with an empty body and `Content-Type: image/png`; `FITS` answers the
///   registered bytes; `array` answers `{"b:cutoutX": [[...]]}` (three keys for `All`).
///   PNG is not served (501).
public final class LSSTFixtureServer: Sendable {
    /// The tables behind the routes.
    public enum Table: String, Sendable, CaseIterable {
        case sources
        case forced = "fp"
        case objects

        /// The column families the table has: any other in `columns` empties the answer.
        var families: Set<String> { self == .forced ? ["r"] : ["r", "f"] }
        var hasTime: Bool { self != .objects }
    }

    /// The underlying server: its `requests`, fault hook and latency apply to LSST routes.
    public let server: FixtureServer
    private let store: LSSTStore

    public var baseURL: URL { server.baseURL }
    public var port: UInt16 { server.port }

    public init(latencyPerRequest: Double = 0, latencyPerCutout: Double = 0) async throws {
        let server = try await FixtureServer(latencyPerRequest: latencyPerRequest, latencyPerCutout: latencyPerCutout)
        let store = LSSTStore()
        await server.setRouter { request in await LSSTRoutes.answer(request, store: store) }
        self.server = server
        self.store = store
    }

    public func stop() async { await server.stop() }

    public var requests: [RecordedRequest] {
        get async { await server.requests }
    }

    public func clearRequests() async { await server.clearRequests() }
    public func setFaultHook(_ hook: FaultHook?) async { await server.setFaultHook(hook) }

    // MARK: Data

    /// Adds rows to a table, each under its row key (`<salt>_<r:diaObjectId>[_<r:midpointMjdTai>]`):
    /// a row with the key of an existing row replaces it, as in HBase. Throws for a row without
    /// `r:diaObjectId`.
    public func add(_ rows: [FixtureRow], to table: Table) async throws {
        let keyed = try rows.map { (try LSSTRoutes.rowKey($0, table: table), $0) }
        await store.add(keyed, to: table)
    }

    /// Removes every row of the table (all objects).
    public func clear(_ table: Table) async { await store.clear(table) }

    /// The rows of a table, in row-key order.
    public func rows(in table: Table) async -> [FixtureRow] { await store.sortedRows(table) }

    /// Serves a saved answer (`sources_<id>.json`...): its rows go into `table`. Returns them.
    @discardableResult
    public func load(_ table: Table, file url: URL) async throws -> [FixtureRow] {
        let rows = try FixtureServer.rows(fromFile: url)
        try await add(rows, to: table)
        return rows
    }

    /// Serves a directory laid out as shared/fixtures/lsst (see `LSSTFixtures.read`).
    public func loadFixtures(from directory: URL) async throws {
        try await load(try LSSTFixtures.read(directory))
    }

    /// Serves fixtures already read (tests read the files once: parsing them is the slow part).
    public func load(_ fixtures: LSSTFixtures) async throws {
        for (table, rows) in fixtures.rows { try await add(rows, to: table) }
        for (id, kinds) in fixtures.fits {
            for (kind, data) in kinds { await setCutout(fits: data, diaSourceId: id, kind: kind) }
        }
        for (id, stamps) in fixtures.arrays { await setCutoutArrays(stamps, diaSourceId: id) }
    }

    /// The FITS file `/cutouts` answers for (`diaSourceId`, `kind`, `output-format: FITS`).
    public func setCutout(fits: Data, diaSourceId: String, kind: String) async {
        await store.setFITS(fits, id: diaSourceId, kind: kind)
    }

    /// The stamps `output-format: array` answers, keyed `b:cutoutScience`... (`[[row]]`, FITS row 0 first).
    public func setCutoutArrays(_ stamps: [String: FixtureJSON], diaSourceId: String) async {
        await store.setArrays(stamps, id: diaSourceId)
    }

    /// The same from a saved `kind: All` array answer (bare `NaN` tokens allowed).
    public func setCutoutArrays(json: Data, diaSourceId: String) async throws {
        guard let object = try FixtureJSON(parsing: json).objectValue else {
            throw FixtureJSON.ParseError(offset: 0, message: "a cutouts array answer must be a JSON object")
        }
        await setCutoutArrays(object, diaSourceId: diaSourceId)
    }
}

/// The saved answers of a directory laid out as shared/fixtures/lsst, read once.
public struct LSSTFixtures: Sendable {
    public var rows: [LSSTFixtureServer.Table: [FixtureRow]] = [:]
    /// diaSourceId → kind → FITS bytes.
    public var fits: [String: [String: Data]] = [:]
    /// diaSourceId → `b:cutoutX` → rows.
    public var arrays: [String: [String: FixtureJSON]] = [:]

    public init() {}

    /// `sources_*.json`, `fp_*.json`, `object_*.json`, and `cutouts/<diaSourceId>_<Kind>.fits` /
    /// `cutouts/<diaSourceId>_All.json`; other files are ignored.
    public static func read(_ directory: URL) throws -> LSSTFixtures {
        var fixtures = LSSTFixtures()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".json") {
            let table: LSSTFixtureServer.Table? = name.hasPrefix("sources_") ? .sources : name.hasPrefix("fp_") ? .forced
                : name.hasPrefix("object_") ? .objects : nil
            if let table {
                fixtures.rows[table, default: []] += try FixtureServer.rows(fromFile: directory.appendingPathComponent(name))
            }
        }
        let cutouts = directory.appendingPathComponent("cutouts")
        guard FileManager.default.fileExists(atPath: cutouts.path) else { return fixtures }
        for name in try FileManager.default.contentsOfDirectory(atPath: cutouts.path).sorted() {
            let url = cutouts.appendingPathComponent(name)
            let stem = (name as NSString).deletingPathExtension
            guard let underscore = stem.lastIndex(of: "_") else { continue }
            let id = String(stem[..<underscore]), kind = String(stem[stem.index(after: underscore)...])
            if name.hasSuffix(".fits") {
                fixtures.fits[id, default: [:]][kind] = try Data(contentsOf: url)
            } else if name.hasSuffix("_All.json") {
                guard let object = try FixtureJSON(parsing: Data(contentsOf: url)).objectValue else {
                    throw FixtureJSON.ParseError(offset: 0, message: "\(url.path) is not a JSON object")
                }
                fixtures.arrays[id, default: [:]].merge(object) { $1 }
            }
        }
        return fixtures
    }
}

// MARK: - State

actor LSSTStore {
    private var tables: [LSSTFixtureServer.Table: [String: FixtureRow]] = [:]
    private var fits: [String: [String: Data]] = [:]
    private var arrays: [String: [String: FixtureJSON]] = [:]

    func add(_ rows: [(String, FixtureRow)], to table: LSSTFixtureServer.Table) {
        for (key, row) in rows { tables[table, default: [:]][key] = row }
    }

    func clear(_ table: LSSTFixtureServer.Table) { tables[table] = [:] }

    func table(_ table: LSSTFixtureServer.Table) -> [String: FixtureRow] { tables[table] ?? [:] }

    func sortedRows(_ table: LSSTFixtureServer.Table) -> [FixtureRow] {
        let rows = tables[table] ?? [:]
        return rows.keys.sorted().map { rows[$0]! }
    }

    func setFITS(_ data: Data, id: String, kind: String) { fits[id, default: [:]][kind] = data }
    func setArrays(_ stamps: [String: FixtureJSON], id: String) { arrays[id, default: [:]].merge(stamps) { $1 } }

    /// The cutouts' row key is `<salt>_<diaSourceId>`, scanned by prefix: the first match.
    func cutout(prefix id: String) -> (id: String, fits: [String: Data], arrays: [String: FixtureJSON])? {
        let prefix = LSSTRoutes.scanPrefix(id)
        let ids = Set(fits.keys).union(arrays.keys)
        guard let match = ids.filter({ LSSTRoutes.scanPrefix($0).hasPrefix(prefix) }).min() else { return nil }
        return (match, fits[match] ?? [:], arrays[match] ?? [:])
    }
}

// MARK: - Routes

enum LSSTRoutes {
    typealias Answer = FixtureServer.Answer

    static let docURL = "https://api.ztf.fink-portal.org"
    static let rowLimit = 10_000

    static func answer(_ request: RecordedRequest, store: LSSTStore) async -> Answer? {
        let route = request.path
        let table: LSSTFixtureServer.Table?
        switch route {
        case "/api/v1/sources": table = .sources
        case "/api/v1/fp": table = .forced
        case "/api/v1/objects": table = .objects
        case "/api/v1/cutouts": table = nil
        default: return .text(404, "LSSTFixtureServer has no route \(route)")
        }
        if request.method == "POST", !request.body.isEmpty,
           !(request.headers["content-type"] ?? "").lowercased().hasPrefix("application/json") {
            return .text(415, "{\"message\": \"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.\"}",
                         contentType: "application/json")
        }
        if request.method == "GET", request.arguments.isEmpty {
            return .text(200, description(of: route), contentType: "text/html; charset=utf-8")
        }
        if let table { return await rows(table, request, store: store) }
        return await cutouts(request, store: store)
    }

    static func description(of route: String) -> String {
        switch route {
        case "/api/v1/sources": "Retrieve diaSource data from the Fink/LSST database"
        case "/api/v1/fp": "Retrieve forced photometry data from the Fink/LSST database"
        case "/api/v1/objects": "Retrieve diaObject data from the Fink/LSST database"
        default: "Retrieve cutout data from the Fink/LSST database"
        }
    }

    /// flask-restx's answer to an unhandled exception (a TypeError for a number id, an assert).
    static func internalError() -> Answer {
        .text(500, "{\"message\": \"Internal Server Error\"}", contentType: "application/json")
    }

    /// Nothing checks types: `"," in payload["diaObjectId"]` raises for anything but a string.
    static func isString(_ name: String, in request: RecordedRequest) -> Bool {
        guard request.method == "POST", let value = request.json?[name] else { return true }
        return value.stringValue != nil
    }

    // MARK: Row routes

    private static func rows(_ table: LSSTFixtureServer.Table, _ request: RecordedRequest, store: LSSTStore) async -> Answer {
        let args = request.arguments
        guard let idArgument = args["diaObjectId"] else {
            return .pythonError("A value for `diaObjectId` is required. See \(docURL) \n")
        }
        guard isString("diaObjectId", in: request) else { return internalError() }

        var asked: Set<String>?
        if let text = args["columns"]?.replacingOccurrences(of: " ", with: ""), !text.isEmpty {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for name in names {
                // `r:` (no qualifier) or no family at all raises in Java.
                guard let colon = name.firstIndex(of: ":"), name.index(after: colon) < name.endIndex else {
                    return internalError()
                }
            }
            // HBase's NoSuchColumnFamilyException, logged and swallowed by Lomikel: no rows.
            if names.contains(where: { !table.families.contains(String($0.prefix { $0 != ":" })) }) {
                return .json(.array([]))
            }
            asked = Set(names)
        }

        // One prefix scan per part: `<last 3 chars>_<id>`, oldest first, at most 10,000 rows.
        let parts = idArgument.contains(",")
            ? idArgument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            : [idArgument]
        let rowsByKey = await store.table(table)
        let keys = rowsByKey.keys.sorted()
        var merged: [String: FixtureRow] = [:]
        for part in parts {
            var prefix = scanPrefix(part)
            if parts.count == 1, table.hasTime, let mjd = args["midpointMjdTai"] { prefix += "_" + mjd }
            for key in keys.lazy.filter({ $0.hasPrefix(prefix) }).prefix(rowLimit) { merged[key] = rowsByKey[key] }
        }

        var selected = merged.keys.sorted().map { ($0, merged[$0]!) }
        if let asked { selected = project(selected, onto: asked) }
        let returnsTime = selected.contains { $0.1[timeColumn] != nil }
        if returnsTime {
            selected.sort { a, b in
                let ta = a.1[timeColumn]?.doubleValue ?? -.infinity, tb = b.1[timeColumn]?.doubleValue ?? -.infinity
                return ta != tb ? ta > tb : a.0 < b.0
            }
        } else {
            // Java HashMap order of the row keys: no order at all. Deterministic here, so a test
            // that fails does so every time.
            selected.sort { (fnv1a($0.0), $0.0) < (fnv1a($1.0), $1.0) }
        }

        let format = args["output-format"] ?? "json"
        guard format == "json" else {
            if ["csv", "votable", "parquet"].contains(format) {
                return .text(501, "LSSTFixtureServer serves output-format json only, not \(format)")
            }
            return .pythonError("Output format `\(format)` is not supported. Choose among json, csv, votable, or parquet\n")
        }
        return .json(.array(selected.map { .object($0.1) }))
    }

    static let timeColumn = "r:midpointMjdTai"

    /// `columns` as HBase and pandas apply it: only the asked cells that exist (HBase stores no
    /// empty cells), rows left with none dropped, then every surviving column in every row, the
    /// holes `null`, or `"nan"` in text columns (pandas 2 `astype(str)`).
    private static func project(_ rows: [(String, FixtureRow)], onto asked: Set<String>) -> [(String, FixtureRow)] {
        func isEmptyCell(_ value: FixtureJSON) -> Bool {
            value == .null || value == .string("nan")
        }
        let narrowed = rows.compactMap { key, row -> (String, FixtureRow)? in
            let kept = row.filter { asked.contains($0.key) && !isEmptyCell($0.value) }
            return kept.isEmpty ? nil : (key, kept)
        }
        var present = Set<String>()
        var textColumns = Set<String>()
        for (_, row) in narrowed {
            for (name, value) in row {
                present.insert(name)
                switch value {
                case .string, .bool: textColumns.insert(name)
                default: break
                }
            }
        }
        return narrowed.map { key, row in
            var filled = row
            for name in present where filled[name] == nil { filled[name] = textColumns.contains(name) ? "nan" : .null }
            return (key, filled)
        }
    }

    /// `<last 3 characters>_<id>`: the salt is computed from the text sent, as the API does.
    static func scanPrefix(_ id: String) -> String { "\(id.suffix(3))_\(id)" }

    /// The HBase row key of a stored row.
    static func rowKey(_ row: FixtureRow, table: LSSTFixtureServer.Table) throws -> String {
        guard let id = text(of: row["r:diaObjectId"]) else {
            throw FixtureJSON.ParseError(offset: 0, message: "an LSST \(table.rawValue) row needs r:diaObjectId")
        }
        guard table.hasTime else { return scanPrefix(id) }
        return scanPrefix(id) + "_" + (text(of: row[timeColumn]) ?? "")
    }

    private static func text(of value: FixtureJSON?) -> String? {
        switch value {
        case .number(let t)?, .string(let t)?: t
        default: nil
        }
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    // MARK: Cutouts

    private static func cutouts(_ request: RecordedRequest, store: LSSTStore) async -> Answer {
        let args = request.arguments
        for name in ["diaSourceId", "kind"] where args[name] == nil {
            return .pythonError("A value for `\(name)` is required. See \(docURL) \n")
        }
        let id = args["diaSourceId"]!, kind = args["kind"]!
        guard ["Science", "Template", "Difference", "All"].contains(kind) else { return internalError() }
        if kind == "All" {
            guard let format = args["output-format"] else { return internalError() }
            guard format == "array" else {
                return .pythonError("The option `kind=All` is only compatible with `output-format=array`.")
            }
        }
        let format = args["output-format"] ?? "PNG"
        guard ["PNG", "FITS", "array"].contains(format) else {
            return .pythonError("output-format must be one of: PNG, FITS, or array.")
        }
        guard isString("diaSourceId", in: request) else { return internalError() }

        guard let found = await store.cutout(prefix: id) else {
            // `send_file(io.BytesIO())`: whatever the format, an empty PNG attachment.
            let suffix = format == "PNG" ? ".png" : format == "FITS" ? ".fits" : ""
            return Answer(status: 200, headers: ["Content-Type": "image/png",
                                                 "Content-Disposition": "attachment; filename=\(id)_\(kind)\(suffix)"],
                          body: Data())
        }
        switch format {
        case "FITS":
            guard let data = found.fits[kind] else {
                return .text(501, "LSSTFixtureServer has no FITS \(kind) stamp registered for \(found.id)")
            }
            return Answer(status: 200, headers: ["Content-Type": "application/octet-stream",
                                                 "Content-Disposition": "attachment; filename=\(found.id)_\(kind).fits"],
                          body: data, cutoutsServed: 1)
        case "array":
            let kinds = kind == "All" ? ["Difference", "Science", "Template"] : [kind]
            var object: [String: FixtureJSON] = [:]
            for k in kinds {
                guard let stamp = found.arrays["b:cutout\(k)"] else {
                    return .text(501, "LSSTFixtureServer has no array \(k) stamp registered for \(found.id)")
                }
                object["b:cutout\(k)"] = stamp
            }
            var answer = Answer.json(.object(object), cutouts: kinds.count)
            answer.body.append(0x0A)  // jsonify ends with a newline
            return answer
        default:
            return .text(501, "LSSTFixtureServer does not render PNG cutouts")
        }
    }
}
