import FinkAPI
import Foundation

/// Any source with the cache in front of it, or the cache alone (`--offline`, no `base`).
///
/// Entries are read and written under the base source's `location`, so data fetched from one
/// API is never served for another. Objects expire after `maxAge`; stamps never do (an alert's
/// stamps never change). Offline, entries are used whatever their age and nothing is ever sent.
public struct CachedSource: ObjectDataSource {
    /// nil: offline.
    public let base: (any ObjectDataSource)?
    public let survey: Survey
    public let location: String
    public let cache: ObjectCache
    /// Seconds after which a cached object is fetched again; nil: never.
    public let maxAge: Double?
    /// Told once per source when an entry cannot be stored (a full disk, a read-only cache).
    private let storeFailure: StoreFailure?

    /// The cache in front of `base`; `warn` hears the first entry that cannot be stored.
    public init(_ base: any ObjectDataSource, cache: ObjectCache, maxAge: Double?, warn: (@Sendable (String) -> Void)? = nil) {
        self.base = base
        survey = base.survey
        location = base.location
        self.cache = cache
        self.maxAge = maxAge
        storeFailure = warn.map { StoreFailure($0) }
    }

    /// The cache alone: entries fetched earlier from `location`.
    public init(offline survey: Survey, location: String, cache: ObjectCache) {
        base = nil
        self.survey = survey
        self.location = location
        self.cache = cache
        maxAge = nil
        storeFailure = nil
    }

    public var isRemote: Bool { base?.isRemote ?? false }
    public var isOffline: Bool { base == nil }

    public func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>] {
        var result: [ObjectKey: Result<ObjectData, any Error>] = [:]
        var misses: [ObjectKey] = []
        for key in keys {
            // Online, an entry dated in the future is stale even when entries never expire (a
            // clock set back, a copy from a machine ahead of ours); offline, it is all there is.
            if let entry = cache.entry(key, location: location, maxAge: base == nil ? nil : (maxAge ?? .infinity), needs: needs) {
                var data = entry.data
                data.fetchedAt = entry.fetchedAt
                result[key] = .success(data)
            } else {
                misses.append(key)
            }
        }
        guard !misses.isEmpty else { return result }
        guard let base else {
            for key in misses {
                let place = cache.objectURL(key, location: location).path
                result[key] = .failure(BatchError.notCached(
                    "no cached data for \(key.id) (\(place) is missing; --offline never asks the API)"))
            }
            return result
        }
        let fetched: [ObjectKey: Result<ObjectData, any Error>]
        do {
            fetched = try await base.objects(misses, needs: needs)
        } catch {
            // The request failed for good: its keys fail with the reason, the cached ones are drawn.
            if error is CancellationError || Task.isCancelled { throw error }
            for key in misses { result[key] = .failure(error) }
            return result
        }
        for key in misses {
            let answer = fetched[key] ?? .failure(FinkError.noData(objectId: key.id, source: location))
            // Fetched now: `fetchedAt` stays nil, so the figure records the run's own query time.
            if case let .success(data) = answer {
                // A cache that cannot be written costs a re-fetch later, not this figure.
                do { try cache.store(data, location: location) } catch { storeFailure?.tell(error, cache: cache) }
            }
            result[key] = answer
        }
        return result
    }

    public func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp] {
        if let cached = cache.stamps(alert, location: location) { return cached }
        guard let base else {
            throw BatchError.notCached("no cached stamps for alert \(alert.id) of \(object.id) "
                + "(\(cache.stampsURL(alert, location: location).path) is missing; --offline never asks the API)")
        }
        let set = try await base.stamps(of: alert, object: object)
        // Only complete sets are kept: a kind the server could not fetch this time may come next time.
        if set.count == StampKind.allCases.count {
            do { try cache.store(set, alert: alert, object: object, location: location) } catch { storeFailure?.tell(error, cache: cache) }
        }
        return set
    }
}

/// Says once that the cache cannot be written: 10,000 objects must not give 10,000 warnings.
private final class StoreFailure: @unchecked Sendable {
    private let warn: @Sendable (String) -> Void
    // Guarded by `lock`: objects are stored from several tasks.
    private let lock = NSLock()
    private var told = false

    init(_ warn: @escaping @Sendable (String) -> Void) { self.warn = warn }

    func tell(_ error: any Error, cache: ObjectCache) {
        let first = lock.withLock { () -> Bool in
            defer { told = true }
            return !told
        }
        if first { warn(ObjectCache.unwritable(cache.directory, because: "\(error)")) }
    }
}

/// One source per survey: a batch's keys are routed to their survey's source.
public struct SourceSet: Sendable {
    public var sources: [Survey: any ObjectDataSource]

    public init(_ sources: [any ObjectDataSource]) {
        var map: [Survey: any ObjectDataSource] = [:]
        for source in sources { map[source.survey] = source }
        self.sources = map
    }

    public func source(for survey: Survey) throws(BatchError) -> any ObjectDataSource {
        guard let source = sources[survey] else { throw .noSource(survey) }
        return source
    }
}

public enum BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    case notCached(String)
    case noSource(Survey)

    public var description: String {
        switch self {
        case let .notCached(text): text
        case let .noSource(survey): "no data source is set up for \(Surveys.profile(survey)?.displayName ?? survey.name) objects"
        }
    }
}
