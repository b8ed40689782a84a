import ArgumentParser
import CommandSupport
import Dissect
import Engine
import Foundation
import PcapLive
import WebUI
#if canImport(Glibc)
import Glibc
#endif

/// `tcpwatch ui`, called by the binary through `dlopen` with the command's arguments
/// (`UIOptions.arguments`); returns the exit status.
@_cdecl("tcpwatch_ui_main")
public func tcpwatchUIMain(_ argc: Int32, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    let arguments = (0..<Int(argc)).map { String(cString: argv[$0]!) }
    do {
        try WebView(options: UIOptions.parse(arguments)).run()
        return 0
    } catch let code as ExitCode {
        return code.rawValue
    } catch {
        printError("ui: \(UIOptions.message(for: error))")
        return 64
    }
}

struct WebView {
    let options: UIOptions
    var listen: String { options.listen }
    var filter: String? { options.filter }
    var user: String? { options.user }

    func run() throws {
        var server = UIServer.Options()
        server.listen = options.listen
        server.port = options.port
        if let interface = options.interface { try runLive(interface, options: server) } else { try runFile(options.readFile ?? options.file ?? "-", options: server) }
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
        let capture = try LiveCapture.openReportingErrors(options)
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
