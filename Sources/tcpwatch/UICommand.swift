import ArgumentParser
import Dissect
import Engine
import Foundation
import PcapLive
import WebUI
#if canImport(Glibc)
import Glibc
#endif

struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open a capture (or capture live) in a local web page: packet list, details, bytes, views.",
        discussion: """
        Serves the page on 127.0.0.1 at a free port and prints its address, which carries a \
        token for this run; every request needs it. Open the address in a browser on this \
        machine (over SSH: ssh -L PORT:127.0.0.1:PORT host). Ctrl-C stops.

        Live capture needs the same rights as tcpwatch capture. Its packets go to a temporary \
        pcapng file, removed on exit; Save in the page downloads it.

        Examples:
          tcpwatch ui Fixtures/pcaps/http-get.pcap
          sudo tcpwatch ui -i lo -f 'tcp port 8080' -Z $USER
        """
    )

    @Argument(help: "The capture file, pcap or pcapng.")
    var file: String?

    @Option(name: .customShort("r"), help: ArgumentHelp("The capture file, as tshark -r.", valueName: "file"))
    var readFile: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Capture live on this interface instead of reading a file.", valueName: "iface"))
    var interface: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("BPF capture filter for live capture (tcpdump syntax).", valueName: "bpf"))
    var filter: String?

    @Option(name: .customShort("Z"), help: ArgumentHelp("After opening the capture, drop privileges to USER (tcpdump -Z).", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("The port to listen on (0, the default: a free one).", valueName: "port"))
    var port: UInt16 = 0

    @Option(help: ArgumentHelp("The address to listen on. Anything but loopback makes the page reachable from other machines (with the token).", valueName: "addr"))
    var listen = "127.0.0.1"

    func validate() throws {
        if file == nil && readFile == nil && interface == nil { throw ValidationError("give a capture file, -r FILE, or -i IFACE") }
        if file != nil && readFile != nil { throw ValidationError("give the capture file once, either as an argument or with -r") }
        if interface != nil && (file != nil || readFile != nil) { throw ValidationError("give either a file or -i IFACE, not both") }
        if filter != nil && interface == nil { throw ValidationError("-f is for live capture (-i); use the page's display filter for a file") }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, listen, &v4) != 1 && inet_pton(AF_INET6, listen, &v6) != 1 {
            throw ValidationError("--listen takes an IP address, e.g. 127.0.0.1")
        }
    }

    func run() throws {
        var options = UIServer.Options()
        options.listen = listen
        options.port = port
        if let interface { try runLive(interface, options: options) } else { try runFile(readFile ?? file ?? "-", options: options) }
    }

    private func serve(_ engine: CaptureEngine, live: Bool, options: UIServer.Options, what: String) -> UIServer {
        let server = UIServer(engine: engine, live: live, options: options)
        if !server.isLoopbackOnly {
            printError("warning: listening on \(listen): anyone who can reach this address and has the token can see the packets")
        }
        let started = DispatchSemaphore(value: 0)
        let failure = Locked<String?>(nil)
        Task.detached {
            do {
                try await server.run { url in
                    FileHandle.standardOutput.write(Data("tcpwatch ui: \(what) at \(url)\nCtrl-C stops.\n".utf8))
                    started.signal()
                }
            } catch {
                failure.set("cannot listen on \(options.listen):\(options.port): \(error)")
                started.signal()
            }
        }
        started.wait()
        if let message = failure.get() {
            printError(message)
            Foundation.exit(2)
        }
        return server
    }

    private func runFile(_ path: String, options: UIServer.Options) throws {
        guard path != "-" else {
            printError("ui needs a capture file it can read again (not standard input)")
            throw ExitCode(64)
        }
        let engine: CaptureEngine
        do {
            engine = try CaptureEngine(path: path)
        } catch {
            printError("\(path): \(error)")
            throw ExitCode(2)
        }
        StopSignal.install()
        let indexer = Thread { engine.index() }
        indexer.stackSize = 8 << 20
        indexer.start()
        _ = serve(engine, live: false, options: options, what: "serving \(path)")
        while !StopSignal.isRaised { usleep(100_000) }
    }

    private func runLive(_ interface: String, options serverOptions: UIServer.Options) throws {
        var options = LiveCapture.Options(interface: interface)
        options.filter = filter
        options.immediate = true
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: options)
        } catch {
            printError("\(error)")
            if case .filter = error { throw ExitCode(64) }
            throw ExitCode(2)
        }
        for warning in capture.warnings { printError("warning: \(warning)") }
        var template = "/tmp/tcpwatch-ui-XXXXXX".utf8CString
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            printError("cannot create a temporary directory in /tmp")
            throw ExitCode(2)
        }
        let directory = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let path = directory + "/live.pcapng"
        let removeFiles = {
            unlink(path)
            rmdir(directory)
        }
        let sink: CaptureSink
        let engine: CaptureEngine
        do {
            sink = try CaptureSink(path: path, format: .pcapng, linkType: capture.linkType,
                                   snaplen: capture.snapshotLength, interfaceName: interface)
            try sink.flush()
            engine = try CaptureEngine(livePath: path, interfaces: [])
        } catch {
            removeFiles()
            printError("\(error)")
            throw ExitCode(2)
        }
        if let user {
            // The engine reads the temporary capture again after root is gone.
            if let entry = getpwnam(user) {
                _ = chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid)
                _ = chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid)
            }
            do { try PrivilegeDrop.drop(to: user) } catch {
                removeFiles()
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        StopSignal.install()
        capture.armForSignals()
        let server = serve(engine, live: true, options: serverOptions, what: "capturing on \(interface)")
        _ = server
        var status: Int32 = 0
        var failure: String?
        while !StopSignal.isRaised {
            do {
                _ = try capture.readBatch { raw in
                    guard failure == nil else { return }
                    do { try sink.write(raw) } catch { failure = "\(error)" }
                    engine.ingest(raw)
                }
            } catch {
                failure = "\(error)"
            }
            if failure == nil {
                do { try sink.flush() } catch { failure = "\(error)" }
            }
            engine.publish()
            if let stats = capture.statistics() {
                engine.setLiveCounters(received: UInt64(stats.received), dropped: UInt64(stats.droppedByKernel))
            }
            if let failure {
                printError(failure)
                status = 1
                break
            }
        }
        engine.finishIndexing()
        removeFiles()
        if status != 0 { throw ExitCode(status) }
    }
}

/// A value shared with the server's task.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
