// TEMPORARY stand-in for the lead's AxisLabeling (landing on main); deleted at the merge.
public enum AxisLabeling: Sendable, Equatable {
    case numeric
    case calendar(unixEpochAt: Double)
}
extension Axis {
    public var labeling: AxisLabeling { get { .numeric } set {} }
}
extension Ticks {
    public static func calendar(lower: Double, upper: Double, maxCount: Int, unixEpochAt: Double) -> TickSet {
        linear(lower: lower, upper: upper, maxCount: maxCount)
    }
}
