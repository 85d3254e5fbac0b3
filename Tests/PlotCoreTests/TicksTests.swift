import Testing
@testable import PlotCore

@Suite struct TicksTests {
    @Test func mjdTicksAreWholeNumbersWithoutExponent() {
        let t = Ticks.linear(lower: 58_000.3, upper: 58_710.2, maxCount: 8)
        #expect(t.step == 100)
        #expect(t.labels == ["58100", "58200", "58300", "58400", "58500", "58600", "58700"])
        #expect(t.major.first == 58_100)
    }

    @Test func julianDatesNeverUseScientificNotation() {
        let t = Ticks.linear(lower: 2_459_000, upper: 2_459_500, maxCount: 5)
        #expect(t.labels.allSatisfy { !$0.contains("e") && !$0.contains("E") })
        #expect(t.labels.first == "2459000")
    }

    @Test func decimalsFollowTheStep() {
        #expect(Ticks.linear(lower: 0, upper: 1, maxCount: 4).labels == ["0.00", "0.25", "0.50", "0.75", "1.00"])
        #expect(Ticks.linear(lower: 19.1, upper: 19.36, maxCount: 6).labels == ["19.10", "19.15", "19.20", "19.25", "19.30", "19.35"])
        #expect(Ticks.linear(lower: 0, upper: 10, maxCount: 4).labels == ["0.0", "2.5", "5.0", "7.5", "10.0"])
        #expect(Ticks.linear(lower: 0, upper: 100, maxCount: 4).labels == ["0", "25", "50", "75", "100"])
    }

    @Test func negativeLabelsUseATypographicMinusAndNoNegativeZero() {
        let t = Ticks.linear(lower: -2, upper: 2, maxCount: 4)
        #expect(t.labels == ["\u{2212}2", "\u{2212}1", "0", "1", "2"])
        #expect(Ticks.format(-0.0001, decimals: 2) == "0.00")
    }

    @Test func minorTicksFallBetweenMajors() {
        let t = Ticks.linear(lower: 0, upper: 10, maxCount: 5)
        #expect(t.step == 2)
        #expect(t.minor.count == 15) // four divisions per step of 2: three minors in each of five intervals
        #expect(t.minor.allSatisfy { m in !t.major.contains(m) })
    }

    @Test func degenerateRangeGivesOneTick() {
        let t = Ticks.linear(lower: 5, upper: 5, maxCount: 5)
        #expect(t.major == [5])
    }
}
