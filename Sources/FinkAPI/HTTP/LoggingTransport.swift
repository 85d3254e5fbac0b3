import Foundation

/// A `Transport` that reports every attempt it sends (`--verbose`): method, URL (credentials
/// removed), a short view of the body, then the status, size and time of the answer. Placed under
/// the retries, so each retry is its own line.
public struct LoggingTransport: Transport {
    public let base: any Transport
    public let log: @Sendable (String) -> Void

    public init(base: any Transport, log: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.log = log
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let start = Date()
        var line = "\(request.method) \(URLRedaction.redacted(request.url).absoluteString)"
        if let body = request.body, !body.isEmpty { line += " " + Self.bodySummary(body) }
        do {
            let response = try await base.send(request)
            log(line + String(format: " -> %d, %@ in %.2f s", response.status, Self.size(response.body.count),
                              Date().timeIntervalSince(start)))
            return response
        } catch {
            log(line + String(format: " -> %@ after %.2f s", "\(error)", Date().timeIntervalSince(start)))
            throw error
        }
    }

    /// The body as sent, each field of a JSON object as `name=value` cut to 80 characters (a long
    /// column list must not hide the ids asked), other bodies cut to 160.
    static func bodySummary(_ body: Data) -> String {
        func cut(_ text: String, _ limit: Int) -> String { text.count > limit ? String(text.prefix(limit)) + "…" : text }
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            return object.keys.sorted().map { key in
                let value = object[key].map { $0 as? String ?? "\($0)" } ?? ""
                return "\(key)=\(cut(value, 80))"
            }.joined(separator: " ")
        }
        return cut(String(decoding: body.prefix(400), as: UTF8.self), 160)
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 10_000 { return "\(bytes) B" }
        if bytes < 10_000_000 { return "\(bytes / 1000) kB" }
        return "\(bytes / 1_000_000) MB"
    }
}
