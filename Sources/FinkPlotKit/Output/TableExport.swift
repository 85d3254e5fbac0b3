import Foundation

/// RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled, CRLF line ends.
public enum CSVWriter {
    /// One field, RFC 4180 quoted when needed. Text a spreadsheet would run as a formula (a first
    /// character of `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, as OWASP advises; numbers,
    /// negative ones included, are left as they are, so the table stays numeric.
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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
