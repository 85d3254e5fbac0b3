import Foundation

/// Where the Fink ZTF API lives, and how the user can point elsewhere (a mirror, a test server).
public enum FinkAPIConfig {
    /// The current public address (since 2026-01; older ones are listed in shared/fink-api.md).
    public static let defaultBaseURL = "https://api.ztf.fink-portal.org"
    public static let environmentVariable = "FINK_API_URL"

    /// The base URL to use: the command-line flag if given, else `FINK_API_URL`, else the default.
    ///
    /// An empty or blank value counts as not given (`FINK_API_URL= finkplot ...` must not break the
    /// tool). A value that is not an absolute http(s) URL with a host is refused with
    /// `FinkError.invalidSetting` naming the setting it came from. A trailing slash is stripped so
    /// endpoint paths can be appended uniformly; a path prefix (a proxy) is kept.
    public static func resolveBaseURL(flag: String?, environment: [String: String]) throws -> URL {
        try resolveBaseURL(flag: flag, environment: environment, variable: environmentVariable, defaultURL: defaultBaseURL)
    }

    /// The same rule for any survey's API: its own variable and default.
    public static func resolveBaseURL(flag: String?, environment: [String: String], variable: String,
                                      defaultURL: String, flagName: String = "API URL given on the command line") throws -> URL {
        if let flag = nonBlank(flag) {
            return try parse(flag, setting: flagName)
        }
        if let env = nonBlank(environment[variable]) {
            return try parse(env, setting: "\(variable) environment variable")
        }
        return URL(string: defaultURL)!
    }

    private static func nonBlank(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }

    private static func parse(_ raw: String, setting: String) throws(FinkError) -> URL {
        var text = raw
        while text.hasSuffix("/") { text.removeLast() }
        func refuse(_ reason: String) -> FinkError {
            .invalidSetting(name: setting, value: raw, reason: reason)
        }
        guard let components = URLComponents(string: text), let url = components.url else {
            throw refuse("not a URL")
        }
        guard let scheme = components.scheme?.lowercased() else {
            throw refuse("it needs a scheme, like \(defaultBaseURL)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw refuse("only http and https URLs are supported, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw refuse("it has no host name")
        }
        guard components.query == nil, components.fragment == nil else {
            throw refuse("a base URL cannot carry a query or fragment")
        }
        return url
    }
}
