import Foundation
import Testing
import Dissect
import Follow
import Views

/// `explain` on the lab captures, in English and Dutch.
@Suite struct ExplainTests {
    static func explain(_ name: String, lang: String = "en", stream: Int? = nil) -> [String] {
        let explainer = Explainer(language: ExplainLanguage.named(lang)!, onlyStream: stream)
        let follower = explainer.makeFollower()
        _ = renderFile(Paths.fixtures.appendingPathComponent(name).path, follower: follower) { input, _ in
            explainer.observe(input)
        }
        follower.finish()
        let out = OutputBuffer(fileDescriptor: nil)
        explainer.write(to: out)
        return out.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func everyLanguageHasEveryMessage() {
        for language in ExplainLanguage.all {
            for key in ExplainKey.allCases {
                let text = language.messages[key]
                #expect(text != nil, "\(language.code) lacks \(key)")
                let english = ExplainLanguage.english.messages[key] ?? ""
                #expect(ExplainLanguage.placeholders(text ?? "") == ExplainLanguage.placeholders(english),
                        "\(language.code) \(key) placeholders")
            }
        }
    }

    @Test func echo() {
        let lines = Self.explain("echo.pcap")
        #expect(lines[0] == "TCP stream 0: 10.77.0.4:53988 → 10.77.0.15:6789")
        #expect(lines[1].hasPrefix("10.77.0.4:53988 opened a connection to 10.77.0.15:6789 (SYN, frame 1); the server accepted (SYN-ACK, frame 2); handshake complete after 0."))
        #expect(lines[1].hasSuffix(" ms."))
        #expect(lines[2] == "The client sent 12 bytes `Hello server` (frame 4); the server answered 15 bytes `Hello 10.77.0.4` (frame 6); the client closed first (FIN, frame 8); the server closed too (FIN, frame 9); the connection ended normally (SF).")
    }

    @Test func echoInDutch() {
        let lines = Self.explain("echo.pcap", lang: "nl")
        #expect(lines[0] == "TCP-stroom 0: 10.77.0.4:53988 → 10.77.0.15:6789")
        #expect(lines[1].hasPrefix("10.77.0.4:53988 opende een verbinding met 10.77.0.15:6789 (SYN, frame 1); de server accepteerde (SYN-ACK, frame 2); handshake voltooid na 0,"))
        #expect(lines[2] == "De client stuurde 12 bytes `Hello server` (frame 4); de server antwoordde 15 bytes `Hello 10.77.0.4` (frame 6); de client sloot als eerste (FIN, frame 8); de server sloot ook (FIN, frame 9); de verbinding eindigde normaal (SF).")
    }

    @Test func refused() {
        let lines = Self.explain("refused.pcap")
        #expect(lines[1].hasPrefix("10.77.0.4:51784 tried to open a connection to 10.77.0.15:81 (SYN, frame 1); the server refused with a reset (RST-ACK, frame 2) after "))
        #expect(lines[1].hasSuffix("nothing listens on port 81, the port is closed (REJ)."))
        #expect(lines[2].contains("`reject with tcp reset`"))
        let nl = Self.explain("refused.pcap", lang: "nl")
        #expect(nl[1].contains("de server weigerde met een reset (RST-ACK, frame 2)"))
        #expect(nl[1].hasSuffix("er luistert niets op poort 81, de poort is gesloten (REJ)."))
        #expect(nl[2].contains("`reject with tcp reset`"))
    }

    @Test func filtered() {
        let lines = Self.explain("filtered.pcap")
        #expect(lines[1] == "10.77.0.4:53690 tried to open a connection to 10.77.0.15:25 (SYN, frame 1).")
        #expect(lines[2] == "Port 25: the SYN got no answer and was retried 3 times over 3.1 s (frames 2, 3, 4): the port is filtered (dropped by a firewall); Zeek's state is S0.")
        let nl = Self.explain("filtered.pcap", lang: "nl")
        #expect(nl[2] == "Poort 25: de SYN kreeg geen antwoord en werd 3 keer herhaald in 3,1 s (frames 2, 3, 4): de poort is gefilterd (weggegooid door een firewall); Zeeks toestand is S0.")
    }

    @Test func twoConnectionsAreToldApartByTheSourcePort() {
        let lines = Self.explain("two-conns.pcap")
        #expect(lines.contains("TCP stream 0: 10.77.0.4:53998 → 10.77.0.15:6789"))
        #expect(lines.contains("TCP stream 1: 10.77.0.4:50010 → 10.77.0.15:6789"))
        #expect(lines.contains { $0.hasPrefix("The client sent 25 bytes `first connection: apples\\n` (frame 7); the server answered 13 bytes `got 25 bytes\\n` (frame 13); the client closed its sending side first (FIN, frame 11)") })
        let note = lines.first { $0.hasPrefix("The TCP streams 0, 1") }
        #expect(note?.contains("the client's source port (53998, 50010)") == true)
        #expect(note?.contains("4-tuple") == true)
        #expect(lines.contains { $0.hasPrefix("The process id is not in the packets") })
        let nl = Self.explain("two-conns.pcap", lang: "nl")
        let nlNote = nl.first { $0.hasPrefix("De TCP-stromen 0, 1") }
        #expect(nlNote?.contains("de bronpoort van de client (53998, 50010)") == true)
        #expect(nlNote?.contains("4-tupel") == true)
        #expect(nl.contains { $0.hasPrefix("Het proces-id staat helemaal niet in de pakketten") })
    }

    @Test func oneStream() {
        let lines = Self.explain("two-conns.pcap", stream: 1)
        #expect(lines[0] == "TCP stream 1: 10.77.0.4:50010 → 10.77.0.15:6789")
        #expect(!lines.contains { $0.contains("stream 0") || $0.contains("4-tuple") })
    }

    @Test func payloadIsEscapedAndShortened() {
        let text = Self.explain("escapes.pcap").joined(separator: "\n")
        #expect(!text.utf8.contains(0x1b) && !text.utf8.contains(0x07))
        #expect(text.contains("`login \\x1b[1mroot\\x1b[0m\\x07\\r\\n`"))
        #expect(text.contains("`Welcome to the escape lab\\r\\n\\x1b]0;pwne…`"))
    }

    /// One paragraph per verdict class: ports 30 and 81 both answer with a reset.
    @Test func scanIsToldClassByClass() {
        let lines = Self.explain("nmap-ss.pcap")
        #expect(lines[0] == "Port scan: 10.77.0.4 probed 8 TCP ports of 10.77.0.15 with a SYN scan (half-open, like nmap -sS), frames 3–19.")
        #expect(lines[1].hasPrefix("Port 25: the SYN got no answer and was retried once after 1.1 s (frame 19); the retry came from a new source port"))
        #expect(lines[1].hasSuffix("not a second connection: the port is filtered (dropped by a firewall)."))
        let closed = lines.first { $0.hasPrefix("2 ports (30,81) are closed") } ?? ""
        #expect(closed.contains("For example port 30:") && closed.contains("`reject with tcp reset`"))
        let port80 = lines.first { $0.hasPrefix("Port 80:") } ?? ""
        #expect(port80.contains("SYN-ACK (frame 5)") && port80.contains("reset it (RST, frame 6)") && port80.contains("the port is open"))
        #expect(lines.count == 8)
        let udp = Self.explain("nmap-su.pcap", lang: "nl")
        #expect(udp.contains { $0.hasPrefix("Poort 69: de UDP-probe kreeg geen antwoord en werd 3 keer herhaald") })
    }

    @Test func quote() {
        #expect(Explainer.quote(Array("a`b".utf8), total: 3) == "`a\\x60b`")
        #expect(Explainer.quote(Array(repeating: 0x41, count: 64), total: 100) == "`" + String(repeating: "A", count: 40) + "…`")
    }
}
