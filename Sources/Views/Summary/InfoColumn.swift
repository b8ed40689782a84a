import Dissect
import Follow

/// The Info column, written the way tshark writes it for each protocol.
enum InfoColumn {
    /// tshark's `COL_MAX_INFO_LEN` (4096, NUL included): the column keeps at most 4095
    /// bytes. It also bounds the line a hostile frame can make (a DNS message of 60000
    /// compressed questions would otherwise write megabytes).
    static let maximumLength = 4095

    static func write(_ input: FieldInput, to out: OutputBuffer) {
        let start = out.count
        writeUnbounded(input, to: out)
        out.truncate(from: start, toLength: maximumLength)
    }

    private static func writeUnbounded(_ input: FieldInput, to out: OutputBuffer) {
        let frame = input.frame
        if let http = frame.http {
            writeHTTP(http, frame: frame, to: out)
        } else if let dns = frame.dns {
            DNSInfo.write(dns, frame: frame, to: out, limit: out.count + maximumLength)
        } else if let tcp = frame.tcp {
            writeTCP(tcp, input: input, to: out)
        } else if let udp = frame.udp {
            out.decimal(udp.sourcePort)
            out.ascii(" → ")
            out.decimal(udp.destinationPort)
            out.ascii(" Len=")
            out.decimal(max(udp.length - 8, 0))
        } else if let icmp = frame.icmp {
            ICMPInfo.write(icmp, frame: frame, to: out)
        } else if let icmp = frame.icmpv6 {
            ICMPInfo.write(icmp, frame: frame, to: out)
        } else if let arp = frame.arp {
            writeARP(arp, to: out)
        } else if let issue = frame.issues.first {
            out.string(issue.description)
        }
        if let issue = frame.issues.first, frame.tcp != nil || frame.udp != nil || frame.ipv4 != nil || frame.ipv6 != nil {
            out.ascii(" [")
            out.string(issue.description)
            out.byte(93)
        }
    }

    /// Flag names in tshark's order.
    private static let flagNames: [(TCPFlags, StaticString)] = [
        (.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"),
        (.urg, "URG"), (.ece, "ECE"), (.cwr, "CWR"), (.ae, "AE"),
    ]

    static func writeFlags(_ flags: TCPFlags, to out: OutputBuffer) {
        out.byte(91)
        var first = true
        for (flag, name) in flagNames where flags.contains(flag) {
            if !first { out.ascii(", ") }
            out.ascii(name)
            first = false
        }
        if first { out.ascii("<None>") }
        out.byte(93)
    }

    static func writeTCP(_ tcp: TCP, input: FieldInput, to out: OutputBuffer) {
        let a = input.analysis
        out.decimal(tcp.sourcePort)
        out.ascii(" → ")
        out.decimal(tcp.destinationPort)
        out.byte(32)
        writeFlags(tcp.flags, to: out)
        out.ascii(" Seq=")
        out.decimal(a.relativeSeq)
        if tcp.flags.contains(.ack) {
            out.ascii(" Ack=")
            out.decimal(a.relativeAck)
        }
        out.ascii(" Win=")
        out.decimal(a.windowSize)
        if tcp.flags.contains(.urg) {
            out.ascii(" Urg=")
            out.decimal(tcp.urgentPointer)
        }
        out.ascii(" Len=")
        out.decimal(tcp.segmentLength)
        let options = tcp.options
        if let mss = options.mss {
            out.ascii(" MSS=")
            out.decimal(mss)
        }
        if options.sackPermitted { out.ascii(" SACK_PERM") }
        if options.sackBlocks.count > 0 {
            for i in 0..<options.sackBlocks.count {
                let block = options.sackBlocks[i]
                // SACK edges are relative to the peer's... own sequence space: the acked side.
                out.ascii(" SLE=")
                out.decimal(block.left &- (tcp.acknowledgmentNumber &- a.relativeAck))
                out.ascii(" SRE=")
                out.decimal(block.right &- (tcp.acknowledgmentNumber &- a.relativeAck))
            }
        }
        if let tsval = options.timestampValue, let tsecr = options.timestampEcho {
            out.ascii(" TSval=")
            out.decimal(tsval)
            out.ascii(" TSecr=")
            out.decimal(tsecr)
        }
        if let shift = options.windowScale {
            out.ascii(" WS=")
            out.decimal(1 << Int(min(shift, 14)))
        }
    }

    static func writeHTTP(_ http: HTTPHead, frame: Frame, to out: OutputBuffer) {
        out.escaped(frame.bytes.slice(http.firstLine))
        out.byte(32)
    }

    static func writeARP(_ arp: ARP, to out: OutputBuffer) {
        switch arp.opcode {
        case 1:
            if let target = arp.targetIP, let sender = arp.senderIP {
                if target == sender {
                    out.ascii("Gratuitous ARP for ")
                    out.ipv4(target)
                    out.ascii(" (Request)")
                } else {
                    out.ascii("Who has ")
                    out.ipv4(target)
                    out.ascii("? Tell ")
                    out.ipv4(sender)
                }
                return
            }
        case 2:
            if let sender = arp.senderIP, let mac = arp.senderMAC {
                out.ipv4(sender)
                out.ascii(" is at ")
                out.mac(mac)
                return
            }
        default: break
        }
        out.ascii("ARP opcode ")
        out.decimal(arp.opcode)
    }
}
