import Dissect

/// Wireshark's default colouring rules, reduced to terminal colours.
enum ColorRule {
    static func code(for input: FieldInput) -> String? {
        switch category(for: input) {
        case .badTCP?: "\u{1b}[31m"  // red: malformed or truncated
        case .tcpReset?: "\u{1b}[1;31m"
        case .synFin?: "\u{1b}[90m"
        case .http?: "\u{1b}[32m"
        case .icmpError?: "\u{1b}[33m"
        case .dns?: "\u{1b}[36m"
        case .arp?: "\u{1b}[35m"
        case nil: nil
        }
    }

    /// The first of Wireshark's default rules that matches, in Wireshark's order.
    static func category(for input: FieldInput) -> ColorCategory? {
        if !input.frame.issues.isEmpty { return .badTCP }
        if let tcp = input.frame.tcp {
            if tcp.flags.contains(.rst) { return .tcpReset }
            if tcp.flags.contains(.syn) || tcp.flags.contains(.fin) { return .synFin }
            if input.frame.http != nil { return .http }
            return nil
        }
        if let icmp = input.frame.icmp, icmp.isError { return .icmpError }
        if let icmp = input.frame.icmpv6, icmp.isError { return .icmpError }
        if input.frame.dns != nil { return .dns }
        if input.frame.arp != nil { return .arp }
        return nil
    }
}

/// Wireshark's default colouring rules that tcpwatch applies (its "Bad TCP" rule also
/// covers malformed and truncated frames here).
public enum ColorCategory: String, Sendable, CaseIterable {
    case badTCP = "bad", tcpReset = "rst", synFin = "synfin", http, icmpError = "icmp-error", dns, arp
}
