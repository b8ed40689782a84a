import ArgumentParser
import CommandSupport
import Dissect
import Follow
import PcapLive
import Views
#if canImport(Glibc)
import Glibc
#endif

struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a pcap or pcapng file and print one line per packet (like tshark -r).",
        discussion: """
        Exit status: 0 clean, 1 the file is damaged but packets were read, 2 the file \
        cannot be read, 64 usage error.

        Examples:
          tcpwatch read Fixtures/pcaps/echo.pcap
          tcpwatch read Fixtures/pcaps/http-get.pcap -T fields -e frame.number -e tcp.stream -e tcp.flags
          tcpwatch read -r - < Fixtures/pcaps/dns.pcap -f 'udp port 53' -x
          tcpwatch read Fixtures/pcaps/nmap-ss.pcap -Y 'tcp.flags.reset == 1 && ip.src == 10.77.0.0/24'
          tcpwatch read Fixtures/pcaps/ssh-2222.pcap -d tcp.port==2222,ssh
        """
    )

    @Argument(help: "The capture file ('-' for standard input).")
    var file: String?

    @Option(name: .customShort("r"), help: "The capture file, as tshark -r / tcpdump -r.")
    var readFile: String?

    @OptionGroup var output: PacketOutputOptions

    @OptionGroup var decodeAs: DecodeAsOptions

    @Option(name: .customShort("c"), help: "Stop after N packets (tshark -c).")
    var count: Int?

    @Option(name: .customShort("f"), help: "BPF capture filter applied to each frame (tcpdump syntax, compiled by libpcap).")
    var captureFilter: String?

    @Option(name: .customShort("Y"), parsing: .unconditional, help: "Display filter (Wireshark syntax): print only matching frames; the follower still sees every frame.")
    var displayFilter: String?

    @Option(name: .customShort("w"), help: "Write the selected frames to FILE instead of printing them (tshark -w; '-' for stdout).")
    var writeFile: String?

    @Option(help: "File format for -w: pcap (default) or pcapng (keeps each frame's interface).")
    var format: FileFormatChoice = .pcap

    @Option(help: "Only the frames of this tcp.stream (with -w: extract one conversation).")
    var stream: Int?

    @Flag(help: "Print an integrity report instead of the packets (like capinfos): format, link types, counts, times, damaged frames, the first file error. With -T json, one JSON object.")
    var check = false

    @Option(name: .customShort("z"), help: ArgumentHelp("Statistics after the packets, as tshark -z: conv,tcp, conv,udp, follow,tcp,ascii|hex|raw,N, expert, io,stat,INTERVAL[,FILTER|CALC(FIELD)FILTER]... (repeatable).", valueName: "STAT"))
    var statistics: [String] = []

    @Flag(name: .customShort("q"), help: "No packet lines (tshark -q): with -z, only the statistics.")
    var quiet = false

    @Flag(name: .customShort("2"), help: "Accepted for tshark's two-pass mode: tcpwatch's single pass already gives the same answers (the follower decides reassembly and analysis as frames go by, as tshark's first pass does).")
    var twoPass = false

    @Option(name: .customShort("G"), help: ArgumentHelp("A glossary, as tshark -G: fields (the same list as tcpwatch fields).", valueName: "REPORT"))
    var glossary: String?

    func validate() throws {
        if let glossary {
            guard glossary == "fields" else { throw ValidationError("-G takes fields") }
            return
        }
        for stat in statistics {
            guard let request = StatisticsRequest(stat) else {
                throw ValidationError("-z \(stat): tcpwatch knows conv,tcp, conv,udp, follow,tcp,ascii|hex|raw,N, expert and io,stat,INTERVAL[,FILTER]...")
            }
            if let problem = request.problem(timeFormat: output.timeFormat) { throw ValidationError("-z \(stat): \(problem)") }
        }
        if file == nil && readFile == nil { throw ValidationError("give a capture file, or -r FILE") }
        if file != nil && readFile != nil { throw ValidationError("give the capture file once, either as an argument or with -r") }
        if let count, count <= 0 { throw ValidationError("-c needs a positive count") }
    }

    func run() throws {
        if glossary != nil { return try FieldsCommand.parse([]).run() }
        let path = readFile ?? file ?? "-"
        // -q without -w prints nothing per packet; the statistics read the file themselves.
        if !quiet || writeFile != nil || statistics.isEmpty {
            let status = try readPackets(path: path)
            if status != 0 { throw ExitCode(status) }
        }
        for stat in statistics.compactMap(StatisticsRequest.init) {
            try stat.run(path: path, displayFilter: displayFilter, timeFormat: output.timeFormat)
        }
    }

    private func readPackets(path: String) throws -> Int32 {
        let reader: CaptureFileReader
        do {
            reader = try CaptureFileReader(path: path)
        } catch {
            printError("\(path): \(error)")
            return 2
        }
        if check { return checkFile(reader, path: path) }
        let filter: BPFFilter?
        do {
            filter = try captureFilter.map { expression throws(PcapError) in
                try BPFFilter(expression: expression, linkType: reader.interfaces.first?.linkType ?? .ethernet)
            }
        } catch {
            printError("\(error)")
            return 64
        }
        let display: DisplayFilter?
        do {
            display = try displayFilter.map { text throws(DisplayFilterError) in try DisplayFilter(text) }
        } catch {
            printError("\(error)")
            return 64
        }
        var sink: CaptureSink?
        if let writeFile {
            if writeFile != "-" && path != "-" && Self.sameFile(writeFile, path) {
                printError("refusing to write over the input file \(path)")
                return 64
            }
            do {
                sink = try CaptureSink(path: writeFile, format: format, interfaces: reader.interfaces)
            } catch {
                printError("\(error)")
                return 2
            }
        }
        let printer = try output.makePrinter()
        var options = FollowerOptions()
        // A display filter may name any field; otherwise do only what the output needs.
        let needs: FieldNeeds = display != nil || sink != nil ? .everything : printer.needs
        options.analyzeSequences = needs.contains(.analysis)
        options.trackHTTP = needs.contains(.http)
        // The details tree shows reassembled messages from their bytes (capped per message).
        if printer.needsTree || display != nil { options.pduBytesLimit = PacketPrinter.pduBytesLimit }
        let pipeline = PacketPipeline(loop: PacketLoop(follower: Follower(options: options)),
                                      next: reader.next, accept: { filter?.matches($0) ?? true },
                                      batching: reader.fileSize != nil)
        defer { KeptUntilExit.keep(pipeline) }
        var shown = 0
        var failure: CaptureWriteError?
        var writeFailed = false
        // A bar between the packet lines would garble them: only when they go elsewhere.
        var progress = ProgressBar(total: isatty(1) == 1 ? nil : reader.fileSize)
        // Read once: an option's property wrapper costs more per read than a packet's decode.
        let stream = stream, count = count
        // The last shown frame's time: with -Y or --stream, "previous displayed" is not
        // the previous frame.
        var lastShown: Timestamp?
        let showsEveryFrame = display == nil && stream == nil
        do {
            try pipeline.run { input in
                // The reader belongs to this thread, as the pipeline's reading side does.
                progress.update(bytes: reader.bytesConsumed, packets: input.frame.number)
                if let stream, input.analysis.tcpStream != stream && input.analysis.quotedTCPStream != stream { return true }
                // -c counts frames read, as tshark's -c does with -Y.
                shown += 1
                func show(_ input: FieldInput) -> Bool {
                    if let sink {
                        do throws(CaptureWriteError) { try sink.write(input.frame.raw) } catch {
                            failure = error
                            return false
                        }
                    } else {
                        printer.write(input)
                        if printer.out.writeError != nil {
                            writeFailed = true
                            return false
                        }
                    }
                    return true
                }
                if showsEveryFrame {
                    // The previous displayed frame is the previous frame, which the input
                    // already names (the first frame is its own previous): no copy of the
                    // input (about 500 bytes and five references) to say so again.
                    guard show(input) else { return false }
                } else {
                    var input = input
                    input.previousDisplayed = lastShown ?? input.frame.raw.timestamp
                    if display?.matches(input) ?? true {
                        lastShown = input.frame.raw.timestamp
                        guard show(input) else { return false }
                    }
                }
                if let count, shown >= count { return false }
                return true
            }
        } catch {
            progress.clear()
            printer.finish()
            try? sink?.close()
            printError("\(path): \(error)")
            return 1
        }
        progress.clear()
        // `-w - | head -c N`: the reader has what it wanted.
        if failure == .brokenPipe { return 0 }
        if let failure {
            printError("\(failure)")
            return 2
        }
        if writeFailed { return 0 }
        printer.finish()
        do { try sink?.close() } catch {
            if error == .brokenPipe { return 0 }
            printError("\(error)")
            return 2
        }
        return 0
    }
}

extension ReadCommand {
    /// `--check`: decode every frame (no follower needed) and report the damage.
    func checkFile(_ reader: CaptureFileReader, path: String) -> Int32 {
        var report = CheckReport()
        report.format = "\(reader.format)"
        var progress = ProgressBar(total: reader.fileSize)
        var number = 0
        do {
            while let raw = try reader.next() {
                number += 1
                report.add(FrameDecoder.decode(raw, number: number))
                progress.update(bytes: reader.bytesConsumed, packets: number)
            }
        } catch {
            report.fileError = "\(error)"
        }
        progress.clear()
        let out = OutputBuffer(fileDescriptor: 1)
        if output.format == .json {
            report.writeJSON(name: path, to: out)
        } else {
            report.writeText(name: path, to: out)
        }
        out.flush()
        return report.isClean ? 0 : 1
    }

    /// True when both paths name the same file (device and inode), so -w would destroy -r.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }
}

