import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// FITSImage (cfitsio on bytes in memory): the Rubin fixture stamps, and hand-made files of odd
/// sizes, NaN pixels and integer BITPIX.
@Suite struct LSSTFITSTests {
    @Test func scienceStampOfTheFixture() throws {
        let name = "cutouts/170094456272322680_Science.fits"
        let stamp = try FITSImage.primaryImage(try lsstFixtureData(name), source: name)
        #expect(stamp.width == 30 && stamp.height == 30)
        #expect(stamp.pixels[0] == Float(-44.19364929199219), "first pixel, as astropy reads it")
        #expect(abs(stamp.pixels[0] - -44.19365) < 1e-4)
        let max = try #require(stamp.pixels.max())
        #expect(abs(max - 4604.698) < 1e-3)
        #expect(!stamp.pixels.contains { $0.isNaN })
    }

    /// The FITS files and the array answer of the same alert hold the same pixels, in the same
    /// order (FITS row 0 first): a flipped or transposed reader fails here.
    @Test(arguments: ["170094456272322680", "170094456523456557", "170094456277565473"])
    func fitsAgreesWithTheArrayAnswer(alert: String) throws {
        let arrays = try LSSTDecoder.stamps(fromArrayAnswer: try lsstFixtureData("cutouts/\(alert)_All.json"), source: "All.json")
        #expect(arrays.keys.sorted() == StampKind.allCases)
        for kind in StampKind.allCases {
            let name = "cutouts/\(alert)_\(kind.rawValue).fits"
            let fits = try FITSImage.primaryImage(try lsstFixtureData(name), source: name)
            let array = try #require(arrays[kind])
            #expect(fits.width == 30 && fits.height == 30, "\(name)")
            #expect(fits == array, "\(name)")
            // Not symmetric by accident: row 0 differs from the last row.
            #expect(fits[0, 0] != fits[29, 0])
        }
    }

    @Test func oddSizeFloatImageWithNaN() throws {
        let width = 31, height = 37
        var values = (0..<(width * height)).map { Float($0 / width) * 1000 + Float($0 % width) - 500.25 }
        let holes = [0, 5 * width + 7, width * height - 1]
        for i in holes { values[i] = .nan }
        values[40] = -3.4e38  // a float32 sentinel: missing, as Stamp(rows:) treats it
        let data = HandMadeFITS.file(width: width, height: height, pixels: .float32(values))

        let stamp = try FITSImage.primaryImage(data, source: "odd.fits")
        #expect(stamp.width == 31 && stamp.height == 37)
        #expect(stamp[1, 2] == 1000 + 2 - 500.25, "row 1, column 2: rows in FITS order, NAXIS1 wide")
        #expect(stamp[36, 30] .isNaN)
        #expect(stamp[5, 7].isNaN && stamp[0, 0].isNaN)
        #expect(stamp.pixels[40].isNaN)
        #expect(stamp.pixels.filter(\.isNaN).count == 4)
        #expect(stamp[36, 29] == 36_000 + 29 - 500.25)
        #expect(stamp[2, 0] == 2000 - 500.25, "negative and positive values are values")
    }

    @Test func int16ImageIsScaledAndBlankIsNaN() throws {
        let values: [Int16] = (0..<74).map { Int16($0 * 100 - 3000) }
        var withBlank = values
        withBlank[3] = -32768
        let data = HandMadeFITS.file(
            width: 1, height: 74, pixels: .int16(withBlank),
            extraCards: [HandMadeFITS.card("BSCALE", "0.5"), HandMadeFITS.card("BZERO", "10.0"),
                         HandMadeFITS.card("BLANK", -32768)])
        let stamp = try FITSImage.primaryImage(data, source: "column.fits")
        #expect(stamp.width == 1 && stamp.height == 74)
        #expect(stamp[0, 0] == Float(-3000) * 0.5 + 10)
        #expect(stamp[73, 0] == Float(73 * 100 - 3000) * 0.5 + 10)
        #expect(stamp[3, 0].isNaN, "BLANK pixels are missing")
        #expect(stamp.pixels.filter(\.isNaN).count == 1)
    }

    @Test func unscaledInt16() throws {
        let data = HandMadeFITS.file(width: 3, height: 2, pixels: .int16([1, -2, 3, 4, 5, 32767]))
        let stamp = try FITSImage.primaryImage(data, source: "small.fits")
        #expect(stamp.pixels == [1, -2, 3, 4, 5, 32767])
    }

    @Test func emptyBodyIsAClearError() {
        #expect(throws: FinkError.decoding(source: "https://x/api/v1/cutouts", message: "the answer is empty (expected a FITS file)")) {
            try FITSImage.primaryImage(Data(), source: "https://x/api/v1/cutouts")
        }
    }

    @Test(arguments: [
        ("{\"b:cutoutScience\": [[1.0]]}", "{\"b:cutoutScience\": [[1.0]]}"),
        ("<html>\n502 Bad Gateway</html>", "<html>·502 Bad Gateway</html>"),
        (String(repeating: " ", count: 2880), String(repeating: " ", count: 40)),
    ])
    func nonFITSBytesAreRefused(text: String, shown: String) throws {
        let error = try #require(throws: FinkError.self) { try FITSImage.primaryImage(Data(text.utf8), source: "stamp.bin") }
        #expect(error == .decoding(source: "stamp.bin", message: "not a FITS file: it starts with `\(shown)`"))
        #expect(error.description.hasPrefix("could not read the answer from stamp.bin: not a FITS file"))
    }

    /// What cfitsio refuses comes with its own status text and messages.
    @Test func brokenHeaderGivesCfitsiosText() throws {
        var data = HandMadeFITS.file(width: 2, height: 2, pixels: .float32([1, 2, 3, 4]))
        // Blank the END card (the 6th): the header never ends.
        data.replaceSubrange(400..<480, with: Data(repeating: 0x20, count: 80))
        let error = try #require(throws: FinkError.self) { try FITSImage.primaryImage(data, source: "noend.fits") }
        #expect(error.decodingSource == "noend.fits")
        let message = try #require(error.decodingMessage)
        #expect(message.hasPrefix("FITS: opening the FITS data: cfitsio error "), "\(message)")
        #expect(message.contains("END"), "cfitsio says what it missed: \(message)")
        #expect(!message.contains("stamp.fits"), "the in-memory file's name means nothing to a reader")
    }

    @Test func truncatedDataIsAnError() throws {
        let whole = HandMadeFITS.file(width: 30, height: 30, pixels: .float32(Array(repeating: 1, count: 900)))
        let cut = whole.prefix(2880 + 1000)
        let error = try #require(throws: FinkError.self) { try FITSImage.primaryImage(Data(cut), source: "cut.fits") }
        #expect(error == .decoding(source: "cut.fits", message: "FITS: HDU 0 announces 30×30 pixels of BITPIX -32, more than the 1000 bytes of data sent (truncated?)"))
    }

    @Test func headerClaimingMorePixelsThanBytesIsRefused() throws {
        let data = HandMadeFITS.file(width: 100_000, height: 100_000, pixels: .float32([1]))
        let error = try #require(throws: FinkError.self) { try FITSImage.primaryImage(data, source: "huge.fits") }
        #expect(error.description.contains("announces 100000×100000 pixels"), "\(error)")
    }

    @Test func imageOnlyInAnExtensionIsNotHDU0() throws {
        let data = HandMadeFITS.file(width: 2, height: 2, pixels: .float32([1, 2, 3, 4]), extension: true)
        let error = try #require(throws: FinkError.self) { try FITSImage.primaryImage(data, source: "ext.fits") }
        #expect(error == .decoding(source: "ext.fits", message: "FITS: HDU 0 has 0 axes, a stamp needs 2"))
    }
}
