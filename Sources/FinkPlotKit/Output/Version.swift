/// The tool's version, stamped into every figure's metadata and every saved spec.
public enum FinkPlotVersion {
    public static let current = "0.2.0"
    /// `finkplot 0.2.0`: PDF Creator and PNG `Software`.
    public static var software: String { "finkplot \(current)" }
}
