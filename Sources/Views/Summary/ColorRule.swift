import Dissect

/// Wireshark's default colouring rules, reduced to terminal colours.
enum ColorRule {
    static func code(for input: FieldInput) -> String? {
                if !input.frame.issues.isEmpty { return "\u{1b}[31m" }  // red: malformed or truncated
        if let tcp = input.frame.tcp {
            if tcp.flags.contains(.rst) { return "\u{1b}[1;31m" }
            if tcp.flags.contains(.syn) || tcp.flags.contains(.fin) { return "\u{1b}[90m" }
            if input.frame.http != nil { return "\u{1b}[32m" }
            return nil
        }
        if let icmp = input.frame.icmp, icmp.isError { return "\u{1b}[33m" }
        if let icmp = input.frame.icmpv6, icmp.isError { return "\u{1b}[33m" }
        if input.frame.dns != nil { return "\u{1b}[36m" }
        if input.frame.arp != nil { return "\u{1b}[35m" }
        return nil
    }
}
