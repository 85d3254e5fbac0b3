import Foundation

/// The document-information strings of a PDF written by Cairo (`/Title`, `/Subject`, …), decoded:
/// Cairo writes a plain ASCII string as a literal `(…)`, and one holding parentheses, a backslash
/// or anything beyond ASCII as UTF-16BE hex `<FEFF…>`, so a search of the raw bytes for a text
/// can miss it.
public enum PDFInfo {
    public static let keys = ["Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate"]

    public static func read(_ pdf: Data) -> [String: String] {
        // Binary streams decode to replacement characters; the information dictionary is ASCII.
        let text = String(decoding: pdf, as: UTF8.self)
        var result: [String: String] = [:]
        for key in keys {
            guard let found = text.range(of: "/\(key) ") else { continue }
            let rest = text[found.upperBound...]
            if rest.hasPrefix("<FEFF"), let end = rest.firstIndex(of: ">") {
                let hex = Array(rest[rest.index(rest.startIndex, offsetBy: 5)..<end])
                let units = stride(from: 0, to: hex.count - hex.count % 4, by: 4).map {
                    UInt16(String(hex[$0..<($0 + 4)]), radix: 16) ?? 0xFFFD
                }
                result[key] = String(decoding: units, as: UTF16.self)
            } else if rest.hasPrefix("(") {
                var value = "", escaped = false
                for c in rest.dropFirst() {
                    if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == ")" { break } else { value.append(c) }
                }
                result[key] = value
            }
        }
        return result
    }
}
