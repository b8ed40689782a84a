import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `tcpwatch ui`'s options. The command itself runs in the web view's library
/// (`libTcpwatchUI.so`, loaded only by `ui`), which parses them again from `arguments`:
/// the web server and the Foundation networking stack it links stay out of every other
/// command's process.
public struct UIOptions: ParsableArguments {
    @Argument(help: "The capture file, pcap or pcapng.")
    public var file: String?

    @Option(name: .customShort("r"), help: ArgumentHelp("The capture file, as tshark -r.", valueName: "file"))
    public var readFile: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Capture live on this interface instead of reading a file.", valueName: "iface"))
    public var interface: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("BPF capture filter for live capture (tcpdump syntax).", valueName: "bpf"))
    public var filter: String?

    @Option(name: .customShort("Z"), help: ArgumentHelp("After opening the capture, drop privileges to USER (tcpdump -Z).", valueName: "user"))
    public var user: String?

    @Option(help: ArgumentHelp("The port to listen on (0, the default: a free one).", valueName: "port"))
    public var port: UInt16 = 0

    @Option(help: ArgumentHelp("The address to listen on. Anything but loopback makes the page reachable from other machines (with the token).", valueName: "addr"))
    public var listen = "127.0.0.1"

    public init() {}

    public func validate() throws {
        if file == nil && readFile == nil && interface == nil { throw ValidationError("give a capture file, -r FILE, or -i IFACE") }
        if file != nil && readFile != nil { throw ValidationError("give the capture file once, either as an argument or with -r") }
        if interface != nil && (file != nil || readFile != nil) { throw ValidationError("give either a file or -i IFACE, not both") }
        if filter != nil && interface == nil { throw ValidationError("-f is for live capture (-i); use the page's display filter for a file") }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, listen, &v4) != 1 && inet_pton(AF_INET6, listen, &v6) != 1 {
            throw ValidationError("--listen takes an IP address, e.g. 127.0.0.1")
        }
    }

    /// The options as arguments that parse back to the same values.
    public var arguments: [String] {
        var args: [String] = []
        if let readFile { args += ["-r", readFile] }
        if let interface { args += ["-i", interface] }
        if let filter { args += ["-f", filter] }
        if let user { args += ["-Z", user] }
        args += ["--port", String(port), "--listen", listen]
        if let file { args += ["--", file] }
        return args
    }
}
