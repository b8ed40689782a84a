import CPcap

/// The version string of the libpcap tcpwatch is linked with.
public var libpcapVersion: String { String(cString: pcap_lib_version()) }
