// Target 4: the display-filter lexer, parser and evaluator (`tcpwatch read -Y`).
//
// The input is the filter text: any bytes, decoded as UTF-8 with invalid sequences
// replaced, as the command line hands arguments over. The filter is compiled; a filter
// that does not compile has its message and caret lines built, as `read -Y` prints them.
// A filter that compiles is evaluated against fixed frames from the repo's fixtures
// (Ethernet TCP with HTTP, DNS over UDP, ICMP echo and an nmap scan's ARP and ICMP errors,
// IPv6 over loopback, Linux cooked v2, and a UDP datagram of 1400 `a`s that a `matches`
// without a step limit would backtrack on for hours), each fixture through its own `PacketLoop`, so the
// follower's analysis fields (`tcp.stream`, `tcp.analysis.*`, `http.*`) are there too. The
// frames are decoded and followed once, at start-up; each input compiles and evaluates.
#if canImport(Glibc)
import Glibc
#endif
import Dissect
import Follow
import Views

/// One fixture's first frames, copied out of the reader (whose views last one frame).
private struct FixtureFrames {
    struct Stored {
        var bytes: [UInt8]
        var timestamp: Timestamp
        var originalLength: Int
        var linkType: LinkType
    }

    let name: String
    let frames: [Stored]
}

private let fixtureNames = [
    "http-get.pcap", "dns.pcap", "icmp-ping.pcap", "nmap-ss.pcap", "loopback-v6.pcap", "any-sll2.pcap",
]
private let framesPerFixture = 12

/// `Fixtures/pcaps/` of the checkout the binary was built in (it lives in
/// `.build/fuzz/`), unless `FUZZ_FIXTURES` names another folder.
private let fixtureFolder: String = {
    if let path = getenv("FUZZ_FIXTURES") { return String(cString: path) }
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { return "Fixtures/pcaps" }
    var path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
    return path + "/Fixtures/pcaps"
}()

private let fixtures: [FixtureFrames] = fixtureNames.map { name in
    let path = fixtureFolder + "/" + name
    var frames: [FixtureFrames.Stored] = []
    do {
        let reader = try CaptureFileReader(path: path)
        while frames.count < framesPerFixture, let raw = try reader.next() {
            let bytes = raw.bytes.withUnsafeBytes { Array($0) }
            frames.append(.init(bytes: bytes, timestamp: raw.timestamp, originalLength: raw.originalLength,
                                linkType: raw.linkType))
        }
    } catch {
        fatalError("fuzz-filter: cannot read the fixture \(path): \(error) (set FUZZ_FIXTURES)")
    }
    precondition(!frames.isEmpty, "fuzz-filter: \(path) has no frames")
    return FixtureFrames(name: name, frames: frames)
} + [hostileFrames]

/// A frame a hostile sender could craft against `matches`: Ethernet, IPv4 and UDP around
/// 1400 bytes of `a` and a final `!`, on which `(a|aa)*$` backtracks exponentially
/// without a step limit. libFuzzer's -timeout catches a match that runs away.
private let hostileFrames: FixtureFrames = {
    let payload = [UInt8](repeating: UInt8(ascii: "a"), count: 1400) + [UInt8(ascii: "!")]
    let udpLength = 8 + payload.count, ipLength = 20 + udpLength
    var bytes: [UInt8] = [0x02, 0x77, 0, 0, 0, 0x15, 0x02, 0x77, 0, 0, 0, 0x04, 0x08, 0x00]
    bytes += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xff), 0, 1, 0, 0, 64, 17, 0, 0,
              10, 77, 0, 4, 10, 77, 0, 15]
    bytes += [0xc3, 0x50, 0x00, 0x07, UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0]
    bytes += payload
    return FixtureFrames(name: "hostile", frames: [
        .init(bytes: bytes, timestamp: Timestamp(seconds: 1_795_000_000, nanoseconds: 0),
              originalLength: bytes.count, linkType: .ethernet),
    ])
}()

/// Every fixture frame decoded and followed once, at start-up, each into its own `Frame`
/// (through one `PacketLoop` per fixture, in order, as `read -Y` would see them), so an
/// input pays only for compiling and evaluating its filter. The bytes are copied into
/// storage kept for the life of the process. Decoding the same fixed frames again for
/// every input would check nothing more: the frames do not depend on the input.
nonisolated(unsafe) private let prepared: [(name: String, inputs: [FieldInput])] = {
    let fields = try! FieldsView(names: FieldRegistry.all.map(\.name))
    let out = OutputBuffer(fileDescriptor: nil)
    var rendered: [[UInt8]] = []
    let result = fixtures.map { fixture in
        var loop = PacketLoop()
        let inputs = fixture.frames.map { stored in
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(stored.bytes.count, 1), alignment: 16)
            stored.bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
            let raw = RawFrame(bytes: ByteView(UnsafeRawBufferPointer(rebasing: storage[..<stored.bytes.count])),
                               timestamp: stored.timestamp, originalLength: stored.originalLength,
                               linkType: stored.linkType)
            let input = loop.follow(raw, into: Frame())
            fields.write(input, to: out)
            rendered.append(out.takeBytes())
            return input
        }
        return (name: fixture.name, inputs: inputs)
    }
    // Each kept frame still says what it said when it was followed (nothing it points to
    // was reused by a later frame).
    var index = 0
    for (name, inputs) in result {
        for input in inputs {
            fields.write(input, to: out)
            precondition(out.takeBytes() == rendered[index], "fuzz-filter: \(name) frame \(input.frame.number) changed")
            index += 1
        }
    }
    return result
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let filter: DisplayFilter
    do {
        filter = try DisplayFilter(text)
    } catch {
        let message = error.description
        if fuzzVerbose { print(message) }
        return 0
    }
    var matched = 0
    for (name, inputs) in prepared {
        for input in inputs where filter.matches(input) {
            matched += 1
            if fuzzVerbose { print("\(name): frame \(input.frame.number) matches") }
        }
    }
    if fuzzVerbose { print("\(matched) frames match \(text)") }
    return 0
}
