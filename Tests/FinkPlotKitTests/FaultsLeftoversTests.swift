import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// Issue #12's leftovers, as a user meets them: a card drawn from a saved folder whose stamps
/// cannot be read says why (item 10); values no sky position or count can have are left out of a
/// card's text and a statistics chart with a note (item 11); `-o` with an ids file and an output
/// folder that cannot be created are told in the user's words.
@Suite struct FaultsLeftoversTests {
    static let objectId = "ZTF18aabjigr"
    /// The fixture's newest valid alert, the one a card shows, and the only one with stamps.
    static let latestCandid: Int64 = 1_034_526_141_515_010_021

    /// The fixture's rows with `edit` applied, saved as `DIR/ZTF18aabjigr.json` in a new folder.
    func damagedObject(_ edit: (inout [FixtureRow]) -> Void) throws -> URL {
        var rows = try FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("\(Self.objectId).json"))
        edit(&rows)
        let dir = try makeTempDirectory()
        try FixtureJSON.array(rows.map { .object($0) }).data().write(to: dir.appendingPathComponent("\(Self.objectId).json"))
        return dir
    }

    func manifestNotes(_ dir: URL) throws -> [String] {
        let text = try String(contentsOf: dir.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1, "\(text)")
        let line = try #require(lines.first)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        let entry = try #require(object as? [String: Any])
        #expect(entry["status"] as? String == "rendered", "\(entry)")
        return entry["notes"] as? [String] ?? []
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    // MARK: Item 10 offline: a card from a saved folder whose stamps cannot be read

    /// The alert's own row holds an unreadable stamp cell and no cutouts file was saved: the card
    /// is drawn with the readable stamps, and the note says which cell failed, as the API path
    /// says why `/api/v1/cutouts` failed.
    @Test func savedRowWithAnUnreadableStampCellSaysWhy() async throws {
        let dir = try damagedObject { rows in
            let row = rows.firstIndex { $0["b:cutoutScience_stampData"]?.arrayValue != nil }!
            rows[row]["b:cutoutScience_stampData"] = "garbage"
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runFinkplot(["card", Self.objectId, "--from", dir.path, "--output-dir", "cards"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(exists(dir.appendingPathComponent("cards/\(Self.objectId)_card.png")))
        let notes = try manifestNotes(dir.appendingPathComponent("cards"))
        let note = try #require(notes.first { $0.hasPrefix("stamps unavailable for candid \(Self.latestCandid): ") }, "\(notes)")
        #expect(note.contains("b:cutoutScience_stampData") && note.contains("not a 2-D array of numbers"), "\(note)")
        #expect(notes.contains("candid \(Self.latestCandid): no data for Science"), "the other two stamps are drawn: \(notes)")
        #expect(r.err.contains("stamps unavailable for candid \(Self.latestCandid)"), "\(r.err)")
    }

    /// A saved `/api/v1/cutouts` answer that is not JSON: the card is drawn without stamps and
    /// the note names the file, exactly as after a failed request.
    @Test func corruptSavedCutoutsFileSaysWhy() async throws {
        let dir = try damagedObject { _ in }
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("cutouts"), withIntermediateDirectories: true)
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("cutouts/\(Self.objectId)_\(Self.latestCandid).json"))
        let r = try await runFinkplot(["card", Self.objectId, "--from", dir.path, "--output-dir", "cards"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(exists(dir.appendingPathComponent("cards/\(Self.objectId)_card.png")))
        let notes = try manifestNotes(dir.appendingPathComponent("cards"))
        let note = try #require(notes.first { $0.hasPrefix("stamps unavailable for candid \(Self.latestCandid): ") }, "\(notes)")
        #expect(note.contains("cutouts/\(Self.objectId)_\(Self.latestCandid).json") && note.contains("not valid JSON"), "\(note)")
    }

    /// Rubin: one saved FITS stamp that is no FITS file costs that stamp alone, and is named.
    @Test func rubinCorruptSavedFITSStampSaysWhy() async throws {
        let samples = fixturesDirectory().deletingLastPathComponent().appendingPathComponent("samples")
        let id = "170028485706776685", alert = "170094456272322680"
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = dir.appendingPathComponent("saved")
        try FileManager.default.createDirectory(at: saved.appendingPathComponent("cutouts"), withIntermediateDirectories: true)
        for name in ["object_\(id).json", "sources_\(id).json", "fp_\(id).json"] {
            try FileManager.default.copyItem(at: samples.appendingPathComponent(name), to: saved.appendingPathComponent(name))
        }
        for kind in ["Template", "Difference"] {
            let name = "cutouts/\(alert)_\(kind).fits"
            try FileManager.default.copyItem(at: samples.appendingPathComponent(name), to: saved.appendingPathComponent(name))
        }
        try Data("junk, not FITS".utf8).write(to: saved.appendingPathComponent("cutouts/\(alert)_Science.fits"))
        let r = try await runFinkplot(["card", id, "--from", "saved", "--output-dir", "cards"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(exists(dir.appendingPathComponent("cards/\(id)_card.png")))
        let notes = try manifestNotes(dir.appendingPathComponent("cards"))
        let note = try #require(notes.first { $0.hasPrefix("stamps unavailable for diaSourceId \(alert): ") }, "\(notes)")
        #expect(note.contains("saved/cutouts/\(alert)_Science.fits") && note.contains("not a FITS file"), "\(note)")
        #expect(notes.contains("diaSourceId \(alert): no data for Science"), "template and difference are still drawn: \(notes)")
    }
}
