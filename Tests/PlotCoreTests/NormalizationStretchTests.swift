import Testing
@testable import PlotCore

// Expected values: astropy 8.0.2 stretches evaluated at `xs`, printed by
// scripts/gen_expected.py (section "Stretches").
struct NormalizationStretchTests {
    static let xs: [Double] = [0, 0.001, 0.1, 0.25, 0.5, 0.9, 1]

    static let cases: [(Stretch, [Double])] = [
        (.linear, [0, 0.001, 0.1, 0.25, 0.5, 0.9, 1]),
        (.sqrt, [0, 0.031622776601683791, 0.31622776601683794, 0.5, 0.70710678118654757,
                 0.94868329805051377, 1]),
        (.log(), [0, 0.10032881506161208, 0.66801046849410672, 0.79977551897991284,
                  0.89981571204370348, 0.98476577544451294, 1]),
        (.log(a: 10), [0, 0.0041496102711591504, 0.28906482631788782, 0.52244273663936103,
                       0.74722173630921407, 0.96025256778912749, 1]),
        (.asinh(), [0, 0.0033352534173081033, 0.29396532600484238, 0.54940248729914842,
                    0.77126964192003711, 0.96505297766409093, 1]),
        (.asinh(a: 0.05), [0, 0.0054204217197609547, 0.39128173500856989, 0.62676132710126886,
                           0.81263580599513541, 0.97148282781001372, 1]),
        (.power(a: 2), [0, 9.9999999999999995e-07, 0.010000000000000002, 0.0625, 0.25,
                        0.81000000000000005, 1]),
        (.power(a: 0.5), [0, 0.031622776601683791, 0.31622776601683794, 0.5, 0.70710678118654757,
                          0.94868329805051377, 1]),
        (.sinh(), [0, 0.00029946515820373387, 0.030397693687904292, 0.08208494694677107,
                   0.21254801747114019, 0.73930480862785286, 1]),
        (.sinh(a: 0.5), [0, 0.0005514414971710597, 0.055512476329523615, 0.14367669193066093,
                         0.32402713683194267, 0.81121795637076011, 1]),
    ]

    @Test(arguments: 0..<cases.count)
    func stretchMatchesAstropy(_ k: Int) {
        let (stretch, expected) = Self.cases[k]
        for (x, want) in zip(Self.xs, expected) {
            let got = stretch.apply(x)
            #expect(close(got, want, 1e-12), "\(stretch) at \(x): \(got) vs astropy \(want)")
        }
    }

    @Test func defaultsAreAstropys() {
        #expect(Stretch.log() == .log(a: 1000))
        #expect(Stretch.asinh() == .asinh(a: 0.1))
        #expect(Stretch.sinh() == .sinh(a: 1.0 / 3.0))
    }

    @Test func sigmoidApplyIsTheLogisticOfTheStandardisedValue() {
        // 1 / (1 + e^(−z)) at z = −3, −1, 0, 0.5, 2 (numpy, float64).
        let expected: [(Double, Double)] = [(-3, 0.047425873177566781), (-1, 0.2689414213699951),
                                            (0, 0.5), (0.5, 0.62245933120185459), (2, 0.88079707797788231)]
        for (z, want) in expected { #expect(close(Stretch.sigmoid.apply(z), want, 1e-12)) }
    }

    @Test func parsingAcceptsTheDocumentedForms() throws {
        #expect(try Stretch(parsing: "linear") == .linear)
        #expect(try Stretch(parsing: "sqrt") == .sqrt)
        #expect(try Stretch(parsing: "log") == .log(a: 1000))
        #expect(try Stretch(parsing: "log:1000") == .log(a: 1000))
        #expect(try Stretch(parsing: "asinh") == .asinh(a: 0.1))
        #expect(try Stretch(parsing: "asinh:0.05") == .asinh(a: 0.05))
        #expect(try Stretch(parsing: "power:2") == .power(a: 2))
        #expect(try Stretch(parsing: "sinh:0.5") == .sinh(a: 0.5))
        #expect(try Stretch(parsing: "sigmoid") == .sigmoid)
        #expect(try Stretch(parsing: " ASINH:0.2 ") == .asinh(a: 0.2))
    }

    @Test(arguments: ["", "cubic", "power", "asinh:", "asinh:x", "log:1,2", "linear:2", "sigmoid:1"])
    func parsingRejectsMalformedInputListingTheForms(_ text: String) throws {
        do {
            _ = try Stretch(parsing: text)
            Issue.record("\"\(text)\" was accepted")
        } catch let error as ImagingError {
            let accepted = try #require(error.acceptedForms, "wrong error \(error)")
            #expect(accepted == Stretch.acceptedForms)
            #expect(error.description.contains("asinh:A"))
            #expect(error.description.contains("sigmoid"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: ["asinh:0", "asinh:-0.1", "log:0", "power:-2", "sinh:0", "power:inf", "log:nan"])
    func parsingRejectsOutOfDomainParameters(_ text: String) {
        #expect(throws: ImagingError.self) { try Stretch(parsing: text) }
    }

    @Test func validateExplainsTheDomain() {
        #expect(throws: ImagingError.invalidParameter("asinh: a must be a finite number > 0, got -1.0")) {
            try Stretch.asinh(a: -1).validate()
        }
        #expect(throws: Never.self) { try Stretch.power(a: 3).validate() }
        #expect(throws: Never.self) { try Stretch.sigmoid.validate() }
    }
}
