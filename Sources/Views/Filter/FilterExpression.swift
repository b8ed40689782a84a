import Dissect

/// A byte range of a slice, `[i:j]`, `[i-j]`, `[i]`, `[i:]` or `[:j]`; negative starts
/// count from the end.
struct SliceRange: Equatable {
    var start: Int
    /// nil: to the end.
    var length: Int?

    /// The bytes this range selects, or nil when the value is too short.
    func apply(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let from = start < 0 ? bytes.count + start : start
        guard from >= 0, from <= bytes.count else { return nil }
        // Compared before adding: `[0:9223372036854775807]` must not overflow.
        if let length, length > bytes.count - from { return nil }
        let to = length.map { from + $0 } ?? bytes.count
        guard to >= from else { return nil }
        return bytes[(bytes.startIndex + from)..<(bytes.startIndex + to)]
    }
}

enum ArithmeticOperator: Equatable {
    case add, subtract, multiply, divide, modulo

    var symbol: String {
        switch self {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        case .modulo: "%"
        }
    }
}

/// The display-filter functions of Wireshark 4.0 (`epan/dfilter/dfunctions.c`).
enum FilterFunction: String, CaseIterable {
    case len, count, lower, upper, string, max, min, abs
}

/// Values that tcpwatch reads straight from the frame's layer views instead of the field
/// registry: protocols as byte strings, the byte fields users filter on, and a few fields
/// the registry does not declare yet. The registry wins when it declares the same name.
enum NativeField: Equatable {
    /// A protocol's bytes. `[...]`, `==` and `len()` see the protocol's own item (its
    /// header: `len(tcp)` is the header length in tshark); `contains` and `matches` see
    /// everything from its first byte to the end of its PDU, as Wireshark's FT_PROTOCOL
    /// searches the whole tvb it was handed.
    case proto(Layer)
    case tcpPayload, udpPayload, dataData
    case ethAddr
    case frameTime

    static let byName: [String: NativeField] = {
        var table: [String: NativeField] = [
            "tcp.payload": .tcpPayload, "udp.payload": .udpPayload, "data.data": .dataData,
            "eth.addr": .ethAddr, "frame.time": .frameTime,
        ]
        for layer in [Layer.frame, .eth, .sll, .ip, .ipv6, .arp, .icmp, .icmpv6, .tcp, .udp, .dns, .http, .data] {
            table[layer.description] = .proto(layer)
        }
        return table
    }()

    var type: FilterType {
        switch self {
        case .proto: .protocol
        case .tcpPayload, .udpPayload, .dataData: .bytes
        case .ethAddr: .mac
        case .frameTime: .absoluteTime
        }
    }

    var name: String {
        switch self {
        case .proto(let layer): layer.description
        case .tcpPayload: "tcp.payload"
        case .udpPayload: "udp.payload"
        case .dataData: "data.data"
        case .ethAddr: "eth.addr"
        case .frameTime: "frame.time"
        }
    }
}

/// An operand: something that yields zero or more values for a frame. Literals are typed
/// by the parser from the other side of the comparison before they become `.constant`.
indirect enum FilterExpr {
    /// A registry field's occurrences, read as `type`; `layer` keeps only the occurrences
    /// of the listed protocol layers (`ip.src#2`, `ip.src#[2-3]`, counting from 1).
    case field(FieldDefinition, FilterType, layer: ClosedRange<Int>?)
    case native(NativeField, layer: ClosedRange<Int>?)
    case constant(FilterValue)
    /// `${field}`: a reference to the selected packet's field. The command line has no
    /// selected packet, so, as in tshark, it has no value.
    case nothing
    /// The bytes of a value of the given type (MACs are 6 bytes, IPv4 4, IPv6 16).
    case slice(FilterExpr, FilterType, [SliceRange])
    case bitwiseAnd(FilterExpr, FilterExpr)
    case arithmetic(ArithmeticOperator, FilterExpr, FilterExpr)
    case negate(FilterExpr)
    case function(FilterFunction, [FilterExpr])
}

enum SetElement {
    case value(FilterValue)
    case range(FilterValue, FilterValue)
}

/// The compiled filter: a tree of tests over expressions. Every literal is already a
/// typed value; evaluation never looks at the filter text again.
indirect enum FilterNode {
    case constant(Bool)
    /// Every operand holds, tested in order. A chain `a && b && c` is one node, so a long
    /// chain costs no depth (and no recursion) when it is evaluated or freed.
    case and([FilterNode])
    /// Some operand holds, tested in order.
    case or([FilterNode])
    case not(FilterNode)
    /// The expression has at least one value (a field is present, a slice fits).
    case exists(FilterExpr)
    /// The protocol is one of the frame's layers (`frame.protocols`).
    case layer([UInt8])
    /// `a & b` on its own: some value is not zero.
    case nonZero(FilterExpr)
    case relation(FilterExpr, RelationOperator, FilterExpr)
    case member(FilterExpr, [SetElement])
    /// The second operand's bytes occur in the first's; `wide`: protocols as their PDUs.
    case contains(FilterExpr, FilterExpr)
    case matches(FilterExpr, BoundedRegex)
}
