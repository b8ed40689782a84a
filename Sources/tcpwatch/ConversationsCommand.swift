import ArgumentParser
import CommandSupport
import Dissect
import Follow
import Views
#if canImport(Glibc)
import Glibc
#endif

struct ConversationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conversations",
        abstract: "List TCP and UDP conversations with Zeek's state and history (like tshark -z conv,tcp).",
        discussion: """
        States and history letters follow Zeek's conn.log: SF normal, S0 no answer, REJ \
        refused, RSTO/RSTR reset by originator/responder, ... -T json prints one conn.log \
        JSON object per line, plus the Wireshark stream index.

        Live (-i), each row is printed when its conversation ends, with the program at each \
        local end (client -> server, found over netlink sock_diag when the SYN is seen). On \
        a terminal the open conversations are a table below the rows, redrawn in place like \
        top (at most every 0.5 s, at most half the screen); into a pipe, rows only. Ctrl-C \
        ends the open ones as rows and prints the counters.

        Examples:
          tcpwatch conversations Fixtures/pcaps/two-conns.pcap
          tcpwatch conversations Fixtures/pcaps/nmap-ss.pcap --style tshark
          tcpwatch conversations Fixtures/pcaps/echo.pcap -T json
          sudo tcpwatch conversations -i lo
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(help: "table (default), or tshark for the -z conv,tcp and conv,udp layout.")
    var style: ConversationsView.Style = .table

    @Option(name: .customShort("T"), help: "json: Zeek conn.log JSON lines.")
    var format: String?

    @Option(help: "Which conversations: tcp, udp or all.")
    var proto: String = "all"

    @Option(help: "Colour: auto, always, never.")
    var color: ColorChoice = .auto

    @Option(help: "What the table's byte column counts: frame (whole frames, as Wireshark) or payload (TCP/UDP data, as Zeek).")
    var bytes: ConversationsView.ByteCount = .frame

    func validate() throws {
        if let format, format != "json" && format != "text" { throw ValidationError("-T takes json or text") }
        if !["tcp", "udp", "all"].contains(proto) { throw ValidationError("--proto takes tcp, udp or all") }
    }

    func run() throws {
        var options = FollowerOptions()
        // The table needs states and counters, not Wireshark's per-segment analysis.
        // A display filter may name any field, so it gets the full analysis.
        options.trackHTTP = input.displayFilter != nil
        options.analyzeSequences = input.displayFilter != nil
        // Live, a closed conversation is reported after 1 s of quiet instead of 60 s.
        if input.interface != nil { options.closedLinger = 1 }
        let follower = Follower(options: options)
        defer { KeptUntilExit.keep(follower) }
        var view = ConversationsView(style: format == "json" ? .json : style, color: color.enabled,
                                     width: terminalWidth())
        view.byteCount = bytes
        view.showOwners = input.interface != nil
        // Live, each row is printed the moment its conversation ends (not held back for
        // an older one that is still open) and pushed out at once, even into a pipe.
        let live = input.interface != nil
        let out = OutputBuffer(fileDescriptor: 1)
        // The table lists conversations in the order they began, each as soon as it and all
        // older ones have ended, so only the rows waiting for an older open conversation
        // are kept, already rendered (about 100 bytes each). tshark's layout groups TCP
        // before UDP, so it keeps every conversation, as tshark does.
        var inOrder = InOrderRelease<[UInt8]>()
        let rowScratch = OutputBuffer(fileDescriptor: nil, flushThreshold: 1024)
        var collected: [ConversationSummary] = []
        var wroteHeader = false
        let first = FirstTimestamp()
        // With -Y, only conversations that hold a matching frame are listed.
        let matching = MatchingStreams()
        let filtered = input.displayFilter != nil
        let proto = proto
        let wanted: (ConversationSummary) -> Bool = { c in
            guard proto == "all" || c.transport.rawValue == proto else { return false }
            guard filtered else { return true }
            return c.transport == .tcp ? matching.tcp.contains(c.stream) : matching.udp.contains(c.stream)
        }
        // Live on a terminal, the open conversations are a table below the rows, redrawn in place.
        let screen = live && view.style == .table && isatty(1) == 1 ? LiveTable(out: out) : nil
        let writeRow: ([UInt8]) -> Void = { row in
            screen?.erase()
            if !wroteHeader {
                view.writeTableHeader(to: out)
                wroteHeader = true
            }
            row.withUnsafeBytes { out.raw(ByteView($0)) }
            if live { out.flush() } else { out.flushIfFull() }
        }
        // Live, local conversations are annotated with the program that owns the socket.
        let owners = input.interface != nil ? SocketOwners() : nil
        let ended: (Conversation) -> Void = { conversation in
            var summary = ConversationSummary(conversation)
            if summary.transport == .tcp { summary.owner = owners?.take(summary.stream) }
            let keep = wanted(summary)
            switch view.style {
            case .json:
                guard keep else { return }
                view.writeJSON(summary, to: out)
                if live { out.flush() } else { out.flushIfFull() }
            case .table:
                var row: [UInt8]?
                if keep {
                    view.writeTableRow(summary, reference: first.time ?? .zero, to: rowScratch)
                    row = rowScratch.takeBytes()
                }
                if live {
                    if let row { writeRow(row) }
                } else {
                    inOrder.add(row, number: summary.ordinal, release: writeRow)
                }
            case .tshark:
                if keep { collected.append(summary) }
            }
        }
        // A file read to its end with nothing filtered: the conversations alone, without the
        // follower's per-frame work, from the raw records (the same rows).
        let useLedger = !filtered && !live && input.path != "-" && input.captureFilter == nil && input.count == nil
        var ledgerEvictions = 0
        let status: Int32
        if useLedger {
            let ledger = ConversationLedger(options: options)
            defer { KeptUntilExit.keep(ledger) }
            ledger.conversationEnded = ended
            status = runLedger(ledger, first: first)
            ledgerEvictions = ledger.evictions
        } else {
            follower.conversationEnded = ended
            status = runFollower(follower, view: view, first: first, owners: owners, screen: screen, wanted: wanted,
                                 matching: matching)
        }
        switch view.style {
        case .json:
            break
        case .tshark:
            for transport in [ConversationSummary.Transport.tcp, .udp] where proto == "all" || proto == transport.rawValue {
                let list = collected.filter { $0.transport == transport }.sorted { $0.stream < $1.stream }
                if transport == .udp && list.isEmpty && proto == "all" { continue }
                view.writeTshark(list, transport: transport, reference: first.time ?? .zero, to: out)
            }
        case .table:
            screen?.erase()
            inOrder.flush(release: writeRow)
            // No header above an error (a live capture that could not start, say).
            if !wroteHeader && status == 0 { view.writeTableHeader(to: out) }
            let evictions = useLedger ? ledgerEvictions : follower.evictions
            if evictions > 0 {
                printError("note: \(evictions) idle conversations were evicted to bound memory")
            }
        }
        out.flush()
        if status != 0 { throw ExitCode(status) }
    }

    /// Every frame decoded and followed: live, pipes, filters, -c.
    private func runFollower(_ follower: Follower, view: ConversationsView, first: FirstTimestamp, owners: SocketOwners?,
                             screen: LiveTable?, wanted: @escaping (ConversationSummary) -> Bool,
                             matching: MatchingStreams) -> Int32 {
        let filtered = input.displayFilter != nil
        // Without -Y nothing above TCP and UDP is shown, so nothing above them is decoded.
        let depth: FrameDecoder.Depth = filtered ? .application : .transport
        var pass = CapturePass(input: input, follower: follower, depth: depth)
        if let screen {
            let scratch = OutputBuffer(fileDescriptor: nil, flushThreshold: 1 << 20)
            // Without colour: a line cut to the terminal's width would lose its reset code.
            var plain = view
            plain.color = false
            pass.betweenReads = {
                let now = monotonicSeconds()
                guard screen.isDue(now: now) else { return }
                var open: [ConversationSummary] = []
                follower.forEachOpenConversation { conversation in
                    var summary = ConversationSummary(conversation)
                    if summary.transport == .tcp { summary.owner = owners?.owners(of: summary.stream) }
                    if wanted(summary) { open.append(summary) }
                }
                guard !open.isEmpty else { return screen.erase() }
                // The most recently active first, as top puts the busiest first.
                open.sort { ($0.end, $0.ordinal) > ($1.end, $1.ordinal) }
                let room = max(3, terminalSize().rows / 2) - 2
                func text(_ write: () -> Void) -> String {
                    write()
                    var line = String(decoding: scratch.takeBytes(), as: UTF8.self)
                    while line.hasSuffix("\n") { line.removeLast() }
                    return line
                }
                var lines = ["── open now: \(open.count) conversation\(open.count == 1 ? "" : "s"), most recently active first (Ctrl-C stops) ──",
                             text { plain.writeTableHeader(to: scratch) }]
                for summary in open.prefix(room) {
                    lines.append(text { plain.writeTableRow(summary, reference: first.time ?? .zero, to: scratch) })
                }
                screen.draw(lines, more: open.count - min(open.count, room), now: now)
            }
        }
        return pass.run(stopWhen: { false }) { input in
            if first.time == nil { first.time = input.reference }
            owners?.observe(input)
            if filtered {
                if let stream = input.analysis.tcpStream { matching.tcp.insert(stream) }
                if let stream = input.analysis.udpStream { matching.udp.insert(stream) }
            }
        }
    }

    /// The conversations from the raw records (``ConversationLedger``); the same exit status
    /// and messages as a pass.
    private func runLedger(_ ledger: ConversationLedger, first: FirstTimestamp) -> Int32 {
        let status = input.runOnFile { reader, progress in
            // This thread reads and looks at the records, a worker keeps the conversations
            // (and writes the rows as they end).
            try SplitPass().run(next: reader.next, look: { raw, number, arena, slot in
                if number == 1 { first.time = raw.timestamp }
                slot.initialize(to: ConversationLedger.look(raw, number: number))
                // The few frames the ledger decodes itself need their bytes on the worker.
                if slot.pointee.kind == .frame {
                    guard let copy = arena.copy(slot.pointee.bytes) else {
                        slot.deinitialize(count: 1)
                        return false
                    }
                    slot.pointee.bytes = copy
                }
                return true
            }, take: { ledger.take($0.pointee) }, betweenBatches: {
                progress.draw(bytes: reader.bytesConsumed, packets: reader.framesRead)
            })
        }
        if status != 2 { ledger.finish() }
        return status
    }
}

/// Columns of the terminal on stdout, or 80.
func terminalWidth() -> Int {
    var size = winsize()
    if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
    return 80
}

/// The capture's first timestamp (the reference for relative times), set by the per-frame
/// closure and read as rows are written. A class, because a captured `var` is checked for
/// exclusive access at every packet.
private final class FirstTimestamp {
    @exclusivity(unchecked) var time: Timestamp?
}

/// With -Y, the streams that hold a matching frame, filled as frames go by.
private final class MatchingStreams {
    var tcp = Set<Int>()
    var udp = Set<Int>()
}
extension ConversationsView.ByteCount: ExpressibleByArgument {}
