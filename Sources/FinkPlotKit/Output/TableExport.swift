import Foundation

/// RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled, CRLF line ends.
public enum CSVWriter {
    /// One field, RFC 4180 quoted when needed. Text a spreadsheet would run as a formula (a first
    /// character of `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, as OWASP advises; decimal
    /// numbers (`-0.5`, `+3`, `-1.2e-05`), negative ones included, are left as they are, so the
    /// table stays numeric. Only plain decimals count as numbers: `-inf`, `-nan` or `-0x1p3`,
    /// which Swift would parse, are text to a spreadsheet (our numbers are never written so).
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first), !isDecimal(text) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `[+-]digits[.digits][e[+-]digits]`, at least one digit before the exponent.
    static func isDecimal(_ text: String) -> Bool {
        let b = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        var mantissa = digits()
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; mantissa += digits() }
        guard mantissa > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }

    /// A header and rows; a nil cell is written empty.
    public static func table(header: [String], rows: [[String?]]) -> Data {
        var out = header.map(field).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map { field($0 ?? "") }.joined(separator: ",") + "\r\n"
        }
        return Data(out.utf8)
    }

    /// A number as CSV text: integers without a decimal point, others with full precision.
    public static func number(_ value: Double?) -> String? {
        guard let v = value, v.isFinite else { return nil }
        return NumberText.plain(v)
    }
}

/// Where `--table` files go: into their folder, made if missing (as `--output-dir` makes its
/// own), written atomically. Commands write the table before the figure, so a table that
/// cannot be written fails the run before any figure exists.
public enum TableFile {
    public static func write(_ data: Data, to url: URL) throws {
        if url.path != "/dev/stdout" { try AtomicFile.ensureDirectory(url.deletingLastPathComponent()) }
        try AtomicFile.write(data, to: url)
    }
}

/// Counts as people read them.
public enum CountFormat {
    /// `12 051`, `1 234 567`: thin spaces between thousands (SI style; no locale-dependent commas).
    public static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let n = Int64(value.rounded())
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{2009}" }
            out.append(c)
        }
        return (n < 0 ? "\u{2212}" : "") + out
    }

    /// The unit an axis of counts up to `maximum` reads best in: its divisor and the words for the
    /// title. Tick labels stay short (`150`, not `150000` or `1.5e+05`).
    public static func unit(forMaximum maximum: Double) -> (divisor: Double, words: String?) {
        if maximum >= 10_000_000 { return (1_000_000, "millions") }
        if maximum >= 10_000 { return (1_000, "thousands") }
        return (1, nil)
    }
}
