import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// Time-axis labels never crowd (issue #13): neighbouring labels, bottom and top, keep at least
/// one character's width between them at any figure width, and one night zooms to hours.
@Suite struct TickSpacingTests {
    let measurer = ApproximateTextMeasurer()
    let id = "ZTF18aabjigr"

    func detections(_ jds: [Double]) -> [Detection] {
        jds.enumerated().map { i, jd in
            Detection(objectId: id, candid: Int64(100 + i), jd: jd, fid: 1 + i % 2, tag: .valid,
                      magpsf: 18 + 0.1 * Double(i), sigmapsf: 0.05, isdiffpos: true)
        }
    }

    func labels(_ items: [DisplayItem], _ role: String) -> [TextItem] {
        items.filter { $0.role == role }.compactMap(\.text).sorted { $0.position.x < $1.position.x }
    }

    @Test func neighbouringLabelsKeepACharacterApart() throws {
        let spans: [[Double]] = [
            [2_460_234.70, 2_460_235.30],                 // one night and a bit: MJD 60234.75 …
            [2_460_234.5, 2_460_236.9, 2_460_241.2],      // a week
            [2_458_100.5, 2_458_900.5, 2_459_700.5],      // years
        ]
        for jds in spans {
            for width in [245.0, 400, 576, 1000] {
                for (time, top) in [(TimeAxisMode.mjd, TimeAxisMode?.some(.date)), (.date, .some(.mjd)), (.sinceFirst, nil)] {
                    let lc = try LightcurveBuilder.build(objectId: id, detections: detections(jds),
                                                         options: LightcurveOptions(time: time, topAxis: top))
                    let frame = Rect(x: 0, y: 0, width: width, height: 0.6 * width)
                    let items = ChartLayout(chart: lc.chart, frame: frame, style: .screen, measurer: measurer).items()
                    for role in ["axis.x.ticklabel", "axis.x2.ticklabel"] {
                        let row = labels(items, role)
                        if role == "axis.x.ticklabel" { #expect(row.count >= 2, "\(time) at \(width) pt: \(row.map(\.string))") }
                        for (a, b) in zip(row, row.dropFirst()) {
                            let char = measurer.width(of: "0", style: a.style)
                            let gap = (b.position.x - measurer.width(of: b.string, style: b.style) / 2)
                                - (a.position.x + measurer.width(of: a.string, style: a.style) / 2)
                            #expect(gap >= char, "\(role) '\(a.string)' and '\(b.string)' \(gap) pt apart at \(width) pt (\(time))")
                        }
                    }
                }
            }
        }
    }

    @Test func oneNightZoomsToHours() throws {
        // A g and an r visit an hour apart.
        let jds = [2_459_215.70, 2_459_215.70 + 1.0 / 24]
        let lc = try LightcurveBuilder.build(objectId: id, detections: detections(jds), options: LightcurveOptions(time: .date))
        let layout = ChartLayout(chart: lc.chart, frame: Rect(x: 0, y: 0, width: 576, height: 288), style: .screen, measurer: measurer)
        let domain = layout.xScale.domain
        #expect(domain.upperBound - domain.lowerBound <= 0.3, "\(domain): not a forced ±1-day axis")
        let xs = layout.items().filter { $0.role.hasPrefix("data.") }.flatMap { item -> [Double] in
            if case let .markers(points, _) = item.primitive { points.map(\.x) } else { [] }
        }
        #expect(xs.count == 2)
        #expect((xs.max() ?? 0) - (xs.min() ?? 0) > layout.plotRect.width / 8, "the two visits are apart: \(xs)")
        let ticks = labels(layout.items(), "axis.x.ticklabel").map(\.string)
        #expect(ticks.count >= 2 && ticks.allSatisfy { $0.contains(":") }, "hour ticks: \(ticks)")
    }

    @Test func aShortMagnitudeAxisStillLabelsTwoValues() throws {
        // Two magnitudes over a plot about 95 pt tall (a `paper` figure with a top axis): a step
        // of 2 would label only "18".
        var rows = detections([2_458_790.5, 2_458_800.5, 2_458_812.5])
        rows[0].magpsf = 17.3; rows[1].magpsf = 18.0; rows[2].magpsf = 18.9
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows, options: LightcurveOptions())
        let style = StylePreset.paper.style
        for height in [120.0, 150, 187] {
            let items = ChartLayout(chart: lc.chart, frame: Rect(x: 0, y: 0, width: 245, height: height), style: style, measurer: measurer).items()
            let labels = items.filter { $0.role == "axis.y.ticklabel" }.compactMap(\.text)
            #expect(labels.count >= 2, "\(height) pt: \(labels.map(\.string))")
            let ys = labels.map(\.position.y).sorted()
            #expect(zip(ys, ys.dropFirst()).allSatisfy { $1 - $0 >= 1.8 * style.fontSize - 1e-6 }, "labels apart: \(ys)")
        }
    }

    @Test func aNarrowWidthAloneKeepsThePlotOverHalfThePage() throws {
        var rows = detections([2_458_760.5, 2_458_765.5, 2_458_770.5, 2_458_775.5, 2_458_780.5, 2_458_788.5])
        rows[2].isdiffpos = false
        rows.append(Detection(objectId: id, jd: 2_458_778.5, fid: 1, tag: .upperLimit, diffmaglim: 20.1))
        rows.append(Detection(objectId: id, jd: 2_458_779.5, fid: 2, tag: .badQuality, magpsf: 19.0, sigmapsf: 0.3, isdiffpos: true))
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows, options: LightcurveOptions())
        // The case: `screen` at a journal column's width, whose page kept at 2:1 left a
        // plot 30 pt tall under three legend rows. Every preset at that width keeps the plot
        // over half the width (the legend goes above it).
        for preset in StylePreset.allCases {
            for width in ["3.4in", "600px"] {
                let size = preset.size(width: try Length(parsing: width))
                let frame = Rect(x: 0, y: 0, width: size.points.width, height: size.points.height)
                let layout = ChartLayout(chart: lc.chart, frame: frame, style: preset.style, measurer: measurer)
                #expect(layout.plotRect.width >= frame.width / 2, "\(preset) at \(width)")
                if preset == .screen {
                    #expect(layout.plotRect.height >= frame.height / 2, "\(preset) at \(width): plot \(layout.plotRect.height) of \(frame.height) pt")
                }
            }
        }
        // At its own width a preset keeps its page.
        #expect(StylePreset.paper.size(width: .inches(3.4)).heightPixels == 780)
        #expect(StylePreset.screen.size(width: .inches(8)).heightPixels == 600)
    }
}
