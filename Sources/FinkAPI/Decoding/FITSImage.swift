import CCFITSIO
import Foundation

/// Reads FITS stamps (Rubin cutouts) with cfitsio, from bytes in memory: a stamp fetched over
/// HTTP never touches the disk.
public enum FITSImage {
    /// The image of HDU 0 as float32 pixels, FITS row 0 first (`Stamp`'s order), whatever its
    /// BITPIX (BSCALE/BZERO applied by cfitsio). NaN pixels, integer BLANK pixels and values
    /// beyond ±1e30 become NaN, as in `Stamp(rows:)`. `source` (URL or path) names the bytes in
    /// errors, which carry cfitsio's own text.
    public static func primaryImage(_ data: Data, source: String) throws(FinkError) -> Stamp {
        guard !data.isEmpty else {
            throw .decoding(source: source, message: "the answer is empty (expected a FITS file)")
        }
        // Every FITS file starts with this card; cfitsio would only say "could not interpret
        // the primary array header" of a JSON error or an HTML page.
        guard data.starts(with: Array("SIMPLE  =".utf8)) else {
            let start = String(decoding: data.prefix(40), as: UTF8.self).map { $0.isASCII && !$0.isNewline ? $0 : "·" }
            throw .decoding(source: source, message: "not a FITS file: it starts with `\(String(start))`")
        }
        // cfitsio's error-message stack is process-wide: one reader at a time keeps each error's
        // messages its own. A 30×30 stamp reads in microseconds, so nothing waits long.
        lock.lock()
        defer { lock.unlock() }
        let file = try FITSFile(data, source: source)
        return try file.primaryImage()
    }

    private static let lock = NSLock()
}

/// An open in-memory FITS file. Owns the `fitsfile` and the bytes cfitsio reads, so both are
/// released whatever path the caller leaves by.
private final class FITSFile {
    private let source: String
    private var handle: UnsafeMutablePointer<fitsfile>?
    // ffomem keeps the *addresses* of the buffer pointer and size: they must outlive the handle.
    private let bufferAddress = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
    private let sizeAddress = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private let buffer: UnsafeMutableRawPointer
    private let byteCount: Int

    init(_ data: Data, source: String) throws(FinkError) {
        self.source = source
        byteCount = data.count
        // Zero-padded to whole 2880-byte FITS blocks: cfitsio reads the data unit by blocks.
        let padded = (data.count + 2879) / 2880 * 2880
        buffer = .allocate(byteCount: padded, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: padded)
        data.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: data.count) }
        bufferAddress.initialize(to: buffer)
        sizeAddress.initialize(to: data.count)
        ffcmsg()
        var status: Int32 = 0
        // READONLY with no realloc function: cfitsio never writes to or reallocates the buffer.
        ffomem(&handle, Self.memoryName, READONLY, bufferAddress, sizeAddress, 0, nil, &status)
        try check(status, "opening the FITS data")
    }

    deinit {
        if let handle {
            var status: Int32 = 0
            ffclos(handle, &status)
        }
        ffcmsg()
        bufferAddress.deallocate()
        sizeAddress.deallocate()
        buffer.deallocate()
    }

    func primaryImage() throws(FinkError) -> Stamp {
        var status: Int32 = 0
        var hduType: Int32 = 0
        ffmahd(handle, 1, &hduType, &status)
        try check(status, "moving to HDU 0")
        guard hduType == IMAGE_HDU else { throw fail("HDU 0 is not an image") }

        var axisCount: Int32 = 0
        ffgidm(handle, &axisCount, &status)
        try check(status, "reading NAXIS")
        guard axisCount >= 2 else { throw fail("HDU 0 has \(axisCount) axes, a stamp needs 2") }
        var axes = [Int64](repeating: 0, count: Int(axisCount))
        ffgiszll(handle, axisCount, &axes, &status)
        try check(status, "reading the image size")
        // A cube of one plane (NAXIS3 = 1) is still one image.
        guard axes[2...].allSatisfy({ $0 == 1 }) else {
            throw fail("HDU 0 is a \(axes.map(String.init).joined(separator: "×")) cube, not one image")
        }
        let width = Int(axes[0]), height = Int(axes[1])
        guard width > 0, height > 0 else { throw fail("HDU 0 is \(width)×\(height): no pixels") }
        // cfitsio's memory driver does not stop a data read at the buffer's end (measured with
        // cfitsio 4.2: a header announcing more pixels than were sent reads past them), so the
        // bytes of every pixel must be present before anything is read.
        var bitpix: Int32 = 0
        ffgidt(handle, &bitpix, &status)
        try check(status, "reading BITPIX")
        var headerStart: Int64 = 0, dataStart: Int64 = 0, dataEnd: Int64 = 0
        ffghadll(handle, &headerStart, &dataStart, &dataEnd, &status)
        try check(status, "locating the data")
        let (pixelCount, overflow) = axes[0].multipliedReportingOverflow(by: axes[1])
        let (pixelBytes, overflowBytes) = pixelCount.multipliedReportingOverflow(by: Int64(abs(bitpix) / 8))
        let available = max(0, Int64(byteCount) - dataStart)
        guard !overflow, !overflowBytes, pixelBytes <= available else {
            throw fail("HDU 0 announces \(width)×\(height) pixels of BITPIX \(bitpix), more than the \(available) bytes of data sent (truncated?)")
        }

        let count = width * height
        var pixels = [Float](repeating: .nan, count: count)
        // A NaN null value makes cfitsio check for undefined pixels (NaN, or BLANK in integer
        // images) and write NaN there; 0 would switch the check off.
        var null = Float.nan
        var anyNull: Int32 = 0
        ffgpv(handle, TFLOAT, 1, Int64(count), &null, &pixels, &anyNull, &status)
        try check(status, "reading the pixels")
        for i in pixels.indices where !pixels[i].isFinite || abs(pixels[i]) > 1e30 { pixels[i] = .nan }
        return Stamp(width: width, height: height, pixels: pixels)
    }

    private func fail(_ message: String) -> FinkError {
        .decoding(source: source, message: "FITS: \(message)")
    }

    /// Every cfitsio status goes through here: non-zero becomes a decoding error with cfitsio's
    /// status text and the messages it stacked.
    private func check(_ status: Int32, _ step: String) throws(FinkError) {
        guard status != 0 else { return }
        var text = [CChar](repeating: 0, count: Int(FLEN_STATUS) + 1)
        ffgerr(status, &text)
        var messages: [String] = []
        var message = [CChar](repeating: 0, count: Int(FLEN_ERRMSG) + 1)
        while ffgmsg(&message) > 0 {
            let line = Self.string(message).trimmingCharacters(in: .whitespaces)
            // cfitsio stacks the file name too: ours is meaningless.
            if !line.isEmpty && line != Self.memoryName && !messages.contains(line) { messages.append(line) }
        }
        var detail = "cfitsio error \(status) (\(Self.string(text)))"
        if !messages.isEmpty { detail += ": " + messages.joined(separator: "; ") }
        throw fail("\(step): \(detail)")
    }

    private static let memoryName = "stamp.fits"

    private static func string(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
