import PcapLive

/// What `--version` reports: tcpwatch, the libpcap it is linked with, the Swift it was built with.
enum BuildInfo {
    static let version = "0.1.0"

    static var versionText: String {
        "tcpwatch \(version)\n\(libpcapVersion)\nbuilt with Swift \(swiftVersion)"
    }

    static var swiftVersion: String {
        #if compiler(>=6.5)
        "6.5 or later"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.0 or 6.1"
        #endif
    }
}
