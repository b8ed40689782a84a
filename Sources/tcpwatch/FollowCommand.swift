import ArgumentParser
import CommandSupport
import Dissect
import Follow
import Views

struct FollowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Print one TCP stream's reassembled bytes (like tshark -z follow,tcp,FORMAT,N).",
        discussion: """
        Segments are put in sequence order and the first copy of overlapping data wins. A gap \
        the peer's ACK proves was sent shows as "[N bytes missing in capture file]". With \
        --format raw and one direction, the bytes go to stdout exactly as the application sent them.

        Examples:
          tcpwatch follow Fixtures/pcaps/echo.pcap --stream 0
          tcpwatch follow Fixtures/pcaps/nc-file.pcap --stream 0 --format raw --direction client > services.txt
          tcpwatch follow Fixtures/pcaps/two-conns.pcap --conv 10.77.0.4:50010,10.77.0.15:6789
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(help: "The tcp.stream index to follow.")
    var stream: Int?

    @Option(help: "Select the stream by its endpoints instead: ADDR:PORT,ADDR:PORT (IPv6 as [ADDR]:PORT).")
    var conv: String?

    @Option(help: "ascii (default; tshark's follow,tcp,ascii: non-printables as '.'), escaped (control characters as \\xHH, line by line), hex, or raw.")
    var format: FollowView.Format = .ascii

    @Option(help: "both (default), client or server.")
    var direction: FollowView.Direction = .both

    @Option(help: "Colour: auto, always, never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if (stream == nil) == (conv == nil) { throw ValidationError("give --stream N or --conv A:P,B:P") }
        if let conv, Self.parseConv(conv) == nil { throw ValidationError("--conv takes ADDR:PORT,ADDR:PORT") }
    }

    static func parseEndpoint(_ text: Substring) -> (String, UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return (String(host), port)
    }

    static func parseConv(_ text: String) -> ((String, UInt16), (String, UInt16))? {
        let parts = text.split(separator: ",")
        guard parts.count == 2, let a = parseEndpoint(parts[0]), let b = parseEndpoint(parts[1]) else { return nil }
        return (a, b)
    }

    func run() throws {
        var wanted = stream
        if let conv, let (a, b) = Self.parseConv(conv) {
            wanted = try findStream(a, b)
        }
        guard let wanted else {
            printError("no TCP conversation between \(conv ?? "") in \(input.path)")
            throw ExitCode(1)
        }
        let out = OutputBuffer(fileDescriptor: 1)
        let view = FollowView(format: format, direction: direction,
                              color: (format == .ascii || format == .escaped) && color.enabled, out: out)
        view.flushEachChunk = input.interface != nil
        // A file read to its end, every frame counted: number the conversations from the raw
        // records and decode only the stream's own frames. Filters, -c, live capture and
        // pipes take the pass that decodes every frame; both give the same bytes.
        let selected = input.interface == nil && input.path != "-" && input.captureFilter == nil
            && input.displayFilter == nil && input.count == nil
        let session = StreamFollow(stream: wanted, views: [view], selected: selected)
        defer { KeptUntilExit.keep(session) }
        let status = selected ? runSelected(session) : runEveryFrame(session)
        if !session.found {
            printError("tcp.stream \(wanted) is not in \(input.path) (it has \(session.streamCount) TCP streams)")
            throw ExitCode(1)
        }
        view.writeFooter()
        // Raw bytes carry no marker: say on stderr that the copy has holes.
        if view.isBinary, let segments = view.limitSegments {
            printError("reassembly limit reached after \(segments) segments: \(view.limitSkippedBytes) bytes of the stream were not reassembled")
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Every frame decoded and followed (live, pipes, filters, -c).
    func runEveryFrame(_ session: StreamFollow) -> Int32 {
        var pass = CapturePass(input: input, follower: session.follower, depth: .transport)
        pass.checkRestOfFile = true
        return pass.run(stopWhen: { session.mayStop })
    }

    /// Only the stream's frames decoded and followed; the same exit status as a pass.
    func runSelected(_ session: StreamFollow) -> Int32 {
        let status = input.runOnFile { reader, progress in
            try session.runSelected(reader) { progress.draw(bytes: reader.bytesConsumed, packets: reader.framesRead) }
        }
        if status != 2 { session.follower.finish() }
        return status
    }

    /// The first stream between the two endpoints, found with a quick pass.
    func findStream(_ a: (String, UInt16), _ b: (String, UInt16)) throws -> Int? {
        let follower = Follower(options: { var o = FollowerOptions(); o.trackHTTP = false; return o }())
        var result: Int?
        let matches: (Endpoint, Endpoint) -> Bool = { x, y in
            let ok = { (e: Endpoint, t: (String, UInt16)) in e.port == t.1 && e.address.description == t.0 }
            return (ok(x, a) && ok(y, b)) || (ok(x, b) && ok(y, a))
        }
        _ = CapturePass(input: input, follower: follower).run(stopWhen: { result != nil }) { frame in
            guard result == nil, let stream = frame.analysis.tcpStream,
                  let c = follower.tcpConversation(stream: stream), matches(c.sideA, c.sideB) else { return }
            result = stream
        }
        return result
    }
}
