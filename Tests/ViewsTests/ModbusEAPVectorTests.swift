import Foundation
import Testing
import Follow
import Views

/// Modbus/TCP and EAP packets the public corpus lacks (coils, an exception, device
/// identification, two ADUs in one segment; an MD5 challenge, a retransmitted response),
/// built here as byte vectors and held to tshark 4.0.17's output for the same packets
/// (`tshark -n -r` and `tshark -n -V -r` on a capture of exactly these frames).
@Suite struct ModbusEAPVectorTests {
    /// Modbus/TCP between 10.0.0.1:40000 and 10.0.0.2:502: Read Coils and its response,
    /// an exception response, Read Device Identification, two queries in one segment.
    static let modbus: [(UInt32, UInt32, String)] = [
        (1, 0, "0011223344550066778899aa08004500003400014000400626c10a0000010a0000029c4001f6000003e80000138850182000000000000001000000060101000a000c"),
        (1, 10000, "0066778899aa00112233445508004500003300014000400626c20a0000020a00000101f69c4000001388000003f45018200000000000000100000005010102cd0b"),
        (1, 160000, "0011223344550066778899aa08004500003400014000400626c10a0000010a0000029c4001f600000450000013e950182000000000000009000000060103270f0001"),
        (1, 170000, "0066778899aa00112233445508004500003100014000400626c40a0000020a00000101f69c40000013e90000045c5018200000000000000900000003018302"),
        (1, 200000, "0011223344550066778899aa08004500003300014000400626c20a0000010a0000029c4001f600000473000014075018200000000000000b00000005012b0e0100"),
        (1, 210000, "0066778899aa00112233445508004500004100014000400626b40a0000020a00000101f69c40000014070000047e5018200000000000000b00000013012b0e0101000002000441434d450103583132"),
        (1, 330000, "0011223344550066778899aa08004500004000014000400626b50a0000010a0000029c4001f6000004b9000014605018200000000000001400000006010300000001001500000006010400000001"),
    ]
    /// 802.1X: Request/Identity, an MD5 challenge, a Nak and its retransmission.
    static let eap: [(UInt32, UInt32, String)] = [
        (1002, 0, "00042357a57a000cce88319a888e01000005010100050100000000000000000000000000000000000000000000000000000000000000000000000000"),
        (1004, 0, "00042357a57a000cce88319a888e01000019010200190410000102030405060708090a0b0c0d0e0f7372760000000000000000000000000000000000"),
        (1005, 0, "000cce88319a00042357a57a888e0100000602020006030d000000000000000000000000000000000000000000000000000000000000000000000000"),
        (1006, 0, "000cce88319a00042357a57a888e0100000602020006030d000000000000000000000000000000000000000000000000000000000000000000000000"),
    ]

    /// Writes the frames as a microsecond pcap of Ethernet and returns its path.
    static func capture(_ frames: [(UInt32, UInt32, String)], name: String) throws -> String {
        var data = Data()
        func le32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func le16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        le32(0xA1B2_C3D4); le16(2); le16(4); le32(0); le32(0); le32(65535); le32(1)
        for (seconds, micros, hex) in frames {
            var bytes: [UInt8] = []
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 2)
                bytes.append(UInt8(hex[i..<j], radix: 16)!)
                i = j
            }
            le32(seconds); le32(micros); le32(UInt32(bytes.count)); le32(UInt32(bytes.count))
            data.append(contentsOf: bytes)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwatch-\(name)-\(getpid()).pcap")
        try data.write(to: url)
        return url.path
    }

    static func summary(_ path: String) -> String {
        let line = SummaryLine()
        return renderFile(path) { input, out in line.write(input, to: out) }.text
    }

    static func verbose(_ path: String, frame: Int) -> String {
        renderFile(path) { input, out in
            guard input.frame.number == frame else { return }
            VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out)
        }.text
    }

    static func contains(_ text: String, _ lines: String) -> Bool {
        let tree = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let wanted = lines.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return tree.indices.contains { i in i + wanted.count <= tree.count && Array(tree[i..<i + wanted.count]) == wanted }
    }

    @Test func modbusSummaryLinesAreTsharks() throws {
        let path = try Self.capture(Self.modbus, name: "modbus")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.summary(path) == #"""
    1   0.000000     10.0.0.1 → 10.0.0.2     Modbus/TCP 66    Query: Trans:     1; Unit:   1, Func:   1: Read Coils
    2   0.010000     10.0.0.2 → 10.0.0.1     Modbus/TCP 65 Response: Trans:     1; Unit:   1, Func:   1: Read Coils
    3   0.160000     10.0.0.1 → 10.0.0.2     Modbus/TCP 66 [TCP ACKed unseen segment] [TCP Previous segment not captured]    Query: Trans:     9; Unit:   1, Func:   3: Read Holding Registers
    4   0.170000     10.0.0.2 → 10.0.0.1     Modbus/TCP 63 [TCP ACKed unseen segment] [TCP Previous segment not captured] Response: Trans:     9; Unit:   1, Func:   3: Read Holding Registers. Exception returned 
    5   0.200000     10.0.0.1 → 10.0.0.2     Modbus/TCP 65 [TCP ACKed unseen segment] [TCP Previous segment not captured]    Query: Trans:    11; Unit:   1, Func:  43/  1: Read Device Identification
    6   0.210000     10.0.0.2 → 10.0.0.1     Modbus/TCP 79 [TCP ACKed unseen segment] [TCP Previous segment not captured] Response: Trans:    11; Unit:   1, Func:  43/  1: Read Device Identification
    7   0.330000     10.0.0.1 → 10.0.0.2     Modbus/TCP 78 [TCP ACKed unseen segment] [TCP Previous segment not captured]    Query: Trans:    21; Unit:   1, Func:   4: Read Input Registers

"""#)
    }

    @Test(arguments: [
        (2, #"""
Modbus
    .000 0001 = Function Code: Read Coils (1)
    [Request Frame: 1]
    [Time from request: 0.010000000 seconds]
    Byte Count: 2
    Bit 10 : 1
        [Bit Number: 10]
        .... ...1 = Bit Value: True
    Bit 11 : 0
        [Bit Number: 11]
        .... ...0 = Bit Value: False
    Bit 12 : 1
        [Bit Number: 12]
        .... ...1 = Bit Value: True
    Bit 13 : 1
        [Bit Number: 13]
        .... ...1 = Bit Value: True
    Bit 14 : 0
        [Bit Number: 14]
        .... ...0 = Bit Value: False
    Bit 15 : 0
        [Bit Number: 15]
        .... ...0 = Bit Value: False
    Bit 16 : 1
        [Bit Number: 16]
        .... ...1 = Bit Value: True
    Bit 17 : 1
        [Bit Number: 17]
        .... ...1 = Bit Value: True
    Bit 18 : 1
        [Bit Number: 18]
        .... ...1 = Bit Value: True
    Bit 19 : 1
        [Bit Number: 19]
        .... ...1 = Bit Value: True
    Bit 20 : 0
        [Bit Number: 20]
        .... ...0 = Bit Value: False
    Bit 21 : 1
        [Bit Number: 21]
        .... ...1 = Bit Value: True
"""#),
        (4, #"""
Function 3:  Read Holding Registers.  Exception: Illegal data address
    .000 0011 = Function Code: Read Holding Registers (3)
    Exception Code: Illegal data address (2)
"""#),
        (6, #"""
Modbus
    .010 1011 = Function Code: Encapsulated Interface Transport (43)
    [Request Frame: 5]
    [Time from request: 0.010000000 seconds]
    MEI type: Read Device Identification (14)
    Read Device ID: Basic Device Identification (1)
    Conformity Level: Basic Device Identification (stream) (0x01)
    More Follows: 0x00
    Next Object ID: 0
    Number of Objects: 2
    Objects
        Object #1
            Object ID: VendorName (0)
            Object length: 4
            Object String Value: ACME
        Object #2
            Object ID: ProductCode (1)
            Object length: 3
            Object String Value: X12
"""#),
        (7, #"""
    TCP payload (24 bytes)
    [PDU Size: 12]
    [PDU Size: 12]
Modbus/TCP
    Transaction Identifier: 20
    Protocol Identifier: 0
    Length: 6
    Unit Identifier: 1
Modbus
    .000 0011 = Function Code: Read Holding Registers (3)
    Reference Number: 0
    Word Count: 1
Modbus/TCP
    Transaction Identifier: 21
    Protocol Identifier: 0
    Length: 6
    Unit Identifier: 1
Modbus
    .000 0100 = Function Code: Read Input Registers (4)
    Reference Number: 0
    Word Count: 1
"""#),
    ])
    func modbusTreeIsTsharks(_ frame: Int, _ lines: String) throws {
        let path = try Self.capture(Self.modbus, name: "modbus-\(frame)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = Self.verbose(path, frame: frame)
        #expect(Self.contains(text, lines), "tshark's lines not found in order:\n\(lines)\n--- tcpwatch:\n\(text)")
    }

    @Test func eapSummaryLinesAreTsharks() throws {
        let path = try Self.capture(Self.eap, name: "eap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.summary(path) == #"""
    1   0.000000 00:0c:ce:88:31:9a → 00:04:23:57:a5:7a EAP 60 Request, Identity
    2   2.000000 00:0c:ce:88:31:9a → 00:04:23:57:a5:7a EAP 60 Request, MD5-Challenge EAP (EAP-MD5-CHALLENGE)
    3   3.000000 00:04:23:57:a5:7a → 00:0c:ce:88:31:9a EAP 60 Response, Legacy Nak (Response Only)
    4   4.000000 00:04:23:57:a5:7a → 00:0c:ce:88:31:9a EAP 60 Response, Legacy Nak (Response Only)

"""#)
    }

    @Test(arguments: [
        (2, #"""
Extensible Authentication Protocol
    Code: Request (1)
    Id: 2
    Length: 25
    Type: MD5-Challenge EAP (EAP-MD5-CHALLENGE) (4)
        [Expert Info (Warning/Security): Vulnerable to MITM attacks. If possible, change EAP type.]
            [Vulnerable to MITM attacks. If possible, change EAP type.]
            [Severity level: Warning]
            [Group: Security]
    EAP-MD5 Value-Size: 16
    EAP-MD5 Value: 000102030405060708090a0b0c0d0e0f
    EAP-MD5 Extra Data: 737276
"""#),
        (4, #"""
Extensible Authentication Protocol
    Code: Response (2)
    Id: 2
        [Expert Info (Note/Sequence): This packet is a retransmission]
            [This packet is a retransmission]
            [Severity level: Note]
            [Group: Sequence]
    Length: 6
    Type: Legacy Nak (Response Only) (3)
    Desired Auth Type: TLS EAP (EAP-TLS) (13)
"""#),
    ])
    func eapTreeIsTsharks(_ frame: Int, _ lines: String) throws {
        let path = try Self.capture(Self.eap, name: "eap-\(frame)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = Self.verbose(path, frame: frame)
        #expect(Self.contains(text, lines), "tshark's lines not found in order:\n\(lines)\n--- tcpwatch:\n\(text)")
    }
}
