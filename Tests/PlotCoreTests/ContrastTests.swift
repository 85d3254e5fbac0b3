import Testing
@testable import PlotCore

@Suite struct ContrastTests {
    @Test func knownWCAGRatios() {
        #expect(Color.contrastRatio(.black, .white) == 21)
        #expect(Color.contrastRatio(.white, .white) == 1)
        // #777777 on white is the classic "just fails 4.5:1" grey: 4.48.
        #expect(abs(Color.contrastRatio(Color(hex: "#777777"), .white) - 4.478) < 0.001)
        // Pure primaries against white: red 4.00, blue 8.59, green 1.37.
        #expect(abs(Color.contrastRatio(Color(hex: "#FF0000"), .white) - 3.998) < 0.001)
        #expect(abs(Color.contrastRatio(Color(hex: "#0000FF"), .white) - 8.592) < 0.001)
        #expect(abs(Color.contrastRatio(Color(hex: "#00FF00"), .white) - 1.372) < 0.001)
    }

    @Test func ratioIsSymmetricAndIgnoresAlpha() {
        let a = Color(hex: "#15284F"), b = Color(hex: "#F5622E")
        #expect(Color.contrastRatio(a, b) == Color.contrastRatio(b, a))
        #expect(Color.contrastRatio(a.withAlpha(0.3), b) == Color.contrastRatio(a, b))
    }

    @Test func relativeLuminanceLinearisesUnlikeTheQuickLuma() {
        let grey = Color(hex: "#808080")
        #expect(abs(grey.relativeLuminance - 0.2159) < 0.0001)
        #expect(abs(grey.luminance - 0.502) < 0.001)
        #expect(Color.black.relativeLuminance == 0 && Color.white.relativeLuminance == 1)
    }
}
