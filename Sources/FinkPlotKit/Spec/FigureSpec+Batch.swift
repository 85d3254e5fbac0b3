import FinkAPI
import Foundation

extension FigureSpec {
    /// The spec narrowed to one object: what each file of a batch records, so `finkplot render`
    /// of the spec read back from one figure remakes that figure (and 5,000 files do not each
    /// carry a list of 5,000 ids).
    public func forObject(_ key: ObjectKey, fetchedAt: Date? = nil) -> FigureSpec {
        var spec = self
        spec.objectIds = [key.id]
        spec.surveys = [key.survey]
        if let fetchedAt { spec.queryTime = Provenance.iso8601(fetchedAt) }
        return spec
    }

    /// What a manifest records as the job: the command and its normalised options, so a re-run
    /// with other options (or another command into the same directory) is not skipped.
    public var jobIdentity: String { normalizedOptions }

    /// The batch job making this spec's figures, each file recording its own one-object spec.
    /// `points`: collects the drawn points of every object for the spec's table, which the
    /// caller writes once the batch is done (`output.table` names it; without `points`, no table).
    /// With `dataTime`, a figure records when its data were fetched (a cache entry's time) as
    /// its query time; without, the spec's own (`render`: the same spec gives the same bytes).
    public func batchJob(target: OutputTarget? = nil, points: PointTable? = nil, dataTime: Bool = true) throws -> any BatchJob {
        let target = target ?? self.target
        // Fail now on a spec that cannot be recorded, rather than once per object.
        _ = try provenance()
        let spec = self
        switch command {
        case .lightcurve:
            return LightcurveJob(
                target: target, format: format, size: figureSize, style: lightcurveStyle(), options: try lightcurveOptions(),
                points: points, identity: jobIdentity,
                metadata: { id, fetched in try? spec.forObject(id, fetchedAt: dataTime ? fetched : nil).provenance().metadata(title: "\(id.id) lightcurve") })
        case .card:
            return CardJob(
                target: target, format: format, choice: alertChoice, rendering: try StampRendering(), look: try cardLook(),
                points: points, identity: jobIdentity,
                metadata: { id, fetched in try? spec.forObject(id, fetchedAt: dataTime ? fetched : nil).provenance().metadata(title: "\(id.id) object card") })
        }
    }
}
