import Foundation

/// Everything that can go wrong between an objectId and its rows, with where it happened.
public enum FinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The id was refused before anything was sent.
    case invalidObjectId(String, reason: String)
    /// The server answered `[]` (unknown id), or a saved file held no rows.
    case noData(objectId: String, source: String)
    /// A non-2xx answer; `body` is the server's own text (HTTP 400 bodies are Python dict reprs).
    case http(status: Int, body: String, url: String)
    /// No answer in time.
    case timeout(url: String, seconds: Double)
    /// The connection failed (DNS, refused, reset...).
    case transport(url: String, message: String)
    /// The server answered, but not in HTTP a client can read (garbage, broken headers or
    /// encoding, a redirect that cannot be followed): said as such, not as "could not reach".
    case badAnswer(url: String, message: String)
    /// The answer arrived but could not be read.
    case decoding(source: String, message: String)
    /// A saved response was not found or could not be read.
    case file(path: String, message: String)
    /// A setting (command-line flag, environment variable) holds an unusable value.
    case invalidSetting(name: String, value: String, reason: String)
    /// The answer (announced or received) passed the transport's size limit, in bytes.
    case tooLarge(url: String, limit: Int)

    /// Said in words, on lines safe for a terminal (no escape sequences or control characters,
    /// whoever wrote the text) and with no credentials (`user:pass@` is removed from URLs).
    public var description: String {
        URLRedaction.redacted(ServerText.sanitized(rawDescription))
    }

    private var rawDescription: String {
        switch self {
        case let .invalidObjectId(id, reason):
            return "invalid objectId '\(id)': \(reason)"
        case let .noData(id, source):
            return "no data for \(id) at \(source)"
        case let .http(status, body, url):
            // One line: an HTML page by its title, Fink's error dict by its text (ServerText).
            let shown = ServerText.summary(of: body)
            return "HTTP \(status) from \(url)" + (shown.isEmpty ? "" : ": \(shown)")
        case let .timeout(url, seconds):
            return "no answer from \(url) within \(FinkError.seconds(seconds)) s"
        case let .transport(url, message):
            return "could not reach \(url): \(message)"
        case let .badAnswer(url, message):
            return "unusable answer from \(url): \(message)"
        case let .decoding(source, message):
            return "could not read the answer from \(source): \(message)"
        case let .file(path, message):
            return "\(path): \(message)"
        case let .invalidSetting(name, value, reason):
            return "invalid \(name) '\(value)': \(reason)"
        case let .tooLarge(url, limit):
            return "the answer from \(url) is larger than \(FinkError.size(limit)) (--max-answer-mb to raise it)"
        }
    }

    /// `256 MiB` for whole mebibytes, else MiB to one decimal, KiB or bytes.
    static func size(_ bytes: Int) -> String {
        let mib = 1 << 20, kib = 1 << 10
        if bytes >= mib, bytes % mib == 0 { return "\(bytes / mib) MiB" }
        if bytes >= mib { return String(format: "%.1f MiB", Double(bytes) / Double(mib)) }
        if bytes >= kib, bytes % kib == 0 { return "\(bytes / kib) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// `60` for whole seconds, `0.5` otherwise (a sub-second timeout must not print as "0 s").
    static func seconds(_ value: Double) -> String {
        NumberText.plain(value)
    }
}
