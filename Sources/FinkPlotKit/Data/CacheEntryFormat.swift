import FinkAPI
import Foundation

/// The bytes of one cache entry: a small JSON header (what was fetched, from where, when) and a
/// binary body (the points as columns of little-endian numbers, or a stamp's float32 pixels).
///
///     "FINKPLOT"  UInt32 header length   header (JSON)   body
///
/// Why binary: a batch reads one entry per figure, and decoding 1,000 points of JSON columns with
/// Foundation's `JSONDecoder` cost more than drawing the figure (about 10 ms against 0.2 ms here).
/// The header stays JSON so an entry can still be inspected (`head -c 2000 entry`), and the
/// summary and notes, which are small and varied, need no hand-written coding.
///
/// Every read is bounds-checked: a truncated or damaged entry decodes to nil (a miss), never a trap.
enum CacheEntryFormat {
    static let magic = Array("FINKPLOT".utf8)

    static func encode(header: some Encodable, body: [UInt8]) throws -> Data {
        let encoder = JSONEncoder()
        // Headers hold no floats but fetchedAt; a damaged value must still not abort a batch.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = try encoder.encode(header)
        var out = ByteWriter()
        out.bytes.reserveCapacity(magic.count + 4 + json.count + body.count)
        out.bytes += magic
        out.uint32(UInt32(json.count))
        out.bytes += json
        out.bytes += body
        return Data(out.bytes)
    }

    /// The header and the body's bytes, or nil when `data` is not an entry of this format.
    static func decode<Header: Decodable>(_ type: Header.Type, from data: Data) -> (header: Header, body: Data)? {
        guard data.count >= magic.count + 4, data.prefix(magic.count).elementsEqual(magic) else { return nil }
        var reader = ByteReader(data.dropFirst(magic.count))
        guard let length = reader.uint32().map(Int.init), let json = reader.bytes(length),
              let header = try? JSONDecoder().decode(Header.self, from: json)
        else { return nil }
        return (header, reader.rest)
    }
}

// MARK: - Points

/// Columns of points, in the body of an object entry. Each optional column is a presence byte
/// per point followed by the values (absent ones as zero); strings (bands, kinds, units) are
/// indices into a table kept in the header, so a band name is stored once per entry.
struct PointColumns {
    static let noString = UInt16.max

    static func encode(_ points: [PhotometryPoint]) -> (strings: [String], body: [UInt8]) {
        var table: [String: UInt16] = [:]
        var strings: [String] = []
        func index(_ s: String?) -> UInt16 {
            guard let s else { return noString }
            if let i = table[s] { return i }
            // More distinct strings than UInt16 can index cannot happen (a handful of bands,
            // kinds and units); store the overflow as absent rather than a wrong name.
            guard strings.count < Int(noString) else { return noString }
            let i = UInt16(strings.count)
            table[s] = i
            strings.append(s)
            return i
        }
        var w = ByteWriter()
        let n = points.count
        w.bytes.reserveCapacity(n * 120)
        w.uint32(UInt32(n))
        for p in points { w.double(p.mjd) }
        for p in points { w.uint16(index(p.band)) }
        for p in points { w.uint16(index(p.kind.rawValue)) }
        w.optional(points.map(\.alertId)) { $0.int64($1) }
        for value in [\PhotometryPoint.magnitude, \.differenceFlux, \.totalFlux] {
            let column = points.map { $0[keyPath: value] }
            for v in column { w.uint16(index(v?.unit.rawValue)) }
            w.optional(column.map { $0?.value }) { $0.double($1) }
            w.optional(column.map { $0?.error }) { $0.double($1) }
        }
        for p in points { w.bytes.append(p.isNegative.map { $0 ? 1 : 0 } ?? 2) }
        w.optional(points.map(\.reference)) { w, r in w.double(r.magnitude); w.double(r.error); w.double(r.distance) }
        return (strings, w.bytes)
    }

    /// nil when the body is short, long, or names a string or unit that does not exist.
    static func decode(_ body: Data, strings: [String]) -> [PhotometryPoint]? {
        var r = ByteReader(body)
        guard let count = r.uint32().map(Int.init), count <= body.count / 8 else { return nil }
        func string(_ i: UInt16) -> String?? {
            i == noString ? .some(nil) : (Int(i) < strings.count ? .some(strings[Int(i)]) : nil)
        }
        guard let mjd = r.doubles(count), let bands = r.uint16s(count), let kinds = r.uint16s(count),
              let alerts = r.optional(count, { $0.int64() })
        else { return nil }
        var values: [[PhotometricValue?]] = []
        for _ in 0..<3 {
            guard let units = r.uint16s(count), let value = r.optional(count, { $0.double() }),
                  let error = r.optional(count, { $0.double() })
            else { return nil }
            var column: [PhotometricValue?] = []
            column.reserveCapacity(count)
            for i in 0..<count {
                guard let v = value[i] else { column.append(nil); continue }
                guard let name = string(units[i]), let unit = name.flatMap(PhotometricUnit.init(rawValue:)) else { return nil }
                column.append(PhotometricValue(v, error: error[i], unit: unit))
            }
            values.append(column)
        }
        guard let negatives = r.bytes(count).map(Array.init),
              let references = r.optional(count, { r -> ReferenceSource? in
                  guard let m = r.double(), let e = r.double(), let d = r.double() else { return nil }
                  return ReferenceSource(magnitude: m, error: e, distance: d)
              }),
              r.isAtEnd
        else { return nil }
        var points: [PhotometryPoint] = []
        points.reserveCapacity(count)
        for i in 0..<count {
            guard let band = string(bands[i]).flatMap({ $0 }), let kindName = string(kinds[i]).flatMap({ $0 }),
                  let kind = PointKind(rawValue: kindName), negatives[i] <= 2
            else { return nil }
            var p = PhotometryPoint(mjd: mjd[i], band: band, kind: kind, alertId: alerts[i])
            p.magnitude = values[0][i]
            p.differenceFlux = values[1][i]
            p.totalFlux = values[2][i]
            p.isNegative = negatives[i] == 2 ? nil : negatives[i] == 1
            p.reference = references[i]
            points.append(p)
        }
        return points
    }
}

// MARK: - Bytes

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func uint16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func uint32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func int64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    /// The bit pattern: NaN and infinities come back exactly.
    mutating func double(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    mutating func float(_ v: Float) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }

    /// A presence byte per value, then the present values (absent ones skipped).
    mutating func optional<T>(_ values: [T?], _ write: (inout ByteWriter, T) -> Void) {
        for v in values { bytes.append(v == nil ? 0 : 1) }
        for case let v? in values { write(&self, v) }
    }
}

/// Reads little-endian values from the front of some bytes; every read is nil past the end.
struct ByteReader {
    private let data: Data
    private var offset: Int

    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    var isAtEnd: Bool { offset == data.endIndex }
    var rest: Data { data[offset...] }

    mutating func bytes(_ count: Int) -> Data? {
        guard count >= 0, data.endIndex - offset >= count else { return nil }
        defer { offset += count }
        return data[offset..<(offset + count)]
    }

    private mutating func load<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard data.endIndex - offset >= size else { return nil }
        let value = data.withUnsafeBytes { raw in
            raw.loadUnaligned(fromByteOffset: offset - data.startIndex, as: T.self)
        }
        offset += size
        return T(littleEndian: value)
    }

    mutating func uint16() -> UInt16? { load(UInt16.self) }
    mutating func uint32() -> UInt32? { load(UInt32.self) }
    mutating func int64() -> Int64? { load(Int64.self) }
    mutating func double() -> Double? { load(UInt64.self).map(Double.init(bitPattern:)) }

    /// `count` doubles in one pass (the hot path of an object entry: times and fluxes).
    mutating func doubles(_ count: Int) -> [Double]? {
        guard count >= 0, (data.endIndex - offset) / 8 >= count else { return nil }
        let start = offset - data.startIndex
        let values = data.withUnsafeBytes { raw in
            [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    buffer[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + i * 8, as: UInt64.self)))
                }
                initialized = count
            }
        }
        offset += count * 8
        return values
    }

    /// `count` float32 values (a stamp's pixels; NaN comes back exactly).
    mutating func floats(_ count: Int) -> [Float]? {
        guard count >= 0, (data.endIndex - offset) / 4 >= count else { return nil }
        let start = offset - data.startIndex
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * 4, as: UInt32.self))) }
        }
        offset += count * 4
        return values
    }

    mutating func uint16s(_ count: Int) -> [UInt16]? {
        guard count >= 0, (data.endIndex - offset) / 2 >= count else { return nil }
        let start = offset - data.startIndex
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * 2, as: UInt16.self)) }
        }
        offset += count * 2
        return values
    }

    /// The form `ByteWriter.optional` wrote: presence bytes, then the present values.
    mutating func optional<T>(_ count: Int, _ read: (inout ByteReader) -> T?) -> [T?]? {
        guard let presence = bytes(count) else { return nil }
        var out: [T?] = []
        out.reserveCapacity(count)
        for flag in presence {
            switch flag {
            case 0: out.append(nil)
            case 1:
                guard let v = read(&self) else { return nil }
                out.append(v)
            default: return nil
            }
        }
        return out
    }
}
