import ArgumentParser
import Dissect
import Views
#if canImport(Glibc)
import Glibc
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// tshark's -T json is the details tree; jsonl is tcpwatch's own flat object per line.
    case text, fields, json, ek, jsonl
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// Colour when asked, or when stdout is a terminal and NO_COLOR is not set.
    var enabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isatty(1) == 1 && getenv("NO_COLOR") == nil
        }
    }
}

/// The per-packet output options `read` and `capture` share, named as in tshark.
struct PacketOutputOptions: ParsableArguments {
    @Option(name: .customShort("T"), help: "Output format: text (default), fields (with -e), json or ek (tshark's -T, from the details tree), jsonl (one flat object per line).")
    var format: OutputFormat = .text

    @Option(name: .customShort("e"), help: "A field to print with -T fields, by its Wireshark name (repeatable).")
    var fields: [String] = []

    @Option(name: .customShort("E"), help: "Fields option as in tshark: header=y|n, separator=/t|/s|C, occurrence=a|f|l, aggregator=C.")
    var fieldOptions: [String] = []

    @Option(name: .customShort("t"), help: "Time format: r relative (default), a absolute, ad absolute with date, e epoch, d delta, dd delta from the previous displayed packet (tshark -t).")
    var timeFormat: String = "r"

    @Flag(name: .customShort("V"), help: "Show the packet details tree instead of the summary line (tshark -V).")
    var verbose = false

    @Flag(name: .customShort("P"), help: "With -V or -x, print the summary line too (tshark -P).")
    var printSummary = false

    @Flag(name: .customShort("x"), help: "Show a hex and ASCII dump of each packet (tshark -x).")
    var hex = false

    @Option(help: "Colour: auto (when stdout is a terminal), always, never. NO_COLOR is honoured.")
    var color: ColorChoice = .auto

    @Flag(help: "Do not cut summary lines to the terminal's width.")
    var wide = false

    func validate() throws {
        if format == .fields && fields.isEmpty { throw ValidationError("-T fields needs at least one -e FIELD") }
        if SummaryLine.TimeFormat(rawValue: timeFormat) == nil {
            throw ValidationError("-t must be one of r, a, ad, e, d, dd")
        }
        for option in fieldOptions where !option.contains("=") {
            throw ValidationError("-E takes key=value, e.g. -E header=y")
        }
    }

    func makePrinter() throws -> PacketPrinter {
        let out = OutputBuffer(fileDescriptor: 1)
        var fieldsView: FieldsView?
        if format == .fields {
            do {
                var view = try FieldsView(names: fields)
                for option in fieldOptions {
                    let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                    let value = parts.count > 1 ? parts[1] : ""
                    switch parts[0] {
                    case "header": view.header = value == "y"
                    case "separator":
                        view.separator = value == "/t" ? [9] : value == "/s" ? [32] : Array(value.utf8)
                    case "aggregator":
                        view.aggregator = value == "/s" ? 32 : value.utf8.first ?? 44
                    case "occurrence":
                        view.occurrence = value == "f" ? .first : value == "l" ? .last : .all
                    default:
                        throw ValidationError("unknown -E option '\(parts[0])'")
                    }
                }
                fieldsView = view
            } catch let error as UnknownFieldError {
                throw ValidationError(error.description)
            }
        }
        let summary = SummaryLine(timeFormat: SummaryLine.TimeFormat(rawValue: timeFormat) ?? .relative,
                                  color: color.enabled,
                                  width: !wide && isatty(1) == 1 ? terminalWidth() : nil)
        return PacketPrinter(out: out, format: format, fieldsView: fieldsView, summary: summary,
                             verbose: verbose, hex: hex, printSummary: printSummary || !verbose)
    }
}

/// Writes each frame in the chosen format.
final class PacketPrinter {
    let out: OutputBuffer
    let format: OutputFormat
    let fieldsView: FieldsView?
    let summary: SummaryLine
    let verbose: Bool
    let hex: Bool
    let printSummary: Bool
    private var wroteHeader = false
    private let flatJSON = JSONView()
    private let treeJSON: TSharkJSONView?

    init(out: OutputBuffer, format: OutputFormat, fieldsView: FieldsView?, summary: SummaryLine, verbose: Bool, hex: Bool,
         printSummary: Bool = true) {
        self.printSummary = printSummary
        self.out = out
        self.format = format
        self.fieldsView = fieldsView
        self.summary = summary
        self.verbose = verbose
        self.hex = hex
        treeJSON = format == .json ? TSharkJSONView(style: .json) : format == .ek ? TSharkJSONView(style: .ek) : nil
        treeJSON?.begin(to: out)
    }

    /// Reassembled HTTP messages kept for the tree, per message.
    static let pduBytesLimit = 1 << 20

    /// True when the output is built from the details tree.
    var needsTree: Bool {
        switch format {
        case .json, .ek: true
        case .text: verbose
        case .fields: fieldsView?.fields.contains { FieldRegistry.isTreeOnly($0.name) } ?? false
        case .jsonl: false
        }
    }

    /// What the follower must compute for this output: everything for the summary, JSON
    /// and details; only what the chosen fields need for -T fields.
    var needs: FieldNeeds {
        format == .fields ? fieldsView?.needs ?? [] : .everything
    }

    func write(_ input: FieldInput) {
        switch format {
        case .fields:
            guard let fieldsView else { return }
            if fieldsView.header && !wroteHeader {
                fieldsView.writeHeader(to: out)
                wroteHeader = true
            }
            fieldsView.write(input, to: out)
        case .json, .ek:
            treeJSON?.write(PacketTree.build(input), timestamp: input.frame.raw.timestamp, to: out)
        case .jsonl:
            flatJSON.write(input, to: out)
        case .text:
            if printSummary { summary.write(input, to: out) }
            if verbose { VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out) }
            if hex { HexDump.write(input.frame.bytes, to: out) }
        }
        out.flushIfFull()
    }

    func finish() {
        treeJSON?.end(to: out)
        out.flush()
    }
}

extension ConversationsView.Style: ExpressibleByArgument {}
extension FollowView.Format: ExpressibleByArgument {}
extension FollowView.Direction: ExpressibleByArgument {}
