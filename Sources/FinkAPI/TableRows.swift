import Foundation

/// One cell of a loosely typed answer (`/anomaly`, `/statistics`), as it arrived.
public enum FinkValue: Sendable, Equatable {
    case null
    /// Integers are kept exact: `i:candid` exceeds 2^53.
    case integer(Int64)
    case number(Double)
    case text(String)
    case bool(Bool)
    /// A nested array or object, kept as its JSON text (e.g. `d:lc_features_g` sent as a real array).
    case json(String)

    /// The value as a number: JSON numbers and numeric strings; `nil` for `null`, NaN/±inf and the
    /// placeholder strings (`""`, `"nan"`, `"None"`, `"null"`...). Throws on anything else, which
    /// means the format changed and must not be read as "missing".
    public func number() throws(FinkValueError) -> Double? {
        switch self {
        case .null: return nil
        case .integer(let v): return Double(v)
        case .number(let d): return d.isFinite ? d : nil
        case .bool, .json: throw FinkValueError(shown: shown)
        case .text(let s):
            if Cell.isPlaceholder(s) { return nil }
            guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw FinkValueError(shown: shown) }
            return d.isFinite ? d : nil
        }
    }

    /// The value as text for a table cell: numbers as sent, placeholders empty.
    public var text: String? {
        switch self {
        case .null: return nil
        case .integer(let v): return String(v)
        case .number(let d): return d.isFinite ? String(d) : nil
        case .text(let s): return Cell.isPlaceholder(s) ? nil : s
        case .bool(let b): return b ? "true" : "false"
        case .json(let s): return s
        }
    }

    /// An exact integer: JSON integers, or integer strings (never through Double).
    public var int64: Int64? {
        switch self {
        case .integer(let v): return v
        case .text(let s): return Int64(s.trimmingCharacters(in: .whitespaces))
        case .number(let d): return d.isFinite && d == d.rounded() && abs(d) < 9e15 ? Int64(d) : nil
        default: return nil
        }
    }

    var shown: String {
        switch self {
        case .null: "null"
        case .integer(let v): String(v)
        case .number(let d): String(d)
        case .text(let s): "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .bool(let b): String(b)
        case .json(let s): s.count > 40 ? String(s.prefix(40)) + "…" : s
        }
    }
}

public struct FinkValueError: Error, Sendable {
    public let shown: String
}

/// A row of an answer whose columns are not known in advance (`/statistics` has one per SIMBAD class).
public typealias FinkRow = [String: FinkValue]

enum TableRows {
    /// Decodes a JSON array of flat objects, tolerating bare `NaN` tokens.
    static func decode(_ data: Data, source: String) throws -> [FinkRow] {
        let data = JSONText.replacingNonStandardNumbers(in: data)
        switch JSONText.firstSignificantByte(of: data) {
        case nil:
            throw FinkError.decoding(source: source, message: "the answer is empty (expected a JSON array of rows)")
        case UInt8(ascii: "{"):
            throw FinkError.decoding(source: source, message: "expected a JSON array of rows, found an object: \(JSONText.excerpt(data))")
        default: break
        }
        do {
            return try JSONDecoder().decode([AnyRow].self, from: data).map(\.values)
        } catch let error as DecodingError {
            throw FinkError.decoding(source: source, message: JSONText.describe(error, in: data))
        } catch {
            throw FinkError.decoding(source: source, message: String(describing: error))
        }
    }
}

private struct AnyRow: Decodable {
    var values: FinkRow = [:]
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        for key in c.allKeys {
            values[key.stringValue] = try c.decode(AnyCell.self, forKey: key).value
        }
    }
}

private struct AnyCell: Decodable {
    var value: FinkValue
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let v = try? c.decode(Int64.self) { value = .integer(v) }
        else if let d = try? c.decode(Double.self) { value = .number(d) }
        else if let s = try? c.decode(String.self) { value = .text(s) }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let a = try? c.decode([AnyCell].self) { value = .json("[" + a.map(\.jsonText).joined(separator: ", ") + "]") }
        else {
            throw DecodingError.typeMismatch(FinkValue.self, .init(codingPath: c.codingPath, debugDescription: "expected a number, string, boolean, array or null"))
        }
    }

    var jsonText: String {
        switch value {
        case .null: "null"
        case .integer(let v): String(v)
        case .number(let d): d.isFinite ? String(d) : "null"
        case .text(let s): "\"\(s)\""
        case .bool(let b): b ? "true" : "false"
        case .json(let s): s
        }
    }
}
