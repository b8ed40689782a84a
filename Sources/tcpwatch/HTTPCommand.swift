import ArgumentParser
import CommandSupport
import Dissect
import Follow
import Views
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct HTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "List HTTP/1.x requests and responses on the reassembled streams; export their bodies.",
        discussion: """
        Content-Length, chunked and close-delimited bodies are handled, and keep-alive and \
        pipelined requests are paired with their responses. --export writes the de-chunked \
        bodies into DIR, like Wireshark's Export Objects; names come from the URI, sanitized, \
        and never leave DIR.

        Examples:
          tcpwatch http Fixtures/pcaps/http-keepalive.pcap
          tcpwatch http Fixtures/pcaps/http-get.pcap --export /tmp/objects
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(help: "Write each response body into DIR.")
    var export: String?

    @Option(help: "Largest body kept for export, in MiB.")
    var maxBody: Int = 64

    func run() throws {
        // The bodies are exported after the table is printed: a closed pipe must not cut that short.
        if export != nil { BrokenPipe.handleInCommand() }
        var options = FollowerOptions()
        options.trackHTTP = true
        options.keepHTTPTransactions = true
        options.httpBodyLimit = export == nil ? 0 : maxBody << 20
        // Live, a closed conversation is reported after 1 s of quiet instead of 60 s.
        if input.interface != nil { options.closedLinger = 1 }
        let follower = Follower(options: options)
        var transactions: [HTTPTransaction] = []
        var oversized: [HTTPHeadTooLarge] = []
        follower.httpHeadTooLarge = { oversized.append($0) }
        let out = OutputBuffer(fileDescriptor: 1)
        let view = HTTPView(width: terminalWidth())
        // Live, each transaction is printed (under a header written with the first one)
        // as soon as it is complete; from a file they are sorted by their first frame.
        let live = input.interface != nil
        var wroteHeader = false
        follower.httpTransaction = { t in
            guard live else { return transactions.append(t) }
            if export != nil { transactions.append(t) }
            if !wroteHeader { view.writeHeader(to: out); wroteHeader = true }
            view.write(t, to: out)
            out.flush()
        }
        let status = CapturePass(input: input, follower: follower).run(stopWhen: { false }) { _ in }
        if !live {
            transactions.sort { ($0.request?.firstFrame ?? $0.response?.firstFrame ?? 0) < ($1.request?.firstFrame ?? $1.response?.firstFrame ?? 0) }
            view.writeHeader(to: out)
            for t in transactions { view.write(t, to: out) }
        } else if !wroteHeader && status == 0 {
            view.writeHeader(to: out)
        }
        out.flush()
        for head in oversized.sorted(by: { $0.firstFrame < $1.firstFrame }) {
            printError("note: tcp.stream \(head.stream): the HTTP \(head.isResponse ? "response" : "request") head from frame \(head.firstFrame) is longer than \(HTTPHeadTooLarge.limit / 1024) KiB (\(head.bytesRead) bytes read without its end); it and the later messages in that direction are not listed")
        }
        if let export {
            try exportBodies(transactions, to: export)
        }
        if status != 0 { throw ExitCode(status) }
    }

    func exportBodies(_ transactions: [HTTPTransaction], to directory: String) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            printError("cannot create \(directory): \(FileErrorText.describe(error))")
            throw ExitCode(2)
        }
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        var written = 0
        for (index, t) in transactions.enumerated() {
            guard let body = t.response?.body, !body.isEmpty else { continue }
            let name = HTTPView.exportName(for: t, index: index)
            let target = root.appendingPathComponent(name).standardizedFileURL
            // The name is sanitized already; this is the belt to its braces.
            guard target.deletingLastPathComponent().path == root.path else { continue }
            do {
                try Data(body).write(to: target, options: .withoutOverwriting)
                written += 1
                if t.response?.bodyTruncated == true { printError("note: \(name) was cut at \(maxBody) MiB") }
            } catch {
                printError("cannot write \(target.path): \(FileErrorText.describe(error))")
            }
        }
        printError("exported \(written) bodies to \(directory)")
    }
}
