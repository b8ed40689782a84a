import Dissect

/// OSPF versions 2 and 3 as tshark 4.0 shows them (packet-ospf.c): the header with its
/// checksum and authentication, Hello, DB Description, LS Request, LS Update and LS
/// Acknowledge packets, version 2 LSAs (router, network, summary, AS-external and the
/// MPLS traffic engineering opaque LSA), the LLS data block and the version 3
/// authentication trailer. Version 3 LSAs show their header only.
enum OSPFTree {
    // MARK: header
    static let header = HeaderField("ospf.header", "OSPF Header", .none)
    static let version = HeaderField("ospf.version", "Version", .uint8)
    static let messageTypes: [UInt64: String] = [
        1: "Hello Packet", 2: "DB Description", 3: "LS Request", 4: "LS Update", 5: "LS Acknowledge",
    ]
    static let messageType = HeaderField("ospf.msg", "Message Type", .uint8, names: .values(messageTypes))
    static let messageFlags: [HeaderField] = [
        HeaderField("ospf.msg.hello", "Hello", .boolean, .none),
        HeaderField("ospf.msg.dbdesc", "Database Description", .boolean, .none),
        HeaderField("ospf.msg.lsreq", "Link State Adv Request", .boolean, .none),
        HeaderField("ospf.msg.lsupdate", "Link State Adv Update", .boolean, .none),
        HeaderField("ospf.msg.lsack", "Link State Adv Acknowledgement", .boolean, .none),
    ]
    static let packetLength = HeaderField("ospf.packet_length", "Packet Length", .uint16)
    static let sourceRouter = HeaderField("ospf.srcrouter", "Source OSPF Router", .ipv4)
    static let areaID = HeaderField("ospf.area_id", "Area ID", .ipv4)
    static let checksum = HeaderField("ospf.checksum", "Checksum", .uint16, .hex)
    static let authType = HeaderField("ospf.auth.type", "Auth Type", .uint16, names: .values([
        0: "Null", 1: "Simple password", 2: "Cryptographic",
    ]))
    static let authNone = HeaderField("ospf.auth.none", "Auth Data (none)", .bytes)
    static let authSimple = HeaderField("ospf.auth.simple", "Auth Data (Simple)", .string)
    static let authKeyID = HeaderField("ospf.auth.crypt.key_id", "Auth Crypt Key id", .uint8)
    static let authDataLength = HeaderField("ospf.auth.crypt.data_length", "Auth Crypt Data Length", .uint8)
    static let authSequence = HeaderField("ospf.auth.crypt.seq_nbr", "Auth Crypt Sequence Number", .uint32)
    static let authData = HeaderField("ospf.auth.crypt.data", "Auth Crypt Data", .bytes)
    static let authUnknown = HeaderField("ospf.auth.unknown", "Auth Unknown", .bytes)
    static let instanceID = HeaderField("ospf.instance_id", "Instance ID", .uint8, names: .ranges([
        (0...31, "IPv6 unicast AF"), (32...63, "IPv6 multicast AF"), (64...95, "IPv4 unicast AF"),
        (96...127, "IPv4 multicast AF"), (128...255, "Reserved"),
    ]))
    static let reserved = HeaderField("ospf.reserved", "Reserved", .bytes, blurb: "Must be zero")

    // MARK: hello and DB description
    static let hello = HeaderField("ospf.hello", "OSPF Hello Packet", .none)
    static let networkMask = HeaderField("ospf.hello.network_mask", "Network Mask", .ipv4)
    static let interfaceID = HeaderField("ospf.hello.interface_id", "Interface ID", .uint32)
    static let helloInterval = HeaderField("ospf.hello.hello_interval", "Hello Interval [sec]", .uint32)
    static let routerPriority = HeaderField("ospf.hello.router_priority", "Router Priority", .uint8)
    static let deadInterval = HeaderField("ospf.hello.router_dead_interval", "Router Dead Interval [sec]", .uint32)
    static let designatedRouter = HeaderField("ospf.hello.designated_router", "Designated Router", .ipv4)
    static let backupRouter = HeaderField("ospf.hello.backup_designated_router", "Backup Designated Router", .ipv4)
    static let activeNeighbor = HeaderField("ospf.hello.active_neighbor", "Active Neighbor", .ipv4)
    static let interfaceMTU = HeaderField("ospf.db.interface_mtu", "Interface MTU", .uint16)
    static let ddSequence = HeaderField("ospf.db.dd_sequence", "DD Sequence", .uint32)

    /// A flags byte (or word) shown as packet-ospf.c's dissect_ospf_bitfield does: the
    /// value, the names of the set bits, then one line a bit.
    struct BitField {
        let field: HeaderField
        let bytes: Int
        let bits: [HeaderField]
    }

    private static func flag(_ name: String, _ label: String, _ width: Int, _ mask: UInt64, _ names: ValueNames) -> HeaderField {
        HeaderField(name, label, .boolean, width: width, mask: mask, names: names)
    }

    static let setNot = ValueNames.setNotSet
    static let v2Options = BitField(field: HeaderField("ospf.v2.options", "Options", .uint8, .hex), bytes: 1, bits: [
        flag("ospf.v2.options.dn", "DN", 8, 0x80, setNot),
        flag("ospf.v2.options.o", "O", 8, 0x40, setNot),
        flag("ospf.v2.options.dc", "(DC) Demand Circuits", 8, 0x20, .trueFalse("Supported", "Not supported")),
        flag("ospf.v2.options.l", "(L) LLS Data block", 8, 0x10, .trueFalse("Present", "Not Present")),
        flag("ospf.v2.options.n", "(N) NSSA", 8, 0x08, .trueFalse("Supported", "Not supported")),
        flag("ospf.v2.options.mc", "(MC) Multicast", 8, 0x04, .trueFalse("Capable", "Not capable")),
        flag("ospf.v2.options.e", "(E) External Routing", 8, 0x02, .trueFalse("Capable", "Not capable")),
        flag("ospf.v2.options.mt", "(MT) Multi-Topology Routing", 8, 0x01, .yesNo),
    ])
    /// NSSA LSAs (type 7) name bit 3 "Propagate".
    static let v2OptionsLSA7 = BitField(field: v2Options.field, bytes: 1, bits: v2Options.bits.map {
        $0.name == "ospf.v2.options.n" ? flag("ospf.v2.options.p", "(P) Propagate", 8, 0x08, setNot) : $0
    })
    static let v3Options = BitField(field: HeaderField("ospf.v3.options", "Options", .uint24, .hex), bytes: 3, bits: [
        flag("ospf.v3.options.at", "AT", 24, 0x400, setNot),
        flag("ospf.v3.options.l", "L", 24, 0x200, setNot),
        flag("ospf.v3.options.af", "AF", 24, 0x100, setNot),
        flag("ospf.v3.options.dc", "DC", 24, 0x20, setNot),
        flag("ospf.v3.options.r", "R", 24, 0x10, setNot),
        flag("ospf.v3.options.n", "N", 24, 0x08, setNot),
        flag("ospf.v3.options.mc", "MC", 24, 0x04, setNot),
        flag("ospf.v3.options.e", "E", 24, 0x02, setNot),
        flag("ospf.v3.options.v6", "V6", 24, 0x01, setNot),
    ])
    static let dbd = BitField(field: HeaderField("ospf.dbd", "DB Description", .uint8, .hex), bytes: 1, bits: [
        flag("ospf.dbd.r", "(R) OOBResync", 8, 0x08, setNot),
        flag("ospf.dbd.i", "(I) Init", 8, 0x04, setNot),
        flag("ospf.dbd.m", "(M) More", 8, 0x02, setNot),
        flag("ospf.dbd.ms", "(MS) Master", 8, 0x01, .yesNo),
    ])
    static let llsOptions = BitField(field: HeaderField("ospf.lls.ext.options", "Options", .uint32, .hex), bytes: 4, bits: [
        flag("ospf.lls.ext.options.rs", "(RS) Restart Signal", 32, 0x2, setNot),
        flag("ospf.lls.ext.options.lr", "(LR) LSDB Resynchronization", 32, 0x1, setNot),
    ])
    static let routerFlags = BitField(field: HeaderField("ospf.v2.router.lsa.flags", "Flags", .uint8, .hex), bytes: 1, bits: [
        flag("ospf.v2.router.lsa.flags.h", "(H) flag", 8, 0x80, .yesNo),
        flag("ospf.v2.router.lsa.flags.n", "(N) flag", 8, 0x10, .yesNo),
        flag("ospf.v2.router.lsa.flags.w", "(W) Wild-card multicast receiver", 8, 0x08, .yesNo),
        flag("ospf.v2.router.lsa.flags.v", "(V) Virtual link endpoint", 8, 0x04, .yesNo),
        flag("ospf.v2.router.lsa.flags.e", "(E) AS boundary router", 8, 0x02, .yesNo),
        flag("ospf.v2.router.lsa.flags.b", "(B) Area border router", 8, 0x01, .yesNo),
    ])

    // MARK: requests, updates and LSAs
    static let lsTypeNames: [UInt64: String] = [
        1: "Router-LSA", 2: "Network-LSA", 3: "Summary-LSA (IP network)", 4: "Summary-LSA (ASBR)",
        5: "AS-External-LSA (ASBR)", 6: "Group Membership LSA", 7: "NSSA AS-External-LSA", 8: "External Attributes LSA",
        9: "Opaque LSA, Link-local scope", 10: "Opaque LSA, Area-local scope", 11: "Opaque LSA, AS-local scope",
    ]
    static let lsType = HeaderField("ospf.lsa", "LS Type", .uint8, names: .values(lsTypeNames))
    /// The hidden flag that names each LSA type for filters (`ospf.lsa.router`).
    static let lsTypeFlags: [UInt8: HeaderField] = [
        1: HeaderField("ospf.lsa.router", "Router LSA", .boolean, .none),
        2: HeaderField("ospf.lsa.network", "Network LSA", .boolean, .none),
        3: HeaderField("ospf.lsa.summary", "Summary LSA (IP Network)", .boolean, .none),
        4: HeaderField("ospf.lsa.asbr", "Summary LSA (ASBR)", .boolean, .none),
        5: HeaderField("ospf.lsa.asext", "AS-External LSA (ASBR)", .boolean, .none),
        6: HeaderField("ospf.lsa.member", "Group Membership LSA", .boolean, .none),
        7: HeaderField("ospf.lsa.nssa", "NSSA AS-External LSA", .boolean, .none),
        8: HeaderField("ospf.lsa.attr", "External Attributes LSA", .boolean, .none),
        9: HeaderField("ospf.lsa.opaque", "Opaque LSA", .boolean, .none),
    ]
    static let age = HeaderField("ospf.lsa.age", "LS Age (seconds)", .uint16, mask: 0x7FFF)
    static let doNotAge = HeaderField("ospf.lsa.donotage", "Do Not Age Flag", .uint16, mask: 0x8000)
    static let lsID = HeaderField("ospf.lsa.id", "Link State ID", .ipv4)
    static let opaqueType = HeaderField("ospf.lsid_opaque_type", "Link State ID Opaque Type", .uint8, names: .values([
        1: "Traffic Engineering LSA", 2: "Sycamore Optical Topology Descriptions", 3: "grace-LSA",
        4: "Optional Router Capabilities Opaque RI LSA",
    ]))
    static let teReserved = HeaderField("ospf.lsid_te_lsa.reserved", "Link State ID TE-LSA Reserved", .uint8)
    static let teInstance = HeaderField("ospf.lsid_te_lsa.instance", "Link State ID TE-LSA Instance", .uint16)
    static let opaqueID = HeaderField("ospf.lsid.opaque_id", "Link State ID Opaque ID", .uint24)
    static let advertisingRouter = HeaderField("ospf.advrouter", "Advertising Router", .ipv4)
    static let sequence = HeaderField("ospf.lsa.seqnum", "Sequence Number", .uint32, .hex)
    static let lsaChecksum = HeaderField("ospf.lsa.chksum", "Checksum", .uint16, .hex)
    static let lsaLength = HeaderField("ospf.lsa.length", "Length", .uint16)
    static let linkStateID = HeaderField("ospf.link_state_id", "Link State ID", .ipv4)
    static let lsaCount = HeaderField("ospf.ls.number_of_lsas", "Number of LSAs", .uint32)
    static let linkCount = HeaderField("ospf.lsa.number_of_links", "Number of Links", .uint16)
    static let linkType = HeaderField("ospf.lsa.router.linktype", "Link Type", .uint8)
    static let linkID = HeaderField("ospf.lsa.router.linkid", "Link ID", .ipv4)
    static let linkData = HeaderField("ospf.lsa.router.linkdata", "Link Data", .ipv4)
    static let metricCount = HeaderField("ospf.lsa.router.nummetrics", "Number of Metrics", .uint8)
    static let metric0 = HeaderField("ospf.lsa.router.metric0", "0 Metric", .uint16)
    static let tosMetric = HeaderField("ospf.ls.metric", "Metric", .uint32)
    static let networkNetmask = HeaderField("ospf.lsa.network.netmask", "Netmask", .ipv4)
    static let attachedRouter = HeaderField("ospf.lsa.network.attchrtr", "Attached Router", .ipv4)
    static let summaryNetmask = HeaderField("ospf.lsa.asbr.netmask", "Netmask", .ipv4)
    static let tos = HeaderField("ospf.lsa.tos", "TOS", .uint8)
    /// packet-ospf.c registers the AS-external TOS under the same name, with a mask.
    static let externalTOS = HeaderField("ospf.lsa.tos", "TOS", .uint8, mask: 0x7F)
    static let metric = HeaderField("ospf.metric", "Metric", .uint32)
    static let externalNetmask = HeaderField("ospf.lsa.asext.netmask", "Netmask", .ipv4)
    static let externalType = HeaderField("ospf.lsa.asext.type", "External Type", .boolean, width: 8, mask: 0x80, names: .trueFalse(
        "Type 2 (metric is larger than any other link state path)",
        "Type 1 (metric is specified in the same units as interface cost)"))
    static let forwardingAddress = HeaderField("ospf.lsa.asext.fwdaddr", "Forwarding Address", .ipv4)
    static let routeTag = HeaderField("ospf.lsa.asext.extrttag", "External Route Tag", .uint32)

    // MARK: version 3 LSA header
    static let v3LSTypeNames: [UInt64: String] = [
        1: "Router-LSA", 2: "Network-LSA", 3: "Inter-Area-Prefix-LSA", 4: "Inter-Area-Router-LSA", 5: "AS-External-LSA",
        6: "Group-Membership-LSA", 7: "NSSA-LSA", 8: "Link-LSA", 9: "Intra-Area-Prefix-LSA", 12: "Router Information Opaque-LSA",
    ]
    static let v3LSType = HeaderField("ospf.v3.lsa", "LS Type", .uint16, .hex, mask: 0x1FFF, names: .values(v3LSTypeNames))
    static let v3Handling = HeaderField("ospf.v3.lsa.u", "LSA Handling", .boolean, width: 16, mask: 0x8000, names: .trueFalse(
        "Treat the LSA as if it had link-local flooding scope", "Store and flood the LSA as if the type is understood"))
    static let v3Scope = HeaderField("ospf.v3.lsa.s12", "Flooding Scope", .uint16, .hex, mask: 0x6000, names: .values([
        0: "Link-Local Scoping - Flooded only on originating link", 1: "Area Scoping - Flooded only in originating area",
        2: "AS Scoping - Flooded throughout AS", 3: "Reserved",
    ]))
    static let v3FunctionCode = HeaderField("ospf.v3.lsa.fc", "Function Code", .uint16, mask: 0x1FFF)
    static let v3DoNotAge = HeaderField("ospf.v3.lsa.do_not_age", "Do Not Age", .boolean, width: 16, mask: 0x8000, names: .trueFalse)

    // MARK: MPLS traffic engineering
    static let mplsFlag = HeaderField("ospf.lsa.mpls", "MPLS Traffic Engineering LSA", .boolean, .none)
    static let tlvType = HeaderField("ospf.tlv_type", "TLV Type", .uint16)
    static let tlvLength = HeaderField("ospf.tlv_length", "TLV Length", .uint16)
    static let tlvValue = HeaderField("ospf.tlv_value", "TLV Value", .bytes)
    static let mplsRouterID = HeaderField("ospf.mpls.routerid", "MPLS/TE Router ID", .ipv4)
    static let mplsLinkType = HeaderField("ospf.mpls.linktype", "MPLS/TE Link Type", .uint8, names: .values([
        1: "Point-to-point", 2: "Multi-access",
    ]))
    static let mplsLinkID = HeaderField("ospf.mpls.linkid", "MPLS/TE Link ID", .ipv4)
    static let mplsLocalAddress = HeaderField("ospf.mpls.local_addr", "MPLS/TE Local Interface Address", .ipv4)
    static let mplsRemoteAddress = HeaderField("ospf.mpls.remote_addr", "MPLS/TE Remote Interface Address", .ipv4)
    static let mplsMetric = HeaderField("ospf.mpls.te_metric", "MPLS/TE Metric", .uint32)
    static let mplsLocalID = HeaderField("ospf.mpls.local_id", "MPLS/TE Local Interface Index", .uint32)
    static let mplsRemoteID = HeaderField("ospf.mpls.remote_id", "MPLS/TE Remote Interface Index", .uint32)
    static let mplsColor = HeaderField("ospf.mpls.linkcolor", "MPLS/TE Link Resource Class/Color", .uint32, .hex)
    static let mplsGroup = HeaderField("ospf.mpls.group", "MPLS/TE Group", .uint32, .hex)
    static let mplsMaxBandwidth = HeaderField("ospf.mpls.link_max_bw", "Link Max BW", .float)
    static let mplsPriority = HeaderField("ospf.mpls.pri", "Pri (or TE-Class)", .float)
    static let mplsBandwidthConstraint = HeaderField("ospf.mpls.bc", "BC", .float)
    static let mplsBCModel = HeaderField("ospf.mpls.bc.model_id", "MPLS/DSTE Bandwidth Constraints Model Id", .uint8, names: .ranges([
        (0...0, "(Russian Dolls Model - RDM)"), (1...1, "(Maximum Allocation Model - MAM)"),
        (2...2, "(Maximum Allocation with Reservation Model - MAR)"), (3...239, "(Unassigned, Specification Required)"),
        (240...255, "(Reserved, Private Use)"),
    ]))
    static let mplsSwitchingType = HeaderField("ospf.mpls.switching_type", "Switching Type", .uint8, names: .ranges([
        (1...1, "Packet-Switch Capable-1 (PSC-1)"), (2...2, "Packet-Switch Capable-2 (PSC-2)"),
        (3...3, "Packet-Switch Capable-3 (PSC-3)"), (4...4, "Packet-Switch Capable-4 (PSC-4)"), (5...29, "Unassigned"),
        (30...30, "Ethernet Virtual Private Line (EVPL)"), (31...39, "Unassigned"), (40...40, "802.1 PBB-TE"),
        (41...50, "Unassigned"), (51...51, "Layer-2 Switch Capable (L2SC)"), (52...99, "Unassigned"),
        (100...100, "Time-Division-Multiplex Capable (TDM)"), (101...124, "Unassigned"),
        (125...125, "Data Channel Switching Capable (DCSC)"), (126...149, "Unassigned"),
        (150...150, "Lambda-Switch Capable (LSC)"), (151...151, "WSON-LSC"), (152...152, "Flexi-Grid-LSC"),
        (153...169, "Unassigned"), (200...200, "Fiber-Switch Capable (FSC)"), (201...255, "Unassigned"),
    ]))
    static let mplsEncoding = HeaderField("ospf.mpls.encoding", "Encoding", .uint8, names: .ranges([
        (1...1, "Packet"), (2...2, "Ethernet"), (3...3, "ANSI/ETSI PDH"), (4...4, "Reserved"),
        (5...5, "SDH ITU-T G.707 / SONET ANSI T1.105"), (6...6, "Reserved"), (7...7, "Digital Wrapper"),
        (8...8, "Lambda (photonic)"), (9...9, "Fiber"), (10...10, "Reserved"), (11...11, "FiberChannel"),
        (12...12, "G.709 ODUk (Digital Path)"), (13...13, "G.709 Optical Channel"), (14...14, "Ethernet Line (EPL Type 2)"),
        (15...239, "Unassigned"), (240...255, "Experimental Usage/temporarily"),
    ]))
    static let mplsMinimumBandwidth = HeaderField("ospf.mpls.minimum_lsp_bandwidth", "Minimum LSP bandwidth", .float)
    static let mplsInterfaceMTU = HeaderField("ospf.mpls.interface_mtu", "Interface MTU", .uint16)
    static let mplsProtection = HeaderField("ospf.mpls.protection_capability", "Protection Capability", .uint8, .hex, names: .values([
        0x01: "Extra Traffic", 0x02: "Unprotected", 0x04: "Shared", 0x08: "Dedicated 1:1", 0x10: "Dedicated 1+1",
        0x20: "Enhanced", 0x40: "Reserved", 0x80: "Reserved",
    ]))
    static let mplsSRLG = HeaderField("ospf.mpls.shared_risk_link_group", "Shared Risk Link Group", .uint32)
    static let linkSubTLVNames: [UInt16: String] = [
        1: "Link Type", 2: "Link ID", 3: "Local Interface IP Address", 4: "Remote Interface IP Address",
        5: "Traffic Engineering Metric", 6: "Maximum Bandwidth", 7: "Maximum Reservable Bandwidth", 8: "Unreserved Bandwidth",
        9: "Resource Class/Color", 11: "Link Local/Remote Identifier", 14: "Link Protection Type",
        15: "Interface Switching Capability Descriptor", 16: "Shared Risk Link Group", 17: "Bandwidth Constraints",
        32773: "Local Node ID", 32774: "Remote Node ID", 32775: "Sonet/SDH Interface Switching Capability",
    ]

    // MARK: LLS data block and authentication trailer
    static let llsChecksum = HeaderField("ospf.lls.checksum", "Checksum", .uint16, .hex)
    static let llsLength = HeaderField("ospf.lls.data_length", "LLS Data Length", .uint16)
    static let llsSequence = HeaderField("ospf.v2.lls.sequence_number", "Sequence number", .uint32, .hex)
    static let llsAuthData = HeaderField("ospf.v2.lls.auth_data", "Auth Data", .bytes)
    static let trailer = HeaderField("ospf.at", "OSPF Authentication Trailer", .none)
    static let trailerType = HeaderField("ospf.at.auth_type", "Authentication Type", .uint16, names: .values([
        0: "Reserved", 1: "HMAC Cryptographic Authentication",
    ]), blurb: "Identifying the type of authentication")
    static let trailerLength = HeaderField("ospf.at.auth_data_len", "Authentication Data Length", .uint16)
    static let trailerReserved = HeaderField("ospf.at.reserved", "Reserved", .uint16, .hex)
    static let trailerSAID = HeaderField("ospf.at.sa_id", "Security Association Identifier (SA ID)", .uint16, .hex)
    static let trailerSequence = HeaderField("ospf.at.crypto_seq_nbr", "Cryptographic Sequence Number", .uint64)
    static let trailerData = HeaderField("ospf.at.auth_data", "Authentication Data", .bytes)

    static let declaration = ProtocolDeclaration("ospf", "Open Shortest Path First", fields: [
        header, version, messageType, packetLength, sourceRouter, areaID, checksum, authType, authNone, authSimple,
        authKeyID, authDataLength, authSequence, authData, authUnknown, instanceID, reserved,
        hello, networkMask, interfaceID, helloInterval, routerPriority, deadInterval, designatedRouter, backupRouter,
        activeNeighbor, interfaceMTU, ddSequence,
        lsType, age, doNotAge, lsID, opaqueType, teReserved, teInstance, opaqueID, advertisingRouter, sequence,
        lsaChecksum, lsaLength, linkStateID, lsaCount, linkCount, linkType, linkID, linkData, metricCount, metric0,
        tosMetric, networkNetmask, attachedRouter, summaryNetmask, tos, metric, externalNetmask, externalType,
        forwardingAddress, routeTag, v3LSType, v3Handling, v3Scope, v3FunctionCode, v3DoNotAge,
        mplsFlag, tlvType, tlvLength, tlvValue, mplsRouterID, mplsLinkType, mplsLinkID, mplsLocalAddress, mplsRemoteAddress,
        mplsMetric, mplsLocalID, mplsRemoteID, mplsColor, mplsGroup, mplsMaxBandwidth, mplsPriority, mplsBandwidthConstraint,
        mplsBCModel, mplsSwitchingType, mplsEncoding, mplsMinimumBandwidth, mplsInterfaceMTU, mplsProtection, mplsSRLG,
        llsChecksum, llsLength, llsSequence, llsAuthData, trailer, trailerType, trailerLength, trailerReserved,
        trailerSAID, trailerSequence, trailerData,
    ] + messageFlags + [v2OptionsLSA7.bits[4]] + Array(lsTypeFlags.keys.sorted().compactMap { lsTypeFlags[$0] })
      + [v2Options, v3Options, dbd, llsOptions, routerFlags].flatMap { [$0.field] + $0.bits })

    // MARK: dissection

    /// Where the captured bytes end: a read past it stops the dissection, as a tvb
    /// exception stops packet-ospf.c.
    private struct Cut: Error {}

    private struct Reader {
        let bytes: ByteView
        let end: Int
        func need(_ at: Int, _ n: Int) throws {
            guard at >= 0, n >= 0, at <= end - n else { throw Cut() }
        }
        func u8(_ at: Int) throws -> UInt8 { try need(at, 1); return bytes[at] }
        func u16(_ at: Int) throws -> UInt16 { try need(at, 2); return bytes.u16be(at) }
        func u24(_ at: Int) throws -> UInt32 { try need(at, 3); return UInt32(bytes[at]) << 16 | UInt32(bytes.u16be(at + 1)) }
        func u32(_ at: Int) throws -> UInt32 { try need(at, 4); return bytes.u32be(at) }
        func u64(_ at: Int) throws -> UInt64 { try need(at, 8); return bytes.u64be(at) }
        func ipv4(_ at: Int) throws -> IPv4Address { try need(at, 4); return IPv4Address(bytes, at: at) }
        func float(_ at: Int) throws -> Float { Float(bitPattern: try u32(at)) }
        /// A range for a subtree, clamped to the captured bytes.
        func span(_ at: Int, _ n: Int) -> Range<Int> {
            let lower = Swift.min(Swift.max(at, 0), end)
            return lower..<Swift.min(Swift.max(lower, at &+ Swift.max(n, 0)), end)
        }
    }

    static func dissect(_ h: OSPFHeader, frame: Frame, _ tree: inout TreeBuilder) {
        let depth = tree.depth
        tree.open(declaration, h.offset..<h.end, label: "Open Shortest Path First")
        let r = Reader(bytes: tree.bytes, end: Swift.min(h.end, tree.bytes.count))
        do { try body(h, frame: frame, r, &tree) } catch {}
        tree.close(to: depth)
    }

    private static func body(_ h: OSPFHeader, frame: Frame, _ r: Reader, _ tree: inout TreeBuilder) throws {
        let o = h.offset
        let headerLength = h.headerLength
        try r.need(o, headerLength)
        tree.open(header, o..<o + headerLength, .none, label: "OSPF Header")
        tree.add(version, o..<o + 1, .uint(UInt64(h.version)))
        tree.add(messageType, o + 1..<o + 2, .uint(UInt64(h.type)))
        if (1...5).contains(h.type) {
            tree.add(messageFlags[Int(h.type) - 1], o + 1..<o + 2, .bool(true), hidden: true)
        }
        tree.add(packetLength, o + 2..<o + 4, .uint(UInt64(h.packetLength)))
        tree.add(sourceRouter, o + 4..<o + 8, .ipv4(try r.ipv4(o + 4)))
        let area = try r.ipv4(o + 8)
        tree.add(areaID, o + 8..<o + 12, .ipv4(area), display: area.rawValue == 0 ? "\(area) (Backbone)" : nil)
        let sum = try r.u16(o + 12)
        guard h.version == 2 || h.version == 3 else {
            tree.add(checksum, o + 12..<o + 14, .uint(UInt64(sum)), display: checksumText(sum, nil))
            return
        }
        tree.add(checksum, o + 12..<o + 14, .uint(UInt64(sum)), display: checksumText(sum, verify(h, frame: frame, r)))
        var cryptoLength = 0
        if h.version == 2 {
            let auth = try r.u16(o + 14)
            tree.add(authType, o + 14..<o + 16, .uint(UInt64(auth)))
            switch auth {
            case 0: tree.add(authNone, o + 16..<o + 24, .bytes(o + 16..<o + 24))
            case 1:
                let text = r.bytes.slice(o + 16..<o + 24).prefix { $0 != 0 }
                tree.add(authSimple, o + 16..<o + 24, .string(String(decoding: text, as: UTF8.self)))
            case 2:
                tree.add(authKeyID, o + 18..<o + 19, .uint(UInt64(try r.u8(o + 18))))
                cryptoLength = Int(try r.u8(o + 19))
                tree.add(authDataLength, o + 19..<o + 20, .uint(UInt64(cryptoLength)))
                tree.add(authSequence, o + 20..<o + 24, .uint(UInt64(try r.u32(o + 20))))
                let digest = o + h.packetLength
                if cryptoLength > 0, (try? r.need(digest, cryptoLength)) != nil {
                    tree.add(authData, digest..<digest + cryptoLength, .bytes(digest..<digest + cryptoLength))
                }
            default: tree.add(authUnknown, o + 16..<o + 24, .bytes(o + 16..<o + 24))
            }
        } else {
            tree.add(instanceID, o + 14..<o + 15, .uint(UInt64(try r.u8(o + 14))))
            tree.add(reserved, o + 15..<o + 16, .bytes(o + 15..<o + 16))
        }
        tree.close()
        // packet-ospf.c takes the body's length as a guint16, so a short packet length wraps.
        let length = Int(UInt16(truncatingIfNeeded: h.packetLength - headerLength))
        let start = o + headerLength
        let v2 = h.version == 2
        switch h.type {
        case 1: try helloPacket(r, at: start, length: length, v2: v2, &tree)
        case 2: try dbDescription(r, at: start, length: length, v2: v2, &tree)
        case 3: try lsRequest(r, at: start, length: length, v2: v2, &tree)
        case 4:
            tree.openText("LS Update Packet", range: r.span(start, length))
            let count = try r.u32(start)
            tree.add(lsaCount, start..<start + 4, .uint(UInt64(count)))
            var at = start + 4
            // Each LSA is at least its 20-byte header, so the captured bytes bound the walk.
            for _ in 0..<count { at = try lsa(r, at: at, body: true, v2: v2, &tree) }
            tree.close()
        case 5:
            var at = start
            while start + length > at { at = try lsa(r, at: at, body: false, v2: v2, &tree) }
        default:
            break
        }
        var hasLLS = false
        var hasTrailer = false
        if h.type == 1 || h.type == 2 {
            if v2 {
                hasLLS = try r.u8(start + (h.type == 1 ? 6 : 2)) & 0x10 != 0
            } else {
                let options = try r.u32(start + (h.type == 1 ? 5 : 1)) >> 8
                hasLLS = options & 0x200 != 0
                hasTrailer = h.type == 1 && options & 0x400 != 0
            }
        }
        let after = o + h.packetLength + cryptoLength
        if hasLLS { try llsBlock(r, at: after, declaredEnd: o + h.declaredLength, v2: v2, &tree) }
        if hasTrailer { try authenticationTrailer(r, at: after, &tree) }
    }

    private static func checksumText(_ value: UInt16, _ expected: UInt16??) -> String {
        let shown = "0x" + hex(UInt64(value), digits: 4)
        if value == 0 { return shown + " (None)" }
        guard let expected, let expected else { return shown }
        return expected == value ? shown + " [correct]" : shown + " [incorrect, should be 0x\(hex(UInt64(expected), digits: 4))]"
    }

    /// The checksum the packet should carry, when packet-ospf.c checks it: version 2 over
    /// the packet without its 8 authentication bytes, version 3 over an IPv6 pseudo-header
    /// and the whole IP payload; nil when the payload was not all captured.
    private static func verify(_ h: OSPFHeader, frame: Frame, _ r: Reader) -> UInt16?? {
        let o = h.offset
        let reported = h.declaredLength
        guard r.end - o >= reported, r.end - o >= h.headerLength, reported >= h.headerLength else { return .some(nil) }
        let bytes = r.bytes
        var total: UInt32
        if h.version == 2 {
            total = InternetChecksum.partial(bytes, o..<o + 16) &+ InternetChecksum.partial(bytes, o + 24..<o + reported)
        } else {
            total = InternetChecksum.partial(bytes, o..<o + reported)
            let length = UInt32(h.packetLength)
            if let ip = frame.ipv6 {
                total &+= InternetChecksum.partial(bytes, ip.offset + 8..<ip.offset + 40)
            } else if let ip = frame.ipv4 {
                total &+= InternetChecksum.partial(bytes, ip.offset + 12..<ip.offset + 20)
            }
            total &+= length >> 16 &+ (length & 0xFFFF) &+ 89
        }
        let folded = InternetChecksum.fold(total)
        let value = bytes.u16be(o + 12)
        if folded == 0xFFFF { return .some(value) }
        let others = InternetChecksum.fold(folded &+ (~UInt32(value) & 0xFFFF))
        return .some(UInt16(~others & 0xFFFF))
    }

    /// dissect_ospf_bitfield: "Options: 0x22, (DC) Demand Circuits, (E) External Routing".
    private static func bitField(_ info: BitField, _ r: Reader, at: Int, _ tree: inout TreeBuilder) throws {
        let value: UInt64
        switch info.bytes {
        case 1: value = UInt64(try r.u8(at))
        case 3: value = UInt64(try r.u24(at))
        default: value = UInt64(try r.u32(at))
        }
        let range = at..<at + info.bytes
        var text = "0x" + hex(value, digits: info.bytes * 2)
        for bit in info.bits where value & bit.mask != 0 { text += ", " + bit.label }
        tree.open(info.field, range, .uint(value), display: text)
        for bit in info.bits { tree.bits(bit, range, container: value) }
        tree.close()
    }

    private static func helloPacket(_ r: Reader, at o: Int, length: Int, v2: Bool, _ tree: inout TreeBuilder) throws {
        tree.open(hello, r.span(o, length), .none, label: "OSPF Hello Packet")
        if v2 {
            tree.add(networkMask, o..<o + 4, .ipv4(try r.ipv4(o)))
            tree.add(helloInterval, o + 4..<o + 6, .uint(UInt64(try r.u16(o + 4))))
            try bitField(v2Options, r, at: o + 6, &tree)
            tree.add(routerPriority, o + 7..<o + 8, .uint(UInt64(try r.u8(o + 7))))
            tree.add(deadInterval, o + 8..<o + 12, .uint(UInt64(try r.u32(o + 8))))
        } else {
            tree.add(interfaceID, o..<o + 4, .uint(UInt64(try r.u32(o))))
            tree.add(routerPriority, o + 4..<o + 5, .uint(UInt64(try r.u8(o + 4))))
            try bitField(v3Options, r, at: o + 5, &tree)
            tree.add(helloInterval, o + 8..<o + 10, .uint(UInt64(try r.u16(o + 8))))
            tree.add(deadInterval, o + 10..<o + 12, .uint(UInt64(try r.u16(o + 10))))
        }
        tree.add(designatedRouter, o + 12..<o + 16, .ipv4(try r.ipv4(o + 12)))
        tree.add(backupRouter, o + 16..<o + 20, .ipv4(try r.ipv4(o + 16)))
        var at = o + 20
        while o + length > at {
            tree.add(activeNeighbor, at..<at + 4, .ipv4(try r.ipv4(at)))
            at += 4
        }
        tree.close()
    }

    private static func dbDescription(_ r: Reader, at o: Int, length: Int, v2: Bool, _ tree: inout TreeBuilder) throws {
        tree.openText("OSPF DB Description", range: r.span(o, length))
        if v2 {
            tree.add(interfaceMTU, o..<o + 2, .uint(UInt64(try r.u16(o))))
            try bitField(v2Options, r, at: o + 2, &tree)
            try bitField(dbd, r, at: o + 3, &tree)
            tree.add(ddSequence, o + 4..<o + 8, .uint(UInt64(try r.u32(o + 4))))
        } else {
            try r.need(o, 1)
            tree.add(reserved, o..<o + 1, .bytes(o..<o + 1))
            try bitField(v3Options, r, at: o + 1, &tree)
            tree.add(interfaceMTU, o + 4..<o + 6, .uint(UInt64(try r.u16(o + 4))))
            try r.need(o + 6, 1)
            tree.add(reserved, o + 6..<o + 7, .bytes(o + 6..<o + 7))
            try bitField(dbd, r, at: o + 7, &tree)
            tree.add(ddSequence, o + 8..<o + 12, .uint(UInt64(try r.u32(o + 8))))
        }
        tree.close()
        var at = o + (v2 ? 8 : 12)
        while o + length > at { at = try lsa(r, at: at, body: false, v2: v2, &tree) }
    }

    private static func lsRequest(_ r: Reader, at o: Int, length: Int, v2: Bool, _ tree: inout TreeBuilder) throws {
        var at = o
        while o + length > at {
            tree.openText("Link State Request", range: r.span(at, 12))
            if v2 {
                tree.add(lsType, at..<at + 4, .uint(UInt64(try r.u32(at))))
            } else {
                try r.need(at, 2)
                tree.add(reserved, at..<at + 2, .bytes(at..<at + 2))
                tree.bits(v3LSType, at + 2..<at + 4, container: UInt64(try r.u16(at + 2)))
            }
            tree.add(linkStateID, at + 4..<at + 8, .ipv4(try r.ipv4(at + 4)))
            tree.add(advertisingRouter, at + 8..<at + 12, .ipv4(try r.ipv4(at + 8)))
            tree.close()
            at += 12
        }
    }

    /// One LSA: its header, and with `body` its contents. Returns where the next starts.
    private static func lsa(_ r: Reader, at o: Int, body: Bool, v2: Bool, _ tree: inout TreeBuilder) throws -> Int {
        if !v2 { return try v3LSA(r, at: o, body: body, &tree) }
        let type = try r.u8(o + 3)
        let lsLength = Int(try r.u16(o + 18))
        let end = o + lsLength
        let typeName = lsTypeNames[UInt64(type)] ?? "Unknown"
        tree.openText("LSA-type \(type) (\(typeName)), len \(lsLength)", range: r.span(o, body ? lsLength : 20))
        defer { tree.close() }
        let word = UInt64(try r.u16(o))
        tree.bits(age, o..<o + 2, container: word)
        tree.bits(doNotAge, o..<o + 2, container: word)
        let options = try r.u8(o + 2)
        try bitField(type == 7 ? v2OptionsLSA7 : v2Options, r, at: o + 2, &tree)
        tree.add(lsType, o + 3..<o + 4, .uint(UInt64(type)))
        if let flag = lsTypeFlags[Swift.min(type, 9)], type <= 11 {
            tree.add(flag, o + 3..<o + 4, .bool(true), hidden: true)
        }
        let opaque = (9...11).contains(type)
        var opaqueKind: UInt8 = 0
        if opaque {
            opaqueKind = try r.u8(o + 4)
            tree.add(opaqueType, o + 4..<o + 5, .uint(UInt64(opaqueKind)))
            if opaqueKind == 1 {
                tree.add(teReserved, o + 5..<o + 6, .uint(UInt64(try r.u8(o + 5))))
                tree.add(teInstance, o + 6..<o + 8, .uint(UInt64(try r.u16(o + 6))))
            } else {
                tree.add(opaqueID, o + 5..<o + 8, .uint(UInt64(try r.u24(o + 5))))
            }
        } else {
            tree.add(lsID, o + 4..<o + 8, .ipv4(try r.ipv4(o + 4)))
        }
        tree.add(advertisingRouter, o + 8..<o + 12, .ipv4(try r.ipv4(o + 8)))
        tree.add(sequence, o + 12..<o + 16, .uint(UInt64(try r.u32(o + 12))))
        tree.add(lsaChecksum, o + 16..<o + 18, .uint(UInt64(try r.u16(o + 16))))
        let minimum: [Int] = [0, 24, 28, 28, 28, 36, 20, 36, 20, 20, 20, 20]
        if type >= 1 && type <= 11 ? lsLength < minimum[Int(type)] : lsLength < 20 {
            tree.open(lsaLength, o + 18..<o + 20, .uint(UInt64(lsLength)))
            let message = type >= 1 && type <= 11
                ? "Invalid LSA length (\(lsLength)) for type \(typeName), expected >= (\(minimum[Int(type)]))"
                : "Invalid LSA length (\(lsLength)) for unknown LSA type (\(type)), expected minimum of (20)"
            tree.expert("ospf.lsa.bad_length", .error, .malformed, message)
            tree.close()
            // packet-ospf.c returns -1 here; nothing after this LSA is read sensibly.
            throw Cut()
        }
        tree.add(lsaLength, o + 18..<o + 20, .uint(UInt64(lsLength)))
        var at = o + 20
        if lsLength <= 20 || !body { return at }
        let metricKind = options & 0x01 != 0 ? "MT-ID" : "TOS"
        switch type {
        case 1:
            try bitField(routerFlags, r, at: at, &tree)
            let links = try r.u16(at + 2)
            tree.add(linkCount, at + 2..<at + 4, .uint(UInt64(links)))
            at += 4
            for _ in 0..<links {
                let kind = try r.u8(at + 8)
                let metrics = Int(try r.u8(at + 9))
                let id = try r.ipv4(at), data = try r.ipv4(at + 4)
                let cost = try r.u16(at + 10)
                let short = [1: "PTP", 2: "Transit", 3: "Stub", 4: "Virtual"][Int(kind)] ?? "Unknown"
                tree.openText("Type: \(pad(short, 8)) ID: \(pad(id.description, 15)) Data: \(pad(data.description, 15)) Metric: \(cost)",
                              range: r.span(at, 12 + 4 * metrics))
                let idNames = [1: "Neighboring router's Router ID", 2: "IP address of Designated Router",
                               3: "IP network/subnet number", 4: "Neighboring router's Router ID"]
                let typeNames = [1: "Point-to-point connection to another router", 2: "Connection to a transit network",
                                 3: "Connection to a stub network", 4: "Virtual link"]
                tree.add(linkID, at..<at + 4, .ipv4(id), display: "\(id) - \(idNames[Int(kind)] ?? "Unknown link ID")")
                tree.add(linkData, at + 4..<at + 8, .ipv4(data))
                tree.add(linkType, at + 8..<at + 9, .uint(UInt64(kind)), display: "\(kind) - \(typeNames[Int(kind)] ?? "Unknown link type")")
                tree.add(metricCount, at + 9..<at + 10, .uint(UInt64(metrics)), display: "\(metrics) - \(metricKind)")
                tree.add(metric0, at + 10..<at + 12, .uint(UInt64(cost)))
                at += 12
                for _ in 0..<metrics {
                    let m = try r.u16(at + 2)
                    tree.add(tosMetric, at..<at + 4, .uint(UInt64(m)), label: "\(metricKind): \(try r.u8(at)), Metric: \(m)")
                    at += 4
                }
                tree.close()
            }
        case 2:
            tree.add(networkNetmask, at..<at + 4, .ipv4(try r.ipv4(at)))
            at += 4
            if at == end {
                tree.expert("ospf.lsa.tos_missing", .warning, .protocolGroup, "1 or more router-IDs required")
            }
            while at < end {
                tree.add(attachedRouter, at..<at + 4, .ipv4(try r.ipv4(at)))
                at += 4
            }
        case 3, 4:
            tree.add(summaryNetmask, at..<at + 4, .ipv4(try r.ipv4(at)))
            at += 4
            while at < end {
                tree.add(tos, at..<at + 1, .uint(UInt64(try r.u8(at))))
                tree.add(metric, at + 1..<at + 4, .uint(UInt64(try r.u24(at + 1))))
                at += 4
            }
        case 5, 7:
            tree.add(externalNetmask, at..<at + 4, .ipv4(try r.ipv4(at)))
            at += 4
            while at < end {
                let first = UInt64(try r.u8(at))
                tree.bits(externalType, at..<at + 1, container: first)
                tree.bits(externalTOS, at..<at + 1, container: first)
                tree.add(metric, at + 1..<at + 4, .uint(UInt64(try r.u24(at + 1))))
                tree.add(forwardingAddress, at + 4..<at + 8, .ipv4(try r.ipv4(at + 4)))
                tree.add(routeTag, at + 8..<at + 12, .uint(UInt64(try r.u32(at + 8))))
                at += 12
            }
        case 9, 10, 11:
            if opaqueKind == 1 { try trafficEngineering(r, at: at, length: lsLength - 20, &tree) }
            at += lsLength - 20
        default:
            at += lsLength - 20
        }
        return at
    }

    /// A version 3 LSA header; the bodies are not decoded here.
    private static func v3LSA(_ r: Reader, at o: Int, body: Bool, _ tree: inout TreeBuilder) throws -> Int {
        let typeWord = try r.u16(o + 2)
        let type = typeWord & 0x1FFF
        let lsLength = Int(try r.u16(o + 18))
        let typeName = v3LSTypeNames[UInt64(type)] ?? "Unknown"
        tree.openText("LSA-type \(type) (\(typeName)), len \(lsLength)", range: r.span(o, body ? lsLength : 20))
        defer { tree.close() }
        let word = UInt64(try r.u16(o))
        tree.bits(age, o..<o + 2, container: word)
        tree.bits(v3DoNotAge, o..<o + 2, container: word)
        tree.bits(v3LSType, o + 2..<o + 4, container: UInt64(typeWord), open: true)
        tree.bits(v3Handling, o + 2..<o + 4, container: UInt64(typeWord))
        tree.bits(v3Scope, o + 2..<o + 4, container: UInt64(typeWord))
        tree.bits(v3FunctionCode, o + 2..<o + 4, container: UInt64(typeWord))
        tree.close()
        tree.add(linkStateID, o + 4..<o + 8, .ipv4(try r.ipv4(o + 4)))
        tree.add(advertisingRouter, o + 8..<o + 12, .ipv4(try r.ipv4(o + 8)))
        tree.add(sequence, o + 12..<o + 16, .uint(UInt64(try r.u32(o + 12))))
        tree.add(lsaChecksum, o + 16..<o + 18, .uint(UInt64(try r.u16(o + 16))))
        tree.add(lsaLength, o + 18..<o + 20, .uint(UInt64(lsLength)))
        return body && lsLength > 20 ? o + lsLength : o + 20
    }

    /// `%.10g bytes/s (%.0f bits/s)`, as packet-ospf.c writes a bandwidth.
    static func bandwidth(_ f: Float) -> String {
        PrintfFormat.string("%.10g bytes/s (%.0f bits/s)", Double(f), Double(f) * 8)
    }

    /// An FT_FLOAT in -T fields and JSON: `%g` with FLT_DIG (6) digits.
    static func floatText(_ f: Float) -> String { PrintfFormat.string("%.6g", Double(f)) }

    private static func addFloat(_ field: HeaderField, _ range: Range<Int>, _ f: Float, label: String, _ tree: inout TreeBuilder) {
        tree.add(field, range, .string(floatText(f)), label: label)
    }

    /// RFC 3630 traffic engineering TLVs (dissect_ospf_lsa_mpls).
    private static func trafficEngineering(_ r: Reader, at start: Int, length total: Int, _ tree: inout TreeBuilder) throws {
        tree.openText("MPLS Traffic Engineering LSA", range: r.span(start, total))
        let depth = tree.depth
        var at = start
        var length = UInt32(truncatingIfNeeded: total)
        var pendingError: Error?
        do {
            while length != 0 {
                let type = try r.u16(at)
                let tlvLen = Int(try r.u16(at + 2))
                let tlvEnd = at + tlvLen + 4
                switch type {
                case 1:
                    let address = try r.ipv4(at + 4)
                    tree.openText("Router Address: \(address)", range: r.span(at, tlvLen + 4))
                    tree.add(tlvType, at..<at + 2, .uint(1), display: "1 - Router Address")
                    tree.add(tlvLength, at + 2..<at + 4, .uint(UInt64(tlvLen)))
                    tree.add(mplsRouterID, at + 4..<at + 8, .ipv4(address))
                    tree.close()
                case 2:
                    tree.openText("Link Information", range: r.span(at, tlvLen + 4))
                    tree.add(tlvType, at..<at + 2, .uint(2), display: "2 - Link Information")
                    tree.add(tlvLength, at + 2..<at + 4, .uint(UInt64(tlvLen)))
                    var s = at + 4
                    while s < tlvEnd {
                        let sLen = Int(try r.u16(s + 2))
                        try linkSubTLV(r, at: s, type: try r.u16(s), length: sLen, &tree)
                        s += (sLen + 4 + 3) / 4 * 4
                    }
                    tree.close()
                default:
                    let kind = teTLVRange(type)
                    tree.openText("Unknown LSA: \(type) \(kind)", range: r.span(at, tlvLen + 4))
                    tree.add(tlvType, at..<at + 2, .uint(UInt64(type)), display: "\(type) - Unknown \(kind)")
                    tree.add(tlvLength, at + 2..<at + 4, .uint(UInt64(tlvLen)))
                    try r.need(at + 4, tlvLen)
                    tree.add(tlvValue, at + 4..<at + 4 + tlvLen, .bytes(at + 4..<at + 4 + tlvLen))
                    tree.close()
                }
                at += tlvLen + 4
                length &-= UInt32(truncatingIfNeeded: tlvLen + 4)
            }
        } catch {
            pendingError = error
        }
        tree.close(to: depth)
        tree.close()
        // The hidden flag follows the subtree, on the LSA's level: the first TLV's type.
        if let type = try? r.u16(start) {
            tree.add(mplsFlag, start..<start + 2, .bool(type != 0), hidden: true)
        }
        if let pendingError { throw pendingError }
    }

    private static func teTLVRange(_ type: UInt16) -> String {
        switch type {
        case 3...32767: "(Assigned via Standards Action)"
        case 32768...32777: "(For Experimental Use)"
        case 32778...: "(Not to be Assigned)"
        default: "Unknown"
        }
    }

    private static func linkSubTLV(_ r: Reader, at s: Int, type: UInt16, length: Int, _ tree: inout TreeBuilder) throws {
        let name = linkSubTLVNames[type] ?? "Unknown sub-TLV"
        let range = r.span(s, length + 4)
        func head(_ label: String) {
            tree.openText(label, range: range)
            tree.add(tlvType, s..<s + 2, .uint(UInt64(type)), display: "\(type): \(name)")
            tree.add(tlvLength, s + 2..<s + 4, .uint(UInt64(length)))
        }
        defer { tree.close() }
        let v = s + 4
        switch type {
        case 1:
            let kind = try r.u8(v)
            head("\(name): \(kind) - \(["1": "Point-to-point", "2": "Multi-access"][String(kind)] ?? "Unknown Link Type")")
            tree.add(mplsLinkType, v..<v + 1, .uint(UInt64(kind)))
        case 2:
            let id = try r.ipv4(v)
            head("\(name): \(id)")
            tree.add(mplsLinkID, v..<v + 4, .ipv4(id))
        case 3, 4:
            head("\(name): \(try r.ipv4(v))")
            var i = 0
            while i < length {
                tree.add(type == 3 ? mplsLocalAddress : mplsRemoteAddress, v + i..<v + i + 4, .ipv4(try r.ipv4(v + i)))
                i += 4
            }
        case 5:
            let m = try r.u32(v)
            head("\(name): \(m)")
            tree.add(mplsMetric, v..<v + 4, .uint(UInt64(m)), label: "\(name): \(m)")
        case 9:
            let color = try r.u32(v)
            head("\(name): 0x\(hex(UInt64(color), digits: 8))")
            tree.open(mplsColor, v..<v + 4, .uint(UInt64(color)))
            for bit in 0..<32 where color & (1 << UInt32(bit)) != 0 {
                tree.add(mplsGroup, v..<v + 4, .uint(UInt64(1) << UInt64(bit)), label: "Group \(bit)")
            }
            tree.close()
        case 6, 7:
            let f = try r.float(v)
            head("\(name): \(bandwidth(f))")
            addFloat(mplsMaxBandwidth, v..<v + 4, f, label: "\(name): \(bandwidth(f))", &tree)
        case 8:
            head(name)
            for i in 0..<8 {
                let f = try r.float(v + 4 * i)
                addFloat(mplsPriority, v + 4 * i..<v + 4 * i + 4, f, label: "Pri (or TE-Class) \(i): \(bandwidth(f))", &tree)
            }
        case 11:
            let local = try r.u32(v), remote = try r.u32(v + 4)
            head("\(name): \(Int32(bitPattern: local)) (0x\(String(local, radix: 16))) - \(Int32(bitPattern: remote)) (0x\(String(remote, radix: 16)))")
            tree.add(mplsLocalID, v..<v + 4, .uint(UInt64(local)))
            tree.add(mplsRemoteID, v + 4..<v + 8, .uint(UInt64(remote)))
        case 14:
            head(name)
            tree.add(mplsProtection, v..<v + 1, .uint(UInt64(try r.u8(v))))
        case 15:
            head(name)
            let capability = try r.u8(v)
            tree.add(mplsSwitchingType, v..<v + 1, .uint(UInt64(capability)))
            tree.add(mplsEncoding, v + 1..<v + 2, .uint(UInt64(try r.u8(v + 1))))
            for i in 0..<8 {
                let f = try r.float(v + 4 + 4 * i)
                addFloat(mplsPriority, v + 4 + 4 * i..<v + 8 + 4 * i, f, label: "Pri \(i): \(bandwidth(f))", &tree)
            }
            if (1...4).contains(capability) || capability == 100 {
                let f = try r.float(v + 36)
                addFloat(mplsMinimumBandwidth, v + 36..<v + 40, f, label: "Minimum LSP bandwidth: \(bandwidth(f))", &tree)
            }
            if (1...4).contains(capability) {
                tree.add(mplsInterfaceMTU, v + 40..<v + 42, .uint(UInt64(try r.u16(v + 40))))
            }
        case 16:
            head(name)
            var i = 0
            while i < length {
                tree.add(mplsSRLG, v + i..<v + i + 4, .uint(UInt64(try r.u32(v + i))))
                i += 4
            }
        case 17:
            head(name)
            tree.add(mplsBCModel, v..<v + 1, .uint(UInt64(try r.u8(v))))
            guard length % 4 == 0, (4...36).contains(length) else { return }
            for i in 0..<(length - 4) / 4 {
                let f = try r.float(v + 4 + 4 * i)
                addFloat(mplsBandwidthConstraint, v + 4 + 4 * i..<v + 8 + 4 * i, f, label: "BC \(i): \(bandwidth(f))", &tree)
            }
        default:
            let kind = teSubTLVRange(type)
            tree.openText("Unknown Link sub-TLV: \(type) \(kind)", range: range)
            tree.add(tlvType, s..<s + 2, .uint(UInt64(type)), display: "\(type): \(name) \(kind)")
            tree.add(tlvLength, s + 2..<s + 4, .uint(UInt64(length)))
            try r.need(v, length)
            tree.add(tlvValue, v..<v + length, .bytes(v..<v + length))
        }
    }

    private static func teSubTLVRange(_ type: UInt16) -> String {
        switch type {
        case 10...32767: "(Assigned via Standards Action)"
        case 32768...32777: "(For Experimental Use)"
        case 32778...: "(Not to be Assigned)"
        default: "Unknown"
        }
    }

    /// The link-local signalling block (RFC 5613) after the packet and its digest.
    private static func llsBlock(_ r: Reader, at o: Int, declaredEnd: Int, v2: Bool, _ tree: inout TreeBuilder) throws {
        guard declaredEnd - o >= 4 else {
            tree.expert("ospf.lsa.bad_length", .error, .malformed, "LLS option bit set but data block missing")
            return
        }
        let blockLength = Int(try r.u16(o + 2)) * 4
        tree.openText("OSPF LLS Data Block", range: r.span(o, r.end - o))
        defer { tree.close() }
        tree.add(llsChecksum, o..<o + 2, .uint(UInt64(try r.u16(o))))
        tree.add(llsLength, o + 2..<o + 4, .uint(UInt64(blockLength)), display: blockLength == 1 ? "1 byte" : "\(blockLength) bytes")
        var at = o + 4
        while o + blockLength > at {
            let type = try r.u16(at)
            let length = Int(try r.u16(at + 2))
            let names: [UInt16: String] = v2 ? [1: "Extended options TLV", 2: "Crypto Authentication TLV"]
                : [1: "Extended Options TLV", 3: "State Check Sequence TLV", 4: "Neighbor Drop TLV",
                   7: "Active Overlapping Relays TLV", 8: "Willingness TLV", 5: "Request From LTV", 6: "Full State For TLV"]
            tree.openText(names[type] ?? "Unknown LLS TLV", range: r.span(at, length + 4))
            tree.add(tlvType, at..<at + 2, .uint(UInt64(type)))
            tree.add(tlvLength, at + 2..<at + 4, .uint(UInt64(length)))
            if v2 && type == 1 {
                try bitField(llsOptions, r, at: at + 4, &tree)
            } else if v2 && type == 2 {
                tree.add(llsSequence, at + 4..<at + 8, .uint(UInt64(try r.u32(at + 4))))
                guard length >= 4 else { throw Cut() }
                try r.need(at + 8, length - 4)
                tree.add(llsAuthData, at + 8..<at + 4 + length, .bytes(at + 8..<at + 4 + length))
            }
            tree.close()
            at += length + 4
        }
    }

    /// RFC 7166's authentication trailer after an OSPFv3 Hello with the AT bit.
    private static func authenticationTrailer(_ r: Reader, at o: Int, _ tree: inout TreeBuilder) throws {
        try r.need(o, 4)
        let length = Int(r.bytes.u16be(o + 2))
        let full = length >= 14
        tree.open(trailer, r.span(o, full ? length : 4), .none, label: "OSPF Authentication Trailer")
        defer { tree.close() }
        tree.add(trailerType, o..<o + 2, .uint(UInt64(r.bytes.u16be(o))))
        tree.add(trailerLength, o + 2..<o + 4, .uint(UInt64(length)))
        guard full else { return }
        tree.add(trailerReserved, o + 4..<o + 6, .uint(UInt64(try r.u16(o + 4))))
        tree.add(trailerSAID, o + 6..<o + 8, .uint(UInt64(try r.u16(o + 6))))
        tree.add(trailerSequence, o + 8..<o + 16, .uint(try r.u64(o + 8)))
        let data = length - 16
        guard data > 0 else { return }
        try r.need(o + 16, data)
        tree.add(trailerData, o + 16..<o + 16 + data, .bytes(o + 16..<o + 16 + data))
    }

    /// `%-Ns`: the text padded with spaces to `width`.
    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// The Info column: the message type, as packet-ospf.c sets it.
    static func info(_ h: OSPFHeader) -> String {
        messageTypes[UInt64(h.type)] ?? "Unknown (\(h.type))"
    }
}

extension Frame {
    /// The OSPF packet of this frame, read again from the IP payload.
    var ospfHeader: OSPFHeader? {
        guard protocols.last == .ospf, let (payload, declared) = ipPayload else { return nil }
        return OSPFHeader.decode(bytes, at: payload.lowerBound, end: payload.upperBound, declaredLength: declared).layer
    }
}
