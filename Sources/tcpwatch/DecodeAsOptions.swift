import ArgumentParser
import Dissect

/// `-d tcp.port==8443,tls`: Wireshark's Decode As, for the views that read frames.
struct DecodeAsOptions: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("decode-as")],
            help: "Decode a TCP port as a protocol, as tshark -d: tcp.port==PORT,tls or tcp.port==PORT,ssh (repeatable).")
    var decodeAs: [String] = []

    @Option(help: "Turn on a heuristic tshark 4.0 lacks: ssh (SSH on any TCP port whose data starts with a banner).")
    var enableHeuristic: [String] = []

    /// Checks the specs and installs them in the decoder's table, which is read-only from
    /// then on (this runs before any frame is decoded).
    func validate() throws {
        try Self.install(decodeAs)
        try Self.enable(enableHeuristic)
    }

    static func enable(_ names: [String]) throws {
        for name in names {
            guard name == "ssh" || name == "ssh_tcp" else {
                throw ValidationError("--enable-heuristic knows ssh, not '\(name)'")
            }
            DecodeAs.heuristics.insert(.ssh)
        }
    }

    static func install(_ specs: [String]) throws {
        for spec in specs {
            guard let (port, layer) = DecodeAs.parse(spec) else {
                throw ValidationError("-d needs tcp.port==PORT,PROTOCOL with PROTOCOL one of \(DecodeAs.protocols.keys.sorted().joined(separator: ", ")), not '\(spec)'")
            }
            DecodeAs.tcpPorts[port] = layer
        }
    }
}
