import CairoRender
import FinkAPI
import Foundation

/// Where figures go: one named file (single object) or `<id><suffix>.<ext>` files in a directory.
public enum OutputTarget: Sendable, Equatable {
    case file(URL)
    case directory(URL)

    /// A file path as the command line gives it: `-` is standard output (the figure's bytes
    /// alone go there, so a notebook can display them).
    public static func fileURL(_ path: String) -> URL {
        path == "-" ? URL(fileURLWithPath: "/dev/stdout") : URL(fileURLWithPath: path)
    }

    /// The path for `key`'s figure; `suffix` names the kind of figure (`_card`), so the figures of
    /// several commands can share a directory. Names come from validated ids only, so no id can
    /// escape the directory.
    public func url(for key: ObjectKey, format: OutputFormat, suffix: String = "") -> URL {
        switch self {
        case let .file(url): url
        case let .directory(dir): dir.appendingPathComponent("\(key.id)\(suffix).\(format.rawValue)")
        }
    }
}

public enum FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownFormat(String)
    case unknownExtension(path: String)
    case conflict(format: String, path: String)

    public var description: String {
        switch self {
        case let .unknownFormat(f):
            "unknown format '\(f)': use png, svg or pdf"
        case let .unknownExtension(path):
            "cannot tell the format of '\(path)' from its extension: name it .png, .svg or .pdf, or pass --format"
        case let .conflict(format, path):
            "--format \(format) contradicts the extension of '\(path)'"
        }
    }
}

extension OutputFormat {
    /// The format from `--format` and/or the output file's extension; PNG when neither says.
    public static func resolve(explicit: String?, outputPath: String?) throws -> OutputFormat {
        // `-o -` is standard output: the format is --format's, PNG by default.
        if outputPath == "-" {
            guard let explicit else { return .png }
            guard let format = OutputFormat(rawValue: explicit.lowercased()) else { throw FormatError.unknownFormat(explicit) }
            return format
        }
        let fromPath = outputPath.flatMap { p -> OutputFormat?? in
            let ext = URL(fileURLWithPath: p).pathExtension
            return ext.isEmpty ? .some(nil) : .some(OutputFormat(pathExtension: ext))
        }
        if let explicit {
            guard let format = OutputFormat(rawValue: explicit.lowercased()) else { throw FormatError.unknownFormat(explicit) }
            if let path = outputPath, case let .some(.some(ext)) = fromPath, ext != format {
                throw FormatError.conflict(format: explicit, path: path)
            }
            return format
        }
        switch fromPath {
        case .none: return .png
        case let .some(.some(format)): return format
        case .some(.none): throw FormatError.unknownExtension(path: outputPath ?? "")
        }
    }
}


