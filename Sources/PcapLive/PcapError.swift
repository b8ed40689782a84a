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
            "permission denied capturing on \(interface) (\(message)): run with sudo, or give the binary the capabilities once: sudo setcap cap_net_raw,cap_net_admin+eip $(which tcpwatch)"
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
