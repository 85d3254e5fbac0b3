@testable import PlotCore

/// The payload of an ImagingError of one kind, or nil for another kind: for `try #require`, which
/// fails a test where a guard-case early return would let it pass.
extension ImagingError {
    var acceptedForms: [String]? {
        if case let .unparsable(_, _, accepted) = self { accepted } else { nil }
    }
    var invalidParameterMessage: String? {
        if case let .invalidParameter(message) = self { message } else { nil }
    }
}
