import Foundation

/// A FITS file built by hand (2880-byte blocks of 80-character cards, big-endian data), so the
/// reader is tested against bytes no cfitsio wrote.
enum HandMadeFITS {
    enum Pixels {
        case float32([Float])
        case int16([Int16])
    }

    static func file(width: Int, height: Int, pixels: Pixels, extraCards: [String] = [], extension image: Bool = false) -> Data {
        var cards: [String] = []
        let bitpix: Int
        switch pixels {
        case .float32: bitpix = -32
        case .int16: bitpix = 16
        }
        if image {
            // An empty primary HDU followed by the image as an extension.
            var primary = Data(block(["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0", "EXTEND  =                    T"]))
            cards = ["XTENSION= 'IMAGE   '", card("BITPIX", bitpix), "NAXIS   =                    2",
                     card("NAXIS1", width), card("NAXIS2", height), "PCOUNT  =                    0", "GCOUNT  =                    1"]
            primary.append(block(cards + extraCards))
            primary.append(data(pixels))
            return primary
        }
        cards = ["SIMPLE  =                    T", card("BITPIX", bitpix), "NAXIS   =                    2",
                 card("NAXIS1", width), card("NAXIS2", height)]
        var out = block(cards + extraCards)
        out.append(data(pixels))
        return out
    }

    static func card(_ name: String, _ value: some CustomStringConvertible) -> String {
        let key = name.padding(toLength: 8, withPad: " ", startingAt: 0)
        let text = String(describing: value)
        return key + "= " + String(repeating: " ", count: max(0, 20 - text.count)) + text
    }

    private static func block(_ cards: [String]) -> Data {
        var text = cards.map { $0.padding(toLength: 80, withPad: " ", startingAt: 0) }.joined()
        text += "END".padding(toLength: 80, withPad: " ", startingAt: 0)
        let padded = (text.utf8.count + 2879) / 2880 * 2880
        text += String(repeating: " ", count: padded - text.utf8.count)
        return Data(text.utf8)
    }

    private static func data(_ pixels: Pixels) -> Data {
        var bytes = Data()
        switch pixels {
        case .float32(let values):
            for v in values { withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes.append(contentsOf: $0) } }
        case .int16(let values):
            for v in values { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
        }
        let padded = (bytes.count + 2879) / 2880 * 2880
        bytes.append(Data(count: padded - bytes.count))
        return bytes
    }
}
