import Foundation

/// What to ask `/api/v1/objects` for, beyond the ids.
public struct FetchOptions: Sendable, Equatable {
    /// Also return upper limits and bad-quality detections (rows tagged by `d:tag`).
    public var withUpperLimits: Bool
    /// Attach stamps to every valid row. Costly on the server: about 0.25 s per cutout per alert.
    public var withCutouts: Bool
    /// Only this kind of stamp (with `withCutouts`); nil for all three.
    public var cutoutKind: StampKind?
    /// Only these `fam:field` columns; nil (or empty) for all. The client adds `i:objectId`, `i:jd`,
    /// `i:fid`, which decoding needs. Narrowed answers carry no `v:` columns (no classification).
    public var columns: [String]?

    public init(withUpperLimits: Bool = true, withCutouts: Bool = false, cutoutKind: StampKind? = nil, columns: [String]? = nil) {
        self.withUpperLimits = withUpperLimits
        self.withCutouts = withCutouts
        self.cutoutKind = cutoutKind
        self.columns = columns
    }
}

public struct ObjectsQuery: Sendable {
    public var objectIds: [ObjectId]
    public var options: FetchOptions

    public init(objectIds: [ObjectId], options: FetchOptions = FetchOptions()) {
        self.objectIds = objectIds
        self.options = options
    }
}

/// The Fink ZTF REST API.
public final class FinkClient: Sendable {
    public let baseURL: URL
    private let transport: any Transport

    /// Columns the decoder needs in every row; asked for explicitly whenever `columns` narrows the
    /// answer (the server 500s on `withupperlim` without `i:jd`).
    static let requiredColumns = ["i:objectId", "i:jd", "i:fid"]

    public init(baseURL: URL, transport: any Transport = URLSessionTransport()) {
        self.baseURL = baseURL
        self.transport = transport
    }

    public var objectsURL: URL { endpoint("objects") }
    public var cutoutsURL: URL { endpoint("cutouts") }

    /// Rows of all the requested objects, in the server's order (mixed, newest first); `[]` for
    /// unknown ids. Throws `FinkError`: `.http` with the server's text for a non-2xx answer,
    /// `.timeout`/`.transport` when none arrives, `.decoding` when it cannot be read.
    public func objects(_ query: ObjectsQuery) async throws -> [Detection] {
        guard !query.objectIds.isEmpty else {
            throw FinkError.invalidObjectId("", reason: "no objectId was given")
        }
        // Each ObjectId was validated when made: no partial id can reach the server's prefix scan.
        var seen = Set<ObjectId>()
        let ids = query.objectIds.filter { seen.insert($0).inserted }
        let options = query.options
        let body = ObjectsBody(
            objectId: ids.map(\.rawValue).joined(separator: ","),
            withupperlim: options.withUpperLimits ? true : nil,
            withcutouts: options.withCutouts ? true : nil,
            cutoutKind: options.withCutouts ? options.cutoutKind?.rawValue : nil,
            columns: Self.columnsArgument(options.columns, required: Self.requiredColumns)
        )
        let url = objectsURL
        let response = try await post(url, body: body)
        return try RowDecoder.detections(from: response.body, source: url.absoluteString)
    }

    /// The stamps of one alert (`candid`), or of the object's latest alert when `candid` is nil.
    /// `kinds` empty means all three. A kind the server sent as `null`/`[]` is absent from the result.
    public func cutouts(objectId: ObjectId, candid: Int64?, kinds: [StampKind]) async throws -> [StampKind: Stamp] {
        let kinds = kinds.isEmpty ? StampKind.allCases : Array(Set(kinds)).sorted()
        let body = CutoutsBody(
            objectId: objectId.rawValue,
            kind: kinds.count == 1 ? kinds[0].rawValue : "All",
            candid: candid
        )
        let url = cutoutsURL
        let response = try await post(url, body: body)
        return try RowDecoder.stamps(fromCutouts: response.body, kinds: kinds, source: url.absoluteString)
    }

    /// The `columns` argument: `columns` trimmed and de-duplicated, then `required` appended where
    /// missing; nil (every column) when no name is given.
    static func columnsArgument(_ columns: [String]?, required: [String]) -> String? {
        var list: [String] = []
        var seen = Set<String>()
        for name in (columns ?? []).map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            if seen.insert(name).inserted { list.append(name) }
        }
        if list.isEmpty { return nil }
        for name in required where !seen.contains(name) { list.append(name) }
        return list.joined(separator: ",")
    }

    func endpoint(_ name: String) -> URL {
        baseURL.appendingPathComponent("api").appendingPathComponent("v1").appendingPathComponent(name)
    }

    /// POSTs `body` as JSON; a non-2xx answer is thrown as `.http` (internal: `/anomaly` and
    /// `/statistics` are defined in Anomaly.swift).
    func post(_ url: URL, body: some Encodable) async throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json", "Accept": "application/json", "User-Agent": "FinkPlot"],
            body: try encoder.encode(body)
        )
        let response = try await transport.send(request)
        guard response.isSuccess else {
            // 400 bodies are Python dict reprs, 500s often HTML: show them as text, never parse.
            throw response.failure(url: url.absoluteString)
        }
        return response
    }
}

extension FinkClient: ObjectDataSource {
    public var survey: Survey { .ztf }
    /// Never with credentials: it is written into figures, specs, caches and messages.
    public var location: String { URLRedaction.redacted(baseURL).absoluteString }
    public var isRemote: Bool { true }

    /// The rows of one object. Throws `FinkError.noData` when there are none.
    public func detections(of id: ObjectId, options: FetchOptions) async throws -> [Detection] {
        let rows = try await objects(ObjectsQuery(objectIds: [id], options: options))
        // An unknown id answers `[]` with status 200: say so, with where we asked.
        guard !rows.isEmpty else { throw FinkError.noData(objectId: id.rawValue, source: objectsURL.absoluteString) }
        return rows
    }

    /// One `/api/v1/objects` request for all `keys`, upper limits included, the standard columns
    /// (every column for a card's summary); rows come back mixed and are split by `i:objectId`.
    public func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>] {
        let ids = try keys.map { key throws(FinkError) in try ObjectId(key) }
        let rows = try await objects(ObjectsQuery(objectIds: ids, options: FetchOptions(
            withUpperLimits: true, withCutouts: false, columns: needs.summary ? nil : ZTFColumns.standard)))
        var byId: [String: [Detection]] = [:]
        for row in rows { byId[row.objectId, default: []].append(row) }
        var result: [ObjectKey: Result<ObjectData, any Error>] = [:]
        for key in keys {
            if let rows = byId[key.id], !rows.isEmpty {
                result[key] = .success(ZTFPhotometry.object(key, rows: rows, full: needs.summary))
            } else {
                result[key] = .failure(FinkError.noData(objectId: key.id, source: objectsURL.absoluteString))
            }
        }
        return result
    }

    /// The three stamps of one alert from `/api/v1/cutouts` (`output-format: array`).
    public func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp] {
        try await cutouts(objectId: try ObjectId(object), candid: alert.id, kinds: StampKind.allCases)
    }
}

/// Booleans go out as JSON `true` (the server tests `str(value) == "True"`; the string "true" would
/// be false) and are left out when false, the server's default.
private struct ObjectsBody: Encodable {
    var objectId: String
    var withupperlim: Bool?
    var withcutouts: Bool?
    var cutoutKind: String?
    var columns: String?
    var outputFormat = "json"

    enum CodingKeys: String, CodingKey {
        case objectId, withupperlim, withcutouts, columns
        case cutoutKind = "cutout-kind"
        case outputFormat = "output-format"
    }
}

private struct CutoutsBody: Encodable {
    var objectId: String
    var kind: String
    var candid: Int64?
    var outputFormat = "array"

    enum CodingKeys: String, CodingKey {
        case objectId, kind, candid
        case outputFormat = "output-format"
    }
}
