import Testing
@testable import Views

/// `matches` refuses patterns whose backtracking can explode on a hostile field.
struct RegexSafetyTests {
    @Test(arguments: ["(a+)+$", "(a*)*b", "^(\\w+\\s?)*$", "([a-z]+)*x", "((ab)*c)+", "(x+x+)+y",
                      "(a{2,})+", "(?:a|b+)*c", "((a+))+", "(a+?)+?"])
    func repetitionInsideRepetitionIsRefused(pattern: String) {
        #expect(RegexSafety.nestedRepetition(in: pattern) != nil)
        #expect(throws: DisplayFilterError.self) {
            _ = try DisplayFilter("http.request.uri matches \"\(pattern.replacingOccurrences(of: "\\", with: "\\\\"))\"")
        }
    }

    @Test(arguments: ["^GET /[a-z]+", "(ab)+", "a+b*c+", "(\\d+\\.){3}\\d+", "(a+)?", "[(a+)]+",
                      "\\(a+\\)+", "(a){2,5}", "(a+){3}", "x{2}(y+)", "(?i)host: .*example"])
    func otherPatternsAreAccepted(pattern: String) throws {
        #expect(RegexSafety.nestedRepetition(in: pattern) == nil)
        _ = try DisplayFilter("http.request.uri matches \"\(pattern.replacingOccurrences(of: "\\", with: "\\\\"))\"")
    }

    @Test func theErrorSaysWhy() {
        do {
            _ = try DisplayFilter("http.host matches \"(a+)+\"")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("exponential"))
            #expect(error.column == 18)  // the opening quote of the pattern
        }
    }
}
