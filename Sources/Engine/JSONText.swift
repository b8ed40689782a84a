/// A small JSON writer for the engine's answers: keys in a fixed order, strings escaped so
/// that no byte of a packet can end a string or open markup (`<`, `>`, `&` and the line
/// separators are written as `\u` escapes too).
public struct JSONText {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]
    private var afterKey = false

    public init() {}

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func valueStart() {
        if afterKey {
            afterKey = false
            return
        }
        if needsComma[needsComma.count - 1] { bytes.append(44) }
        needsComma[needsComma.count - 1] = true
    }

    /// Writes `"name":`; the next value belongs to it.
    public mutating func key(_ name: String) {
        valueStart()
        Self.appendString(name, to: &bytes)
        bytes.append(58)
        afterKey = true
    }

    public mutating func string(_ value: String) { valueStart(); Self.appendString(value, to: &bytes) }
    public mutating func int(_ value: Int) { valueStart(); bytes.append(contentsOf: String(value).utf8) }
    public mutating func double(_ value: Double) {
        valueStart()
        bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    }
    public mutating func bool(_ value: Bool) { valueStart(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    public mutating func null() { valueStart(); bytes.append(contentsOf: "null".utf8) }
    /// Already-encoded JSON (a stored row).
    public mutating func raw(_ json: some Collection<UInt8>) { valueStart(); bytes.append(contentsOf: json) }
    public mutating func object(_ body: (inout JSONText) -> Void) {
        valueStart(); bytes.append(123); needsComma.append(false)
        body(&self)
        needsComma.removeLast(); bytes.append(125)
    }
    public mutating func array(_ body: (inout JSONText) -> Void) {
        valueStart(); bytes.append(91); needsComma.append(false)
        body(&self)
        needsComma.removeLast(); bytes.append(93)
    }

    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }
    public mutating func field(_ name: String, _ value: Int?) {
        key(name)
        if let value { int(value) } else { null() }
    }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `value` as a JSON string literal.
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(34)
        var copy = value
        copy.withUTF8 { utf8 in
            var i = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                switch b {
                case 0x22: out.append(92); out.append(34)
                case 0x5c: out.append(92); out.append(92)
                case 0x0a: out.append(92); out.append(110)
                case 0x0d: out.append(92); out.append(114)
                case 0x09: out.append(92); out.append(116)
                case 0..<0x20, 0x3c, 0x3e, 0x26, 0x7f:
                    out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 0xf)]])
                case 0xe2 where i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xa8 || utf8[i + 2] == 0xa9):
                    // U+2028 and U+2029 end a line in JavaScript.
                    out.append(contentsOf: [92, 117, 50, 48, 50, utf8[i + 2] == 0xa8 ? 56 : 57])
                    i += 2
                default:
                    out.append(b)
                }
                i += 1
            }
        }
        out.append(34)
    }
}
