import Foundation

/// Descriptive metadata stored inside an output file: PDF document information, PNG text chunks.
/// Knows nothing of what the figure shows; callers decide the words.
public struct DocumentMetadata: Sendable, Equatable {
    public var title: String?
    public var author: String?
    public var subject: String?
    public var keywords: String?
    /// The program that made the file (PDF Creator, PNG `Software`).
    public var creator: String?
    /// ISO 8601 UTC, e.g. `2026-11-21T20:15:00Z` (PDF CreationDate, PNG `Creation Time`). Given
    /// explicitly so that re-rendering with the same metadata gives the same bytes.
    public var creationDate: String?
    /// Further PNG text chunks (keyword, text) after the standard ones, e.g. `("finkplot:spec", json)`.
    public var extraText: [PNGText.Chunk]

    public init(title: String? = nil, author: String? = nil, subject: String? = nil, keywords: String? = nil,
                creator: String? = nil, creationDate: String? = nil, extraText: [PNGText.Chunk] = []) {
        self.title = title; self.author = author; self.subject = subject; self.keywords = keywords
        self.creator = creator; self.creationDate = creationDate; self.extraText = extraText
    }

    /// The PNG text chunks: the PNG specification's predefined keywords, then `extraText`.
    public var pngChunks: [PNGText.Chunk] {
        var chunks: [PNGText.Chunk] = []
        if let title { chunks.append(.init("Title", title)) }
        if let author { chunks.append(.init("Author", author)) }
        if let subject { chunks.append(.init("Description", subject)) }
        if let keywords { chunks.append(.init("Comment", keywords)) }
        if let creator { chunks.append(.init("Software", creator)) }
        if let creationDate { chunks.append(.init("Creation Time", creationDate)) }
        return chunks + extraText
    }
}

/// Text chunks in PNG bytes, whatever encoder wrote them: insert after IHDR, read back.
public enum PNGText {
    public struct Chunk: Sendable, Equatable {
        /// 1–79 printable Latin-1 characters (PNG keyword rules).
        public var keyword: String
        public var text: String
        public init(_ keyword: String, _ text: String) { self.keyword = keyword; self.text = text }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notPNG
        case badKeyword(String)
        case truncated(offset: Int)

        public var description: String {
            switch self {
            case .notPNG: "not PNG data (no PNG signature followed by IHDR)"
            case let .badKeyword(k): "invalid PNG text keyword '\(k)': 1-79 printable Latin-1 characters, no leading, trailing or double spaces"
            case let .truncated(offset): "PNG data ends inside a chunk at byte \(offset)"
            }
        }
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `png` with `chunks` inserted right after IHDR, so readers that stop early still see them.
    /// Text that is printable Latin-1 goes in `tEXt`; anything else in an uncompressed `iTXt` (UTF-8).
    public static func inserting(_ chunks: [Chunk], into png: Data) throws -> Data {
        let bytes = [UInt8](png)
        // Signature (8) + IHDR: length 4, type 4, 13 data bytes, CRC 4.
        guard bytes.count >= 33, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw Failure.notPNG
        }
        var out = Array(bytes[0..<33])
        for chunk in chunks { out += try encode(chunk) }
        out += bytes[33...]
        return Data(out)
    }

    /// `png` with a `pHYs` chunk after IHDR giving `dpi` as pixels per metre, so LaTeX and word
    /// processors place a 300 dpi figure at its physical size, not at screen size.
    public static func insertingResolution(dpi: Double, into png: Data) throws -> Data {
        let bytes = [UInt8](png)
        guard bytes.count >= 33, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw Failure.notPNG
        }
        let perMetre = UInt32(max(1, min(Double(UInt32.max), (dpi / 0.0254).rounded())))
        // pHYs: x and y pixels per unit, unit 1 = metre (PNG specification, section 11.3.5.3).
        let chunk = frame("pHYs", bigEndian(perMetre) + bigEndian(perMetre) + [1])
        return Data(Array(bytes[0..<33]) + chunk + bytes[33...])
    }

    /// The resolution a `pHYs` chunk gives, in dots per inch; nil without one (or in other units).
    public static func resolution(of png: Data) -> Double? {
        let bytes = [UInt8](png)
        var i = 8
        while i + 12 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            if type == "pHYs", length == 9, i + 17 <= bytes.count, bytes[i + 16] == 1 {
                let x = UInt32(bytes[i + 8]) << 24 | UInt32(bytes[i + 9]) << 16 | UInt32(bytes[i + 10]) << 8 | UInt32(bytes[i + 11])
                return Double(x) * 0.0254
            }
            if type == "IDAT" { return nil }
            i += 12 + length
        }
        return nil
    }

    static func encode(_ chunk: Chunk) throws -> [UInt8] {
        guard let key = chunk.keyword.data(using: .isoLatin1), (1...79).contains(key.count),
              key.allSatisfy({ (0x20...0x7E).contains($0) || $0 >= 0xA1 }),
              !chunk.keyword.hasPrefix(" "), !chunk.keyword.hasSuffix(" "), !chunk.keyword.contains("  ")
        else { throw Failure.badKeyword(chunk.keyword) }
        if let latin1 = chunk.text.data(using: .isoLatin1),
           latin1.allSatisfy({ (0x20...0x7E).contains($0) || $0 >= 0xA1 || $0 == 0x0A }) {
            return frame("tEXt", [UInt8](key) + [0] + [UInt8](latin1))
        }
        // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text.
        return frame("iTXt", [UInt8](key) + [0, 0, 0, 0, 0] + [UInt8](chunk.text.utf8))
    }

    /// length, type, data, CRC-32 over type and data (PNG specification, section 5.3).
    static func frame(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = [UInt8](type.utf8)
        var out = bigEndian(UInt32(data.count))
        out += typeBytes + data
        out += bigEndian(CRC32.checksum(typeBytes + data))
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// Every `tEXt` and uncompressed `iTXt` chunk of `png`, in file order. CRCs are checked.
    public static func read(_ png: Data) throws -> [Chunk] {
        let bytes = [UInt8](png)
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw Failure.notPNG }
        var chunks: [Chunk] = []
        var i = 8
        while i + 8 <= bytes.count {
            let length = Int(UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3]))
            let type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            guard i + 12 + length <= bytes.count else { throw Failure.truncated(offset: i) }
            let data = Array(bytes[(i + 8)..<(i + 8 + length)])
            let stored = bytes[(i + 8 + length)..<(i + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard stored == CRC32.checksum(Array(bytes[(i + 4)..<(i + 8)]) + data) else { throw Failure.truncated(offset: i) }
            if type == "tEXt", let nul = data.firstIndex(of: 0) {
                chunks.append(Chunk(latin1(data[..<nul]), latin1(data[(nul + 1)...])))
            } else if type == "iTXt", let nul = data.firstIndex(of: 0), nul + 2 < data.count, data[nul + 1] == 0 {
                // Skip compression flag and method, then language tag and translated keyword (NUL-terminated).
                var j = nul + 3
                for _ in 0..<2 { while j < data.count, data[j] != 0 { j += 1 }; j += 1 }
                if j <= data.count { chunks.append(Chunk(latin1(data[..<nul]), String(decoding: data[j...], as: UTF8.self))) }
            }
            if type == "IEND" { break }
            i += 12 + length
        }
        return chunks
    }

    static func latin1(_ bytes: ArraySlice<UInt8>) -> String { String(bytes.map { Character(Unicode.Scalar($0)) }) }
}

/// CRC-32 as PNG (and zlib) define it: polynomial 0xEDB88320 (reflected), initial value and final
/// XOR 0xFFFFFFFF. `checksum(Array("IEND".utf8)) == 0xAE426082`.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// An SVG `<metadata>` element right after the root element's start tag (Cairo writes none).
enum SVGMetadata {
    static func inserting(_ m: DocumentMetadata, into svg: Data) -> Data {
        var text = String(decoding: svg, as: UTF8.self)
        guard let start = text.range(of: "<svg"), let end = text.range(of: ">", range: start.upperBound..<text.endIndex) else {
            return svg
        }
        let lines = m.pngChunks.map { "  <finkplot:entry key=\"\(escape($0.keyword))\">\(escape($0.text))</finkplot:entry>" }
        let title = m.title.map { "<title>\(escape($0))</title>\n" } ?? ""
        let element = "\n\(title)<metadata xmlns:finkplot=\"urn:finkplot:metadata\">\n" + lines.joined(separator: "\n") + "\n</metadata>"
        text.insert(contentsOf: element, at: end.upperBound)
        return Data(text.utf8)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
