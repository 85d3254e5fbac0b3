import Foundation

/// Turns `/api/v1/objects` answers (JSON, or pandas CSV) into `Detection`s, tolerating what the
/// live server really sends.
///
/// Cell rules, applied to every column read:
/// - numbers may arrive as JSON numbers or numeric strings (`"i:fid":"2"`, `"i:diffmaglim":"19.87"`);
/// - `null`, the strings `""`, `"null"`, `"nan"`, `"None"` (any case), NaN/±Infinity, and numeric
///   values ≤ −900 (the `-999.0` placeholder) mean "no value";
/// - `i:candid` is read as an exact Int64 (ids exceed 2^53, so never via Double); `-1` means none;
///   any other value that is no alert id (negative, beyond Int64, a float past 2^53) leaves the
///   row without one and says why in `Detection.problems`, naming the row: a valid alert drawn
///   without its id has no stamps, and that must not look like "no valid alert";
/// - numeric values from −1000 to −900 are Fink's `-999` placeholder; anything further out is a
///   value, left to the figures' physical-range checks, which name the row rather than drop it unseen;
/// - a stamp cell that is not a 2-D array of numbers is left out with a note in
///   `Detection.stampProblems`: a lightcurve never draws it, so it must not fail one;
/// - `i:isdiffpos` accepts `t`/`1`/`true` and `f`/`0`/`false`, as strings, numbers or booleans;
/// - a row without `d:tag` is a valid alert; columns not listed in `Column` are ignored.
///
/// Required columns (`i:objectId`, `i:jd`, `i:fid`) follow one policy:
/// - the column is *absent* from a row → error naming the row and the column (the request or the
///   file lacks it, so every row would be unusable: better to say so than to plot nothing);
/// - the column is present but holds a placeholder (`null`, `"nan"`, `-999`...) → the row is
///   skipped and its index reported in `Decoded.skippedRows` (a point without a date or band
///   cannot be drawn, and the server does emit such padding);
/// - the value is present but unreadable (`"i:fid":"g"`) → error naming row, column and value.
/// An unreadable optional column is an error too: it means the format changed, which must not be
/// silently plotted as "no data".
public enum RowDecoder {
    /// Rows read, and the indices of rows skipped because a required value was a placeholder.
    public struct Decoded: Sendable, Equatable {
        public var detections: [Detection]
        public var skippedRows: [Int]
    }

    /// Decodes a JSON `/api/v1/objects` answer; `source` (URL or path) appears in error messages.
    public static func detections(from data: Data, source: String) throws -> [Detection] {
        try decodeJSON(data, source: source).detections
    }

    /// Decodes a JSON `/api/v1/objects` answer, reporting skipped rows.
    public static func decodeJSON(_ data: Data, source: String) throws -> Decoded {
        let data = try JSONText.rowsAnswer(data, source: source)
        let rows = try JSONText.decode([JSONRow].self, from: data, source: source)
        // A candid written as a float past 2^53 reaches us as the Int64 nearest the float: seen
        // for what it is from the literal, so `candid(_:)` calls it lost rather than guessed.
        let floatCandids = JSONText.floatLiteralRows(of: Column.candid.name, in: data)
        var decoded = Decoded(detections: [], skippedRows: [])
        decoded.detections.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            var raw = row.raw
            if floatCandids.contains(index), case .integer(let v) = raw[.candid] { raw.cells[Column.candid.rawValue] = .number(Double(v)) }
            if let detection = try detection(from: raw, at: "row \(index)", source: source) {
                decoded.detections.append(detection)
            } else {
                decoded.skippedRows.append(index)
            }
        }
        return decoded
    }

    /// Decodes an answer saved with `output-format: csv` (pandas `to_csv`): a header of `fam:field`
    /// names, RFC 4180 quoting, stamps as Python-repr nested lists (`[[nan, 1.5, ...], ...]`).
    public static func decodeCSV(_ data: Data, source: String) throws -> Decoded {
        let table = try CSVTable(data, source: source)
        let columnIndex = Column.allCases.map { table.header.firstIndex(of: $0.name) }
        let stampIndex = StampKind.allCases.map { table.header.firstIndex(of: $0.column) }
        var decoded = Decoded(detections: [], skippedRows: [])
        for (index, record) in table.records.enumerated() {
            let place = "row \(index) (line \(record.line))"
            var raw = RawRow()
            for column in Column.allCases {
                guard let i = columnIndex[column.rawValue] else { continue }
                let text = record.fields[i]
                raw.cells[column.rawValue] = text.isEmpty ? .null : .text(text)
            }
            for (k, kind) in StampKind.allCases.enumerated() {
                guard let i = stampIndex[k] else { continue }
                let cell = record.fields[i]
                if cell.isEmpty { continue }
                do {
                    let rows = try PythonList.parse2D(cell)
                    if !rows.isEmpty { raw.stamps[kind] = rows }
                } catch {
                    raw.stampProblems[kind] = error.message
                }
            }
            if let detection = try detection(from: raw, at: place, source: source) {
                decoded.detections.append(detection)
            } else {
                decoded.skippedRows.append(index)
            }
        }
        return decoded
    }

    /// Reads an `/api/v1/cutouts` answer with `output-format: array`: one key per kind holding a
    /// 2-D array, NaN written as a bare `NaN` token. A requested kind that is missing is an error;
    /// one that is `null` or `[]` (the server failed to fetch it) is left out of the result.
    public static func stamps(fromCutouts data: Data, kinds: [StampKind], source: String) throws -> [StampKind: Stamp] {
        let answer = try JSONText.decode(
            CutoutsAnswer.self, from: JSONText.replacingNonStandardNumbers(in: data), source: source)
        var stamps: [StampKind: Stamp] = [:]
        for kind in kinds {
            guard let value = answer.stamps[kind] else {
                let found = answer.keys.sorted().joined(separator: ", ")
                throw FinkError.decoding(
                    source: source, message: "the answer has no \(kind.column) (keys: \(found.isEmpty ? "none" : found))")
            }
            if let rows = value {
                let stamp = Stamp(rows: rows)
                if stamp.width > 0 && stamp.height > 0 { stamps[kind] = stamp }
            }
        }
        return stamps
    }

    // MARK: - From cells to a Detection

    /// The Detection for one row, or nil when a required value is a placeholder (row skipped).
    static func detection(from raw: RawRow, at place: String, source: String) throws(FinkError) -> Detection? {
        func fail(_ column: Column, _ problem: String) -> FinkError {
            .decoding(source: source, message: "\(place), \(column.name): \(problem)")
        }
        for column in [Column.objectId, .jd, .fid] where raw[column] == .absent {
            throw FinkError.decoding(
                source: source, message: "\(place) has no '\(column.name)' column, which is required")
        }
        let objectId: String
        switch raw[.objectId] {
        case .text(let text):
            if Cell.isPlaceholder(text) { return nil }
            objectId = text.trimmingCharacters(in: .whitespaces)
        case .null:
            return nil
        case let other:
            throw fail(.objectId, "expected a string, found \(other.shown)")
        }
        guard let jd = try number(raw[.jd], .jd, fail) else { return nil }
        guard let fidValue = try number(raw[.fid], .fid, fail) else { return nil }
        guard let fid = Int(exactly: fidValue) else { throw fail(.fid, "\(raw[.fid].shown) is not a filter number") }

        var detection = Detection(objectId: objectId, jd: jd, fid: fid)
        detection.tag = try tag(raw[.tag], fail)
        switch try candid(raw[.candid], fail) {
        case .id(let id): detection.candid = id
        case .none: break
        case .unusable(let why):
            // Only a valid alert needs its id (limits and bad-quality rows carry -1 anyway).
            if detection.tag == .valid {
                detection.problems.append("\(place) at \(Self.rowLabel(detection)): i:candid \(raw[.candid].shown) \(why), "
                    + "so this alert is drawn without an id and has no stamps")
            }
        }
        detection.magpsf = try number(raw[.magpsf], .magpsf, fail)
        detection.sigmapsf = try number(raw[.sigmapsf], .sigmapsf, fail)
        detection.diffmaglim = try number(raw[.diffmaglim], .diffmaglim, fail)
        detection.isdiffpos = try isdiffpos(raw[.isdiffpos], fail)
        detection.magnr = try number(raw[.magnr], .magnr, fail)
        detection.sigmagnr = try number(raw[.sigmagnr], .sigmagnr, fail)
        detection.distnr = try number(raw[.distnr], .distnr, fail)
        detection.ra = try number(raw[.ra], .ra, fail)
        detection.dec = try number(raw[.dec], .dec, fail)
        // A position no sky has would become the card's RA and Dec: left out, and named.
        if let problem = SkyPosition.problem(ra: detection.ra, dec: detection.dec, raName: "i:ra", decName: "i:dec") {
            detection.ra = nil
            detection.dec = nil
            detection.problems.append("\(place) at \(Self.rowLabel(detection)): \(problem); its position is left out")
        }
        detection.classification = text(raw[.classification])
        detection.cdsxmatch = text(raw[.cdsxmatch])
        for (kind, rows) in raw.stamps {
            let stamp = Stamp(rows: rows)
            if stamp.width > 0 && stamp.height > 0 { detection.stamps[kind] = stamp }
        }
        for (kind, problem) in raw.stampProblems {
            detection.stampProblems[kind] = "\(place) at \(Self.rowLabel(detection)), \(kind.column): \(problem); this stamp is left out"
        }
        return detection
    }

    /// How a note names a row besides its index: its date and band (`MJD 58788.5261 (g)`).
    static func rowLabel(_ d: Detection) -> String {
        let mjd = d.mjd
        let shown = mjd.isFinite && abs(mjd) < 1e7 ? String(format: "%.4f", mjd) : "\(mjd)"
        return "MJD \(shown) (\(d.bandName))"
    }

    /// A number, or nil for any placeholder. Values from −1000 to −900 are placeholders (Fink's
    /// `-999`): every numeric column read here is a magnitude, error, distance, position, date or
    /// band, none legitimately there. Further out (−1e300) is damage, not padding: it is kept for
    /// the figures' range checks, which leave the row out with a note naming it.
    private static func number(
        _ cell: Cell, _ column: Column, _ fail: (Column, String) -> FinkError
    ) throws(FinkError) -> Double? {
        let value: Double
        switch cell {
        case .absent, .null: return nil
        case .number(let v): value = v
        case .integer(let v): value = Double(v)
        case .text(let text):
            if Cell.isPlaceholder(text) { return nil }
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw fail(column, "\(cell.shown) is not a number")
            }
            value = v
        case .bool:
            throw fail(column, "expected a number, found \(cell.shown)")
        }
        return value.isFinite && !(-1000.0 ... -900.0).contains(value) ? value : nil
    }

    /// What an `i:candid` cell gives: an alert id, none (`-1`, placeholders), or a value that is
    /// no alert id and why.
    enum CandidCell: Equatable {
        case id(Int64)
        case none
        case unusable(String)
    }

    /// The alert id, exact. `-1` (upper limits, bad quality) and placeholders are none. A candid
    /// sent as a float beyond 2^53 has lost its exact value: unusable rather than guessed.
    static func candid(_ cell: Cell, _ fail: (Column, String) -> FinkError) throws(FinkError) -> CandidCell {
        switch cell {
        case .absent, .null: return .none
        case .integer(let v): return integerCandid(v)
        case .number(let d): return floatCandid(d)
        case .text(let text):
            if Cell.isPlaceholder(text) { return .none }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let v = Int64(trimmed) { return integerCandid(v) }
            guard let d = Double(trimmed) else { throw fail(.candid, "\(cell.shown) is not an alert id") }
            // An integer string too long for Int64 (`18446744073709551616`) lands here as a float.
            return floatCandid(d)
        case .bool: throw fail(.candid, "expected an alert id, found \(cell.shown)")
        }
    }

    private static func integerCandid(_ v: Int64) -> CandidCell {
        if v > 0 { return .id(v) }
        if v == -1 { return .none }
        return .unusable(v == 0 ? "is zero, not an alert id" : "is negative, not an alert id")
    }

    private static func floatCandid(_ d: Double) -> CandidCell {
        guard d.isFinite else { return .none }
        if d == -1 { return .none }
        if d <= 0 { return .unusable(d == 0 ? "is zero, not an alert id" : "is negative, not an alert id") }
        if d != d.rounded() { return .unusable("is not a whole number, not an alert id") }
        if d >= 9_223_372_036_854_775_807 { return .unusable("is beyond the largest alert id (2^63 − 1)") }
        // Past 2^53 a float cannot hold every integer: the exact id is unknown.
        guard d < 9_007_199_254_740_992 else { return .unusable("was sent as a floating-point number, whose digits past 2^53 cannot be trusted") }
        return .id(Int64(d))
    }

    private static func tag(_ cell: Cell, _ fail: (Column, String) -> FinkError) throws(FinkError) -> DetectionTag {
        switch cell {
        case .absent, .null: return .valid
        case .text(let text):
            if Cell.isPlaceholder(text) { return .valid }
            if let tag = DetectionTag(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) { return tag }
            throw fail(.tag, "unknown tag \(cell.shown) (expected valid, upperlim or badquality)")
        default:
            throw fail(.tag, "expected a tag, found \(cell.shown)")
        }
    }

    private static func isdiffpos(_ cell: Cell, _ fail: (Column, String) -> FinkError) throws(FinkError) -> Bool? {
        switch cell {
        case .absent, .null: return nil
        case .bool(let b): return b
        case .integer(let v) where v == 0 || v == 1: return v == 1
        case .number(let d) where d == 0 || d == 1: return d == 1
        case .text(let text):
            if Cell.isPlaceholder(text) { return nil }
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "t", "1", "1.0", "true": return true
            case "f", "0", "0.0", "false": return false
            default: break
            }
        default: break
        }
        throw fail(.isdiffpos, "\(cell.shown) is neither t/1 nor f/0")
    }

    private static func text(_ cell: Cell) -> String? {
        switch cell {
        case .absent, .null: return nil
        case .text(let text): return Cell.isPlaceholder(text) ? nil : text
        case .integer(let v): return String(v)
        case .number(let d): return d.isFinite ? String(d) : nil
        case .bool(let b): return String(b)
        }
    }
}

// MARK: - Raw rows

/// The columns FinkPlot reads. `rawValue` indexes `RawRow.cells`.
enum Column: Int, CaseIterable {
    case objectId, candid, jd, fid, tag, magpsf, sigmapsf, diffmaglim, isdiffpos
    case magnr, sigmagnr, distnr, ra, dec, classification, cdsxmatch

    var name: String {
        switch self {
        case .objectId: "i:objectId"
        case .candid: "i:candid"
        case .jd: "i:jd"
        case .fid: "i:fid"
        case .tag: "d:tag"
        case .magpsf: "i:magpsf"
        case .sigmapsf: "i:sigmapsf"
        case .diffmaglim: "i:diffmaglim"
        case .isdiffpos: "i:isdiffpos"
        case .magnr: "i:magnr"
        case .sigmagnr: "i:sigmagnr"
        case .distnr: "i:distnr"
        case .ra: "i:ra"
        case .dec: "i:dec"
        case .classification: "v:classification"
        case .cdsxmatch: "d:cdsxmatch"
        }
    }
}

struct RawRow {
    var cells = [Cell](repeating: .absent, count: Column.allCases.count)
    var stamps: [StampKind: [[Double?]]] = [:]
    /// Stamp cells that could not be read, and why.
    var stampProblems: [StampKind: String] = [:]

    subscript(column: Column) -> Cell { cells[column.rawValue] }
}

/// Decodes only the needed keys of a row (the rest of the 130-odd columns are never materialised).
private struct JSONRow: Decodable {
    var raw = RawRow()
    private static let keys = Column.allCases.map { AnyKey($0.name) }
    private static let stampKeys = StampKind.allCases.map { AnyKey($0.column) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for column in Column.allCases {
            let key = Self.keys[column.rawValue]
            // Fast path: the expected type, straight from the container (no nested decoder, and
            // nothing thrown, which is what costs). Anything else goes through the Cell wrappers.
            switch column {
            case .candid, .fid:
                // candid as Int64: through Double it would lose its last digits.
                if let v = try? container.decodeIfPresent(Int64.self, forKey: key) {
                    raw.cells[column.rawValue] = .integer(v)
                    continue
                }
            case .objectId, .tag, .isdiffpos, .classification, .cdsxmatch:
                if let s = try? container.decodeIfPresent(String.self, forKey: key) {
                    raw.cells[column.rawValue] = .text(s)
                    continue
                }
            default:
                if let d = try? container.decodeIfPresent(Double.self, forKey: key) {
                    raw.cells[column.rawValue] = .number(d)
                    continue
                }
            }
            guard container.contains(key) else { continue }
            switch column {
            case .candid, .fid: raw.cells[column.rawValue] = try container.decode(IntegerFirstCell.self, forKey: key).cell
            case .objectId, .tag, .isdiffpos, .classification, .cdsxmatch:
                raw.cells[column.rawValue] = try container.decode(TextFirstCell.self, forKey: key).cell
            default: raw.cells[column.rawValue] = try container.decode(NumberFirstCell.self, forKey: key).cell
            }
        }
        for (k, kind) in StampKind.allCases.enumerated() {
            let key = Self.stampKeys[k]
            guard container.contains(key), try !container.decodeNil(forKey: key) else { continue }
            do {
                let rows = try container.decode([[Double?]].self, forKey: key)
                if !rows.isEmpty { raw.stamps[kind] = rows }
            } catch {
                raw.stampProblems[kind] = "not a 2-D array of numbers"
            }
        }
    }
}

private struct NumberFirstCell: Decodable {
    let cell: Cell
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { cell = .null }
        else if let d = try? c.decode(Double.self) { cell = .number(d) }
        else if let s = try? c.decode(String.self) { cell = .text(s) }
        else if let b = try? c.decode(Bool.self) { cell = .bool(b) }
        else { throw DecodingError.typeMismatch(Double.self, .init(codingPath: c.codingPath, debugDescription: "expected a number, string, boolean or null")) }
    }
}

private struct TextFirstCell: Decodable {
    let cell: Cell
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { cell = .null }
        else if let s = try? c.decode(String.self) { cell = .text(s) }
        else if let v = try? c.decode(Int64.self) { cell = .integer(v) }
        else if let d = try? c.decode(Double.self) { cell = .number(d) }
        else if let b = try? c.decode(Bool.self) { cell = .bool(b) }
        else { throw DecodingError.typeMismatch(String.self, .init(codingPath: c.codingPath, debugDescription: "expected a string, number, boolean or null")) }
    }
}

private struct IntegerFirstCell: Decodable {
    let cell: Cell
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { cell = .null }
        else if let v = try? c.decode(Int64.self) { cell = .integer(v) }
        else if let d = try? c.decode(Double.self) { cell = .number(d) }
        else if let s = try? c.decode(String.self) { cell = .text(s) }
        else if let b = try? c.decode(Bool.self) { cell = .bool(b) }
        else { throw DecodingError.typeMismatch(Int64.self, .init(codingPath: c.codingPath, debugDescription: "expected an integer, string, boolean or null")) }
    }
}

/// `{"b:cutoutScience_stampData": [[...]], ...}`; a value may be null.
private struct CutoutsAnswer: Decodable {
    var stamps: [StampKind: [[Double?]]?] = [:]
    var keys: [String] = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        keys = container.allKeys.map(\.stringValue)
        for kind in StampKind.allCases {
            let key = AnyKey(kind.column)
            guard container.contains(key) else { continue }
            stamps[kind] = try container.decodeNil(forKey: key) ? .some(nil) : try container.decode([[Double?]].self, forKey: key)
        }
    }
}
