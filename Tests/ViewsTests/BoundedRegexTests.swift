import Foundation
import Testing
@testable import Views

/// The `matches` engine: the same answers as Swift's Regex on ordinary patterns, PCRE2's
/// compile errors, and a bounded amount of work on hostile input.
struct BoundedRegexTests {
    static let patterns = [
        "get", "^GET /", "html?$", "a.c", "a.*c", "a.*?c", "^(get|post|head) ", "[a-c]+x", "[^a-z]",
        "\\d{2,3}", "\\d{2}", "x{0,2}y", "(ab)+c", "(ab)*?c", "\\bcurl\\b", "\\Bur", "\\w+@\\w+\\.\\w+",
        "\\s\\S", "(?-i)Host", "(?i:HOST)", "a|b|c", "(a|ab)(c|bcd)(d*)", "^$", "\\.", "[.]", "[\\]a]",
        "[a-]", "\\x41", "colou?r", "(?:ab|cd){2}", "^.{3}$", "((a)|b)+",
    ]
    static let subjects = [
        "", "GET / HTTP/1.1", "get", "abc", "aXbYc", "axc", "post /x", "cabx", "123", "1234", "xxy", "xxxy",
        "ababc", "curl/7.88", "user@host.example", "a b", "Host: x", "HOST: x", "abcd", "page.html",
        "color", "colour", "abcdabcd", "]a", "a-", "A", "aaa", "babab", "[:x",
    ]

    @Test func agreesWithSwiftRegexOnASCII() throws {
        for pattern in Self.patterns {
            let mine = try BoundedRegex(pattern)
            let swift = try Regex(pattern).ignoresCase()
            for subject in Self.subjects {
                let expected = (try? swift.firstMatch(in: subject)) != nil
                #expect(mine.matches(Array(subject.utf8)[...]) == expected, "\(pattern) on \(subject)")
            }
        }
    }

    @Test func matchesBytesAsPCRE2WithoutUTF() throws {
        let bytes: [UInt8] = [0x47, 0x45, 0x54, 0xff, 0x00, 0x0a]
        #expect(try BoundedRegex("\\xff\\x00").matches(bytes[...]))
        #expect(try BoundedRegex("T.\\x00").matches(bytes[...]))
        #expect(try !BoundedRegex("\\x00.").matches(bytes[...]))  // `.` is not a newline
        #expect(try BoundedRegex("(?s)\\x00.").matches(bytes[...]))
        #expect(try BoundedRegex("\\x00$").matches(bytes[...]))  // `$` before a final newline
        #expect(try !BoundedRegex("\\x00\\z").matches(bytes[...]))
        #expect(try BoundedRegex("[\\x80-\\xff]").matches(bytes[...]))
    }

    @Test(arguments: [
        ("(", "missing closing parenthesis"),
        ("a)", "unmatched closing parenthesis"),
        ("[a-", "missing terminating ] for character class"),
        ("*a", "quantifier does not follow a repeatable item"),
        ("a{3,2}", "numbers out of order in {} quantifier"),
        ("(?=a)", "not supported by tcpwatch"),
        ("(a)\\1", "not supported by tcpwatch"),
        ("a++", "not supported by tcpwatch"),
        ("(a?)*", "not supported by tcpwatch"),
    ])
    func refusesWithPCREMessages(pattern: String, reason: String) {
        do {
            _ = try BoundedRegex(pattern)
            Issue.record("\(pattern) compiled")
        } catch {
            #expect(error.reason.contains(reason), "\(pattern): \(error.reason)")
        }
    }

    /// `(a|aa)*$` against 100,000 `a`s and a `!`: exponential for a plain backtracker,
    /// which the star-height check does not refuse. The step limit ends it as "no match",
    /// like PCRE2's match limit in Wireshark.
    @Test func hostileInputStopsAtTheStepLimit() throws {
        let hostile = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000) + [UInt8(ascii: "!")]
        let regex = try BoundedRegex("(a|aa)*b")
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(!regex.matches(hostile[...])) }
        // The limit is 1M steps: far below a second even in a debug build.
        #expect(elapsed < .seconds(5))
        // Without the hostile run the same pattern still matches.
        #expect(try BoundedRegex("(a|aa)*b").matches(Array("aaab".utf8)[...]))
    }
}
