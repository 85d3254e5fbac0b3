import FinkAPI
import Foundation

/// Where data come from, as the command line says it, and the one place sources are built
/// from it: each survey's API (through retries, the request budget and the cache), saved
/// answers in a directory, or the cache alone.
public struct SourceSettings: Sendable {
    /// `--api-url`: `URL` for the survey of the ids in use, or `survey=URL` (repeatable).
    public var apiURLs: [String] = []
    /// Where `apiURLs` came from, for messages about a malformed one.
    public var apiURLOrigin = "API URL given on the command line"
    /// `--from DIR`: saved answers, named as each survey saves them.
    public var directory: String?
    /// `--offline`: the cache alone, whatever its age.
    public var offline = false
    /// `--cache DIR`; nil for the default directory.
    public var cacheDirectory: String?
    public var noCache = false
    /// Seconds after which cached objects are fetched again; nil: never.
    public var maxAge: Double? = 86_400
    public var timeout: Double = 60
    public var retries: Int = 4
    public var requestsPerSecond: Double = 5
    /// The largest answer accepted, in bytes (`--max-answer-mb`): a server sending an endless body
    /// cannot exhaust memory.
    public var maxAnswerBytes: Int = URLSessionTransport.defaultMaxBodyBytes
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// `--verbose`: told every request sent, one line each (retries included).
    public var requestLog: (@Sendable (String) -> Void)?
    /// Where warnings about the cache go (one line each, without "warning: "): standard error.
    public var warn: @Sendable (String) -> Void = { Console.error("warning: \($0)\n") }

    public init() {}

    public var cache: ObjectCache? {
        if noCache { return nil }
        return ObjectCache(directory: cacheDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? ObjectCache.defaultDirectory(environment: environment))
    }

    /// The base URL of `survey`'s API: `--api-url` when it names that survey (or when it is plain
    /// and `survey` is the only one in use), else the survey's environment variable, else its default.
    public func baseURL(_ survey: Survey, surveysInUse: [Survey]) throws -> URL {
        guard let profile = Surveys.profile(survey) else { throw BatchError.noSource(survey) }
        var flag: String?
        for text in apiURLs {
            if let eq = text.firstIndex(of: "="), !text[..<eq].contains(":"), !text[..<eq].contains("/") {
                let name = Survey(String(text[..<eq]).trimmingCharacters(in: .whitespaces))
                guard Surveys.profile(name) != nil else {
                    throw FinkError.invalidSetting(name: "--api-url", value: text, reason: "known surveys are \(Surveys.names)")
                }
                if name == survey { flag = String(text[text.index(after: eq)...]) }
            } else {
                guard Set(surveysInUse).count <= 1 else {
                    throw FinkError.invalidSetting(
                        name: "--api-url", value: text,
                        reason: "the ids belong to several surveys: say which API it is, e.g. --api-url lsst=\(text)")
                }
                flag = text
            }
        }
        return try FinkAPIConfig.resolveBaseURL(flag: flag, environment: environment, variable: profile.environmentVariable,
                                                defaultURL: profile.defaultBaseURL, flagName: apiURLOrigin)
    }

    /// How a spec and a figure name the directory: as given (never made absolute).
    public var directoryShownAs: String? {
        directory.map { d in
            var t = d
            while t.count > 1 && t.hasSuffix("/") { t.removeLast() }
            return t
        }
    }

    /// One source per survey in `surveys`.
    public func sources(for surveys: [Survey]) throws -> SourceSet {
        let surveys = Array(Set(surveys)).sorted()
        var built: [any ObjectDataSource] = []
        if let directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
                throw FinkError.file(path: directory, message: "no such directory")
            }
            guard isDir.boolValue else { throw FinkError.file(path: directory, message: "is a file, not a directory of saved answers") }
            let url = URL(fileURLWithPath: directory, isDirectory: true)
            for survey in surveys {
                guard let profile = Surveys.profile(survey) else { throw BatchError.noSource(survey) }
                built.append(profile.directorySource(url, shownAs: directoryShownAs ?? directory))
            }
            return SourceSet(built)
        }
        try checkCacheDirectory()
        var cacheWarned = false
        for survey in surveys {
            guard let profile = Surveys.profile(survey) else { throw BatchError.noSource(survey) }
            let url = try baseURL(survey, surveysInUse: surveys)
            let location = URLRedaction.redacted(url).absoluteString
            // A killed run's temporaries are cleared; an unwritable cache is said once, not silently.
            if let problem = cache?.open(survey: survey, location: location, writing: !offline), !cacheWarned {
                warn(problem)
                cacheWarned = true
            }
            if offline {
                guard let cache else { throw FinkError.invalidSetting(name: "--offline", value: "", reason: "it reads the cache: drop --no-cache") }
                built.append(CachedSource(offline: survey, location: location, cache: cache))
                continue
            }
            // Each server gets its own request budget: the surveys' APIs are different machines.
            let api = profile.apiSource(baseURL: url, transport: makeTransport())
            built.append(cache.map { CachedSource(api, cache: $0, maxAge: maxAge, warn: cacheWarned ? nil : warn) } ?? api)
        }
        return SourceSet(built)
    }

    /// `--cache` naming a file is a usage error; a relative `XDG_CACHE_HOME` is ignored, with a warning.
    func checkCacheDirectory() throws {
        guard !noCache else { return }
        if let dir = cacheDirectory {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), !isDir.boolValue {
                throw FinkError.invalidSetting(name: "--cache", value: dir, reason: "it is a file; --cache names a directory (created if missing)")
            }
        } else if let warning = ObjectCache.defaultDirectoryWarning(environment: environment) {
            warn(warning)
        }
    }

    /// Fink's ZTF API for `/anomaly` and `/statistics`, with the same retries and request budget
    /// as object fetches (a 429 or 503 is waited out, not fatal).
    public func serviceAPI() throws -> FinkClient {
        FinkClient(baseURL: try baseURL(.ztf, surveysInUse: [.ztf]), transport: makeTransport())
    }

    /// One server's stack: bounded answers and timeout, retries, and a request budget of its own.
    func makeTransport() -> RetryingTransport {
        let session = URLSessionTransport(timeout: timeout, maxBodyBytes: maxAnswerBytes)
        return RetryingTransport(
            base: requestLog.map { LoggingTransport(base: session, log: $0) } ?? session,
            policy: RetryPolicy(maxAttempts: retries + 1),
            limiter: RateLimiter(requestsPerSecond: requestsPerSecond, burst: max(1, requestsPerSecond)))
    }

    /// The source as a figure spec records it.
    public func specSource(for surveys: [Survey]) throws -> FigureSpec.Source {
        if let shown = directoryShownAs { return .init(directory: shown) }
        let distinct = Array(Set(surveys)).sorted()
        if distinct.count <= 1 {
            return .init(apiURL: URLRedaction.redacted(try baseURL(distinct.first ?? .ztf, surveysInUse: distinct)).absoluteString)
        }
        var urls: [String: String] = [:]
        for survey in distinct { urls[survey.name] = URLRedaction.redacted(try baseURL(survey, surveysInUse: distinct)).absoluteString }
        return .init(apiURLs: urls)
    }

    /// The settings a spec's source stands for (`render`): its URLs as `survey=URL`, or its directory.
    public static func from(_ source: FigureSpec.Source, surveys: [Survey]) -> SourceSettings {
        var settings = SourceSettings()
        if let directory = source.directory {
            settings.directory = directory
        } else if let urls = source.apiURLs {
            settings.apiURLOrigin = "API URL of the spec's source"
            settings.apiURLs = urls.keys.sorted().map { "\($0)=\(urls[$0]!)" }
        } else if let url = source.apiURL {
            let survey = Set(surveys).count == 1 ? surveys[0] : Survey.ztf
            settings.apiURLOrigin = "API URL of the spec's source"
            settings.apiURLs = ["\(survey.name)=\(url)"]
        }
        return settings
    }
}
