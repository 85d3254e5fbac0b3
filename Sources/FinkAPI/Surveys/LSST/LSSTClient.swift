import Foundation

/// The Fink/LSST REST API (`https://api.lsst.fink-portal.org`): lightcurves from `/api/v1/sources`
/// (detections) and `/api/v1/fp` (forced photometry), summaries from `/api/v1/objects`, stamps
/// from `/api/v1/cutouts`.
///
/// Ids always go out as JSON strings (a JSON number is an HTTP 500 on the real server), a chunk
/// of keys as one comma-separated string per route. Only the needed `r:`/`f:` columns are asked
/// for, `r:midpointMjdTai` and `r:diaObjectId` always: without the time the server returns rows
/// unordered, and a comma-list answer is split by the id.
public final class LSSTClient: ObjectDataSource {
    public let baseURL: URL
    private let transport: any Transport

    public init(baseURL: URL, transport: any Transport = URLSessionTransport()) {
        self.baseURL = baseURL
        self.transport = transport
    }

    public var survey: Survey { .lsst }
    /// Never with credentials: it is written into figures, specs, caches and messages.
    public var location: String { URLRedaction.redacted(baseURL).absoluteString }
    public var isRemote: Bool { true }

    public var sourcesURL: URL { endpoint("sources") }
    public var forcedPhotometryURL: URL { endpoint("fp") }
    public var objectsURL: URL { endpoint("objects") }
    public var cutoutsURL: URL { endpoint("cutouts") }

    static let sourceColumns = [
        LSSTColumn.diaObjectId, LSSTColumn.midpointMjdTai, LSSTColumn.diaSourceId, LSSTColumn.band,
        LSSTColumn.psfFlux, LSSTColumn.psfFluxErr, LSSTColumn.scienceFlux, LSSTColumn.scienceFluxErr,
        LSSTColumn.ra, LSSTColumn.dec,
    ]
    /// `/fp` has only the `r:` family (an `f:` column would empty the answer) and no `r:diaSourceId`.
    static let forcedColumns = [
        LSSTColumn.diaObjectId, LSSTColumn.midpointMjdTai, LSSTColumn.band,
        LSSTColumn.psfFlux, LSSTColumn.psfFluxErr, LSSTColumn.scienceFlux, LSSTColumn.scienceFluxErr,
    ]
    /// `/objects` rows have no time column (one row per object), so none is asked.
    static let objectColumns = [
        LSSTColumn.diaObjectId, LSSTColumn.ra, LSSTColumn.dec, LSSTColumn.nDiaSources,
        LSSTColumn.observationReason, LSSTColumn.targetName, LSSTColumn.firstDiaSourceMjdTaiFink,
        LSSTColumn.mainLabelClassifier, LSSTColumn.mainLabelCrossmatch,
    ] + LSSTProfile().bands.map(LSSTColumn.psfFluxNdata)

    /// `/sources` and `/fp` for all `keys` at once (plus `/objects` when `needs.summary`), the
    /// answers split by `r:diaObjectId`. An id without `/sources` rows fails with `.noData`; a key
    /// that is not a canonical Rubin id fails with `.invalidObjectId` and is not sent. Throws when
    /// a request fails as a whole (non-2xx → `.http` with the server's text, or an unreadable answer).
    public func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>] {
        var results: [ObjectKey: Result<ObjectData, any Error>] = [:]
        var wanted: [(key: ObjectKey, id: Int64)] = []
        var seen = Set<ObjectKey>()
        for key in keys where seen.insert(key).inserted {
            switch Self.diaObjectId(of: key) {
            case .success(let id): wanted.append((key, id))
            case .failure(let error): results[key] = .failure(error)
            }
        }
        guard !wanted.isEmpty else { return results }

        let list = wanted.map(\.key.id).joined(separator: ",")
        async let sourcesAnswer = rows(sourcesURL, ids: list, columns: Self.sourceColumns)
        async let forcedAnswer = rows(forcedPhotometryURL, ids: list, columns: Self.forcedColumns)
        async let objectsAnswer = needs.summary ? objectRows(ids: list) : nil
        let (sources, forced, objects) = try await (sourcesAnswer, forcedAnswer, objectsAnswer)

        let ids = wanted.map(\.id)
        let sourceRows = LSSTDecoder.routeRows(sources, ids: ids, route: "/sources")
        let forcedRows = LSSTDecoder.routeRows(forced, ids: ids, route: "/fp")
        for (key, id) in wanted {
            guard let detections = sourceRows[id], detections.answerCount > 0 else {
                results[key] = .failure(FinkError.noData(objectId: key.id, source: sourcesURL.absoluteString))
                continue
            }
            let object = objects?.first { $0.diaObjectId == id || (ids.count == 1 && $0.diaObjectId == nil) }
            results[key] = .success(LSSTDecoder.objectData(
                key: key, sources: detections, forced: forcedRows[id], object: object, summaryFetched: needs.summary))
        }
        return results
    }

    /// The three stamps of one alert, from one `kind: All` array request. The server answers an
    /// unknown diaSourceId with an empty 200: that is no stamps, not an error.
    public func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp] {
        try Self.checkSurvey(alert)
        let url = cutoutsURL
        let response = try await post(url, body: CutoutsBody(diaSourceId: String(alert.id), kind: "All", outputFormat: "array"),
                                      accept: "application/json")
        return try LSSTDecoder.stamps(fromArrayAnswer: response.body, source: url.absoluteString)
    }

    /// One stamp as the alert's FITS file (HDU 0 read with cfitsio); nil when the server has no
    /// cutout for the alert (an empty 200).
    public func fitsStamp(_ alert: AlertKey, kind: StampKind) async throws -> Stamp? {
        try Self.checkSurvey(alert)
        let url = cutoutsURL
        let response = try await post(url, body: CutoutsBody(diaSourceId: String(alert.id), kind: kind.rawValue, outputFormat: "FITS"),
                                      accept: "application/octet-stream")
        if response.body.isEmpty { return nil }
        return try FITSImage.primaryImage(response.body, source: "\(url.absoluteString) (\(alert.id) \(kind.rawValue))")
    }

    // MARK: Requests

    private func rows(_ url: URL, ids: String, columns: [String]) async throws -> LSSTDecoder.Decoded<LSSTPhotometryRow> {
        let response = try await post(url, body: RowsBody(diaObjectId: ids, columns: columns.joined(separator: ",")),
                                      accept: "application/json")
        return try LSSTDecoder.photometryRows(response.body, source: url.absoluteString)
    }

    private func objectRows(ids: String) async throws -> [LSSTObjectRow] {
        let url = objectsURL
        let response = try await post(url, body: RowsBody(diaObjectId: ids, columns: Self.objectColumns.joined(separator: ",")),
                                      accept: "application/json")
        return try LSSTDecoder.objectRows(response.body, source: url.absoluteString)
    }

    private func post(_ url: URL, body: some Encodable, accept: String) async throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json", "Accept": accept, "User-Agent": "FinkPlot"],
            body: try encoder.encode(body))
        let response = try await transport.send(request)
        guard response.isSuccess else {
            // 400 bodies are Python dict reprs, 500s JSON or HTML: shown as text, never parsed.
            throw response.failure(url: url.absoluteString)
        }
        return response
    }

    private func endpoint(_ name: String) -> URL {
        baseURL.appendingPathComponent("api").appendingPathComponent("v1").appendingPathComponent(name)
    }

    /// The key's id as a number, re-checked: `ObjectKey(survey:validatedId:)` is public, and a
    /// partial or padded id would reach the server's prefix scan.
    static func diaObjectId(of key: ObjectKey) -> Result<Int64, FinkError> {
        guard key.survey == .lsst else {
            return .failure(.invalidObjectId(key.id, reason: "it is a \(key.survey.name) id, not a Rubin diaObjectId"))
        }
        do throws(FinkError) {
            let canonical = try LSSTProfile().key(validating: key.id)
            guard canonical.id == key.id, let id = Int64(key.id) else {
                return .failure(.invalidObjectId(key.id, reason: "write it as \(canonical.id)"))
            }
            return .success(id)
        } catch {
            return .failure(error)
        }
    }

    private static func checkSurvey(_ alert: AlertKey) throws(FinkError) {
        guard alert.survey == .lsst else {
            throw .invalidObjectId(String(alert.id), reason: "it is a \(alert.survey.name) alert, not a Rubin diaSourceId")
        }
    }
}

/// `{"columns": "...", "diaObjectId": "id1,id2", "output-format": "json"}`: the ids a string.
private struct RowsBody: Encodable {
    var diaObjectId: String
    var columns: String
    var outputFormat = "json"

    enum CodingKeys: String, CodingKey {
        case diaObjectId, columns
        case outputFormat = "output-format"
    }
}

private struct CutoutsBody: Encodable {
    var diaSourceId: String
    var kind: String
    var outputFormat: String

    enum CodingKeys: String, CodingKey {
        case diaSourceId, kind
        case outputFormat = "output-format"
    }
}
