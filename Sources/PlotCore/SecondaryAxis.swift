/// A second x axis along the top of a chart, showing the same positions in other units:
/// `secondary = primary × scale + offset` (e.g. MJD on the bottom and days since discovery on top).
/// Its ticks are chosen in its own units and placed through the primary scale, so both axes
/// always agree.
public struct SecondaryAxis: Sendable, Equatable {
    public var title: String
    public var labeling: AxisLabeling
    public var offset: Double
    public var scale: Double
    /// As `Axis.wholeNumberSteps`.
    public var wholeNumberSteps: Bool = false

    public init(title: String, labeling: AxisLabeling = .numeric, offset: Double = 0, scale: Double = 1) {
        precondition(scale != 0 && scale.isFinite, "a secondary axis needs a finite, non-zero scale")
        self.title = title; self.labeling = labeling; self.offset = offset; self.scale = scale
    }

    public func value(primary v: Double) -> Double { v * scale + offset }
    public func primary(value s: Double) -> Double { (s - offset) / scale }

    /// Ticks for the primary range `domain`, in this axis's units.
    public func ticks(domain: ClosedRange<Double>, maxCount: Int) -> TickSet {
        let a = value(primary: domain.lowerBound), b = value(primary: domain.upperBound)
        return Ticks.make(labeling, lower: min(a, b), upper: max(a, b), maxCount: maxCount, wholeNumberSteps: wholeNumberSteps)
    }
}

extension Axis {
    /// This axis's ticks: its labeling, and whole-number steps when asked.
    func ticks(lower: Double, upper: Double, maxCount: Int) -> TickSet {
        var t = Ticks.make(labeling, lower: lower, upper: upper, maxCount: maxCount, wholeNumberSteps: wholeNumberSteps)
        if centresCalendarLabels, case let .calendar(epoch) = labeling {
            t.labelPositions = Ticks.centredCalendarLabelPositions(t, unixEpochAt: epoch)
        }
        return t
    }
}

