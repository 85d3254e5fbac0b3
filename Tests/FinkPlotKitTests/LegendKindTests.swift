import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// The legend entry of a point kind says how it is marked when bands have shapes of their own
/// (issue #13): the neutral circle it shows is not the squares and triangles of the data.
@Suite struct LegendKindTests {
    let id = "ZTF19acihgng"

    var rows: [Detection] {
        [Detection(objectId: id, candid: 1, jd: 2_458_800.5, fid: 1, tag: .valid, magpsf: 18, sigmapsf: 0.1, isdiffpos: true),
         Detection(objectId: id, candid: 2, jd: 2_458_801.5, fid: 2, tag: .valid, magpsf: 18.2, sigmapsf: 0.1, isdiffpos: true),
         Detection(objectId: id, jd: 2_458_795.5, fid: 2, tag: .upperLimit, diffmaglim: 20.1)]
    }

    func legend(_ palette: BandPalette) throws -> [String] {
        try LightcurveBuilder.build(objectId: id, detections: rows, options: LightcurveOptions(palette: palette)).chart.legend.map(\.label)
    }

    @Test func shapedPalettesSayLimitsAreOpenWithAnArrow() throws {
        let shaped = try legend(.colorblind), plain = try legend(.fink)
        #expect(shaped.contains("upper limit: open + arrow (1)"), "\(shaped)")
        // One shape for every band: the entry's open triangle is the data's, nothing to add.
        #expect(plain.contains("upper limit (1)"), "\(plain)")
    }
}
