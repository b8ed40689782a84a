import ArgumentParser
import CommandSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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

    @OptionGroup var options: UIOptions

    func run() throws {
        let status = try WebViewLibrary.run(options.arguments)
        if status != 0 { throw ExitCode(status) }
    }
}

/// The web view (its server, the engine behind it, and Foundation's networking stack that
/// the server package links) is a library of its own, loaded by `ui` alone: every other
/// command's process maps about 6.5 MB fewer pages without it. It runs in this process,
/// so a live capture keeps the binary's capabilities.
enum WebViewLibrary {
    #if os(macOS)
    static let fileName = "libTcpwatchUI.dylib"
    #else
    static let fileName = "libTcpwatchUI.so"
    #endif

    /// Next to the binary (the build directory), then in `../lib/tcpwatch` (`make install`).
    static var candidates: [String] {
        let directory = executableDirectory()
        return [directory + "/" + fileName, directory + "/../lib/tcpwatch/" + fileName]
    }

    static func executableDirectory() -> String {
        var path = CommandLine.arguments.first ?? "."
        #if os(Linux)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        if n > 0 { path = String(decoding: buffer[0..<n], as: UTF8.self) }
        #endif
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// Runs `tcpwatch ui` with `arguments` in the library; returns its exit status.
    static func run(_ arguments: [String]) throws -> Int32 {
        var failures: [String] = []
        for path in candidates {
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                if let message = dlerror() { failures.append(String(cString: message)) }
                continue
            }
            guard let symbol = dlsym(handle, "tcpwatch_ui_main") else {
                failures.append("\(path): no entry point tcpwatch_ui_main")
                continue
            }
            typealias Entry = @convention(c) (Int32, UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32
            let entry = unsafeBitCast(symbol, to: Entry.self)
            var argv = arguments.map { strdup($0) }
            argv.append(nil)
            defer { for p in argv { free(p) } }
            return argv.withUnsafeBufferPointer { entry(Int32(arguments.count), $0.baseAddress!) }
        }
        printError("ui needs \(fileName) next to the binary or in ../lib/tcpwatch (swift build --product TcpwatchUI "
                   + "builds it, make install installs it): " + (failures.first ?? "not found"))
        throw ExitCode(2)
    }
}
