import Dissect

/// The NetBIOS Datagram Service (packet-nbdgm.c), the SMB Trans request that carries a
/// mailslot message (packet-smb.c, packet-smb-mailslot.c) and the Windows browser
/// protocol (packet-smb-browse.c), as tshark 4.0 shows host, domain and local master
/// announcements, announcement requests and elections.
enum BrowserTree {
    // MARK: NetBIOS Datagram Service
    static let messageType = HeaderField("nbdgm.type", "Message Type", .uint8, names: .values([
        16: "Direct_unique datagram", 17: "Direct_group datagram", 18: "Broadcast datagram", 19: "Datagram error",
        20: "Datagram query request", 21: "Datagram positive query response", 22: "Datagram negative query response",
    ]))
    static let flags = HeaderField("nbdgm.flags", "Flags", .uint8, .hex)
    static let next = HeaderField("nbdgm.next", "More fragments follow", .boolean, width: 8, mask: 0x01, names: .yesNo)
    static let first = HeaderField("nbdgm.first", "This is first fragment", .boolean, width: 8, mask: 0x02, names: .yesNo)
    static let nodeType = HeaderField("nbdgm.node_type", "Node Type", .uint8, mask: 0x0C, names: .values(nodeNames))
    static let datagramID = HeaderField("nbdgm.dgram_id", "Datagram ID", .uint16, .hex)
    static let sourceIP = HeaderField("nbdgm.src.ip", "Source IP", .ipv4)
    static let sourcePort = HeaderField("nbdgm.src.port", "Source Port", .uint16)
    static let datagramLength = HeaderField("nbdgm.dgram_len", "Datagram length", .uint16)
    static let packetOffset = HeaderField("nbdgm.pkt_offset", "Packet offset", .uint16)
    static let sourceName = HeaderField("nbdgm.source_name", "Source name", .string)
    static let destinationName = HeaderField("nbdgm.destination_name", "Destination name", .string)
    static let nbdgmDeclaration = ProtocolDeclaration("nbdgm", "NetBIOS Datagram Service", fields: [
        messageType, flags, next, first, nodeType, datagramID, sourceIP, sourcePort, datagramLength, packetOffset,
        sourceName, destinationName,
    ])
    static let nodeNames: [UInt64: String] = [0: "B node", 1: "P node", 2: "M node", 3: "NBDD"]

    // MARK: SMB
    static let serverComponent = HeaderField("smb.server_component", "Server Component", .uint32, .hex)
    static let command = HeaderField("smb.cmd", "SMB Command", .uint8, .hex, names: .values([0x25: "Trans"]))
    static let errorClass = HeaderField("smb.error_class", "Error Class", .uint8, .hex, names: .values([
        0: "Success", 1: "DOS Error", 2: "Server Error", 3: "Hardware Error", 4: "Command Error - Not an SMB format command",
    ]))
    static let reserved = HeaderField("smb.reserved", "Reserved", .bytes)
    static let errorCode = HeaderField("smb.error_code", "Error Code", .uint16, .hex)
    static let smbFlags = HeaderField("smb.flags", "Flags", .uint8, .hex)
    static let flagBits: [HeaderField] = [
        HeaderField("smb.flags.response", "Request/Response", .boolean, width: 8, mask: 0x80,
                    names: .trueFalse("Message is a response to the client/redirector", "Message is a request to the server")),
        HeaderField("smb.flags.notify", "Notify", .boolean, width: 8, mask: 0x40,
                    names: .trueFalse("Notify client on all modifications", "Notify client only on open")),
        HeaderField("smb.flags.oplock", "Oplocks", .boolean, width: 8, mask: 0x20,
                    names: .trueFalse("OpLock requested/granted", "OpLock not requested/granted")),
        HeaderField("smb.flags.canon", "Canonicalized Pathnames", .boolean, width: 8, mask: 0x10,
                    names: .trueFalse("Pathnames are canonicalized", "Pathnames are not canonicalized")),
        HeaderField("smb.flags.caseless", "Case Sensitivity", .boolean, width: 8, mask: 0x08,
                    names: .trueFalse("Path names are caseless", "Path names are case sensitive")),
        HeaderField("smb.flags.receive_buffer", "Receive Buffer Posted", .boolean, width: 8, mask: 0x02,
                    names: .trueFalse("Receive buffer has been posted", "Receive buffer has not been posted")),
        HeaderField("smb.flags.lock", "Lock and Read", .boolean, width: 8, mask: 0x01,
                    names: .trueFalse("Lock&Read, Write&Unlock are supported", "Lock&Read, Write&Unlock are not supported")),
    ]
    static let smbFlags2 = HeaderField("smb.flags2", "Flags2", .uint16, .hex)
    static let flags2Bits: [HeaderField] = [
        HeaderField("smb.flags2.string", "Unicode Strings", .boolean, width: 16, mask: 0x8000,
                    names: .trueFalse("Strings are Unicode", "Strings are ASCII")),
        HeaderField("smb.flags2.nt_error", "Error Code Type", .boolean, width: 16, mask: 0x4000,
                    names: .trueFalse("Error codes are NT error codes", "Error codes are DOS error codes")),
        HeaderField("smb.flags2.roe", "Execute-only Reads", .boolean, width: 16, mask: 0x2000,
                    names: .trueFalse("Permit reads if execute-only", "Don't permit reads if execute-only")),
        HeaderField("smb.flags2.dfs", "Dfs", .boolean, width: 16, mask: 0x1000,
                    names: .trueFalse("Resolve pathnames with Dfs", "Don't resolve pathnames with Dfs")),
        HeaderField("smb.flags2.esn", "Extended Security Negotiation", .boolean, width: 16, mask: 0x0800,
                    names: .trueFalse("Extended security negotiation is supported", "Extended security negotiation is not supported")),
        HeaderField("smb.flags2.reparse_path", "Reparse Path", .boolean, width: 16, mask: 0x0400,
                    names: .trueFalse("The request uses a @GMT reparse path", "The request does not use a @GMT reparse path")),
        HeaderField("smb.flags2.long_names_used", "Long Names Used", .boolean, width: 16, mask: 0x0040,
                    names: .trueFalse("Path names in request are long file names", "Path names in request are not long file names")),
        HeaderField("smb.flags2.sec_sig_required", "Security Signatures Required", .boolean, width: 16, mask: 0x0010,
                    names: .trueFalse("Security signatures are required", "Security signatures are not required")),
        HeaderField("smb.flags2.compressed", "Compressed", .boolean, width: 16, mask: 0x0008,
                    names: .trueFalse("Compression is requested", "Compression is not requested")),
        HeaderField("smb.flags2.sec_sig", "Security Signatures", .boolean, width: 16, mask: 0x0004,
                    names: .trueFalse("Security signatures are supported", "Security signatures are not supported")),
        HeaderField("smb.flags2.ea", "Extended Attributes", .boolean, width: 16, mask: 0x0002,
                    names: .trueFalse("Extended attributes are supported", "Extended attributes are not supported")),
        HeaderField("smb.flags2.long_names_allowed", "Long Names Allowed", .boolean, width: 16, mask: 0x0001,
                    names: .trueFalse("Long file names are allowed in the response", "Long file names are not allowed in the response")),
    ]
    static let pidHigh = HeaderField("smb.pid.high", "Process ID High", .uint16)
    static let signature = HeaderField("smb.signature", "Signature", .bytes)
    static let tid = HeaderField("smb.tid", "Tree ID", .uint16)
    static let pid = HeaderField("smb.pid", "Process ID", .uint16)
    static let uid = HeaderField("smb.uid", "User ID", .uint16)
    static let mid = HeaderField("smb.mid", "Multiplex ID", .uint16)
    static let wordCount = HeaderField("smb.wct", "Word Count (WCT)", .uint8)
    static let totalParameterCount = HeaderField("smb.tpc", "Total Parameter Count", .uint32)
    static let totalDataCount = HeaderField("smb.tdc", "Total Data Count", .uint32)
    static let maxParameterCount = HeaderField("smb.mpc", "Max Parameter Count", .uint32)
    static let maxDataCount = HeaderField("smb.mdc", "Max Data Count", .uint32)
    static let maxSetupCount = HeaderField("smb.msc", "Max Setup Count", .uint8)
    static let transactionFlags = HeaderField("smb.transaction.flags", "Flags", .uint16, .hex)
    static let oneWay = HeaderField("smb.transaction.flags.owt", "One Way Transaction", .boolean, width: 16, mask: 0x0002,
                                    names: .trueFalse("One Way Transaction (NO RESPONSE)", "Two way transaction"))
    static let disconnect = HeaderField("smb.transaction.flags.dtid", "Disconnect TID", .boolean, width: 16, mask: 0x0001,
                                        names: .trueFalse("Also DISCONNECT TID", "Do NOT disconnect TID"))
    static let timeout = HeaderField("smb.timeout", "Timeout", .uint32)
    static let parameterCount = HeaderField("smb.pc", "Parameter Count", .uint16)
    static let parameterOffset = HeaderField("smb.po", "Parameter Offset", .uint16)
    static let dataCount = HeaderField("smb.dc", "Data Count", .uint16)
    static let dataOffset = HeaderField("smb.data_offset", "Data Offset", .uint16)
    static let setupCount = HeaderField("smb.sc", "Setup Count", .uint8)
    static let byteCount = HeaderField("smb.bcc", "Byte Count (BCC)", .uint16)
    static let transactionName = HeaderField("smb.trans_name", "Transaction Name", .string)
    static let smbDeclaration = ProtocolDeclaration("smb", "SMB (Server Message Block Protocol)", fields: [
        serverComponent, command, errorClass, reserved, errorCode, smbFlags,
    ] + flagBits + [smbFlags2] + flags2Bits + [
        pidHigh, signature, tid, pid, uid, mid, wordCount, totalParameterCount, totalDataCount, maxParameterCount,
        maxDataCount, maxSetupCount, transactionFlags, oneWay, disconnect, timeout, parameterCount, parameterOffset,
        dataCount, dataOffset, setupCount, byteCount, transactionName,
    ])

    // MARK: SMB MailSlot Protocol
    static let opcode = HeaderField("mailslot.opcode", "Opcode", .uint16, names: .values([1: "Write Mail Slot"]))
    static let priority = HeaderField("mailslot.priority", "Priority", .uint16)
    static let mailslotClass = HeaderField("mailslot.class", "Class", .uint16, names: .values([1: "Reliable", 2: "Unreliable & Broadcast"]))
    static let size = HeaderField("mailslot.size", "Size", .uint16)
    static let mailslotName = HeaderField("mailslot.name", "Mailslot Name", .string)
    static let mailslotDeclaration = ProtocolDeclaration("mailslot", "SMB MailSlot Protocol", fields: [opcode, priority, mailslotClass, size, mailslotName])

    // MARK: Microsoft Windows Browser Protocol
    static let browserCommand = HeaderField("browser.command", "Command", .uint8, .hex, names: .values(commandNames))
    static let updateCount = HeaderField("browser.update_count", "Update Count", .uint8)
    static let period = HeaderField("browser.period", "Update Periodicity", .uint32)
    static let serverName = HeaderField("browser.server", "Server Name", .string)
    static let masterServerName = HeaderField("browser.mb_server", "Master Browser Server Name", .string)
    static let windowsVersion = HeaderField("browser.windows_version", "Windows version", .string)
    static let osMajor = HeaderField("browser.os_major", "OS Major Version", .uint8)
    static let osMinor = HeaderField("browser.os_minor", "OS Minor Version", .uint8)
    static let serverType = HeaderField("browser.server_type", "Server Type", .uint32, .hex)
    /// Each server type bit: its field, its bit, the "is" and "is NOT" texts, and the name
    /// the Info column gives it (`server_types`).
    static let serverTypeBits: [(HeaderField, String)] = [
        ("workstation", "Workstation", 0, "a Workstation", "Workstation"), ("server", "Server", 1, "a Server", "Server"),
        ("sql", "SQL", 2, "an SQL server", "SQL server"), ("domain_controller", "Domain Controller", 3, "a Domain Controller", "Domain Controller"),
        ("backup_controller", "Backup Controller", 4, "a Backup Controller", "Backup Controller"),
        ("time", "Time Source", 5, "a Time Source", "Time Source"), ("apple", "Apple", 6, "an Apple host", "Apple Server"),
        ("novell", "Novell", 7, "a Novell server", "Novell Server"), ("member", "Member", 8, "a Domain Member server", "Domain Member Server"),
        ("print", "Print", 9, "a Print Queue server", "Print Queue Server"), ("dialin", "Dialin", 10, "a Dialin server", "Dialin Server"),
        ("xenix", "Xenix", 11, "a Xenix server", "Xenix Server"), ("ntw", "NT Workstation", 12, "an NT Workstation", "NT Workstation"),
        ("wfw", "WfW", 13, "a WfW host", "Windows for Workgroups"), ("nts", "NT Server", 15, "an NT Server", "NT Server"),
        ("browser.potential", "Potential Browser", 16, "a Potential Browser", "Potential Browser"),
        ("browser.backup", "Backup Browser", 17, "a Backup Browser", "Backup Browser"),
        ("browser.master", "Master Browser", 18, "a Master Browser", "Master Browser"),
        ("browser.domain_master", "Domain Master Browser", 19, "a Domain Master Browser", "Domain Master Browser"),
        ("osf", "OSF", 20, "an OSF host", "OSF"), ("vms", "VMS", 21, "a VMS host", "VMS"),
        ("w95", "Windows 95+", 22, "a Windows 95 or above host", "Windows 95 or above"),
        ("dfs", "DFS", 23, "a DFS server", "DFS server"), ("local", "Local", 30, "a local list only request", "Local List Only"),
        ("domainenum", "Domain Enum", 31, "a Domain Enum request", "Domain Enum"),
    ].map { (name: String, label: String, bit: Int, what: String, info: String) in
        // packet-smb-browse.c spells one of them "THis".
        let no = name == "dfs" ? "THis is NOT a DFS server" : "This is NOT " + what
        return (HeaderField("browser.server_type.\(name)", label, .boolean, width: 32, mask: 1 << UInt64(bit),
                            names: .trueFalse("This is " + what, no)), info)
    }
    static let mysteriousField = HeaderField("browser.mysterious_field", "Mysterious Field", .uint32, .hex)
    static let protoMajor = HeaderField("browser.proto_major", "Browser Protocol Major Version", .uint8)
    static let protoMinor = HeaderField("browser.proto_minor", "Browser Protocol Minor Version", .uint8)
    static let signatureConstant = HeaderField("browser.sig", "Signature", .uint16, .hex)
    static let comment = HeaderField("browser.comment", "Host Comment", .string)
    static let unused = HeaderField("browser.unused", "Unused flags", .uint8, .hex)
    static let responseName = HeaderField("browser.response_computer_name", "Response Computer Name", .string)
    static let electionVersion = HeaderField("browser.election.version", "Election Version", .uint8)
    static let criteria = HeaderField("browser.election.criteria", "Election Criteria", .uint32, .hex)
    static let desire = HeaderField("browser.election.desire", "Election Desire", .uint8, .hex)
    static let desireBits: [HeaderField] = [
        HeaderField("browser.election.desire.backup", "Backup", .boolean, width: 8, mask: 0x01,
                    names: .trueFalse("Backup Browse Server", "NOT Backup Browse Server")),
        HeaderField("browser.election.desire.standby", "Standby", .boolean, width: 8, mask: 0x02,
                    names: .trueFalse("Standby Browse Server", "NOT Standby Browse Server")),
        HeaderField("browser.election.desire.master", "Master", .boolean, width: 8, mask: 0x04,
                    names: .trueFalse("Master Browser", "NOT Master Browser")),
        HeaderField("browser.election.desire.domain_master", "Domain Master", .boolean, width: 8, mask: 0x08,
                    names: .trueFalse("Domain Master Browse Server", "NOT Domain Master Browse Server")),
        HeaderField("browser.election.desire.wins", "WINS", .boolean, width: 8, mask: 0x20,
                    names: .trueFalse("WINS Client", "NOT WINS Client")),
        HeaderField("browser.election.desire.nt", "NT", .boolean, width: 8, mask: 0x80,
                    names: .trueFalse("Windows NT Advanced Server", "NOT Windows NT Advanced Server")),
    ]
    static let electionOS = HeaderField("browser.election.os", "Election OS", .uint8, .hex)
    static let osBits: [HeaderField] = [
        HeaderField("browser.election.os.wfw", "WfW", .boolean, width: 8, mask: 0x01,
                    names: .trueFalse("Windows for Workgroups", "Not Windows for Workgroups")),
        HeaderField("browser.election.os.ntw", "NT Workstation", .boolean, width: 8, mask: 0x10,
                    names: .trueFalse("Windows NT Workstation", "Not Windows NT Workstation")),
        HeaderField("browser.election.os.nts", "NT Server", .boolean, width: 8, mask: 0x20,
                    names: .trueFalse("Windows NT Server", "Not Windows NT Server")),
    ]
    static let uptime = HeaderField("browser.uptime", "Uptime", .uint32)
    static let browserDeclaration = ProtocolDeclaration("browser", "Microsoft Windows Browser Protocol", fields: [
        browserCommand, updateCount, period, serverName, masterServerName, windowsVersion, osMajor, osMinor, serverType,
    ] + serverTypeBits.map(\.0) + [
        mysteriousField, protoMajor, protoMinor, signatureConstant, comment, unused, responseName, electionVersion,
        criteria, desire,
    ] + desireBits + [electionOS] + osBits + [uptime])

    static let commandNames: [UInt64: String] = [
        0x01: "Host Announcement", 0x02: "Request Announcement", 0x08: "Browser Election Request",
        0x09: "Get Backup List Request", 0x0A: "Get Backup List Response", 0x0B: "Become Backup Browser",
        0x0C: "Domain/Workgroup Announcement", 0x0D: "Master Announcement", 0x0E: "Reset Browser State Announcement",
        0x0F: "Local Master Announcement",
    ]

    static func u16(_ b: ByteView, _ at: Int) -> UInt64 { UInt64(b[at]) | UInt64(b[at + 1]) << 8 }
    static func u32(_ b: ByteView, _ at: Int) -> UInt64 { u16(b, at) | u16(b, at + 2) << 16 }

    static func dissect(_ m: BrowserDatagram, _ tree: inout TreeBuilder) {
        datagram(m, &tree)
        smb(m, &tree)
        mailslot(m, &tree)
        browser(m, &tree)
    }

    private static func datagram(_ m: BrowserDatagram, _ tree: inout TreeBuilder) {
        let b = tree.bytes
        let o = m.offset
        tree.open(nbdgmDeclaration, o..<m.end, label: "NetBIOS Datagram Service")
        defer { tree.close() }
        tree.add(messageType, o..<o + 1, .uint(UInt64(m.messageType)))
        let f = UInt64(m.flags)
        var text = "0x\(hex(f, digits: 2))"
        if f & 1 != 0 { text += ", More fragments follow" }
        if f & 2 != 0 { text += ", This is first fragment" }
        text += ", Node Type: " + (nodeNames[(f >> 2) & 3] ?? "Unknown")
        tree.open(flags, o + 1..<o + 2, .uint(f), display: text)
        tree.bits(next, o + 1..<o + 2, container: f)
        tree.bits(first, o + 1..<o + 2, container: f)
        tree.bits(nodeType, o + 1..<o + 2, container: f)
        tree.close()
        tree.add(datagramID, o + 2..<o + 4, .uint(UInt64(b.u16be(o + 2))))
        tree.add(sourceIP, o + 4..<o + 8, .ipv4(IPv4Address(b, at: o + 4)))
        tree.add(sourcePort, o + 8..<o + 10, .uint(UInt64(b.u16be(o + 8))))
        let length = UInt64(b.u16be(o + 10)), offset = UInt64(b.u16be(o + 12))
        tree.add(datagramLength, o + 10..<o + 12, .uint(length), display: "\(length) bytes")
        tree.add(packetOffset, o + 12..<o + 14, .uint(offset), display: "\(offset) bytes")
        for (field, range) in [(sourceName, m.sourceName), (destinationName, m.destinationName)] {
            guard let name = NetBIOSName.read(b, at: range.lowerBound, end: range.upperBound) else { continue }
            tree.add(field, range, .string(name.text), display: NBNSTree.nameDisplay(name.text, name.suffix))
        }
    }

    private static func smb(_ m: BrowserDatagram, _ tree: inout TreeBuilder) {
        let b = tree.bytes
        let s = m.smb
        tree.open(smbDeclaration, s..<m.end, label: "SMB (Server Message Block Protocol)")
        defer { tree.close() }
        tree.openText("SMB Header", range: s..<s + 32)
        tree.add(serverComponent, s..<s + 4, .uint(u32(b, s)), display: "SMB")
        tree.add(command, s + 4..<s + 5, .uint(UInt64(b[s + 4])))
        tree.add(errorClass, s + 5..<s + 6, .uint(UInt64(b[s + 5])))
        tree.add(reserved, s + 6..<s + 7, .bytes(s + 6..<s + 7))
        let code = u16(b, s + 7)
        tree.add(errorCode, s + 7..<s + 9, .uint(code), display: code == 0 && b[s + 5] == 0 ? "No Error" : nil)
        let f = UInt64(b[s + 9])
        tree.open(smbFlags, s + 9..<s + 10, .uint(f))
        for field in flagBits { tree.bits(field, s + 9..<s + 10, container: f) }
        tree.close()
        let f2 = u16(b, s + 10)
        tree.open(smbFlags2, s + 10..<s + 12, .uint(f2))
        for field in flags2Bits { tree.bits(field, s + 10..<s + 12, container: f2) }
        tree.close()
        tree.add(pidHigh, s + 12..<s + 14, .uint(u16(b, s + 12)))
        tree.add(signature, s + 14..<s + 22, .bytes(s + 14..<s + 22))
        tree.add(reserved, s + 22..<s + 24, .bytes(s + 22..<s + 24))
        tree.add(tid, s + 24..<s + 26, .uint(u16(b, s + 24)))
        tree.add(pid, s + 26..<s + 28, .uint(u16(b, s + 26)))
        tree.add(uid, s + 28..<s + 30, .uint(u16(b, s + 28)))
        tree.add(mid, s + 30..<s + 32, .uint(u16(b, s + 30)))
        tree.close()

        let w = m.words
        tree.openText("Trans Request (0x25)", range: w..<m.transactionName.upperBound)
        defer { tree.close() }
        tree.add(wordCount, w..<w + 1, .uint(UInt64(b[w])))
        let p = w + 1
        tree.add(totalParameterCount, p..<p + 2, .uint(u16(b, p)))
        tree.add(totalDataCount, p + 2..<p + 4, .uint(u16(b, p + 2)))
        tree.add(maxParameterCount, p + 4..<p + 6, .uint(u16(b, p + 4)))
        tree.add(maxDataCount, p + 6..<p + 8, .uint(u16(b, p + 6)))
        tree.add(maxSetupCount, p + 8..<p + 9, .uint(UInt64(b[p + 8])))
        tree.add(reserved, p + 9..<p + 10, .bytes(p + 9..<p + 10))
        let tf = u16(b, p + 10)
        tree.open(transactionFlags, p + 10..<p + 12, .uint(tf))
        tree.bits(oneWay, p + 10..<p + 12, container: tf)
        tree.bits(disconnect, p + 10..<p + 12, container: tf)
        tree.close()
        let ms = u32(b, p + 12)
        let timeoutText = ms == 0 ? "Return immediately (0)" : ms == 0xFFFF_FFFF ? "Wait indefinitely (-1)" : milliseconds(ms)
        tree.add(timeout, p + 12..<p + 16, .uint(ms), display: timeoutText)
        tree.add(reserved, p + 16..<p + 18, .bytes(p + 16..<p + 18))
        tree.add(parameterCount, p + 18..<p + 20, .uint(u16(b, p + 18)))
        tree.add(parameterOffset, p + 20..<p + 22, .uint(u16(b, p + 20)))
        tree.add(dataCount, p + 22..<p + 24, .uint(u16(b, p + 22)))
        tree.add(dataOffset, p + 24..<p + 26, .uint(u16(b, p + 24)))
        tree.add(setupCount, p + 26..<p + 27, .uint(UInt64(b[p + 26])))
        tree.add(reserved, p + 27..<p + 28, .bytes(p + 27..<p + 28))
        let bcc = m.byteCountOffset
        tree.add(byteCount, bcc..<bcc + 2, .uint(UInt64(m.byteCount)))
        let name = m.transactionName
        tree.add(transactionName, name, .string(HTTPTree.string(b, name.lowerBound..<name.upperBound - 1)))
    }

    private static func mailslot(_ m: BrowserDatagram, _ tree: inout TreeBuilder) {
        let b = tree.bytes
        let setup = m.words + 1 + 28
        tree.open(mailslotDeclaration, setup..<m.end, label: "SMB MailSlot Protocol")
        defer { tree.close() }
        if m.setupCount >= 1 { tree.add(opcode, setup..<setup + 2, .uint(u16(b, setup))) }
        if m.setupCount >= 2 { tree.add(priority, setup + 2..<setup + 4, .uint(u16(b, setup + 2))) }
        if m.setupCount >= 3 { tree.add(mailslotClass, setup + 4..<setup + 6, .uint(u16(b, setup + 4))) }
        let bcc = m.byteCountOffset
        tree.add(size, bcc..<bcc + 2, .uint(UInt64(m.byteCount)))
        let name = m.transactionName
        tree.add(mailslotName, name, .string(HTTPTree.string(b, name.lowerBound..<name.upperBound - 1)))
    }

    private static func browser(_ m: BrowserDatagram, _ tree: inout TreeBuilder) {
        let b = tree.bytes
        let d = m.data
        tree.open(browserDeclaration, d, label: "Microsoft Windows Browser Protocol")
        defer { tree.close() }
        let cmd = UInt64(b[d.lowerBound])
        tree.add(browserCommand, d.lowerBound..<d.lowerBound + 1, .uint(cmd))
        var at = d.lowerBound + 1
        func has(_ n: Int) -> Bool { at + n <= d.upperBound }
        switch cmd {
        case 0x01, 0x0C, 0x0F:
            guard has(1 + 4 + 16 + 2 + 4) else { return }
            tree.add(updateCount, at..<at + 1, .uint(UInt64(b[at])))
            at += 1
            let periodicity = u32(b, at)
            tree.add(period, at..<at + 4, .uint(periodicity), display: milliseconds(periodicity))
            at += 4
            let host = paddedName(b, at..<at + 16)
            tree.add(serverName, at..<at + 16, .string(host), label: (cmd == 0x0C ? "Domain/Workgroup: " : "Host Name: ") + host)
            at += 16
            let major = b[at], minor = b[at + 1]
            tree.add(windowsVersion, at..<at + 2, .string(windows(major, minor)))
            tree.add(osMajor, at..<at + 1, .uint(UInt64(major)))
            tree.add(osMinor, at + 1..<at + 2, .uint(UInt64(minor)))
            at += 2
            let type = u32(b, at)
            var typeText = "0x\(hex(type, digits: 8))"
            for (field, _) in serverTypeBits where type & field.mask != 0 { typeText += ", " + field.label }
            tree.open(serverType, at..<at + 4, .uint(type), display: typeText)
            for (field, _) in serverTypeBits { tree.bits(field, at..<at + 4, container: type) }
            tree.close()
            at += 4
            if cmd == 0x0C, has(4), u16(b, at + 2) != 0xAA55 {
                tree.add(mysteriousField, at..<at + 4, .uint(u32(b, at)))
                at += 4
            } else if has(4) {
                tree.add(protoMajor, at..<at + 1, .uint(UInt64(b[at])))
                tree.add(protoMinor, at + 1..<at + 2, .uint(UInt64(b[at + 1])))
                tree.add(signatureConstant, at + 2..<at + 4, .uint(u16(b, at + 2)))
                at += 4
            }
            let r = stringz(b, at, d.upperBound)
            tree.add(cmd == 0x0C ? masterServerName : comment, r, .string(text(b, r)))
        case 0x02:
            guard has(1) else { return }
            tree.add(unused, at..<at + 1, .uint(UInt64(b[at])))
            at += 1
            let r = stringz(b, at, d.upperBound)
            tree.add(responseName, r, .string(text(b, r)))
        case 0x08:
            guard has(1 + 4 + 4 + 4) else { return }
            tree.add(electionVersion, at..<at + 1, .uint(UInt64(b[at])))
            at += 1
            tree.open(criteria, at..<at + 4, .uint(u32(b, at)))
            let want = UInt64(b[at])
            tree.open(desire, at..<at + 1, .uint(want), display: flagText(want, desireBits))
            for field in desireBits { tree.bits(field, at..<at + 1, container: want) }
            tree.close()
            tree.add(protoMajor, at + 1..<at + 2, .uint(UInt64(b[at + 1])))
            tree.add(protoMinor, at + 2..<at + 3, .uint(UInt64(b[at + 2])))
            let os = UInt64(b[at + 3])
            tree.open(electionOS, at + 3..<at + 4, .uint(os), display: flagText(os, osBits))
            for field in osBits { tree.bits(field, at + 3..<at + 4, container: os) }
            tree.close()
            tree.close()
            at += 4
            let up = u32(b, at)
            tree.add(uptime, at..<at + 4, .uint(up), display: milliseconds(up))
            at += 8
            let r = stringz(b, at, d.upperBound)
            tree.add(serverName, r, .string(text(b, r)))
        default:
            break
        }
    }

    /// "Local Master Announcement DJP95S0J, Workstation, Server, NT Workstation, Potential Browser, Master Browser".
    static func writeInfo(_ m: BrowserDatagram, bytes b: ByteView, to out: OutputBuffer) {
        let d = m.data
        let cmd = UInt64(b[d.lowerBound])
        var line = commandNames[cmd] ?? "Unknown command:0x\(hex(cmd, digits: 2))"
        switch cmd {
        case 0x01, 0x0C, 0x0F:
            // (A where clause would bind only the last pattern.)
            guard d.lowerBound + 28 <= d.upperBound else { break }
            line += " " + paddedName(b, d.lowerBound + 6..<d.lowerBound + 22)
            let type = u32(b, d.lowerBound + 24)
            for (field, info) in serverTypeBits where type & field.mask != 0 { line += ", " + info }
        case 0x02 where d.lowerBound + 2 <= d.upperBound:
            line += " " + text(b, stringz(b, d.lowerBound + 2, d.upperBound))
        default:
            break
        }
        out.string(line)
    }

    /// A bitmask's header: the value, then the label of each bit set.
    static func flagText(_ v: UInt64, _ bits: [HeaderField]) -> String {
        var text = "0x\(hex(v, digits: 2))"
        for field in bits where v & field.mask != 0 { text += ", " + field.label }
        return text
    }

    /// A NUL-terminated string's bytes, the NUL included (`tvb_strsize`), or to the end.
    static func stringz(_ b: ByteView, _ at: Int, _ end: Int) -> Range<Int> {
        guard at < end else { return at..<at }
        var i = at
        while i < end, b[i] != 0 { i += 1 }
        return at..<Swift.min(i + 1, end)
    }

    static func text(_ b: ByteView, _ r: Range<Int>) -> String {
        let cut = r.first { b[$0] == 0 } ?? r.upperBound
        return HTTPTree.string(b, r.lowerBound..<cut)
    }

    /// A 16-byte name padded with NULs.
    static func paddedName(_ b: ByteView, _ r: Range<Int>) -> String { text(b, r) }

    /// packet-smb-browse.c's SET_WINDOWS_VERSION_STRING.
    static func windows(_ major: UInt8, _ minor: UInt8) -> String {
        switch (major, minor) {
        case (10, 0): "Windows 10 or Windows Server 2016"
        case (6, 3): "Windows 8.1 or Windows Server 2012 R2"
        case (6, 2): "Windows 8 or Windows Server 2012"
        case (6, 1): "Windows 7 or Windows Server 2008 R2"
        case (6, 0): "Windows Vista or Windows Server 2008"
        case (5, 2): "Windows Server 2003 R2 or Windows Server 2003"
        case (5, 1): "Windows XP"
        case (5, 0): "Windows 2000"
        case (4, 0): "Windows NT 4.0"
        default: ""
        }
    }

    /// Wireshark's `signed_time_msecs_to_str`: "12 minutes", "4 days, 2 hours, 20 minutes, 5.337 seconds".
    static func milliseconds(_ ms: UInt64) -> String {
        let signed = Int64(Int32(truncatingIfNeeded: ms))
        var rest = signed.magnitude
        let frac = rest % 1000
        rest /= 1000
        let days = rest / 86400, hours = rest / 3600 % 24, minutes = rest / 60 % 60, seconds = rest % 60
        var parts: [String] = []
        func unit(_ n: UInt64, _ name: String) -> String { "\(n) \(name)\(n == 1 ? "" : "s")" }
        if days > 0 { parts.append(unit(days, "day")) }
        if hours > 0 { parts.append(unit(hours, "hour")) }
        if minutes > 0 { parts.append(unit(minutes, "minute")) }
        if seconds > 0 || frac > 0 {
            if frac > 0 {
                let f = String(frac)
                parts.append("\(seconds).\(String(repeating: "0", count: 3 - f.count))\(f) seconds")
            } else {
                parts.append(unit(seconds, "second"))
            }
        }
        if parts.isEmpty { return "0 seconds" }
        return (signed < 0 ? "-" : "") + parts.joined(separator: ", ")
    }
}

extension Frame {
    /// The browser datagram of this frame, read again from the UDP payload.
    var browserDatagram: BrowserDatagram? {
        guard let udp, protocols.last == .browser else { return nil }
        return BrowserDatagram.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound)
    }
}
