import Dissect

/// Wireshark's default colouring rules, reduced to terminal colours.
enum ColorRule {
    static func code(for input: FieldInput) -> String? {
        let frame = input.frame
        if !frame.issues.isEmpty { return "\u{1b}[31m" }  // red: malformed or truncated
        if let tcp = frame.tcp {
            if tcp.flags.contains(.rst) { return "\u{1b}[1;31m" }
            if tcp.flags.contains(.syn) || tcp.flags.contains(.fin) { return "\u{1b}[90m" }
            if frame.http != nil { return "\u{1b}[32m" }
            return nil
        }
        if let icmp = frame.icmp, icmp.isError { return "\u{1b}[33m" }
        if let icmp = frame.icmpv6, icmp.isError { return "\u{1b}[33m" }
        if frame.dns != nil { return "\u{1b}[36m" }
        if frame.arp != nil { return "\u{1b}[35m" }
        return nil
    }
}
