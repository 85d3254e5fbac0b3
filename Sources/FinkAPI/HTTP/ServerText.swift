import Foundation

/// Text the server (or any input) sent, made fit for one line of a terminal: a hostile or broken
/// server must not be able to recolour, retitle or scramble the user's terminal through an
/// error message, nor flood it with an HTML page.
public enum ServerText {
    /// The longest summary, in characters, before it is cut with "…".
    public static let summaryLimit = 300

    /// One line saying what an error body says:
    /// - an HTML page: its `<title>`, else its first heading, else its text without tags;
    /// - a Fink error `{'status': 'error', 'text': '…'}` (a Python dict repr, or JSON): the text;
    /// - anything else: the body itself, made safe;
    /// - mostly binary bytes: "(binary data, not text)".
    /// Always without control characters or escape sequences, at most `limit` characters.
    public static func summary(of body: String, limit: Int = summaryLimit) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "" }
        if isBinary(trimmed) { return "(binary data, not text)" }
        let text: String
        if let message = errorDictText(trimmed) {
            text = message
        } else if isHTML(trimmed) {
            text = htmlSummary(trimmed)
        } else {
            text = trimmed
        }
        return cut(sanitized(text, keepNewlines: false), limit: limit)
    }

    /// `text` without escape sequences (CSI, OSC, ...), control characters, replacement characters
    /// left by binary bytes, or bidirectional overrides. New lines and tabs are kept when
    /// `keepNewlines`, else every run of white space becomes one space (and the ends are trimmed).
    public static func sanitized(_ text: String, keepNewlines: Bool = true) -> String {
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pendingSpace = false
        func emit(_ scalar: Unicode.Scalar) {
            if !keepNewlines {
                if scalar.properties.isWhitespace { pendingSpace = !out.isEmpty; return }
                if pendingSpace { out.append(" "); pendingSpace = false }
            }
            out.append(scalar)
        }
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x1B:
                skipEscape(&scalars)
            case 0x9B:
                skipCSI(&scalars)
            case 0x09, 0x0A, 0x0D:
                if keepNewlines { if scalar.value != 0x0D { out.append(scalar) } } else { emit(" ") }
            case 0x00...0x1F, 0x7F...0x9F, 0xFFFD, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                continue
            default:
                emit(scalar)
            }
        }
        return String(out)
    }

    /// `text` with what a terminal would act on, or not show, written out instead: control
    /// characters as `\x1B`, bidirectional overrides as `\u{202E}`, bytes that were not UTF-8
    /// (U+FFFD) as `\u{FFFD}`. For echoing what a user typed (an id): unlike `sanitized`, which drops
    /// them, the user sees what is there and why it is refused.
    /// With `keepNewlines`, line feeds and tabs stay as they are (a multi-line message).
    public static func visible(_ text: String, keepNewlines: Bool = false) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A where keepNewlines:
                out.unicodeScalars.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F:
                out += "\\x" + hex(scalar.value, digits: 2)
            case 0xFFFD, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{" + hex(scalar.value, digits: 4) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// True when `text` holds something `visible` writes out.
    public static func hasInvisibles(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            switch $0.value {
            case 0x00...0x1F, 0x7F...0x9F, 0xFFFD, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let h = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    // MARK: Pieces

    /// ESC already read: skips a CSI (`ESC [ … final`), a string sequence (OSC, DCS, APC, PM, SOS:
    /// up to BEL or `ESC \`), or a two-character sequence.
    private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let next = scalars.next() else { return }
        switch next {
        case "[": skipCSI(&scalars)
        case "]", "P", "X", "^", "_":
            var previousWasEscape = false
            while let s = scalars.next() {
                if s.value == 0x07 || (previousWasEscape && s == "\\") || s.value == 0x9C { return }
                previousWasEscape = s.value == 0x1B
            }
        default: return
        }
    }

    /// Parameters and intermediates (0x20–0x3F), then one final byte (0x40–0x7E).
    private static func skipCSI(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let s = scalars.next() {
            if (0x40...0x7E).contains(s.value) || !(0x20...0x3F).contains(s.value) { return }
        }
    }

    private static func cut(_ text: String, limit: Int) -> String {
        text.count > limit ? String(text.prefix(max(0, limit))) + "…" : text
    }

    /// NUL bytes or many replacement characters: bytes that were never text.
    private static func isBinary(_ text: String) -> Bool {
        var total = 0, bad = 0
        for scalar in text.unicodeScalars.prefix(4096) {
            total += 1
            if scalar.value == 0 || scalar.value == 0xFFFD { bad += 1 }
        }
        return total > 0 && bad * 10 > total
    }

    static func isHTML(_ text: String) -> Bool {
        guard text.hasPrefix("<") else { return false }
        let head = text.prefix(2048).lowercased()
        return head.hasPrefix("<!doctype html") || head.contains("<html") || head.contains("</")
    }

    /// The title, else the first heading, else all the text outside tags, scripts and styles.
    static func htmlSummary(_ html: String) -> String {
        for pattern in [#"(?is)<title\b[^>]*>(.*?)</title\s*>"#, #"(?is)<h[1-6]\b[^>]*>(.*?)</h[1-6]\s*>"#] {
            guard let regex = try? Regex(pattern), let match = try? regex.firstMatch(in: html),
                  let inner = match.output[1].substring else { continue }
            let text = plainText(String(inner))
            if !text.isEmpty { return text }
        }
        return plainText(html)
    }

    private static func plainText(_ html: String) -> String {
        var text = html
        for pattern in [#"(?is)<script\b.*?</script\s*>"#, #"(?is)<style\b.*?</style\s*>"#, #"(?s)<!--.*?-->"#, #"(?s)<[^>]*>"#] {
            if let regex = try? Regex(pattern) { text = text.replacing(regex, with: " ") }
        }
        return sanitized(decodeEntities(text), keepNewlines: false)
    }

    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
        guard let regex = try? Regex(#"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});"#) else { return text }
        return text.replacing(regex) { match -> String in
            let name = String(match.output[1].substring ?? "")
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? ""
            }
            if name.hasPrefix("#") {
                return UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? ""
            }
            return named[name.lowercased()] ?? String(match.output[0].substring ?? "")
        }
    }

    /// The `text` member of Fink's error answer, `{'status': 'error', 'text': '…'}` as a Python
    /// repr (single quotes, Python escapes) or as JSON; nil for anything else.
    static func errorDictText(_ body: String) -> String? {
        guard body.hasPrefix("{"), body.hasSuffix("}") else { return nil }
        let scalars = Array(body.unicodeScalars)
        var i = 0
        while i < scalars.count {
            // A key "text" in either quote, then a colon, then a quoted value.
            guard scalars[i] == "'" || scalars[i] == "\"",
                  i + 5 < scalars.count,
                  String(String.UnicodeScalarView(scalars[(i + 1)...(i + 4)])) == "text",
                  scalars[i + 5] == scalars[i] else { i += 1; continue }
            var j = i + 6
            while j < scalars.count, scalars[j] == " " { j += 1 }
            guard j < scalars.count, scalars[j] == ":" else { i += 1; continue }
            j += 1
            while j < scalars.count, scalars[j] == " " { j += 1 }
            guard j < scalars.count, scalars[j] == "'" || scalars[j] == "\"" else { return nil }
            return pythonString(scalars, openingAt: j)
        }
        return nil
    }

    /// A Python (or JSON) string literal starting at the quote `start`, escapes decoded.
    private static func pythonString(_ s: [Unicode.Scalar], openingAt start: Int) -> String? {
        let quote = s[start]
        var out = String.UnicodeScalarView()
        var i = start + 1
        func hex(_ count: Int) -> Unicode.Scalar? {
            guard i + count < s.count else { return nil }
            let digits = String(String.UnicodeScalarView(s[(i + 1)...(i + count)]))
            guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
            i += count
            return scalar
        }
        while i < s.count {
            let c = s[i]
            if c == quote { return String(out) }
            if c == "\\", i + 1 < s.count {
                i += 1
                switch s[i] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "x": if let h = hex(2) { out.append(h) }
                case "u": if let h = hex(4) { out.append(h) }
                case "U": if let h = hex(8) { out.append(h) }
                default: out.append(s[i])
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        return nil
    }
}
