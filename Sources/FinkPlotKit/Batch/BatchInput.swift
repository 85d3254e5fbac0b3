import FinkAPI
import Foundation

/// Part K of N (1-based) of an id list, chosen by a stable hash of each id, so that N processes
/// on N machines given the same list cover it exactly once, whatever the list's order and
/// whatever the machine (Swift's `hashValue` is seeded per process and would not do).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw FinkError.invalidSetting(name: "--shard", value: "\(index)/\(count)", reason: "K/N needs 1 ≤ K ≤ N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`, e.g. `3/8`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else {
            throw FinkError.invalidSetting(name: "--shard", value: text, reason: "expected K/N, such as 3/8 (K from 1 to N)")
        }
        try self.init(index: k, count: n)
    }

    public func contains(_ key: String) -> Bool {
        Int(Self.stableHash(key) % UInt64(count)) == index - 1
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes.
    static func stableHash(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    public var description: String { "\(index)/\(count)" }
}

/// The ids of a batch, checked before anything is fetched.
public struct BatchInput: Sendable {
    public enum Item: Sendable, Equatable {
        case valid(ObjectKey)
        /// As typed (trimmed), with why it is not an objectId. Never sent, never a file name.
        case invalid(String, reason: String)

        /// The text the manifest records for this item.
        public var key: String {
            switch self {
            case let .valid(id): id.id
            case let .invalid(raw, _): raw
            }
        }
    }

    /// In first-seen order, each distinct id once.
    public var items: [Item]
    /// Repeats dropped (an id listed three times counts two).
    public var duplicates: Int

    public var validIds: [ObjectKey] {
        items.compactMap { if case let .valid(id) = $0 { id } else { nil } }
    }

    /// Validates `raw` ids (already split into one per element), drops repeats, and keeps the
    /// shard's part when one is given. Invalid ids are sharded by their text, so each appears in
    /// exactly one shard's manifest. Each id's survey follows from its shape, or is `survey`.
    public init(raw: [String], shard: Shard? = nil, survey: Survey? = nil) {
        var seen = Set<String>()
        var items: [Item] = []
        var duplicates = 0
        for text in raw {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard seen.insert(trimmed).inserted else {
                duplicates += 1
                continue
            }
            if let shard, !shard.contains(trimmed) { continue }
            // An id is never longer than a few dozen characters: a pasted blob is named, not echoed.
            if trimmed.count > 64 {
                items.append(.invalid(String(trimmed.prefix(40)) + "…", reason: "it has \(trimmed.count) characters; no survey's id is that long"))
                continue
            }
            do {
                items.append(.valid(try Surveys.key(trimmed, survey: survey)))
            } catch {
                items.append(.invalid(trimmed, reason: Self.reason(trimmed, error)))
            }
        }
        self.items = items
        self.duplicates = duplicates
    }

    /// Why `text` is not an id, without repeating it (the line that reports it names it), and in
    /// the user's terms: control characters and full-width letters are named as such.
    static func reason(_ text: String, _ error: FinkError) -> String {
        if ServerText.hasInvisibles(text) {
            return "invalid objectId: it contains control characters or bytes that are not text (shown here as \\xHH)"
        }
        // Full-width forms (U+FF01–FF5E, typed by East Asian input methods) of ASCII letters and digits.
        if text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) }) {
            let ascii = String(String.UnicodeScalarView(text.unicodeScalars.map { s in
                (0xFF01...0xFF5E).contains(s.value) ? Unicode.Scalar(s.value - 0xFEE0)! : s
            }))
            let hint = (try? Surveys.key(ascii)) != nil ? ": did you mean \(ascii)?" : ""
            return "invalid objectId: it is typed in full-width characters, not ASCII letters and digits\(hint)"
        }
        if case let .invalidObjectId(_, reason) = error { return "invalid objectId: \(reason)" }
        return error.description
    }

    /// Ids from an ids file: one per line; `#` starts a comment; blank lines are ignored. Commas
    /// and spaces also separate ids, so a line pasted from a table or a Python list still works.
    public static func parseList(_ text: String) -> [String] {
        var ids: [String] = []
        // `isNewline`: "\r\n" is one Character in Swift, equal neither to "\n" nor to "\r".
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for token in content.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                // Quotes from a pasted Python or JSON list.
                let cleaned = token.trimmingCharacters(in: CharacterSet(charactersIn: "\"'[]"))
                if !cleaned.isEmpty { ids.append(cleaned) }
            }
        }
        return ids
    }

    /// Reads an ids file, or standard input for `-`.
    public static func readList(path: String) throws -> [String] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw FinkError.file(path: path, message: "no such ids file")
            }
            if isDirectory.boolValue { throw FinkError.file(path: path, message: "is a directory, not an ids file") }
            // FileHandle, not Data(contentsOf:): a pipe from `<(…)` has no size to read up front.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw FinkError.file(path: path, message: "cannot be opened (\(String(cString: strerror(errno))))")
            }
            defer { try? handle.close() }
            do { data = try handle.readToEnd() ?? Data() } catch {
                throw FinkError.file(path: path, message: "cannot be read (\(String(cString: strerror(errno))))")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FinkError.file(path: path == "-" ? "standard input" : path, message: "the ids file is not UTF-8 text")
        }
        return parseList(text)
    }
}
