import ArgumentParser
import Dissect
import Follow
import Views
import Foundation

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
        let follower = Follower(options: options)
        var transactions: [HTTPTransaction] = []
        follower.httpTransaction = { transactions.append($0) }
        var oversized: [HTTPHeadTooLarge] = []
        follower.httpHeadTooLarge = { oversized.append($0) }
        let status = CapturePass(input: input, follower: follower).run(stopWhen: { false }) { _ in }
        transactions.sort { ($0.request?.firstFrame ?? $0.response?.firstFrame ?? 0) < ($1.request?.firstFrame ?? $1.response?.firstFrame ?? 0) }
        let out = OutputBuffer(fileDescriptor: 1)
        let view = HTTPView(width: terminalWidth())
        view.writeHeader(to: out)
        for t in transactions { view.write(t, to: out) }
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
            printError("cannot create \(directory): \(error.localizedDescription)")
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
                printError("cannot write \(target.path): \(error.localizedDescription)")
            }
        }
        printError("exported \(written) bodies to \(directory)")
    }
}
