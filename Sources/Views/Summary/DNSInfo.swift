import Dissect

/// DNS Info text: `Standard query 0x1a2b A www.lab.test`.
enum DNSInfo {
    static func write(_ dns: DNS, frame: Frame, to out: OutputBuffer) {
        out.ascii(dns.isResponse ? "Standard query response " : "Standard query ")
        out.hex(dns.id, width: 4)
    }
}
