import ArgumentParser
import CommandSupport
import Dissect
import PcapLive

struct InterfacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interfaces",
        abstract: "List the interfaces libpcap can capture on (tcpdump -D; with -L, tcpdump -L).",
        discussion: """
        Examples:
          tcpwatch interfaces
          sudo tcpwatch interfaces -L
        """
    )

    @Flag(name: .customShort("L"), help: "Also list the link types each interface offers (needs capture permission).")
    var linkTypes = false

    func run() throws {
        let interfaces: [InterfaceInfo]
        do {
            interfaces = try LiveCapture.interfaces()
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        for (n, interface) in interfaces.enumerated() {
            var flags: [String] = []
            if interface.isUp { flags.append("Up") }
            if interface.isRunning { flags.append("Running") }
            if interface.isLoopback { flags.append("Loopback") }
            var line = "\(n + 1).\(interface.name)"
            if let description = interface.description { line += " (\(description))" }
            line += " [\(flags.joined(separator: ", "))]"
            print(line)
            if !interface.addresses.isEmpty { print("    addresses: \(interface.addresses.joined(separator: ", "))") }
            if linkTypes {
                do {
                    var options = LiveCapture.Options(interface: interface.name)
                    options.bufferMiB = 1
                    let capture = try LiveCapture(options: options)
                    let types = capture.availableLinkTypes().map { $0.name ?? "\($0.rawValue)" }
                    print("    link types: \(types.joined(separator: ", "))")
                } catch {
                    print("    link types: unavailable (\(error))")
                }
            }
        }
    }
}
