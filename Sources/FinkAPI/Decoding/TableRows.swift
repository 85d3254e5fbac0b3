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
    ///
    /// JSONSerialization, not JSONDecoder: these rows have hundreds of columns of unknown names and
    /// mixed types (a `/statistics` night has about 200), and trying types one after another costs
    /// a thrown error per miss: ten times slower on a year of nights. Integers stay exact (Int64).
    static func decode(_ data: Data, source: String) throws -> [FinkRow] {
        let data = try JSONText.rowsAnswer(data, source: source)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw FinkError.decoding(source: source, message: JSONText.syntaxProblem(in: data) ?? "not valid JSON")
        }
        guard let items = parsed as? [Any] else {
            throw FinkError.decoding(source: source, message: "expected a JSON array of rows: \(JSONText.excerpt(data))")
        }
        return try items.enumerated().map { index, item in
            guard let object = item as? [String: Any] else {
                throw FinkError.decoding(source: source, message: "row \(index) is not a JSON object")
            }
            var row = FinkRow(minimumCapacity: object.count)
            for (key, cell) in object { row[key] = TableRows.value(cell) }
            return row
        }
    }

    static func value(_ any: Any) -> FinkValue {
        switch any {
        case is NSNull: return .null
        case let text as String: return .text(text)
        case let number as NSNumber:
            // JSON true/false come back as NSNumber too, with the C type of a char.
            switch String(cString: number.objCType) {
            case "c", "B": return .bool(number.boolValue)
            case "d", "f": return .number(number.doubleValue)
            default: return .integer(number.int64Value)
            }
        default:
            let data = (try? JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])) ?? Data()
            return .json(String(decoding: data, as: UTF8.self))
        }
    }
}
