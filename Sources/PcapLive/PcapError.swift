#if canImport(Glibc)
import Glibc
#endif

/// Everything that can go wrong between tcpwatch and libpcap, each with one clear line.
public enum PcapError: Error, CustomStringConvertible, Equatable {
    case filter(expression: String, message: String)
    case permissionDenied(interface: String, message: String)
    case noSuchDevice(interface: String, available: [String])
    case interfaceDown(interface: String)
    case activation(interface: String, message: String)
    case setting(String, interface: String, message: String)
    case capture(message: String)

    public var description: String {
        switch self {
        case .filter(let expression, let message):
            "invalid capture filter '\(expression)': \(message)"
        case .permissionDenied(let interface, let message):
            "permission denied capturing on \(interface) (\(message)): capturing needs root or CAP_NET_RAW; run with sudo, or give tcpwatch the capabilities once: sudo setcap cap_net_raw,cap_net_admin+eip \(executablePath ?? "$(which tcpwatch)")"
        case .noSuchDevice(let interface, let available):
            "no such interface '\(interface)'; available: \(available.joined(separator: ", "))"
        case .interfaceDown(let interface):
            "interface \(interface) is down; bring it up with: sudo ip link set \(interface) up"
        case .activation(let interface, let message):
            "cannot capture on \(interface): \(message)"
        case .setting(let what, let interface, let message):
            "cannot set \(what) on \(interface): \(message)"
        case .capture(let message):
            "capture failed: \(message)"
        }
    }
}

/// This program's own path (`/proc/self/exe`), to make the `setcap` hint copy-pasteable.
var executablePath: String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
