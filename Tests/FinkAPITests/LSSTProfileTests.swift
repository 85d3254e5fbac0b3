import FinkAPI
import Foundation
import Testing

/// LSSTProfile: the diaObjectId syntax, and what the profile says about the survey.
@Suite struct LSSTProfileTests {
    let profile = LSSTProfile()

    @Test func describesRubin() {
        #expect(profile.survey == .lsst && Survey.lsst.name == "lsst")
        #expect(profile.displayName == "Rubin")
        #expect(profile.idName == "diaObjectId" && profile.idExample == "170028485706776685")
        #expect(profile.defaultBaseURL == "https://api.lsst.fink-portal.org")
        #expect(profile.environmentVariable == "FINK_LSST_API_URL")
        #expect(profile.timeScale == .tai)
        #expect(profile.bands == ["u", "g", "r", "i", "z", "y"])
        #expect(profile.pixelScale == 0.2 && profile.stampUnit == "nJy")
        #expect(profile.alertIdName == "diaSourceId")
        #expect(Surveys.profile(.lsst)?.displayName == "Rubin")
        #expect(Surveys.all.contains { $0.survey == .lsst })
    }

    @Test(arguments: [("170028485706776685", "170028485706776685"), ("0", "0"), ("000", "0"),
                      ("0000170028485706776", "170028485706776"), ("9223372036854775807", "9223372036854775807"),
                      (" 314002971860926640\n", "314002971860926640"), ("1", "1")])
    func validIds(raw: String, canonical: String) throws {
        let key = try profile.key(validating: raw)
        #expect(key == ObjectKey(survey: .lsst, validatedId: canonical))
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("+170028485706776685", "a Rubin diaObjectId is an unsigned decimal number like 170028485706776685, without a sign"),
        ("-5", "a Rubin diaObjectId is an unsigned decimal number like 170028485706776685, without a sign"),
        ("1700284857x6776685", "a Rubin diaObjectId has only the digits 0-9 (like 170028485706776685), this one has 'x'"),
        ("170028485706776685,170028513894596704", "a Rubin diaObjectId has only the digits 0-9 (like 170028485706776685), this one has ','"),
        ("1.7e17", "a Rubin diaObjectId has only the digits 0-9 (like 170028485706776685), this one has '.'"),
        ("１７０", "a Rubin diaObjectId has only the digits 0-9 (like 170028485706776685), this one has '１'"),
        ("12345678901234567890", "a Rubin diaObjectId has at most 19 digits, this one has 20"),
        ("00170028485706776685", "a Rubin diaObjectId has at most 19 digits, this one has 20"),
        ("9223372036854775808", "it exceeds the largest 64-bit diaObjectId, 9223372036854775807"),
        ("9999999999999999999", "it exceeds the largest 64-bit diaObjectId, 9223372036854775807"),
    ])
    func invalidIds(raw: String, reason: String) {
        #expect(throws: FinkError.invalidObjectId(raw, reason: reason)) { try profile.key(validating: raw) }
    }

    @Test func claimsAllDigitsOnly() {
        #expect(profile.claims("170028485706776685"))
        #expect(profile.claims("0"))
        #expect(profile.claims("99999999999999999999999"), "claimed, then refused with a Rubin reason")
        #expect(!profile.claims(""))
        #expect(!profile.claims("ZTF21aaxtctv"))
        #expect(!profile.claims("-1") && !profile.claims("+1") && !profile.claims("1 2") && !profile.claims("１"))
    }

    @Test func surveysRouteDigitsToRubin() throws {
        #expect(try Surveys.key("170028485706776685") == ObjectKey(survey: .lsst, validatedId: "170028485706776685"))
        #expect(try Surveys.key(" 0170028485706776685 ").id == "170028485706776685")
        #expect(try Surveys.key("0", survey: .lsst).id == "0")
        #expect(throws: FinkError.invalidObjectId("99999999999999999999", reason: "a Rubin diaObjectId has at most 19 digits, this one has 20")) {
            try Surveys.key("99999999999999999999")
        }
    }

    @Test func sourcesFromTheProfile() throws {
        let api = profile.apiSource(baseURL: URL(string: "https://example.org/fink")!, transport: URLSessionTransport(timeout: 1))
        #expect(api is LSSTClient && api.survey == .lsst && api.isRemote)
        #expect(api.location == "https://example.org/fink")
        let directory = profile.directorySource(URL(fileURLWithPath: "/tmp/saved"), shownAs: "saved")
        #expect(directory is LSSTDirectorySource && directory.location == "saved" && !directory.isRemote)
    }
}
