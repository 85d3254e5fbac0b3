import Foundation

/// The three kinds of image stamp attached to an alert (ZTF and Rubin alike).
public enum StampKind: String, Sendable, CaseIterable, Comparable {
    case science = "Science"
    case template = "Template"
    case difference = "Difference"

    public static func < (a: StampKind, b: StampKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A cutout as the API sends it: a grid of float32 pixels, `rows[0]` being FITS row 0.
///
/// Missing pixels (JSON `null`, `NaN`, or float32 sentinels beyond ±1e30) are stored as NaN.
/// Sizes vary: stamps at a detector edge are 58×63 or 63×62, never assume 63×63.
public struct Stamp: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, FITS row 0 first (the *bottom* row of the sky image).
    public let pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "stamp pixel count must be width × height")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Builds a stamp from nested rows; ragged rows are padded with NaN to the widest row.
    public init(rows: [[Double?]]) {
        let width = rows.map(\.count).max() ?? 0
        var pixels = [Float](repeating: .nan, count: width * rows.count)
        for (r, row) in rows.enumerated() {
            for (c, value) in row.enumerated() {
                if let v = value, v.isFinite, abs(v) <= 1e30 { pixels[r * width + c] = Float(v) }
            }
        }
        self.init(width: width, height: rows.count, pixels: pixels)
    }

    public subscript(row: Int, column: Int) -> Float { pixels[row * width + column] }

    /// True when there is nothing to draw: no pixels, or none finite.
    public var isEmpty: Bool { !pixels.contains { $0.isFinite } }

    /// Missing pixels are NaN, and NaN != NaN: the synthesised `==` made every stamp with a missing
    /// pixel unequal to itself. Two missing pixels are the same pixel.
    public static func == (a: Stamp, b: Stamp) -> Bool {
        guard a.width == b.width, a.height == b.height else { return false }
        for i in a.pixels.indices where a.pixels[i] != b.pixels[i] && !(a.pixels[i].isNaN && b.pixels[i].isNaN) {
            return false
        }
        return true
    }
}

/// Thrown by a source's `stamps(of:object:)` when some of an alert's stamps were saved but cannot
/// be read (a damaged stamp cell, a FITS file that is not one): the stamps that could be read, and
/// why each other is missing, naming the file or row. The alert is drawn with what there is and
/// the problems become notes, as after a failed `/api/v1/cutouts` request: the user hears why.
public struct UnreadableStamps: Error, Sendable, Equatable, CustomStringConvertible {
    public var stamps: [StampKind: Stamp]
    public var problems: [String]

    public init(stamps: [StampKind: Stamp], problems: [String]) {
        self.stamps = stamps
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "; ") }
}
