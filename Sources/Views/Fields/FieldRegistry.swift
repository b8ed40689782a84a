import Dissect
import Follow

/// What kind of value a field holds, for filters and comparisons. The text a field
/// writes is the value in tshark's notation for its kind.
public enum FieldKind: Sendable {
    /// A number, written in decimal or as `0x` hex.
    case unsigned
    case boolean
    case ipv4, ipv6, mac
    case string
    /// Seconds with a fraction.
    case time
}

/// What a field needs the follower to compute, so a view that prints only cheap fields
/// can run a lighter pass.
public struct FieldNeeds: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Wireshark's sequence analysis (`tcp.analysis.*`, `tcp.completeness`).
    public static let analysis = FieldNeeds(rawValue: 1)
    /// HTTP message tracking on the reassembled streams.
    public static let http = FieldNeeds(rawValue: 2)
    public static let everything: FieldNeeds = [.analysis, .http]
}

/// One named field, readable from a frame and its analysis.
public struct FieldDefinition: Sendable {
    public let name: String
    public let summary: String
    public let kind: FieldKind
    public var needs: FieldNeeds = []
    /// Writes every occurrence of the field, each after `occurrences.next()`.
    public let write: @Sendable (FieldInput, inout Occurrences) -> Void
}

/// The one table of fields, by Wireshark's names. `-T fields`, `-T json`, filters and
/// assertions all look fields up here.
public enum FieldRegistry {
    public static let all: [FieldDefinition] = (FrameFields.all + LinkFields.all + NetworkFields.all
        + TransportFields.all + AnalysisFields.all + ApplicationFields.all).map(withNeeds)

    /// Which follower work each field depends on. `frame.protocols` and the summary line
    /// depend on both: the application layer is decided by HTTP tracking and analysis.
    private static func withNeeds(_ field: FieldDefinition) -> FieldDefinition {
        var f = field
        if f.name == "frame.protocols" { f.needs = .everything }
        if f.name.hasPrefix("tcp.analysis.") || f.name == "tcp.completeness" { f.needs.insert(.analysis) }
        if f.name.hasPrefix("http.") { f.needs = .everything }
        return f
    }

    private static let byName: [String: FieldDefinition] = {
        var table: [String: FieldDefinition] = [:]
        for field in all { table[field.name] = field }
        return table
    }()

    /// A field by its Wireshark name: the fast writer when there is one, else the value
    /// read from the details tree (every declared field and protocol name).
    public static func field(named name: String) -> FieldDefinition? {
        byName[name] ?? treeOnly[name]
    }

    /// True for fields read from the details tree rather than a fast writer.
    public static func isTreeOnly(_ name: String) -> Bool { byName[name] == nil && treeOnly[name] != nil }

    /// Every name `field(named:)` accepts, for completion and `tcpwatch fields`.
    public static var allNames: [String] {
        var names = Set(byName.keys)
        names.formUnion(PacketTree.fieldsByName.keys)
        return names.sorted()
    }

    private static let treeOnly: [String: FieldDefinition] = {
        var table: [String: FieldDefinition] = [:]
        for name in PacketTree.fieldsByName.keys where byName[name] == nil {
            table[name] = TreeFields.definition(for: name)
        }
        return table
    }()

    /// Known names closest to `name`, for "did you mean" messages.
    public static func suggestions(for name: String, limit: Int = 3) -> [String] {
        // The edit distance is at least the difference in length: past this length no
        // field can be close enough (or start with the name), and the quadratic distance
        // of a 1 MB word against every field would take minutes.
        guard name.utf8.count <= 2 * longestName + 3 else { return [] }
        let scored = allNames.map { ($0, editDistance($0, name)) }
        let best = scored.filter { $0.1 <= max(2, name.count / 3) || $0.0.hasPrefix(name) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return Array(best.prefix(limit).map(\.0))
    }

    private static let longestName = allNames.map(\.utf8.count).max() ?? 0

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Shorthand for building definitions.
func field(_ name: String, _ summary: String, _ kind: FieldKind = .unsigned,
           _ write: @escaping @Sendable (FieldInput, inout Occurrences) -> Void) -> FieldDefinition {
    FieldDefinition(name: name, summary: summary, kind: kind, write: write)
}

extension Occurrences {
    mutating func decimal<T: BinaryInteger>(_ value: T?) {
        guard let value else { return }
        next()
        out.decimal(value)
    }

    mutating func hex<T: FixedWidthInteger>(_ value: T?, width: Int) {
        guard let value else { return }
        next()
        out.hex(value, width: width)
    }

    mutating func boolean(_ value: Bool?) {
        guard let value else { return }
        next()
        out.byte(value ? 49 : 48)
    }

    mutating func ipv4(_ value: IPv4Address?) {
        guard let value else { return }
        next()
        out.ipv4(value)
    }

    mutating func ipv6(_ value: IPv6Address?) {
        guard let value else { return }
        next()
        out.ipv6(value)
    }

    mutating func mac(_ value: MACAddress?) {
        guard let value else { return }
        next()
        out.mac(value)
    }
}
