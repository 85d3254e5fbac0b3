import FinkPlotKit
import Testing

/// Exports open in spreadsheets: text that would run as a formula is defused, numbers stay numbers.
@Suite struct CSVSafetyTests {
    @Test(arguments: ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "-inf", "-0x1p3", "-1e", "-."])
    func formulaLikeTextIsPrefixed(text: String) {
        let field = CSVWriter.field(text)
        #expect(field.hasPrefix("'") || field.hasPrefix("\"'"), "\(field) would run as a formula")
    }

    @Test(arguments: ["-19549.395", "-0.5", "+3", "1e-05", "-1.2E+05", "-.5", "-3."])
    func numbersAreLeftAlone(text: String) {
        #expect(CSVWriter.field(text) == text)
    }

    @Test func quotingStillApplies() {
        #expect(CSVWriter.field("a,b") == "\"a,b\"")
        #expect(CSVWriter.field("=a,b") == "\"'=a,b\"")
    }
}
