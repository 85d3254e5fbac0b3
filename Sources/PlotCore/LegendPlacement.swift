/// Where a chart puts its legend. Both places keep it off the data.
public enum LegendPlacement: String, Sendable, Equatable {
    /// A framed column right of the plot area (the screen default).
    case right
    /// Entries in rows between the title and the plot area, wrapped to the frame's width: a
    /// single-column journal figure is too narrow to give up a third of its width to a legend.
    case top
}
