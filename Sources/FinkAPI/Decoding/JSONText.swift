import Foundation

/// A cell as it arrived, before any interpretation.
enum Cell: Equatable {
    /// The column is not in the row at all.
    case absent
    case null
    case integer(Int64)
    case number(Double)
    case text(String)
    case bool(Bool)

    private static let placeholders: Set<String> = ["", "null", "nan", "-nan", "none", "na", "<na>", "nat"]

    static func isPlaceholder(_ text: String) -> Bool {
        placeholders.contains(text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The value as quoted in an error message.
    var shown: String {
        switch self {
        case .absent: "no value"
        case .null: "null"
        case .integer(let v): String(v)
        case .number(let d): String(d)
        case .text(let s): "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .bool(let b): String(b)
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

// MARK: - JSON text helpers

enum JSONText {
    /// An answer that should be a JSON array of rows, its bare NaN/Infinity tokens rewritten; an
    /// empty body, or an object (how errors come back), is refused with what was found.
    static func rowsAnswer(_ data: Data, source: String) throws(FinkError) -> Data {
        let data = replacingNonStandardNumbers(in: data)
        switch firstSignificantByte(of: data) {
        case nil:
            throw .decoding(source: source, message: "the answer is empty (expected a JSON array of rows)")
        case UInt8(ascii: "{"):
            throw .decoding(source: source, message: "expected a JSON array of rows, found an object: \(excerpt(data))")
        case UInt8(ascii: "["):
            return data
        default:
            // `null`, a bare string or number: said as such, not as the decoder's "unkeyed
            // container"; text that is not JSON at all goes on to the decoder's syntax message.
            if let kind = fragmentKind(of: data) {
                throw .decoding(source: source, message: "expected a JSON array of rows, found \(kind)")
            }
            return data
        }
    }

    /// JSONDecoder, with its errors told as "row 3, i:jd: ..." under `source`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(FinkError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw .decoding(source: source, message: describe(error, in: data))
        } catch {
            throw .decoding(source: source, message: String(describing: error))
        }
    }

    /// What a JSON answer that is a lone value holds, in words (`null`, `a string: "…"`); nil
    /// when it is an array or object, or not valid JSON. Only run on the failure path.
    static func fragmentKind(of data: Data) -> String? {
        if let first = firstSignificantByte(of: data), first == UInt8(ascii: "[") || first == UInt8(ascii: "{") { return nil }
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        let shown = excerpt(data).trimmingCharacters(in: .whitespacesAndNewlines)
        switch value {
        case is NSNull: return "null"
        case is String: return "a string: \(shown)"
        case is NSNumber: return shown.hasPrefix("t") || shown.hasPrefix("f") ? "a boolean: \(shown)" : "a number: \(shown)"
        default: return "a lone value: \(shown)"
        }
    }

    /// Rewrites the bare `NaN`, `Infinity` and `-Infinity` tokens Python's json writes (strict
    /// parsers reject them) as `null`. One pass over the bytes; string contents are skipped, so a
    /// `"NaN"` string is untouched. Returns the input itself when there is nothing to rewrite.
    static func replacingNonStandardNumbers(in data: Data) -> Data {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Data in
            let bytes = buffer.bindMemory(to: UInt8.self)
            let n = bytes.count
            // Most answers hold neither token: memchr (vectorised) says so far faster than the scan.
            guard contains("NaN", in: buffer) || contains("Infinity", in: buffer) else { return data }
            var output: [UInt8] = []
            var copied = 0
            var inString = false
            var i = 0
            func matches(_ word: StaticString, at start: Int) -> Bool {
                let count = word.utf8CodeUnitCount
                guard start + count <= n else { return false }
                let w = word.utf8Start
                for j in 0..<count where bytes[start + j] != w[j] { return false }
                return true
            }
            while i < n {
                let c = bytes[i]
                if inString {
                    if c == UInt8(ascii: "\\") { i += 2; continue }
                    if c == UInt8(ascii: "\"") { inString = false }
                    i += 1
                    continue
                }
                var start = i, end = i
                if c == UInt8(ascii: "\"") {
                    inString = true
                } else if c == UInt8(ascii: "N"), matches("NaN", at: i) {
                    end = i + 3
                } else if c == UInt8(ascii: "I"), matches("Infinity", at: i) {
                    end = i + 8
                    if i > 0, bytes[i - 1] == UInt8(ascii: "-") || bytes[i - 1] == UInt8(ascii: "+") { start = i - 1 }
                }
                if end > i {
                    if output.isEmpty { output.reserveCapacity(n + n / 8) }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
                    output.append(contentsOf: "null".utf8)
                    copied = end
                    i = end
                } else {
                    i += 1
                }
            }
            if copied == 0 { return data }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<n]))
            return Data(output)
        }
    }

    /// The rows (indices in the top-level array) whose `key` holds a JSON number written as a
    /// float (`1.0345261415150100e18`, `170094456272322680.0`) of magnitude 2^53 or more.
    ///
    /// JSONDecoder reads such a literal as an Int64 when its value is whole, and past 2^53 every
    /// double is whole: the id it gives is a neighbour of the real one, not the id. Only the
    /// literal shows what was sent. Cheap when no such literal exists (memchr to each `"key"`),
    /// which is every real answer; the structural scan runs only when one is found.
    static func floatLiteralRows(of key: String, in data: Data) -> Set<Int> {
        let quoted = Array("\"\(key)\"".utf8)
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Set<Int> in
            let bytes = buffer.bindMemory(to: UInt8.self)
            let n = bytes.count
            func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
            /// The float literal's value at `i` (just after the key's closing quote), if the key is
            /// followed by `:` and a number literal with a fraction or exponent.
            func bigFloat(after start: Int) -> Bool {
                var i = start
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n, bytes[i] == UInt8(ascii: ":") else { return false }
                i += 1
                while i < n, isSpace(bytes[i]) { i += 1 }
                let from = i
                var isFloat = false
                while i < n {
                    let c = bytes[i]
                    if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isFloat = true }
                    else if !(c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) { break }
                    i += 1
                }
                guard isFloat, i > from else { return false }
                let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<i]), as: UTF8.self)
                guard let value = Double(literal) else { return false }
                return abs(value) >= 9_007_199_254_740_992
            }
            // Fast path: is there any such literal at all?
            var found = false
            var offset = 0
            while !found, let base = buffer.baseAddress, offset + quoted.count <= n,
                  let hit = memchr(base + offset, Int32(quoted[0]), n - offset - quoted.count + 1)
            {
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, quoted, quoted.count) == 0, bigFloat(after: at + quoted.count) { found = true }
                offset = at + 1
            }
            guard found else { return [] }
            // Structural scan: rows are the objects at depth 1 of the top-level array.
            var rows: Set<Int> = []
            var depth = 0, row = -1, i = 0
            while i < n {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    let start = i
                    i += 1
                    while i < n, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                    i += 1
                    if depth == 2, i - start == quoted.count, i <= n,
                       memcmp(buffer.baseAddress! + start, quoted, quoted.count) == 0, bigFloat(after: i)
                    {
                        rows.insert(row)
                    }
                    continue
                }
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    depth += 1
                    if depth == 2 && c == UInt8(ascii: "{") { row += 1 }
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                }
                i += 1
            }
            return rows
        }
    }

    /// Whether `word` occurs anywhere in `buffer`, jumping between candidates with memchr.
    private static func contains(_ word: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        let count = word.utf8CodeUnitCount
        let first = Int32(word.utf8Start[0])
        var offset = 0
        while offset + count <= buffer.count,
              let hit = memchr(base + offset, first, buffer.count - offset - count + 1)
        {
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, word.utf8Start, count) == 0 { return true }
            offset = at + 1
        }
        return false
    }

    static func firstSignificantByte(of data: Data) -> UInt8? {
        data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
    }

    static func excerpt(_ data: Data, limit: Int = 200) -> String {
        let text = String(decoding: data.prefix(limit), as: UTF8.self)
        return data.count > limit ? text + "…" : text
    }

    /// "row 3, b:cutoutScience_stampData[2][5]: expected ..." rather than Foundation's coding-path dump.
    static func describe(_ error: DecodingError, in data: Data) -> String {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let syntax = syntaxProblem(in: data) {
            return syntax
        }
        // The whole answer is of the wrong kind (`null` for an array): said in words.
        switch error {
        case .valueNotFound(_, let context), .typeMismatch(_, let context):
            if context.codingPath.isEmpty, let kind = fragmentKind(of: data) { return "the answer is \(kind), not the expected JSON" }
        default: break
        }
        return describe(error)
    }

    /// JSONDecoder (swift-foundation) reports a syntax error without saying where; JSONSerialization
    /// says "around character N". Only run on the failure path, so its cost does not matter.
    static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            var message = "not valid JSON: \(detail)"
            if let match = detail.firstMatch(of: #/character (\d+)/#), let offset = Int(match.output.1), offset <= data.count {
                let start = max(0, offset - 30), end = min(data.count, offset + 30)
                let near = String(decoding: data[data.startIndex + start..<data.startIndex + end], as: UTF8.self)
                message += " (near `\(near.replacingOccurrences(of: "\n", with: " "))`)"
            }
            return message
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            var text = ""
            for (i, key) in path.enumerated() {
                if let index = key.intValue {
                    text += i == 0 ? "row \(index)" : "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ", ") + key.stringValue
                }
            }
            return text.isEmpty ? "" : text + ": "
        }
        func underlying(_ context: DecodingError.Context) -> String {
            guard let error = context.underlyingError else { return "" }
            let nsError = error as NSError
            let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String ?? String(describing: error)
            return " (\(detail))"
        }
        switch error {
        case .dataCorrupted(let context):
            return place(context.codingPath) + context.debugDescription + underlying(context)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return place(context.codingPath) + context.debugDescription
        case .keyNotFound(let key, let context):
            return place(context.codingPath) + "missing \(key.stringValue)"
        @unknown default:
            return String(describing: error)
        }
    }
}
