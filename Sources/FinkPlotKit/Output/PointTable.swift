import FinkAPI
import Foundation

/// The drawn points of many objects as one CSV (`--table` of a batch, a card or a cutout grid):
/// each object adds its rows as it is drawn, from the same values as its figure, and `write`
/// puts them in the order the ids were given once all are in.
///
/// Objects of several surveys (ZTF and Rubin ids in one list) share one header: a first column
/// `survey`, the ids under the common names `objectId` and `alertId` (ZTF's objectId and candid,
/// Rubin's diaObjectId and diaSourceId), then the union of the other columns in order of first
/// appearance, a cell left empty where an object has no such column (ZTF's `y_diffmag` and
/// Rubin's `y_mag` are different quantities, so they stay apart). A table of one survey keeps
/// that survey's own column names.
public final class PointTable: @unchecked Sendable {
    public let url: URL
    // Guarded by `lock`: objects finish on several tasks. Each row is kept as one string, its
    // fields joined by U+001F (which no field holds: numbers, ids, bands, tags), a few times
    // smaller than an array of strings when a batch tables millions of points.
    private let lock = NSLock()
    private var tables: [ObjectKey: (header: [String], rows: [String])] = [:]
    private static let separator: Character = "\u{1F}"

    public init(url: URL) { self.url = url }

    public func add(_ key: ObjectKey, header: [String], rows: [[String]]) {
        let packed = rows.map { $0.joined(separator: String(Self.separator)) }
        lock.withLock { tables[key] = (header, packed) }
    }

    /// The CSV of the objects of `order` that added rows (in that order), and how many objects and
    /// rows it holds; nil when none did.
    public func csv(order: [ObjectKey]) -> (text: String, objects: Int, rows: Int)? {
        let byKey = lock.withLock { tables }
        let keys = order.filter { byKey[$0] != nil }
        guard !keys.isEmpty else { return nil }
        let mixed = Set(keys.map(\.survey)).count > 1
        let parts = keys.map { key -> (header: [String], rows: [String], prefix: [String]) in
            let part = byKey[key]!
            guard mixed else { return (part.header, part.rows, []) }
            let profile = Surveys.profile(key.survey)
            let names = part.header.map { name in
                name == profile?.idName ? "objectId" : name == profile?.alertIdName ? "alertId" : name
            }
            return (["survey"] + names, part.rows, [key.survey.name])
        }
        var header: [String] = []
        for part in parts { for name in part.header where !header.contains(name) { header.append(name) } }
        var text = header.map(CSVWriter.field).joined(separator: ",") + "\n"
        var count = 0
        for part in parts {
            let column = Dictionary(part.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            for packed in part.rows {
                let row = part.prefix + packed.split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init)
                text += header.map { name in column[name].map { $0 < row.count ? row[$0] : "" } ?? "" }
                    .map(CSVWriter.field).joined(separator: ",") + "\n"
                count += 1
            }
        }
        return (text, parts.count, count)
    }

    /// Writes the table atomically; nil (and nothing written) when no object was drawn.
    @discardableResult
    public func write(order: [ObjectKey]) throws -> (objects: Int, rows: Int)? {
        guard let table = csv(order: order) else { return nil }
        try AtomicFile.write(Data(table.text.utf8), to: url)
        return (table.objects, table.rows)
    }
}
