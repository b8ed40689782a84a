/// What a field holds, as Wireshark's `ftenum` says it: it decides how the value is
/// written in a details line, in `-T fields`, in JSON, and how a filter compares it.
public enum FieldType: String, Sendable, CaseIterable {
    /// A protocol's own node (`tcp`): its value is the bytes it spans.
    case protocolNode = "FT_PROTOCOL"
    /// A label only, no value (`FT_NONE`).
    case none = "FT_NONE"
    case boolean = "FT_BOOLEAN"
    case uint8 = "FT_UINT8", uint16 = "FT_UINT16", uint24 = "FT_UINT24", uint32 = "FT_UINT32", uint64 = "FT_UINT64"
    case int32 = "FT_INT32"
    case frameNumber = "FT_FRAMENUM"
    case ipv4 = "FT_IPv4", ipv6 = "FT_IPv6", ether = "FT_ETHER"
    case string = "FT_STRING"
    case bytes = "FT_BYTES"
    case absoluteTime = "FT_ABSOLUTE_TIME", relativeTime = "FT_RELATIVE_TIME"
    case double = "FT_DOUBLE"
    /// A single-precision float (OSPF-TE bandwidths).
    case float = "FT_FLOAT"

    /// Width in hex digits for BASE_HEX, as Wireshark pads each integer type.
    var hexDigits: Int {
        switch self {
        case .uint8: 2
        case .uint16: 4
        case .uint24: 6
        case .uint32, .int32, .frameNumber: 8
        case .uint64: 16
        default: 0
        }
    }

    /// Width in bits of an integer field, for bitmask lines.
    var bitWidth: Int { hexDigits * 4 }

    public var isInteger: Bool { hexDigits > 0 }
}

/// How an integer is written (`BASE_DEC`, `BASE_HEX`, …).
public enum FieldBase: String, Sendable {
    case none = "BASE_NONE", dec = "BASE_DEC", hex = "BASE_HEX", decHex = "BASE_DEC_HEX", hexDec = "BASE_HEX_DEC"
    /// An absolute time written as seconds since the epoch (`ABSOLUTE_TIME_UNIX`).
    case epoch = "ABSOLUTE_TIME_UNIX"
}

/// One field, declared once, as Wireshark's `hf_register_info`: the filter name, the
/// label, the type, the display base, the bitmask and the value names. The details line,
/// the `-T fields` text, the JSON key, the filter value and the byte range shown in the
/// web view all come from this declaration and the bytes the dissector points it at.
public struct HeaderField: Sendable, Hashable {
    /// The Wireshark name (`tcp.srcport`), also the filter and `-T fields` name.
    public let name: String
    /// The label in the details tree ("Source Port").
    public let label: String
    public let type: FieldType
    public let base: FieldBase
    /// For bit fields: the bits of the containing integer this field occupies.
    public let mask: UInt64
    /// For booleans with a mask: the width in bits of the integer holding them, as
    /// Wireshark's `FT_BOOLEAN, 12` declares it (the bit pattern's length).
    public let width: Int
    /// Names of values (`VALS`), or for booleans the true and false strings (`TFS`).
    public let names: ValueNames?
    /// One line for `tcpwatch fields` and completion.
    public let blurb: String

    public init(_ name: String, _ label: String, _ type: FieldType, _ base: FieldBase = .dec,
                width: Int = 0, mask: UInt64 = 0, names: ValueNames? = nil, blurb: String = "") {
        self.name = name
        self.label = label
        self.type = type
        // BASE_NONE on an integer with value names shows the name alone (checksum status).
        self.base = base
        self.width = width
        self.mask = mask
        self.names = names
        self.blurb = blurb
    }

    /// The protocol this field belongs to (`tcp` for `tcp.flags.syn`).
    public var protocolName: Substring { name.prefix { $0 != "." } }

    public static func == (a: HeaderField, b: HeaderField) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// `value_string`, `range_string` and `true_false_string`.
public enum ValueNames: Sendable {
    case values([UInt64: String])
    /// Wireshark's `range_string`: the first range that holds the value names it.
    case ranges([(ClosedRange<UInt64>, String)])
    case trueFalse(String, String)

    func name(for value: UInt64) -> String? {
        switch self {
        case .values(let table): table[value]
        case .ranges(let table): table.first { $0.0.contains(value) }?.1
        case .trueFalse(let yes, let no): value != 0 ? yes : no
        }
    }
}

/// A protocol's declaration: its node and every field it can add.
public struct ProtocolDeclaration: Sendable {
    public let node: HeaderField
    public let fields: [HeaderField]

    public init(_ name: String, _ label: String, fields: [HeaderField]) {
        node = HeaderField(name, label, .protocolNode)
        self.fields = fields
    }
}

extension ValueNames {
    static let setNotSet = ValueNames.trueFalse("Set", "Not set")
    static let trueFalse = ValueNames.trueFalse("True", "False")
    static let yesNo = ValueNames.trueFalse("Yes", "No")
}
