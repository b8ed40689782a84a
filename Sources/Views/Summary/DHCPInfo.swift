import Dissect

/// BOOTP/DHCP's protocol and Info columns, as packet-dhcp.c writes them:
/// "DHCP Offer    - Transaction ID 0x3d1d", or for BOOTP "Boot Request from MAC (MAC)".
enum DHCPInfo {
    static let messageTypes: [UInt64: String] = [
        1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NAK", 7: "Release", 8: "Inform",
        9: "Force Renew", 10: "Lease query", 11: "Lease Unassigned", 12: "Lease Unknown", 13: "Lease Active",
        14: "Bulk Lease Query", 15: "Lease Query Done", 16: "Active LeaseQuery", 17: "Lease Query Status", 18: "TLS",
    ]

    /// Option names, as packet-dhcp.c's option table has them (the parameter request list
    /// names options by them too).
    static let optionNames: [UInt8: String] = [
        0: "Padding", 1: "Subnet Mask", 2: "Time Offset", 3: "Router", 4: "Time Server", 5: "Name Server",
        6: "Domain Name Server", 7: "Log Server", 8: "Quotes Server", 9: "LPR Server", 10: "Impress Server",
        11: "Resource Location Server", 12: "Host Name", 13: "Boot File Size", 14: "Merit Dump File", 15: "Domain Name",
        16: "Swap Server", 17: "Root Path", 18: "Extensions Path", 19: "IP Forwarding", 20: "Non-Local Source Routing",
        21: "Policy Filter", 22: "Maximum Datagram Reassembly Size", 23: "Default IP Time-to-Live",
        24: "Path MTU Aging Timeout", 25: "Path MTU Plateau Table", 26: "Interface MTU", 27: "All Subnets are Local",
        28: "Broadcast Address", 29: "Perform Mask Discovery", 30: "Mask Supplier", 31: "Perform Router Discover",
        32: "Router Solicitation Address", 33: "Static Route", 34: "Trailer Encapsulation", 35: "ARP Cache Timeout",
        36: "Ethernet Encapsulation", 37: "TCP Default TTL", 38: "TCP Keepalive Interval", 39: "TCP Keepalive Garbage",
        40: "Network Information Service Domain", 41: "Network Information Service Servers",
        42: "Network Time Protocol Servers", 43: "Vendor-Specific Information", 44: "NetBIOS over TCP/IP Name Server",
        45: "NetBIOS over TCP/IP Datagram Distribution Name Server", 46: "NetBIOS over TCP/IP Node Type",
        47: "NetBIOS over TCP/IP Scope", 48: "X Window System Font Server", 49: "X Window System Display Manager",
        50: "Requested IP Address", 51: "IP Address Lease Time", 52: "Option Overload", 53: "DHCP Message Type",
        54: "DHCP Server Identifier", 55: "Parameter Request List", 56: "Message", 57: "Maximum DHCP Message Size",
        58: "Renewal Time Value", 59: "Rebinding Time Value", 60: "Vendor class identifier", 61: "Client identifier",
        64: "Network Information Service+ Domain", 65: "Network Information Service+ Servers", 66: "TFTP Server Name",
        67: "Bootfile name", 68: "Mobile IP Home Agent", 69: "SMTP Server", 70: "POP3 Server", 71: "NNTP Server",
        72: "Default WWW Server", 73: "Default Finger Server", 74: "Default IRC Server", 77: "User Class Information",
        80: "Rapid commit", 81: "Client Fully Qualified Domain Name", 82: "Agent Information Option",
        90: "Authentication", 93: "Client System Architecture", 94: "Client Network Device Interface",
        97: "UUID/GUID-based Client Identifier", 116: "DHCP Auto-Configuration", 119: "Domain Search",
        121: "Classless Static Route", 249: "Private/Classless Static Route (Microsoft)",
        252: "Private/Proxy autodiscovery", 255: "End",
    ]

    static func protocolName(_ m: DHCPMessage) -> String { m.messageType == nil ? "BOOTP" : "DHCP" }

    static func write(_ m: DHCPMessage, bytes: ByteView, to out: OutputBuffer) {
        if let kind = m.messageType {
            out.ascii("DHCP ")
            let start = out.count
            out.string(messageTypes[UInt64(kind)] ?? "Unknown Message Type (0x\(String(kind, radix: 16)))")
            out.pad(from: start, to: 8)
            out.ascii(" - Transaction ID 0x")
            out.string(String(m.transactionID, radix: 16))
        } else if m.op == 1 {
            out.ascii("Boot Request from ")
            let address = MACAddress(bytes, at: m.chaddr)
            out.mac(address)
            out.ascii(" (")
            out.mac(address)
            out.byte(41)
        } else {
            out.ascii("Boot Reply")
        }
    }
}
