/// The sentences `explain` builds its narrative from. Each language is one table from
/// ``ExplainKey`` to a template; `{name}` marks a value filled in at run time. To add a
/// language, copy `ExplainLanguage+en.swift`, translate the right-hand sides, and list
/// the new table in ``ExplainLanguage/all``. A test checks that every table has every
/// key with the same placeholders.
public enum ExplainKey: String, CaseIterable, Sendable {
    // Headings
    case headingTCP, headingUDP, headingScan, headingProbe
    // Scan types, as the scan heading names them
    case scanSyn, scanConnect, scanAck, scanFin, scanNull, scanXmas, scanMaimon, scanUDP
    // Probes
    case probeSyn, probeAck, probeFin, probeNull, probeXmas, probeMaimon, probeUDP
    // Opening a TCP connection
    case opened, triedToOpen, accepted, handshakeComplete, handshakeNotCompleted, midstream, synRetried
    case refused, resetLooksClosed, icmpAnswer, noAnswer, retriedOnce, retriedMany, notRetried
    case halfOpenReset
    // Data
    case clientSent, serverAnswered, serverSentNothing, serverSentFirst, clientAnswered
    case frameOne, framesMany
    // Closing
    case clientClosedFirst, serverClosedFirst, clientClosedToo, serverClosedToo, halfClose
    case clientReset, serverReset, endedNormally, zeekState
    // Zeek states
    case stateS0, stateS1, stateS2, stateS3, stateSF, stateREJ, stateRSTO, stateRSTR, stateRSTOS0, stateRSTRH
    case stateSH, stateSHR, stateOTH
    // UDP
    case udpSentOne, udpSentMany, udpAnsweredOne, udpAnsweredMany, udpNoAnswer, udpClosed
    // Scans
    case scanPort, scanNoAnswer, scanAnswered, scanHalfOpen, scanConnected, scanClass, retryNewSourcePort, scanCapNote, storyCapNote
    case answerSynAck, answerSyn, answerReset, answerUDP, answerICMP, fromHost
    case meaningOpen, meaningOpenUDP, meaningClosed, meaningClosedICMP, meaningFilteredDrop, meaningFilteredICMP
    case meaningTCPPortUnreach, meaningUnfiltered, meaningOpenFiltered
    case portIs
    // ICMP names
    case icmpNetUnreach, icmpHostUnreach, icmpProtoUnreach, icmpPortUnreach, icmpNetProhibited, icmpHostProhibited
    case icmpAdminProhibited, icmpTimeExceeded, icmpOther
    case icmp6NoRoute, icmp6AdminProhibited, icmp6BeyondScope, icmp6AddressUnreach, icmp6PortUnreach, icmp6RejectRoute
    // States in nmap's words, translated
    case stateOpen, stateClosed, stateFiltered, stateUnfiltered, stateOpenFiltered
    // Shared server port
    case sharedPort, sharedPortAddress, noPid
    case noConversations
}

public struct ExplainLanguage: Sendable {
    public let code: String
    public let decimalSeparator: String
    public let messages: [ExplainKey: String]

    public init(code: String, decimalSeparator: String, messages: [ExplainKey: String]) {
        self.code = code
        self.decimalSeparator = decimalSeparator
        self.messages = messages
    }

    public static let all: [ExplainLanguage] = [.english, .dutch]

    public static func named(_ code: String) -> ExplainLanguage? {
        all.first { $0.code == code.lowercased() }
    }

    /// The template for `key` with `{name}` replaced by `values[name]`.
    public func text(_ key: ExplainKey, _ values: [String: String] = [:]) -> String {
        let template = messages[key] ?? ExplainLanguage.english.messages[key] ?? key.rawValue
        guard template.contains(Character("{")) else { return template }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The `{name}` placeholders a template uses.
    public static func placeholders(_ template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
