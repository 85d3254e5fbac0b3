import Foundation
import FinkAPI

/// Magnitudes and fluxes derived from an alert, with the formulas Fink's own tools use.
public enum Photometry {
    /// 1.0857 = 2.5 / ln 10: turns a magnitude error into a relative flux error.
    static let magToFlux = 2.5 / log(10.0)

    /// A reference source counts as "under the alert" within this distance (pixels), as in Fink.
    public static let maxReferenceDistance = 1.5

    /// The apparent (DC) magnitude and its 1σ error: the reference source's flux plus (or minus,
    /// for a negative alert) the difference flux. Nil without a reference source within 1.5 px,
    /// without the needed values, for a non-positive total flux, or when σ_m ≥ 1 (Fink drops those).
    public static func apparentMagnitude(_ d: Detection) -> (mag: Double, sigma: Double)? {
        apparentMagnitude(ZTFPhotometry.point(d))
    }

    /// The same for a survey-neutral point: its magnitude, sign and reference source.
    public static func apparentMagnitude(_ p: PhotometryPoint) -> (mag: Double, sigma: Double)? {
        guard let reference = p.reference, let magnitude = p.magnitude, let sigmapsf = magnitude.error,
              let negative = p.isNegative else { return nil }
        let magnr = reference.magnitude, sigmagnr = reference.error, distnr = reference.distance
        let magpsf = magnitude.value, positive = !negative
        guard
              magnr.isFinite, sigmagnr.isFinite, sigmagnr >= 0, magpsf.isFinite, sigmapsf.isFinite, sigmapsf >= 0,
              distnr.isFinite, distnr >= 0, distnr <= maxReferenceDistance else { return nil }
        let fRef = pow(10, -0.4 * magnr)
        let fDiff = pow(10, -0.4 * magpsf)
        let f = positive ? fRef + fDiff : fRef - fDiff
        guard f > 0 else { return nil }
        let sRef = sigmagnr / magToFlux * fRef
        let sDiff = sigmapsf / magToFlux * fDiff
        let sigma = (sRef * sRef + sDiff * sDiff).squareRoot()
        let sigmaMag = magToFlux * sigma / f
        guard sigmaMag < 1 else { return nil }
        return (-2.5 * log10(f), sigmaMag)
    }
}
