import Foundation
import Testing
import Dissect
import Follow
@testable import Views

/// Inputs of the `filter` fuzz target (Fuzz/FuzzFilter.swift) that trapped, overflowed the
/// stack or hung, replayed as the target runs them: compiled, and when they compile,
/// evaluated over the fixtures the target uses.
@Suite struct FilterFuzzRegressionTests {
    static let folder = Paths.repository.appendingPathComponent("Fuzz/regressions/filter")
    static let fixtures = ["http-get.pcap", "dns.pcap", "icmp-ping.pcap", "nmap-ss.pcap", "loopback-v6.pcap", "any-sll2.pcap"]

    static func regression(_ name: String) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return String(decoding: data, as: UTF8.self)
    }

    static func error(_ text: String) -> DisplayFilterError? {
        DisplayFilterTests.error(text)
    }

    @Test func everyFilterRegressionCompilesOrFailsWithAnError() throws {
        let files = Paths.files(in: Self.folder, suffixes: [".txt"])
        #expect(!files.isEmpty)
        for file in files {
            let text = try Self.regression(file.lastPathComponent)
            do {
                let filter = try DisplayFilter(text)
                for capture in Self.fixtures {
                    _ = try DisplayFilterTests.matchingFrames(capture, filter)
                }
            } catch let error as DisplayFilterError {
                #expect(!error.description.isEmpty)
            }
        }
    }

    /// 100,000 `(` overflowed the stack: the parser recursed three calls per level. The
    /// parser now stops at `FilterParser.maxNesting` with an error at the first level too many.
    @Test func nestingIsBounded() throws {
        let limit = FilterParser.maxNesting
        let deepest = String(repeating: "(", count: limit) + "tcp" + String(repeating: ")", count: limit)
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", DisplayFilter(deepest)) == Array(1...10))
        let nots = String(repeating: "!", count: limit) + "tcp"
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", DisplayFilter(nots)) == Array(1...10))

        for text in ["(" + deepest + ")", "!" + nots, try Self.regression("deep-parentheses.txt"),
                     try Self.regression("deep-not.txt")] {
            let error = try #require(Self.error(text))
            guard case .nestedTooDeeply(let reported, let at) = error else {
                Issue.record("expected nestedTooDeeply, got \(error.message)")
                continue
            }
            #expect(reported == limit)
            #expect(at.column == limit)
        }
    }

    /// `tcp && tcp && ...` built a left-deep tree as deep as the chain: evaluating it and
    /// freeing it recursed once per operand. A chain is now one node.
    @Test func longChainsAreFlat() throws {
        let filter = try DisplayFilter(try Self.regression("long-and-chain.txt"))
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", filter) == Array(1...10))
        let or = try DisplayFilter(Array(repeating: "udp", count: 50_000).joined(separator: " || ") + " || tcp.len > 0")
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", or) == [4, 6])
        let mixed = try DisplayFilter("udp || tcp.len > 0 && tcp.srcport == 6789 || arp")
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", mixed) == [6])
    }

    /// A slice length near Int.max overflowed `start + length` on the first frame long
    /// enough to reach the start; `[i-j]` with j = Int.max overflowed `j - i + 1` while parsing.
    @Test func hugeSlicesSelectNothing() throws {
        let huge = try DisplayFilter(try Self.regression("slice-length-overflow.txt"))
        #expect(try DisplayFilterTests.matchingFrames("http-get.pcap", huge) == [])
        let first = try DisplayFilter("http.request.uri[0:1] == 2f")
        #expect(try DisplayFilterTests.matchingFrames("http-get.pcap", first) == [6])
        let fromMostNegative = try DisplayFilter("http.request.uri[-9223372036854775808:] == 2f")
        #expect(try DisplayFilterTests.matchingFrames("http-get.pcap", fromMostNegative) == [])

        let error = try #require(Self.error(try Self.regression("slice-range-overflow.txt")))
        guard case .invalidValue = error else {
            Issue.record("expected invalidValue, got \(error.message)")
            return
        }
    }

    /// Seconds up to 9223372039 passed the old check and overflowed `seconds * 10^9`.
    @Test func timeLiteralsThatDoNotFitAreInvalid() throws {
        let error = try #require(Self.error(try Self.regression("time-seconds-overflow.txt")))
        guard case .invalidValue = error else {
            Issue.record("expected invalidValue, got \(error.message)")
            return
        }
        #expect(Self.error("frame.time_relative > 9223372036") != nil)
        let largest = try DisplayFilter("frame.time_relative < 9223372035.999999999")
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", largest) == Array(1...10))
    }

    /// `'\x` followed by 19 hex digits overflowed the character value.
    @Test func longHexCharacterSaturates() throws {
        let filter = try DisplayFilter(try Self.regression("character-hex-overflow.txt"))
        #expect(try DisplayFilterTests.matchingFrames("echo.pcap", filter) == [])
        #expect(Self.error("eth.src[0] == '\\x123456789abcdef0123'") != nil)
    }

    /// A 200,000-letter unknown name spent minutes in the edit distance against every
    /// field for "did you mean"; no field can be that close, so none is computed.
    @Test func longUnknownNameHasNoSuggestions() throws {
        let error = try #require(Self.error(try Self.regression("long-unknown-name.txt")))
        switch error {
        case .unknownField, .leftSide: break
        default: Issue.record("expected an unknown name, got \(error.message)")
        }
        #expect(error.suggestions.isEmpty)
        #expect(FieldRegistry.suggestions(for: "tcp.prot").first == "tcp.port")
        #expect(FieldRegistry.suggestions(for: "tcp.analysis.retransmissio").first == "tcp.analysis.retransmission")
    }
}
