import Testing
@testable import Dissect

@Suite struct TLSTests {
    typealias V = TransportVectors

    /// curl 7.88's TLS 1.3 ClientHello from Fixtures/pcaps/tls13.pcap (frame 4's TCP payload).
    /// tshark -r tls13.pcap -Y frame.number==4 -T fields -e tls.handshake.ja3 gives 7151f05ca35c6c51fde8f326e859e943.
    static let clientHello: [UInt8] = hexBytes([
        "16030100fc010000f803033f3d3f5997f1efd9cfbe5fe6e6cf4a58607bfae3ba174726d3660677afac183c204562bb15",
        "4f924a5f7c0333ac7b2a8b0db58a837fe8e76dd3e91b81b7f00e6014000813021303130100ff010000a70000000d000b",
        "0000086c61622e74657374000b000403000102000a00160014001d0017001e0019001801000101010201030104001000",
        "0b000908687474702f312e31001600000017000000310000000d001e001c040305030603080708080809080a080b0804",
        "08050806040105010601002b0003020304002d00020101003300260024001d0020136cac5ae63a9b00093f53b33252c7",
        "e77196436bae89d8d19e306a9a8b3f0519",
    ].joined())

    static func hexBytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    static let ja3 = "7151f05ca35c6c51fde8f326e859e943"

    @Test func recordAndHello() throws {
        try V.with(Self.clientHello) { b in
            let record = try #require(TLSRecord.decode(b, at: 0, end: b.count).layer)
            #expect(record.contentType == TLSRecord.ContentType.handshake)
            #expect(record.version == 0x0301)
            #expect(record.length == b.count - 5)
            #expect(TLSRecord.shortName(record.version) == "TLSv1")
            var messages = TLSHandshake.Iterator(b, body: record.body)
            let first = messages.next()
            let hello = try #require(first)
            #expect(hello.type == TLSHandshake.Kind.clientHello)
            #expect(hello.end == b.count)
            let second = messages.next()
            #expect(second == nil)
            #expect(!messages.encrypted)
            let h = try #require(TLSHello.decode(b, body: hello.body, isClient: true))
            #expect(h.version == 0x0303)
            #expect(h.random.count == 32)
            #expect(h.cipherSuites.count == 8)
            var types: [UInt16] = []
            var sni = ""
            for (type, body) in h.extensionList(b) {
                types.append(type)
                if type == 0 { sni = V.string(b, (body.lowerBound + 5)..<body.upperBound) }
            }
            #expect(types == [0, 11, 10, 16, 22, 23, 49, 13, 43, 45, 51])
            #expect(sni == "lab.test")
        }
    }

    @Test func md5() {
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        // More than one 64-byte block.
        #expect(MD5.hex(String(repeating: "a", count: 1000)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }

    @Test func ja3OfTheFixture() {
        let full = "771,4866-4867-4865-255,0-11-10-16-22-23-49-13-43-45-51,29-23-30-25-24-256-257-258-259-260,0-1-2"
        #expect(MD5.hex(full) == Self.ja3)
    }

    /// Cut at every length: the header needs five bytes, and no cut makes a reader trap
    /// or read past the end; a cut hello is nil, a cut handshake is "encrypted".
    @Test func truncatedAtEveryBoundary() {
        for n in 0..<Self.clientHello.count {
            V.with(Array(Self.clientHello.prefix(n))) { b in
                let d = TLSRecord.decode(b, at: 0, end: b.count)
                if n < 5 {
                    #expect(d.layer == nil)
                    #expect(d.issue == .truncated(.tls, needed: 5, available: n))
                    return
                }
                guard let record = d.layer else { Issue.record("no record at \(n)"); return }
                #expect(record.end > b.count)
                var messages = TLSHandshake.Iterator(b, body: record.body)
                let first = messages.next()
                #expect(first == nil)
                #expect(messages.encrypted == (n > 5))
                // A hello cut right after its compression methods reads as one without extensions.
                if let h = TLSHello.decode(b, body: 9..<record.end, isClient: true) { #expect(h.extensions == nil) }
            }
        }
    }

    @Test func headerHeuristic() {
        V.with([0x17, 0x03, 0x03, 0x00, 0x20]) { #expect(TLSRecord.isHeader($0, at: 0)) }
        V.with([0x17, 0x03, 0x05, 0x00, 0x20]) { #expect(!TLSRecord.isHeader($0, at: 0)) }
        V.with([0x19, 0x03, 0x03, 0x00, 0x20]) { #expect(!TLSRecord.isHeader($0, at: 0)) }
        V.with([0x16, 0x03, 0x01, 0x00, 0x00]) { #expect(!TLSRecord.isHeader($0, at: 0)) }
        V.with([0x16, 0x03, 0x01, 0x48, 0x01]) { #expect(!TLSRecord.isHeader($0, at: 0)) }
        V.with(Array("GET / HTTP/1.1".utf8)) { #expect(!TLSRecord.isHeader($0, at: 0)) }
    }

    @Test func decodeAsSpecs() {
        #expect(DecodeAs.parse("tcp.port==8443,tls").map { "\($0.port) \($0.layer)" } == "8443 tls")
        #expect(DecodeAs.parse("tcp.port==2222,ssh").map { "\($0.port) \($0.layer)" } == "2222 ssh")
        #expect(DecodeAs.parse("tcp.port:993, ssl").map { "\($0.port) \($0.layer)" } == "993 tls")
        #expect(DecodeAs.parse("udp.port==53,tls") == nil)
        #expect(DecodeAs.parse("tcp.port==70000,tls") == nil)
        #expect(DecodeAs.parse("tcp.port==22,telnet") == nil)
    }
}
