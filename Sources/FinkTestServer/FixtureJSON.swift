import Foundation

/// A JSON value whose numbers keep their literal text, so fixtures round-trip byte-exact:
/// 19-digit `i:candid`s stay exact (no Double on the way), `2459531.8999999999` keeps its digits,
/// and a bare `NaN` token (as the cutouts route writes) can be stored and served again.
///
/// Rows are `[String: FixtureJSON]`: tests edit them to build quirks, e.g.
/// `row["i:fid"] = "3"` (a numeric string), `row["i:magnr"] = nil` (remove the column),
/// `row["i:magpsf"] = .null`.
public indirect enum FixtureJSON: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// The number exactly as written: `"1034527953215010006"`, `"-999.0"`, `"NaN"`.
    case number(String)
    case string(String)
    case array([FixtureJSON])
    case object([String: FixtureJSON])

    public static func int(_ value: Int64) -> FixtureJSON { .number(String(value)) }
    public static func double(_ value: Double) -> FixtureJSON {
        value.isNaN ? .number("NaN") : value.isInfinite ? .number(value < 0 ? "-Infinity" : "Infinity") : .number(String(value))
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Numbers, and numeric strings (the server sends both).
    public var doubleValue: Double? {
        switch self {
        case .number(let text): return Double(text)
        case .string(let text): return Double(text)
        default: return nil
        }
    }

    public var objectValue: [String: FixtureJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [FixtureJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public subscript(key: String) -> FixtureJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// What Python's `str()` gives for the value the server parsed: how it reads arguments
    /// (`str(v) == "True"` for booleans).
    public var pythonString: String {
        switch self {
        case .null: "None"
        case .bool(let b): b ? "True" : "False"
        case .number(let text): text
        case .string(let s): s
        case .array, .object: serialized()
        }
    }

    public var description: String { serialized() }

    // MARK: Writing

    /// Compact JSON; object keys sorted so answers are deterministic.
    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    public func data() -> Data { Data(serialized().utf8) }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    // MARK: Reading

    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var message: String
        public var description: String { "JSON error at byte \(offset): \(message)" }
    }

    /// Parses JSON, also accepting Python's bare `NaN`, `Infinity`, `-Infinity` as numbers.
    public init(parsing data: Data) throws {
        let bytes = [UInt8](data)
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.i == bytes.count else { throw ParseError(offset: parser.i, message: "unexpected text after the value") }
        self = value
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        func fail(_ message: String) -> ParseError { ParseError(offset: i, message: message) }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { return false }
            i += w.count
            return true
        }

        mutating func value() throws -> FixtureJSON {
            guard i < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [String: FixtureJSON] = [:]
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    i += 1
                    skipSpace()
                    members[key] = try value()
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                    throw fail("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [FixtureJSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            default:
                if literal("null") { return .null }
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                if literal("NaN") { return .number("NaN") }
                if literal("Infinity") { return .number("Infinity") }
                if literal("-Infinity") { return .number("-Infinity") }
                let start = i
                while i < bytes.count, let c = Optional(bytes[i]),
                      (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                      || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                {
                    i += 1
                }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                guard !text.isEmpty, Double(text) != nil else {
                    i = start
                    throw fail("unexpected character")
                }
                return .number(text)
            }
        }

        mutating func string() throws -> String {
            i += 1  // opening quote
            var run = i
            var out = ""
            func flush(_ end: Int) { out += String(decoding: bytes[run..<end], as: UTF8.self) }
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    flush(i)
                    i += 1
                    return out
                }
                if c == UInt8(ascii: "\\") {
                    flush(i)
                    i += 1
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out += "\n"
                    case UInt8(ascii: "t"): out += "\t"
                    case UInt8(ascii: "r"): out += "\r"
                    case UInt8(ascii: "b"): out += "\u{08}"
                    case UInt8(ascii: "f"): out += "\u{0C}"
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code), literal("\\u") {
                            let low = try hex4()
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.unicodeScalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: out.unicodeScalars.append(Unicode.Scalar(e))
                    }
                    run = i
                    continue
                }
                i += 1
            }
            throw fail("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
                throw fail("bad \\u escape")
            }
            i += 4
            return v
        }
    }
}

extension FixtureJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: FixtureJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, FixtureJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
