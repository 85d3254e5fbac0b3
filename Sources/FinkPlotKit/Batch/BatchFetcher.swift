import FinkAPI
import Foundation

/// Where a batch's data comes from.
public enum BatchOrigin: Sendable {
    /// The API (its transport should be a `RetryingTransport`), through the cache when there is one.
    case api(FinkClient)
    /// Saved answers (`--from DIR`), read as they are; the cache is not used.
    case directory(DirectorySource)
    /// The cache alone (`--offline`): never a request; entries are used whatever their age.
    case offline
}

/// The rows of one object as the batch got them.
enum FetchedRows: Sendable {
    case rows([Detection], attempts: Int, seconds: Double)
    case empty(reason: String, attempts: Int, seconds: Double)
    case failed(reason: String, attempts: Int, seconds: Double)
}

/// Gets rows and stamps: cache first, then chunked `/api/v1/objects` requests for the misses
/// (rows of several objects come back mixed and are split by `i:objectId`), then one
/// `/api/v1/cutouts` request per needed alert.
struct BatchFetcher: Sendable {
    var origin: BatchOrigin
    var cache: ObjectCache?
    /// Seconds after which a cached object is fetched again; nil: never.
    var maxAge: Double?
    /// Columns to ask for (the job's); nil for all.
    var columns: [String]?

    /// Rows of each id of one chunk. With the API, the ids missing from the cache go out in one
    /// request; if it fails after the transport's retries, each of them fails with its reason
    /// (asking them one by one would multiply the load on a server that is already failing).
    func rows(of chunk: [ObjectId]) async -> [ObjectId: FetchedRows] {
        var result: [ObjectId: FetchedRows] = [:]
        switch origin {
        case let .directory(source):
            for id in chunk {
                let start = Date()
                do {
                    let rows = try await source.detections(of: id, options: FetchOptions(withUpperLimits: true, withCutouts: false))
                    result[id] = .rows(rows, attempts: 0, seconds: Date().timeIntervalSince(start))
                } catch {
                    let seconds = Date().timeIntervalSince(start)
                    result[id] = BatchRunner.isEmpty(error) ? .empty(reason: "\(error)", attempts: 0, seconds: seconds)
                        : .failed(reason: "\(error)", attempts: 0, seconds: seconds)
                }
            }
            return result
        case .offline:
            for id in chunk {
                if let entry = cache?.entry(id, maxAge: nil, columns: []) {
                    result[id] = .rows(entry.rows, attempts: 0, seconds: 0)
                } else {
                    let place = cache.map { $0.objectURL(id).path } ?? "the cache"
                    result[id] = .failed(reason: "no cached data for \(id.rawValue) (\(place) is missing; --offline never asks the API)",
                                         attempts: 0, seconds: 0)
                }
            }
            return result
        case let .api(client):
            var misses: [ObjectId] = []
            for id in chunk {
                if let entry = cache?.entry(id, maxAge: maxAge, columns: columns) {
                    result[id] = .rows(entry.rows, attempts: 0, seconds: 0)
                } else {
                    misses.append(id)
                }
            }
            guard !misses.isEmpty else { return result }
            let counter = AttemptCounter()
            let start = Date()
            do {
                let rows = try await RetryingTransport.$attempts.withValue(counter) {
                    try await client.objects(ObjectsQuery(objectIds: misses, options: FetchOptions(
                        withUpperLimits: true, withCutouts: false, columns: columns)))
                }
                let seconds = Date().timeIntervalSince(start)
                var byId: [String: [Detection]] = [:]
                for row in rows { byId[row.objectId, default: []].append(row) }
                for id in misses {
                    guard let rows = byId[id.rawValue], !rows.isEmpty else {
                        result[id] = .empty(reason: FinkError.noData(objectId: id.rawValue, source: client.objectsURL.absoluteString).description,
                                            attempts: counter.attempts, seconds: seconds)
                        continue
                    }
                    // A cache that cannot be written costs a re-fetch later, not this figure.
                    try? cache?.store(rows, of: id, source: client.baseURL.absoluteString, columns: columns)
                    result[id] = .rows(rows, attempts: counter.attempts, seconds: seconds)
                }
            } catch {
                let seconds = Date().timeIntervalSince(start)
                for id in misses {
                    result[id] = .failed(reason: "\(error)", attempts: counter.attempts, seconds: seconds)
                }
            }
            return result
        }
    }

    /// The stamps of `alerts` by candid. Cached stamps are used whatever their age (an alert's
    /// stamps never change); the rest come from `/api/v1/cutouts`, one request per alert.
    func stamps(of id: ObjectId, alerts: [Detection], counter: AttemptCounter) async throws -> [Int64: [StampKind: Stamp]] {
        var result: [Int64: [StampKind: Stamp]] = [:]
        var missing: [Detection] = []
        for alert in alerts {
            guard let candid = alert.candid else { continue }
            if case .directory = origin { missing.append(alert); continue }
            if let cached = cache?.stamps(candid: candid) { result[candid] = cached } else { missing.append(alert) }
        }
        guard !missing.isEmpty else { return result }
        switch origin {
        case let .directory(source):
            let sets = try await source.stamps(of: id, alerts: missing)
            for (alert, set) in zip(missing, sets) { if let c = alert.candid { result[c] = set } }
        case .offline:
            let candid = missing[0].candid ?? -1
            let place = cache.map { $0.stampsURL(candid: candid).path } ?? "the cache"
            throw BatchError.notCached("no cached stamps for alert \(candid) of \(id.rawValue) (\(place) is missing; --offline never asks the API)")
        case let .api(client):
            for alert in missing {
                guard let candid = alert.candid else { continue }
                let set = try await RetryingTransport.$attempts.withValue(counter) {
                    try await client.cutouts(objectId: id, candid: candid, kinds: StampKind.allCases)
                }
                // Only complete sets are kept: a kind the server could not fetch this time may come next time.
                if set.count == StampKind.allCases.count { try? cache?.store(set, candid: candid, objectId: id) }
                result[candid] = set
            }
        }
        return result
    }
}

public enum BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    case notCached(String)

    public var description: String {
        switch self {
        case let .notCached(text): text
        }
    }
}
