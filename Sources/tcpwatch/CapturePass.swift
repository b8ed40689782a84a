import ArgumentParser
import CommandSupport
import Dispatch
import Dissect
import Follow
import PcapLive
import Views
#if canImport(Glibc)
import Glibc
#endif

/// The input options every offline view shares: a file (or -r), a BPF filter, a count.
struct CaptureInputOptions: ParsableArguments {
    @Argument(help: "The capture file, pcap or pcapng ('-' for standard input).")
    var file: String?

    @Option(name: .customShort("r"), help: "The capture file, as tshark -r.")
    var readFile: String?

    @Option(name: .customShort("f"), help: "BPF filter applied to each frame before it is followed (tcpdump syntax).")
    var captureFilter: String?

    @Option(name: .customShort("c"), help: "Stop after N packets.")
    var count: Int?

    @Option(name: .customShort("Y"), parsing: .unconditional, help: "Display filter (Wireshark syntax): only matching frames count for the view.")
    var displayFilter: String?

    @Option(name: .customShort("i"), help: "Work live on this interface instead of a file (needs capture rights); Ctrl-C stops and reports.")
    var interface: String?

    @Option(name: [.customShort("d"), .customLong("decode-as")],
            help: "Decode a TCP port as a protocol, as tshark -d: tcp.port==PORT,tls or tcp.port==PORT,ssh (repeatable).")
    var decodeAs: [String] = []

    @Option(help: "Turn on a heuristic tshark 4.0 lacks: ssh (SSH on any TCP port whose data starts with a banner).")
    var enableHeuristic: [String] = []

    func validate() throws {
        try DecodeAsOptions.install(decodeAs)
        try DecodeAsOptions.enable(enableHeuristic)
        if file == nil && readFile == nil && interface == nil { throw ValidationError("give a capture file, -r FILE, or -i IFACE") }
        if file != nil && readFile != nil { throw ValidationError("give the capture file once, either as an argument or with -r") }
        if interface != nil && (file != nil || readFile != nil) { throw ValidationError("give either a file or -i IFACE, not both") }
        if let count, count <= 0 { throw ValidationError("-c needs a positive count") }
    }

    var path: String { readFile ?? file ?? "-" }
}

/// One pass over a capture file through the decoder and the follower, for the views that
/// report at the end. Shows a progress bar on stderr when it is a terminal.
struct CapturePass {
    let input: CaptureInputOptions
    let follower: Follower
    var depth = FrameDecoder.Depth.application
    /// When the view stops early (`follow` once its stream has closed), still read the
    /// rest of the file's records, without decoding them, so that a damaged file ends
    /// with the same message and exit status 1 as every other view.
    var checkRestOfFile = false
    /// Live: called after each read of packets (at least every 0.5 s, when the tick
    /// wakes a read that waits for packets).
    var betweenReads: () -> Void = {}

    /// Runs the pass; `perFrame` sees every frame that passed the filter. Returns the exit
    /// status: 0 clean, 1 damaged after some packets, 2 unreadable.
    func run(stopWhen: () -> Bool = { false }, _ perFrame: (FieldInput) -> Void = { _ in }) -> Int32 {
        // The follower sees every frame (its state needs them all); -Y only narrows what
        // the view is shown.
        let display: DisplayFilter?
        do {
            display = try input.displayFilter.map { text throws(DisplayFilterError) in try DisplayFilter(text) }
        } catch {
            printError("\(error)")
            return 64
        }
        let shown: (FieldInput) -> Void = { frame in
            if display?.matches(frame) ?? true { perFrame(frame) }
        }
        return run(display: shown, stopWhen: stopWhen)
    }

    private func run(display perFrame: (FieldInput) -> Void, stopWhen: () -> Bool) -> Int32 {
        if let interface = input.interface { return runLive(interface, stopWhen: stopWhen, perFrame) }
        let reader: CaptureFileReader
        do {
            reader = try CaptureFileReader(path: input.path)
        } catch {
            printError("\(input.path): \(error)")
            return 2
        }
        let filter: BPFFilter?
        do {
            filter = try input.captureFilter.map { expression throws(PcapError) in
                try BPFFilter(expression: expression, linkType: reader.interfaces.first?.linkType ?? .ethernet)
            }
        } catch {
            printError("\(error)")
            return 64
        }
        var loop = PacketLoop(follower: follower)
        loop.depth = depth
        // The views read and change the follower's state as frames go by, so they run on
        // the pipeline's worker, after the follower; this thread reads and decodes.
        let pipeline = PacketPipeline(loop: loop, next: reader.next, accept: { filter?.matches($0) ?? true },
                                      batching: reader.fileSize != nil)
        var progress = ProgressBar(total: reader.fileSize)
        var shown = 0
        var status: Int32 = 0
        // Read once: an option's property wrapper costs more per read than a packet's decode.
        let count = input.count
        do {
            try pipeline.run(viewOn: .worker, betweenBatches: {
                progress.draw(bytes: reader.bytesConsumed, packets: reader.framesRead)
            }) { input in
                perFrame(input)
                shown += 1
                if let count, shown >= count { return false }
                return !stopWhen()
            }
            if checkRestOfFile { while try reader.next() != nil {} }
        } catch {
            progress.clear()
            printError("\(self.input.path): \(error)")
            status = 1
        }
        progress.clear()
        follower.finish()
        return status
    }
}

extension CapturePass {
    /// The same pass over live packets: until a stop signal (see ``StopSignal``), `-c`,
    /// `stopWhen` or a closed output pipe; SIGUSR1 prints the counters.
    func runLive(_ interface: String, stopWhen: () -> Bool, _ perFrame: (FieldInput) -> Void) -> Int32 {
        var options = LiveCapture.Options(interface: interface)
        options.filter = input.captureFilter
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: options)
        } catch {
            printError("\(error)")
            return 2
        }
        StopSignal.install()
        capture.armForSignals()
        printError("capturing on \(interface); Ctrl-C stops and reports")
        var loop = PacketLoop(follower: follower)
        loop.depth = depth
        var seen = 0
        var status: Int32 = 0
        func printCounters() {
            if let stats = capture.statistics() {
                printError("\(seen) packets captured, \(stats.droppedByKernel) dropped by kernel")
            }
        }
        // The reader of standard output went away: nothing more can be shown (| head).
        let pipeWatch = ClosedOutputWatch { capture.breakLoop() }
        defer { pipeWatch.stop() }
        // A read blocks while no packet comes, so a quiet interface would hold back the
        // conversations that just ended. Every 0.5 s a tick wakes the read (as Ctrl-C's
        // handler does) and the wall clock moves the follower on.
        let ticker = DispatchSource.makeTimerSource(queue: .global())
        ticker.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        ticker.setEventHandler { LiveCapture.interruptFromSignalHandler() }
        ticker.resume()
        defer { ticker.cancel() }
        while !StopSignal.isRaised && !stopWhen() && !pipeWatch.isClosed {
            if StopSignal.takeCountersRequest() { printCounters() }
            let limit = input.count.map { $0 - seen } ?? 0
            do {
                _ = try capture.readBatch(limit: limit) { raw in
                    loop.process(raw, perFrame)
                    seen += 1
                }
            } catch {
                printError("\(error)")
                status = 1
                break
            }
            if let count = input.count, seen >= count { break }
            // Between packets the wall clock moves the follower on, so that live views hear
            // of ended conversations without waiting for the next packet.
            var clock = timespec()
            clock_gettime(CLOCK_REALTIME, &clock)
            follower.retire(at: Timestamp(seconds: Int64(clock.tv_sec), nanoseconds: UInt32(clock.tv_nsec)))
            betweenReads()
        }
        follower.finish()
        printCounters()
        return status
    }
}

/// A one-line progress bar on stderr: bytes read of the file, packets per second, ETA.
/// Drawn only when stderr is a terminal, so pipes and CI logs never see it.
struct ProgressBar {
    let total: Int64?
    let enabled: Bool
    private var lastDraw = 0.0
    private let started: Double
    private var drawn = false

    init(total: Int64?) {
        self.total = total
        enabled = isatty(2) == 1 && (total ?? 0) > 8 << 20
        started = monotonicSeconds()
    }

    /// Per packet: looks at the clock only every 1024 packets.
    mutating func update(bytes: Int64, packets: Int) {
        guard enabled, packets & 0x3FF == 0 else { return }
        draw(bytes: bytes, packets: packets)
    }

    /// Redraws at most five times a second.
    mutating func draw(bytes: Int64, packets: Int) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastDraw >= 0.2 else { return }
        lastDraw = now
        drawn = true
        let elapsed = max(now - started, 0.001)
        let fraction = total.map { min(Double(bytes) / Double(max($0, 1)), 1) } ?? 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Double(packets) / elapsed
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let line = "\r\(bar) \(Int(fraction * 100))%  \(bytes >> 20)/\((total ?? 0) >> 20) MiB  \(Int(rate)) pkt/s  ETA \(Int(eta))s "
        var stderr = StandardError()
        stderr.write(line)
    }

    mutating func clear() {
        guard drawn else { return }
        drawn = false
        var stderr = StandardError()
        stderr.write("\r\u{1b}[2K")
    }
}
