import Foundation

/// A sky survey whose alerts Fink serves. Surveys are an open set: each has a profile
/// (`SurveyProfile`, in its own folder under `Surveys/`) with its id syntax, columns, decoding
/// rules and bands; nothing outside that folder names one.
public struct Survey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The lower-case name used on the command line (`--survey ztf`) and in specs and caches.
    public let name: String

    public init(_ name: String) { self.name = name.lowercased() }

    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }

    public var description: String { name }
    public static func < (a: Survey, b: Survey) -> Bool { a.name < b.name }
}

/// One object of one survey: a ZTF `objectId`, or a Rubin `diaObjectId` in decimal.
///
/// Made only by a survey profile's validation, so a key never holds a partial id that the
/// server's prefix matching would widen into thousands of objects.
public struct ObjectKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let survey: Survey
    /// The id as the survey writes it (for Rubin, the decimal digits of an Int64).
    public let id: String

    /// Internal: profiles validate before making keys (tests use `Surveys.key(_:)`).
    public init(survey: Survey, validatedId id: String) {
        self.survey = survey
        self.id = id
    }

    public var description: String { id }
    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { (a.survey, a.id) < (b.survey, b.id) }
}

/// One alert of one survey: a ZTF `candid` or a Rubin `diaSourceId`, both 64-bit integers that
/// exceed 2^53 (never carried as Double).
public struct AlertKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public let survey: Survey
    public let id: Int64

    public init(survey: Survey, id: Int64) {
        self.survey = survey
        self.id = id
    }

    public var description: String { String(id) }
}

/// The time scale of a point's MJD: ZTF dates are UTC, Rubin's `midpointMjdTai` is TAI.
public enum TimeScale: String, Sendable, Codable {
    case utc
    case tai

    /// TAI − UTC since 2017-01-01 (no leap second since): 37 s.
    public static let taiMinusUTCSeconds = 37.0

    /// The MJD in UTC of an MJD in this scale.
    public func utcMJD(_ mjd: Double) -> Double {
        switch self {
        case .utc: mjd
        case .tai: mjd - Self.taiMinusUTCSeconds / 86_400
        }
    }

    public var label: String { rawValue.uppercased() }
}
