import ArgumentParser
import Dissect
import Follow
import PcapLive
import Views
#if canImport(Glibc)
import Glibc
#endif

enum FileFormatChoice: String, ExpressibleByArgument, CaseIterable {
    case pcap, pcapng
}

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture live packets through libpcap (like tcpdump -i / dumpcap).",
        discussion: """
        Needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN:
          sudo setcap cap_net_raw,cap_net_admin+eip $(which tcpwatch)

        Examples:
          sudo tcpwatch capture -i lo -f 'tcp port 6789'
          sudo tcpwatch capture -i any -y LINUX_SLL2 -c 100 -w lab.pcapng --format pcapng
          sudo tcpwatch capture -i lo -w - | tcpwatch read -r -
        """
    )

    @Option(name: .customShort("i"), help: "Interface to capture on: lo, eth0, any, ... (tcpdump -i).")
    var interface: String = "any"

    @Option(name: .customShort("f"), help: "BPF capture filter (tcpdump syntax).")
    var filter: String?

    @Option(name: .customShort("s"), help: "Snapshot length in bytes (tcpdump -s).")
    var snaplen: Int32 = 262_144

    @Flag(name: .customShort("p"), help: "Do not put the interface in promiscuous mode (tcpdump -p).")
    var noPromiscuous = false

    @Option(name: .customShort("B"), help: ArgumentHelp("Kernel capture buffer in MiB (tcpdump -B, which counts KiB).",
                                                          valueName: "MiB"))
    var bufferMiB: Int = LiveCapture.defaultBufferMiB

    @Flag(name: .customLong("immediate-mode"), help: "Hand over each packet the moment it arrives (libpcap immediate mode). Without it packets are seen within 10 ms; with it a packet flood drops sooner.")
    var immediate = false

    @Option(name: .customShort("c"), help: "Stop after N packets.")
    var count: Int?

    @Option(name: .customShort("a"), help: "Autostop condition, as dumpcap: duration:SECONDS.")
    var autostop: String?

    @Option(name: .customShort("y"), help: "Link type to request, e.g. LINUX_SLL2 on 'any' (tcpdump -y).")
    var linkType: String?

    @Option(name: .customShort("w"), help: "Write packets to FILE instead of printing them ('-' for stdout).")
    var writeFile: String?

    @Option(help: "File format for -w: pcap (default) or pcapng.")
    var format: FileFormatChoice = .pcap

    @Option(name: .customShort("Z"), help: "After opening the capture and the file, drop privileges to USER (tcpdump -Z).")
    var user: String?

    @OptionGroup var output: PacketOutputOptions

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("-c needs a positive count") }
        if let autostop, parseDuration(autostop) == nil {
            throw ValidationError("-a takes duration:SECONDS, e.g. -a duration:10")
        }
        if let linkType, Self.linkType(named: linkType) == nil {
            throw ValidationError("unknown link type '\(linkType)'; try EN10MB, LINUX_SLL, LINUX_SLL2, RAW")
        }
        if bufferMiB <= 0 { throw ValidationError("-B needs a positive size in MiB") }
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
        /// `-w` could not be written: reported, exit 1.
        case writeFailed(String)
        /// The reader of `-w -` went away: a clean stop, as `head` expects.
        case pipeClosed
    }

    func run() throws {
        var options = LiveCapture.Options(interface: interface)
        options.snaplen = snaplen
        options.promiscuous = !noPromiscuous
        options.bufferMiB = bufferMiB
        options.immediate = immediate
        options.filter = filter
        options.linkType = linkType.flatMap(Self.linkType(named:))
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: options)
        } catch {
            printError("\(error)")
            if case .filter = error { throw ExitCode(64) }
            throw ExitCode(2)
        }
        for warning in capture.warnings { printError("warning: \(warning)") }

        var sink: CaptureSink?
        if let writeFile {
            do {
                sink = try CaptureSink(path: writeFile, format: format, linkType: capture.linkType,
                                       snaplen: capture.snapshotLength, interfaceName: interface)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        raisePriority()
        if let user {
            do { try PrivilegeDrop.drop(to: user) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        let printer = sink == nil ? try output.makePrinter() : nil
        if sink != nil || printer?.format == .text {
            printError("capturing on \(interface), link type \(capture.linkType.description), snapshot length \(capture.snapshotLength) bytes")
        }

        StopSignal.install()
        capture.armForSignals()
        if let seconds = autostop.flatMap(parseDuration) { StopSignal.arm(after: seconds) }

        var loop = PacketLoop()
        var captured = 0
        var writeError: CaptureWriteError?
        /// Hands one frame to the file or the printer; false stops the batch.
        func take(_ raw: RawFrame) {
            guard writeError == nil else { return }
            captured += 1
            if let sink {
                do { try sink.write(raw) } catch {
                    writeError = error
                    capture.breakLoop()
                }
            } else if let printer {
                loop.process(raw) { printer.write($0) }
            }
        }
        /// After each batch: a pipe or terminal sees the batch at once; a file is written
        /// when its 1 MiB buffer fills, and at least once a second while packets arrive, so
        /// a full disk shows up at once and a crash loses at most a second.
        var nextFileFlush = monotonicSeconds() + 1
        func endBatch() {
            if let sink, writeError == nil, sink.isStream || monotonicSeconds() >= nextFileFlush {
                do { try sink.flush() } catch { writeError = error }
                nextFileFlush = monotonicSeconds() + 1
            }
            printer?.out.flush()
        }
        func remaining() -> Int { count.map { max($0 - captured, 0) } ?? 0 }

        let watch = capture.watchInterface()
        defer { watch.stop() }
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
            if let writeError {
                ending = writeEnding(writeError)
                break
            }
            if let count, captured >= count {
                ending = .count
                break
            }
        }

        // Ctrl-C, SIGTERM and -a: hand over what the kernel ring already holds (a part-filled
        // block is released within the read timeout), unless a second Ctrl-C says hurry.
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
        if let stats = capture.statistics() {
            printError("\(captured) packets captured")
            printError("\(stats.received) packets received by filter")
            printError("\(stats.droppedByKernel) packets dropped by kernel")
            if stats.droppedByInterface > 0 { printError("\(stats.droppedByInterface) packets dropped by interface") }
        } else {
            printError("\(captured) packets captured")
        }
        switch ending {
        case .count, .signal, .duration:
            return
        case .pipeClosed:
            printError("the output pipe was closed; capture stopped")
            return
        case .captureFailed(let message):
            printError("\(message); capture stopped\(sink != nil ? ", \(writeFile ?? "-") holds the \(captured) packets captured before" : "")")
            throw ExitCode(1)
        case .writeFailed(let message):
            printError("\(message); capture stopped")
            throw ExitCode(1)
        }
    }

    private func writeEnding(_ error: CaptureWriteError) -> Ending {
        if error == .brokenPipe { return .pipeClosed }
        if error == .diskFull { return .writeFailed("cannot write \(writeFile ?? "-"): no space left on device (disk full)") }
        return .writeFailed("cannot write \(writeFile ?? "-"): \(error)")
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
