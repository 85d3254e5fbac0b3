import Foundation

/// Why an interval, stretch, colour map or colour was refused.
///
/// Each case carries a message written for the person who typed the option, listing what
/// would have been accepted.
public enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// A parameter is outside its domain (e.g. `asinh` with a ≤ 0).
    case invalidParameter(String)
    /// A CLI string could not be read; `accepted` lists the forms that can.
    case unparsable(input: String, what: String, accepted: [String])
    /// No colour map of that name; `available` lists those there are.
    case unknownColormap(name: String, available: [String])

    public var description: String {
        switch self {
        case .invalidParameter(let message):
            return message
        case let .unparsable(input, what, accepted):
            return "cannot read \(what) \"\(input)\"; accepted forms: " + accepted.joined(separator: ", ")
        case let .unknownColormap(name, available):
            return "unknown colour map \"\(name)\"; available: " + available.joined(separator: ", ")
        }
    }

    public var errorDescription: String? { description }
}
