import Foundation
import Testing
import Dissect
import Views

/// Kerberos 4 (on its port 750 and on Kerberos 5's 88) and DNS found by tshark's UDP
/// heuristic off the DNS ports: packets built here as byte vectors (`/tmp`-free: the
/// capture is written to the temporary directory) and held to tshark 4.0.17's output
/// for a capture of exactly these frames (`tshark -n -r`, `tshark -n -V -r`).
@Suite struct KRB4DNSHeuristicVectorTests {
    /// 1 KDC request (big endian), 2 KDC reply (little endian, encrypted blob), 3 application
    /// request on port 88, 4 Transarc's KDC request, 5 error reply, 6 a KDC request whose
    /// realm has no NUL, 7 Kerberos 5 on 88 (first byte 0x6a), 8-9 a DNS query and response
    /// between ports 40000 and 5300, 10 a query with two questions (the heuristic declines it).
    static let frames: [(UInt32, UInt32, String)] = [
        (1700000000, 0, "0011223344550066778899aa08004500004f000140004011269b0a0000010a000002040002ee003bc2f00402616c6963650000415448454e412e4d49542e454455003e8a1b2c606b726274677400415448454e412e4d49542e45445500"),
        (1700000001, 1000, "0011223344550066778899aa08004500004800014000401126a20a0000020a00000102ee0400003499d60405616c6963650000415448454e412e4d49542e454455002d1b8a3e07ad6c8b3e030800a0a1a2a3a4a5a6a7"),
        (1700000002, 2000, "0011223344550066778899aa08004500004500014000401126a50a0000010a0000020401005800310e57040601415448454e412e4d49542e45445500040201020304aabb3e8a1c000c72636d6400686f737400"),
        (1700000003, 3000, "0011223344550066778899aa08004500004300014000401126a70a0000010a000002040202ee002fa6bb63020001020304050607626f620061646d696e0043454c4c2e4f524700000003e8ff6166730000"),
        (1700000004, 4000, "0011223344550066778899aa08004500002100014000401126c90a0000020a00000100580401000de16c040b000102"),
        (1700000005, 5000, "0011223344550066778899aa08004500002a00014000401126c00a0000010a000002040302ee00160d1b04026361726f6c00005245414c4d"),
        (1700000006, 6000, "0011223344550066778899aa08004500002000014000401126ca0a0000010a00000204040058000c6cc66a811030"),
        (1700000007, 7000, "0011223344550066778899aa08004500003900014000401126b10a0000010a0000029c4014b40025590b123401000001000000000000076578616d706c6503636f6d0000010001"),
        (1700000008, 8000, "0011223344550066778899aa08004500004900014000401126a10a0000020a00000114b49c400035be72123481800001000100000000076578616d706c6503636f6d0000010001c00c000100010000012c00045db8d822"),
        (1700000009, 9000, "0011223344550066778899aa08004500003600014000401126b40a0000010a0000029c4114b40022c2161235010000020000000000000161000001000101620000010001"),
    ]

    /// Written once: the parameterized tests run in parallel and must not see it half-written.
    static let capture = Result { try ModbusEAPVectorTests.capture(frames, name: "krb4-dns") }
    static var path: String { get throws { try capture.get() } }

    @Test func summaryLines() throws {
        let lines = ModbusEAPVectorTests.summary(try Self.path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let tshark = """
            1   0.000000     10.0.0.1 → 10.0.0.2     KRB4 93 KDC Request
            2   1.001000     10.0.0.2 → 10.0.0.1     KRB4 86 KDC Reply
            3   2.002000     10.0.0.1 → 10.0.0.2     KRB4 83 Appl Request
            4   3.003000     10.0.0.1 → 10.0.0.2     KRB4 81 TRANSARC-KDC Request
            5   4.004000     10.0.0.2 → 10.0.0.1     KRB4 47 Err Reply
            6   5.005000     10.0.0.1 → 10.0.0.2     KRB4 56 KDC Request[Malformed Packet]
            7   6.006000     10.0.0.1 → 10.0.0.2     KRB5 46 [Malformed Packet]
            8   7.007000     10.0.0.1 → 10.0.0.2     DNS 71 Standard query 0x1234 A example.com
            9   8.008000     10.0.0.2 → 10.0.0.1     DNS 87 Standard query response 0x1234 A example.com A 93.184.216.34
           10   9.009000     10.0.0.1 → 10.0.0.2     UDP 68 40001 → 5300 Len=26
        """.split(separator: "\n").map(String.init)
        for i in [0, 1, 2, 3, 4, 7, 8, 9] { #expect(lines[i] == tshark[i], "frame \(i + 1)") }
        // A realm without its NUL in a whole datagram is damage: tshark says
        // "KDC Request[Malformed Packet]", tcpwatch names the layer and the bytes it needed.
        #expect(lines[5].hasSuffix("KRB4 56 KDC Request [krb4: truncated (needed 15 bytes, 14 available)]"))
        // Kerberos 5 is not decoded: its payload stays UDP's, not KRB4's.
        #expect(lines[6].hasSuffix("UDP 46 1028 → 88 Len=4"))
    }

    @Test(arguments: [
        (1, """
        Kerberos v4
            Version: 4
            Msg Type: 0x02 KDC Request (Big Endian)
                0000 001. = M Type: KDC Request (0x01)
                .... ...0 = Byte Order: Big Endian (0x0)
            Name: alice
            Instance: 
            Realm: ATHENA.MIT.EDU
            Time Sec: Apr  1, 2003 23:05:16.000000000 UTC
            Lifetime: 96 (480 minutes)
            Service Name: krbtgt
            Service Instance: ATHENA.MIT.EDU
        """),
        (2, """
        Kerberos v4
            Version: 4
            Msg Type: 0x05 KDC Reply (Little Endian)
                0000 010. = M Type: KDC Reply (0x02)
                .... ...1 = Byte Order: Little Endian (0x1)
            Name: alice
            Instance: 
            Realm: ATHENA.MIT.EDU
            Time Sec: Apr  1, 2003 23:05:17.000000000 UTC
            Exp Date: Apr  2, 2003 23:05:17.000000000 UTC
            Kvno: 3
            Length: 8
            Encrypted Blob: a0a1a2a3a4a5a6a7
        """),
        (3, """
        Kerberos v4
            Version: 4
            Msg Type: 0x06 Appl Request (Big Endian)
                0000 011. = M Type: Appl Request (0x03)
                .... ...0 = Byte Order: Big Endian (0x0)
            Kvno: 1
            Realm: ATHENA.MIT.EDU
            Ticket Length: 4
            Request Length: 2
            Ticket Blob: 01020304
            Request Blob: aabb
            Req Date: Apr  1, 2003 23:08:48.000000000 UTC
            Lifetime: 12 (60 minutes)
            Service Name: rcmd
            Service Instance: host
        """),
        (4, """
        Kerberos v4
            Version: 99
            Msg Type: 0x02 TRANSARC-KDC Request (Big Endian)
                0000 001. = M Type: KDC Request (0x01)
                .... ...0 = Byte Order: Big Endian (0x0)
            Unknown Transarc Blob: 0001020304050607
            Name: bob
            Instance: admin
            Realm: CELL.ORG
            Time Sec: Jan  1, 1970 00:16:40.000000000 UTC
            Lifetime: 255 (1275 minutes)
            Service Name: afs
            Service Instance: 
        """),
        (5, """
        Kerberos v4
            Version: 4
            Msg Type: 0x0b Err Reply (Little Endian)
                0000 101. = M Type: Err Reply (0x05)
                .... ...1 = Byte Order: Little Endian (0x1)
        """),
        (8, """
        Domain Name System (query)
            Transaction ID: 0x1234
            Flags: 0x0100 Standard query
                0... .... .... .... = Response: Message is a query
                .000 0... .... .... = Opcode: Standard query (0)
                .... ..0. .... .... = Truncated: Message is not truncated
                .... ...1 .... .... = Recursion desired: Do query recursively
                .... .... .0.. .... = Z: reserved (0)
                .... .... ...0 .... = Non-authenticated data: Unacceptable
            Questions: 1
            Answer RRs: 0
            Authority RRs: 0
            Additional RRs: 0
            Queries
                example.com: type A, class IN
                    Name: example.com
                    [Name Length: 11]
                    [Label Count: 2]
                    Type: A (Host Address) (1)
                    Class: IN (0x0001)
        """),
        (9, """
        Domain Name System (response)
            Transaction ID: 0x1234
            Flags: 0x8180 Standard query response, No error
                1... .... .... .... = Response: Message is a response
                .000 0... .... .... = Opcode: Standard query (0)
                .... .0.. .... .... = Authoritative: Server is not an authority for domain
                .... ..0. .... .... = Truncated: Message is not truncated
                .... ...1 .... .... = Recursion desired: Do query recursively
                .... .... 1... .... = Recursion available: Server can do recursive queries
                .... .... .0.. .... = Z: reserved (0)
                .... .... ..0. .... = Answer authenticated: Answer/authority portion was not authenticated by the server
                .... .... ...0 .... = Non-authenticated data: Unacceptable
                .... .... .... 0000 = Reply code: No error (0)
            Questions: 1
            Answer RRs: 1
            Authority RRs: 0
            Additional RRs: 0
            Queries
                example.com: type A, class IN
                    Name: example.com
                    [Name Length: 11]
                    [Label Count: 2]
                    Type: A (Host Address) (1)
                    Class: IN (0x0001)
            Answers
                example.com: type A, class IN, addr 93.184.216.34
                    Name: example.com
                    Type: A (Host Address) (1)
                    Class: IN (0x0001)
                    Time to live: 300 (5 minutes)
                    Data length: 4
                    Address: 93.184.216.34
            [Request In: 8]
            [Time: 1.001000000 seconds]
        """),
    ])
    func layerTree(frame: Int, expected: String) throws {
        let verbose = ModbusEAPVectorTests.verbose(try Self.path, frame: frame)
        let heading = expected.prefix { $0 != "\n" }
        guard let start = verbose.range(of: "\n" + heading) else {
            Issue.record("frame \(frame) has no \(heading) layer:\n\(verbose)")
            return
        }
        #expect(verbose[verbose.index(after: start.lowerBound)...].trimmingCharacters(in: .newlines) == expected)
    }

    @Test func fieldsByName() throws {
        let file = try Self.path
        let fields = ["krb4.name", "krb4.realm", "krb4.lifetime", "krb4.kvno", "krb4.length", "dns.qry.name", "dns.response_to"]
        let out = renderFile(file) { input, out in
            let tree = PacketTree.build(input)
            out.string(fields.map { name in tree.values(of: name).joined(separator: ",") }.joined(separator: "\t"))
            out.byte(10)
        }.text
        let rows = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows[0] == "alice\tATHENA.MIT.EDU\t96\t\t\t\t")
        #expect(rows[1] == "alice\tATHENA.MIT.EDU\t\t3\t8\t\t")
        #expect(rows[8] == "\t\t\t\t\texample.com\t8")
    }
}
