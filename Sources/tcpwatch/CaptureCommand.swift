import ArgumentParser
import CommandSupport
import Dissect
import Follow
import PcapLive
import Views
#if canImport(Glibc)
import Glibc
#endif

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture live packets through libpcap (like tcpdump -i / dumpcap).",
        discussion: """
        Needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN:
          sudo setcap cap_net_raw,cap_net_admin+eip $(which tcpwatch)

        Flags as tcpdump users type them: -n/-nn (names are never resolved anyway), -v/-vv \
        (the details tree; with -w, a "Got N" count each second), -q (no banner), -l (each \
        line written at once), -A/-X (the packet in ASCII, or hex and ASCII, under each \
        line), -D (list the interfaces), -c1, and a capture filter after the options \
        (tcpwatch capture -i lo tcp port 80). -w FILE.pcapng writes pcapng.

        Memory: the kernel ring (-B) is 64 MiB by default, so a capture's resident size \
        is about 80 MiB, where tcpdump with its 2 MiB ring needs about 8 MiB. The large \
        ring is what lets a loopback bulk transfer be captured without drops; -B 2 brings \
        tcpwatch down to about 19 MiB (and drops as soon as tcpdump would).

        Signals: Ctrl-C (SIGINT), SIGTERM, SIGHUP and SIGQUIT stop the capture, write out \
        the file and print the counters (exit 0); SIGUSR1 prints the counters and goes \
        on. A closed output pipe (| head) stops it quietly.

        Examples:
          sudo tcpwatch capture -i lo -f 'tcp port 6789'
          sudo tcpwatch capture -i lo -c10 -A tcp port 80
          sudo tcpwatch capture -i any -y LINUX_SLL2 -c 100 -w lab.pcapng
          sudo tcpwatch capture -i lo -w - | tcpwatch read -r -
        """
    )

    @Option(name: .customShort("i"), help: "Interface to capture on: lo, eth0, any, ... (tcpdump -i).")
    var interface: String = "any"

    @Option(name: .customShort("f"), help: "BPF capture filter (tcpdump syntax); may also follow the options, as in tcpdump.")
    var filter: String?

    @Argument(help: ArgumentHelp("A capture filter after the options, as tcpdump takes it (tcp port 80).", valueName: "expression"))
    var expression: [String] = []

    @Option(name: .customShort("s"), parsing: .unconditional,
            help: ArgumentHelp("Snapshot length in bytes, 1 to \(Self.maximumSnaplen); 0 means \(Self.maximumSnaplen) (tcpdump -s).", valueName: "bytes"))
    var snaplenText: String = "\(Self.maximumSnaplen)"

    @Flag(name: .customShort("p"), help: "Do not put the interface in promiscuous mode (tcpdump -p).")
    var noPromiscuous = false

    @Option(name: .customShort("B"), parsing: .unconditional,
            help: ArgumentHelp("Kernel capture buffer in MiB, 1 to \(Self.maximumBufferMiB) (default \(LiveCapture.defaultBufferMiB); tcpdump -B counts KiB).",
                               valueName: "MiB"))
    var bufferText: String = "\(LiveCapture.defaultBufferMiB)"

    @Flag(name: .customLong("immediate-mode"), help: "Hand over each packet the moment it arrives (libpcap immediate mode). Without it packets are seen within 10 ms; with it a packet flood drops sooner.")
    var immediate = false

    @Option(name: .customShort("c"), help: "Stop after N packets (-c N or -cN).")
    var count: Int?

    @Option(name: .customShort("a"), help: "Autostop condition, as dumpcap: duration:SECONDS.")
    var autostop: String?

    @Option(name: .customShort("y"), help: "Link type to request, e.g. LINUX_SLL2 on 'any' (tcpdump -y).")
    var linkType: String?

    @Option(name: .customShort("w"), help: "Write packets to FILE instead of printing them ('-' for stdout); FILE.pcapng is written as pcapng.")
    var writeFile: String?

    @Option(help: "File format for -w: pcap or pcapng (default: pcapng for a .pcapng file name, else pcap).")
    var format: FileFormatChoice?

    @Option(name: .customShort("Z"), help: "After opening the capture and the file, drop privileges to USER (tcpdump -Z).")
    var user: String?

    @Option(name: .customShort("Y"), parsing: .unconditional, help: "Display filter (Wireshark syntax): print only the matching packets (tshark -Y).")
    var displayFilter: String?

    @Flag(name: .customShort("n"), help: "Do not resolve names (tcpdump -n, -nn): tcpwatch never does; accepted from habit.")
    var numeric: Int

    @Flag(name: .customShort("v"), help: "Verbose (tcpdump -v, -vv): the details tree under each line; with -w, a \"Got N\" count on stderr each second.")
    var verbosity: Int

    @Flag(name: .customShort("q"), help: "Quiet (tcpdump -q): no \"capturing on\" line.")
    var quiet = false

    @Flag(name: .customShort("l"), help: "Write each packet's line at once (tcpdump -l), not once per batch.")
    var lineBuffered = false

    @Flag(name: .customShort("A"), help: "Print each packet from its network header in ASCII under its line (tcpdump -A).")
    var asciiPayload = false

    @Flag(name: .customShort("X"), help: "Print each packet from its network header in hex and ASCII under its line (tcpdump -X).")
    var hexPayload = false

    @Flag(name: .customShort("D"), help: "List the interfaces and exit (tcpdump -D).")
    var listInterfaces = false

    @OptionGroup var output: PacketOutputOptions

    /// tcpdump's and libpcap's largest snapshot length.
    static let maximumSnaplen = 262_144
    /// The largest ring libpcap can be asked for fits in an Int32 of bytes; beyond 1 GiB
    /// it only costs memory (the default already keeps up with a loopback bulk transfer).
    static let maximumBufferMiB = 1024

    /// Usage errors as one line and exit status 64, like tcpdump's "invalid snaplen".
    private func usage(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(64)
    }

    func validate() throws {
        if listInterfaces { return }
        if let count, count <= 0 { throw usage("-c needs a positive count, e.g. -c 10") }
        if let autostop, parseDuration(autostop) == nil {
            throw usage("-a takes duration:SECONDS, e.g. -a duration:10")
        }
        if let linkType, Self.linkType(named: linkType) == nil {
            throw usage("unknown link type '\(linkType)'; try EN10MB, LINUX_SLL, LINUX_SLL2, RAW")
        }
        guard snaplen != nil else {
            throw usage("invalid snapshot length '\(snaplenText)' (-s): give 1 to \(Self.maximumSnaplen) bytes, or 0 for \(Self.maximumSnaplen)")
        }
        if bufferMiB == nil {
            var hint = ""
            if let kib = Int(bufferText), kib > Self.maximumBufferMiB {
                hint = " (tcpdump's -B counts KiB: \(kib) KiB is -B \((kib + 1023) / 1024))"
            }
            throw usage("invalid capture buffer size '\(bufferText)' MiB (-B): give 1 to \(Self.maximumBufferMiB) MiB\(hint)")
        }
        if filter != nil && !expression.isEmpty {
            throw usage("give the capture filter once: with -f, or after the options (found -f '\(filter!)' and '\(expression.joined(separator: " "))')")
        }
        if displayFilter != nil && writeFile != nil {
            // tshark's own words: a live capture is saved whole.
            throw usage("display filters aren't supported when capturing and saving the captured packets (-Y with -w)")
        }
        if asciiPayload && hexPayload { throw usage("give -A or -X, not both") }
    }

    /// `-s` as a number in range; 0 is the maximum, as in tcpdump.
    var snaplen: Int32? {
        guard let value = Int(snaplenText), (0...Self.maximumSnaplen).contains(value) else { return nil }
        return Int32(value == 0 ? Self.maximumSnaplen : value)
    }

    var bufferMiB: Int? {
        guard let value = Int(bufferText), (1...Self.maximumBufferMiB).contains(value) else { return nil }
        return value
    }

    /// The capture filter, from -f or from the words after the options.
    var captureFilter: String? {
        filter ?? (expression.isEmpty ? nil : expression.joined(separator: " "))
    }

    /// The file format: as asked, else from the file name's extension.
    var fileFormat: (format: FileFormatChoice, inferred: Bool) {
        if let format { return (format, false) }
        let lower = writeFile?.lowercased() ?? ""
        return lower.hasSuffix(".pcapng") || lower.hasSuffix(".ntar") ? (.pcapng, true) : (.pcap, false)
    }

    func parseDuration(_ text: String) -> Double? {
        guard text.hasPrefix("duration:"), let seconds = Double(text.dropFirst("duration:".count)), seconds > 0 else { return nil }
        return seconds
    }

    static func linkType(named name: String) -> LinkType? {
        if let number = UInt32(name) { return LinkType(rawValue: number) }
        return (0...300).lazy.map { LinkType(rawValue: $0) }.first { $0.name == name.uppercased() }
    }

    /// Why the capture loop ended.
    enum Ending {
        case count, signal, duration
        /// The interface went away or down, or libpcap failed: reported, exit 1.
        case captureFailed(String)
        /// `-w` or standard output could not be written: reported, exit 1.
        case writeFailed(CaptureWriteError)
        /// The reader of standard output went away (`| head`): a clean, quiet stop.
        case pipeClosed
    }

    func run() throws {
        if listInterfaces {
            let list = try InterfacesCommand.parse([])
            try list.run()
            return
        }
        // validate() has checked these.
        guard let snaplen, let bufferMiB else { throw ExitCode(64) }
        var options = LiveCapture.Options(interface: interface)
        options.snaplen = snaplen
        options.promiscuous = !noPromiscuous
        options.bufferMiB = bufferMiB
        options.immediate = immediate
        options.filter = captureFilter
        options.linkType = linkType.flatMap(Self.linkType(named:))
        let display: DisplayFilter?
        do {
            display = try displayFilter.map { text throws(DisplayFilterError) in try DisplayFilter(text) }
        } catch {
            printError("\(error)")
            throw ExitCode(64)
        }
        let capture = try LiveCapture.openReportingErrors(options)

        var sink: CaptureSink?
        if let writeFile {
            let (format, inferred) = fileFormat
            do {
                sink = try CaptureSink(path: writeFile, format: format, linkType: capture.linkType,
                                       snaplen: capture.snapshotLength, interfaceName: interface)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            if inferred && !quiet { printError("writing pcapng, as the file name \(writeFile) says (--format pcap to override)") }
        }
        raisePriority()
        if let user {
            do { try PrivilegeDrop.drop(to: user) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        // -v/-vv: the details tree (tshark's -V) under each summary line.
        var printing = output
        if verbosity > 0 {
            printing.verbose = true
            printing.printSummary = true
        }
        let printer = sink == nil ? try printing.makePrinter() : nil
        if !quiet && (sink != nil || printer?.format == .text) {
            printError("capturing on \(interface), link type \(capture.linkType.description), snapshot length \(capture.snapshotLength) bytes")
        }

        // The capture stops on EPIPE itself: it still has a file to close and counters to print.
        BrokenPipe.handleInCommand()
        StopSignal.install()
        capture.armForSignals()
        if let seconds = autostop.flatMap(parseDuration) { StopSignal.arm(after: seconds) }

        var loop = PacketLoop()
        var captured = 0
        var writeError: CaptureWriteError?
        let payload: PayloadDump.Style? = printer?.format != .text ? nil : asciiPayload ? .ascii : hexPayload ? .hexAndASCII : nil
        let lineBuffered = lineBuffered
        var lastShown: Timestamp?
        /// Hands one frame to the file or the printer.
        func take(_ raw: RawFrame) {
            guard writeError == nil else { return }
            captured += 1
            if let sink {
                do { try sink.write(raw) } catch {
                    writeError = error
                    capture.breakLoop()
                }
            } else if let printer {
                loop.process(raw) { input in
                    var input = input
                    input.previousDisplayed = lastShown ?? input.frame.raw.timestamp
                    guard display?.matches(input) ?? true else { return }
                    lastShown = input.frame.raw.timestamp
                    printer.write(input)
                    if let payload { PayloadDump.write(input.frame, style: payload, to: printer.out) }
                    if lineBuffered { printer.out.flush() }
                }
            }
        }
        /// After each batch: a pipe or terminal sees the batch at once; a file is written
        /// when its 1 MiB buffer fills, and at least once a second while packets arrive, so
        /// a full disk shows up at once and a crash loses at most a second.
        var nextFileFlush = monotonicSeconds() + 1
        var nextTally = monotonicSeconds() + 1
        let tally = verbosity > 0 && sink != nil && writeFile != "-"
        func endBatch() {
            if let sink, writeError == nil, sink.isStream || monotonicSeconds() >= nextFileFlush {
                do { try sink.flush() } catch { writeError = error }
                nextFileFlush = monotonicSeconds() + 1
            }
            if let printer {
                printer.out.flush()
                if writeError == nil, let code = printer.out.writeError { writeError = CaptureWriteError(errno: code) }
            }
            // tcpdump -v -w: how many so far, once a second, over itself.
            if tally && monotonicSeconds() >= nextTally {
                var stderr = StandardError()
                stderr.write("Got \(captured)\r")
                nextTally = monotonicSeconds() + 1
            }
        }
        func remaining() -> Int { count.map { max($0 - captured, 0) } ?? 0 }

        let watch = capture.watchInterface()
        defer { watch.stop() }
        // Standard output is read by someone when it is printed to or is the file (-w -).
        let pipeWatch = printer != nil || sink?.isStream == true ? ClosedOutputWatch { capture.breakLoop() } : nil
        defer { pipeWatch?.stop() }
        var ending = Ending.signal
        while true {
            if StopSignal.isRaised {
                ending = StopSignal.interruptCount > 0 ? .signal : .duration
                break
            }
            do throws(PcapError) {
                if case .interrupted = try capture.readBatch(limit: remaining(), take) {
                    switch watch.event {
                    case .disappeared: throw PcapError.capture(message: "interface \(interface) disappeared")
                    case .wentDown: throw PcapError.capture(message: "interface \(interface) went down")
                    case .none: break
                    }
                }
            } catch {
                endBatch()
                ending = .captureFailed(explain(error))
                break
            }
            endBatch()
            if StopSignal.takeCountersRequest() { printCounters(captured: captured, capture, sink: sink) }
            if let writeError {
                ending = writeEnding(writeError)
                break
            }
            if pipeWatch?.isClosed == true {
                ending = .pipeClosed
                break
            }
            if let count, captured >= count {
                ending = .count
                break
            }
        }

        // A stop signal and -a: hand over what the kernel ring already holds (a part-filled
        // block is released within the read timeout), unless a second signal says hurry.
        if case .signal = ending { drain(capture, limit: remaining, take: take, endBatch: endBatch) }
        if case .duration = ending { drain(capture, limit: remaining, take: take, endBatch: endBatch) }
        switch ending {
        case .count, .signal, .duration:
            if let writeError { ending = writeEnding(writeError) }
        default:
            break
        }

        do { try sink?.close() } catch {
            switch ending {
            case .writeFailed, .pipeClosed: break
            default: ending = writeEnding(error)
            }
        }
        printer?.finish()
        if tally { var stderr = StandardError(); stderr.write("\n") }
        printCounters(captured: captured, capture, sink: sink)
        switch ending {
        case .count, .signal, .duration, .pipeClosed:
            return
        case .captureFailed(let message):
            printError("\(message); capture stopped\(sink != nil ? ", \(writeFile ?? "-") holds the \(captured) packets captured before" : "")")
            throw ExitCode(1)
        case .writeFailed(let error):
            printError(writeFailure(error, captured: captured, sink: sink))
            throw ExitCode(1)
        }
    }

    /// tcpdump's counters, at the end and on SIGUSR1.
    private func printCounters(captured: Int, _ capture: LiveCapture, sink: CaptureSink?) {
        printError("\(captured) packets captured")
        guard let stats = capture.statistics() else { return }
        printError("\(stats.received) packets received by filter")
        printError("\(stats.droppedByKernel) packets dropped by kernel")
        if stats.droppedByInterface > 0 { printError("\(stats.droppedByInterface) packets dropped by interface") }
    }

    private func writeEnding(_ error: CaptureWriteError) -> Ending {
        error == .brokenPipe ? .pipeClosed : .writeFailed(error)
    }

    /// One line: what failed, and what the file holds now (whole packets only: a record
    /// the disk cut short is cut off again, see FileWriteBuffer).
    private func writeFailure(_ error: CaptureWriteError, captured: Int, sink: CaptureSink?) -> String {
        let name = sink == nil ? "standard output" : writeFile == "-" ? "standard output" : writeFile ?? "-"
        let reason = error == .diskFull ? "no space left on device (disk full)" : "\(error)"
        guard let sink, !sink.isStream else { return "cannot write \(name): \(reason); capture stopped" }
        return "cannot write \(name): \(reason); capture stopped, \(name) holds \(sink.framesOnDisk) of the \(captured) packets captured, up to the last whole packet"
    }

    /// Reads, without blocking, what is left in the ring for at most twice the read
    /// timeout (when a part-filled TPACKET_V3 block is released), or until a second
    /// Ctrl-C or a write error.
    private func drain(_ capture: LiveCapture, limit: () -> Int, take: (RawFrame) -> Void, endBatch: () -> Void) {
        guard StopSignal.interruptCount < 2, (try? capture.setNonBlocking(true)) != nil else { return }
        let deadline = monotonicSeconds() + 2 * Double(LiveCapture.defaultTimeoutMilliseconds) / 1000 + 0.01
        while StopSignal.interruptCount < 2 {
            if let count, limit() == 0, count > 0 { return }
            let end = try? capture.readBatch(limit: limit(), take)
            endBatch()
            guard let end else { return }
            if case .packets(let n) = end, n == 0 {
                if monotonicSeconds() >= deadline { return }
                usleep(2_000)
            }
        }
    }

    /// The kernel ring is all that stands between a busy sender and dropped packets: when
    /// the reader is not scheduled for the few milliseconds the ring lasts, packets are
    /// lost. On a loaded machine (or a 2-core VM where sender, receiver and capture share
    /// two cores) ordinary priority is not enough, so when allowed (root or CAP_SYS_NICE)
    /// the capture runs at nice -10. The reader sleeps whenever the ring is empty, so it
    /// only takes the CPU that keeping up costs. Before `-Z`, which could not do it later.
    private func raisePriority() {
        if getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) > -10 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -10)
        }
    }

    /// Turns a read failure into one line, naming the interface when it went away.
    private func explain(_ error: PcapError) -> String {
        if case .capture(let message) = error, message.hasPrefix("interface ") { return message }
        return switch LiveCapture.state(of: interface) {
        case .missing: "interface \(interface) disappeared"
        case .down: "interface \(interface) went down"
        case .up: "\(error)"
        }
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
