import FinkAPI
import Foundation
import PlotCore
import Testing
@testable import FinkPlotKit

/// Lightcurve styles and axes survive --save-spec / render: the spec holds them and is checked.
@Suite struct SpecStyleTests {
    func spec(_ edit: (inout FigureSpec.Options) -> Void) -> FigureSpec {
        var o = FigureSpec.Options(format: .pdf)
        edit(&o)
        return FigureSpec(command: .lightcurve, objectIds: ["ZTF18aabjigr"], source: .init(directory: "/tmp"), options: o,
                          output: .init(file: "/tmp/x.pdf"))
    }

    @Test func styleAndAxesRoundTripThroughJSON() throws {
        let s = spec {
            $0.style = .paper; $0.palette = .colorblind; $0.fontSize = 8.5; $0.time = .sinceT0(58_700)
            $0.topAxis = .date; $0.since = 58_750; $0.until = 58_800; $0.y = .differenceFlux
        }
        let back = try JSONDecoder().decode(FigureSpec.self, from: try s.json())
        #expect(back == s)
        let options = try back.lightcurveOptions()
        #expect(options == LightcurveOptions(time: .sinceT0(58_700), topAxis: .date, y: .differenceFlux, palette: .colorblind,
                                             since: 58_750, until: 58_800))
        let style = back.lightcurveStyle()
        #expect(style.fontSize == 8.5 && style.legendPlacement == .top)
        #expect(back.figureSize == StylePreset.paper.size(), "the preset's page when no size is given")
        #expect(back.normalizedOptions.contains("--style paper --palette colorblind --font-size 8.5 --time since-t0 --t0 58700"))
    }

    @Test func oldSpecsWithoutTheseFieldsDrawTheDefaults() throws {
        let json = #"{"version":1,"software":"finkplot 0.1.0","command":"lightcurve","objectIds":["ZTF18aabjigr"],"source":{"directory":"/tmp"},"options":{"format":"png","width":1200,"height":600,"dpi":150},"queryTime":"2026-01-01T00:00:00Z"}"#
        let s = try JSONDecoder().decode(FigureSpec.self, from: Data(json.utf8))
        #expect(try s.lightcurveOptions() == LightcurveOptions())
        #expect(s.lightcurveStyle() == .screen)
    }

    /// Options are typed now, so a bad name can only come from a hand-written file: the JSON is
    /// edited as text would be.
    @Test func badValuesInAHandWrittenSpecAreNamed() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try #require(try JSONSerialization.jsonObject(with: spec { _ in }.json()) as? [String: Any])
        let edits: [([String: Any], String)] = [(["style": "poster"], "--style 'poster'"),
                                                // "mag" names a quantity now (Rubin's science magnitude): see below.
                                                (["y": "magnitude"], "--y 'magnitude'"),
                                                (["time": "since-t0"], "needs --t0"),
                                                (["since": 2, "until": 1], "after --until")]
        for (edit, needle) in edits {
            var json = good
            var options = try #require(json["options"] as? [String: Any])
            options.merge(edit) { _, new in new }
            json["options"] = options
            let url = dir.appendingPathComponent("s.json")
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            #expect { try FigureSpec.load(from: url) } throws: { "\($0)".contains(needle) }
        }

        // `--y mag` is a quantity of Rubin's, not of ZTF's: a ZTF lightcurve asking for it is refused, naming it.
        var o = FigureSpec.Options(format: .png, width: 400, height: 200, dpi: 50)
        o.y = .totalMagnitude
        let out = dir.appendingPathComponent("x.png")
        let mag = FigureSpec(command: .lightcurve, objectIds: ["ZTF18aabjigr"], source: .init(directory: fixturesDirectory().path),
                             options: o, output: .init(file: out.path))
        let entries = try await BatchRunner(job: mag.batchJob(), sources: SourceSet([DirectorySource(directory: fixturesDirectory())]))
            .entries(of: mag.objectIds)
        #expect(entries.map(\.status) == [.failed])
        #expect(entries.first?.reason?.contains("--y 'mag'") == true, "\(entries)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
