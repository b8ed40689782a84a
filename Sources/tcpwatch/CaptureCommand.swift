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

    @Option(name: .customShort("B"), help: "Kernel capture buffer in MiB (tcpdump -B, which counts KiB).")
    var bufferMiB: Int = 64

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

    func run() throws {
        var options = LiveCapture.Options(interface: interface)
        options.snaplen = snaplen
        options.promiscuous = !noPromiscuous
        options.bufferMiB = bufferMiB
        options.filter = filter
        options.linkType = linkType.flatMap(Self.linkType(named:))
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: options)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        for warning in capture.warnings { printError("warning: \(warning)") }

        var sink: CaptureSink?
        if let writeFile {
            do {
                sink = try CaptureSink(path: writeFile, format: format, linkType: capture.linkType,
                                       snaplen: Int(snaplen), interfaceName: interface)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        if let user {
            do { try PrivilegeDrop.drop(to: user) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        StopSignal.install()
        let printer = sink == nil ? try output.makePrinter() : nil
        if sink != nil || printer?.format == .text {
            printError("capturing on \(interface), link type \(capture.linkType.name ?? "\(capture.linkType.rawValue)"), snapshot length \(snaplen) bytes")
        }
        let deadline = autostop.flatMap(parseDuration).map { monotonicSeconds() + $0 }
        var loop = PacketLoop()
        var captured = 0
        var failure: String?
        while !StopSignal.isRaised {
            if let deadline, monotonicSeconds() >= deadline { break }
            let raw: RawFrame?
            do {
                raw = try capture.next()
            } catch {
                failure = "\(error)"
                break
            }
            guard let raw else {
                do { try sink?.flush() } catch {
                    failure = "\(error)"
                    break
                }
                continue
            }
            captured += 1
            if let sink {
                do {
                    try sink.write(raw)
                    if sink.isStream { try sink.flush() }
                } catch {
                    failure = "\(error)"
                    break
                }
            } else if let printer {
                loop.process(raw) { printer.write($0) }
                printer.out.flush()
            }
            if let count, captured >= count { break }
        }
        var exitCode: Int32 = 0
        do { try sink?.close() } catch {
            failure = failure ?? "\(error)"
        }
        printer?.finish()
        if let stats = capture.statistics() {
            printError("\(captured) packets captured")
            printError("\(stats.received) packets received by filter")
            printError("\(stats.droppedByKernel) packets dropped by kernel")
            if stats.droppedByInterface > 0 { printError("\(stats.droppedByInterface) packets dropped by interface") }
        }
        if let failure {
            printError(failure)
            exitCode = 1
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
