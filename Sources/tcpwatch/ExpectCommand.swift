import ArgumentParser
import CommandSupport
import Dissect
import Follow
import TcpwatchKit
import Views
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct ExpectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expect",
        abstract: "Check assertions over a recorded capture: exit 0 when all hold, 1 with a report when not.",
        discussion: """
        Assertions (several may be given; each starts with its first option):
          --packets FILTER [--count N | --at-least N]   frames matching a display filter
          --conversation CONDITIONS [--state S] [--client-sends TEXT] [--server-sends TEXT]
                 CONDITIONS over conn.log fields: id.orig_h id.orig_p id.resp_h id.resp_p conn_state history stream
          --handshake HOST PORT                          a complete SYN, SYN-ACK, ACK
          --port HOST:PORT --state open|closed|filtered  a probed port's state
          --file CHECKS                                  one assertion per line (# comments)
        -T json prints one result object per line.

        Examples:
          tcpwatch expect Fixtures/pcaps/echo.pcap --handshake 10.77.0.15 6789
          tcpwatch expect Fixtures/pcaps/echo.pcap --conversation 'id.resp_p==6789' --state SF --client-sends 'Hello server' --server-sends 'Hello 10.77.0.4'
          tcpwatch expect Fixtures/pcaps/refused.pcap --packets 'tcp.flags.reset==1 && tcp.srcport==81' --count 1
        """
    )

    @Argument(help: "The capture file.")
    var file: String

    @Argument(parsing: .allUnrecognized, help: "The assertions (see above).")
    var assertions: [String] = []

    @Option(name: .customShort("T"), help: "json: one result object per line.")
    var format: String?

    func run() throws {
        var arguments = assertions
        var jsonOutput = format == "json"
        if let i = arguments.firstIndex(of: "-T"), i + 1 < arguments.count {
            jsonOutput = arguments[i + 1] == "json"
            arguments.removeSubrange(i...(i + 1))
        }
        let expectations: [Expectation]
        do {
            expectations = try Self.parse(arguments)
        } catch {
            printError("\(error)")
            throw ExitCode(64)
        }
        guard !expectations.isEmpty else {
            printError("give at least one assertion, e.g. --handshake HOST PORT (see tcpwatch help expect)")
            throw ExitCode(64)
        }
        let capture: Capture
        do {
            capture = try Capture(contentsOf: file)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        var failures = 0
        for expectation in expectations {
            let result = capture.check(expectation)
            if !result.passed { failures += 1 }
            if jsonOutput {
                print(Self.json(result))
            } else {
                print("\(result.passed ? "PASS" : "FAIL")  expected \(result.expectation)\n      \(result.found)")
            }
        }
        if !jsonOutput {
            print("\(expectations.count - failures) passed, \(failures) failed")
        }
        if failures > 0 { throw ExitCode(1) }
    }

    static func json(_ r: ExpectationResult) -> String {
        func quoted(_ s: String) -> String {
            let out = OutputBuffer(fileDescriptor: nil)
            JSONView().writeString(Array(s.utf8)[...], to: out)
            return out.text
        }
        return "{\"assertion\":\(quoted(r.expectation.description)),\"passed\":\(r.passed),\"found\":\(quoted(r.found))}"
    }

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// Splits the arguments into assertions, each starting at its head option.
    static func parse(_ arguments: [String]) throws -> [Expectation] {
        var result: [Expectation] = []
        var i = 0
        func value(_ option: String) throws -> String {
            guard i + 1 < arguments.count else { throw UsageError(description: "\(option) needs a value") }
            i += 1
            return arguments[i]
        }
        while i < arguments.count {
            let option = arguments[i]
            switch option {
            case "--packets":
                let filter = try value(option)
                var count: Int?, atLeast: Int?
                while i + 1 < arguments.count, ["--count", "--at-least"].contains(arguments[i + 1]) {
                    i += 1
                    let which = arguments[i]
                    guard let n = Int(try value(which)) else { throw UsageError(description: "\(which) needs a number") }
                    if which == "--count" { count = n } else { atLeast = n }
                }
                result.append(.packets(filter: filter, count: count, atLeast: atLeast))
            case "--conversation":
                let condition = try value(option)
                var state: ConnState?, client: String?, server: String?
                while i + 1 < arguments.count, ["--state", "--client-sends", "--server-sends"].contains(arguments[i + 1]) {
                    i += 1
                    let which = arguments[i]
                    let v = try value(which)
                    switch which {
                    case "--state":
                        guard let s = ConnState(rawValue: v) else {
                            throw UsageError(description: "unknown state '\(v)'; Zeek's states are \(ConnState.allCases.map(\.rawValue).joined(separator: " "))")
                        }
                        state = s
                    case "--client-sends": client = v
                    default: server = v
                    }
                }
                result.append(.conversation(where: condition, state: state, clientSends: client, serverSends: server))
            case "--handshake":
                let host = try value(option)
                guard let port = UInt16(try value(option)) else { throw UsageError(description: "--handshake takes HOST PORT") }
                result.append(.handshake(host: host, port: port))
            case "--port":
                let target = try value(option)
                guard let colon = target.lastIndex(of: ":"), let port = UInt16(target[target.index(after: colon)...]) else {
                    throw UsageError(description: "--port takes HOST:PORT")
                }
                guard i + 2 < arguments.count, arguments[i + 1] == "--state" else {
                    throw UsageError(description: "--port HOST:PORT needs --state open|closed|filtered")
                }
                i += 1
                let state = try value("--state")
                result.append(.port(host: target[..<colon].trimmingScalars { $0 == "[" || $0 == "]" }, port: port, state: state))
            case "--file":
                let path = try value(option)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw UsageError(description: "cannot read the checks file \(path)")
                }
                for line in text.split(whereSeparator: \.isNewline) {
                    let trimmed = line.trimmingScalars(where: \.isHorizontalWhitespace)
                    guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                    result += try parse(shellWords(trimmed))
                }
            default:
                throw UsageError(description: "unknown assertion '\(option)'; see tcpwatch help expect")
            }
            i += 1
        }
        return result
    }

    /// Splits a checks-file line as a shell would: quotes group, backslash escapes.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"", let n = chars.next() { current.append(n) } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
