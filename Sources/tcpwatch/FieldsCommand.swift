import ArgumentParser
import Views

/// `tcpwatch fields [PREFIX]`: the field list, as `tshark -G fields` prints it.
struct FieldsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fields",
        abstract: "List every protocol and field tcpwatch knows, like tshark -G fields.",
        discussion: """
        Each line is tab-separated: P, label, name for a protocol; F, label, name, type, \
        protocol, base (or a boolean's width), bitmask, description for a field. Every name \
        listed works with read -T fields -e, with -Y filters, and in the web view.

        Examples:
          tcpwatch fields tcp.analysis
          tcpwatch fields | cut -f3 | grep dns
        """
    )

    @Argument(help: "Only names that start with this (tcp, tcp.flags, dns.qry).")
    var prefix: String = ""

    func run() throws {
        let out = OutputBuffer(fileDescriptor: 1)
        for line in FieldCatalog.lines(prefix: prefix) {
            out.string(line)
            out.byte(10)
            out.flushIfFull()
        }
        out.flush()
    }
}
