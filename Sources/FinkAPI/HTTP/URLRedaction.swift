import Foundation

/// Takes credentials out of URLs before they are shown: `https://user:pass@host/x` is printed
/// as `https://host/x` in every message, log and report (the request itself still sends them).
public enum URLRedaction {
    /// The URL without its user and password.
    public static func redacted(_ url: URL) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.url ?? url
    }

    /// `text` with the `user:pass@` part of every http(s) URL in it removed.
    public static func redacted(_ text: String) -> String {
        guard text.range(of: "://") != nil else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = text[...]
        while let scheme = rest.range(of: "http", options: .caseInsensitive) {
            var cursor = scheme.upperBound
            if cursor < rest.endIndex, rest[cursor] == "s" || rest[cursor] == "S" { cursor = rest.index(after: cursor) }
            guard rest[cursor...].hasPrefix("://") else {
                out += rest[..<scheme.upperBound]
                rest = rest[scheme.upperBound...]
                continue
            }
            let authorityStart = rest.index(cursor, offsetBy: 3)
            out += rest[..<authorityStart]
            // The authority ends at the path, query, fragment, or anything that cannot be in a URL;
            // userinfo ends at its last "@" (a raw "@" in a password is not legal but is seen).
            let authorityEnd = rest[authorityStart...].firstIndex { c in
                c == "/" || c == "?" || c == "#" || c.isWhitespace || c == "\"" || c == "'" || c == "<" || c == ">"
            } ?? rest.endIndex
            if let at = rest[authorityStart..<authorityEnd].lastIndex(of: "@") {
                rest = rest[rest.index(after: at)...]
            } else {
                rest = rest[authorityStart...]
            }
        }
        out += rest
        return out
    }
}
