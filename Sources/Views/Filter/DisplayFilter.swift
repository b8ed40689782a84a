import Dissect

/// A Wireshark display filter (`-Y`), compiled once and evaluated per frame over the
/// field registry's occurrences.
///
/// ```swift
/// let filter = try DisplayFilter("tcp.flags.syn == 1 && ip.addr == 10.77.0.0/24")
/// if filter.matches(input) { ... }
/// ```
///
/// Semantics follow tshark 4.0 on fields with several occurrences (`ip.addr`,
/// `tcp.port`, `dns.a`, ...):
/// - `==`, `<`, `<=`, `>`, `>=`, `contains`, `matches`, `in`: some occurrence satisfies it;
/// - `!=` (`ne`, `all_ne`): the field is present and no occurrence equals, the same as
///   `field && !(field == value)`, so `ip.addr != 10.0.0.1` drops every packet to or
///   from 10.0.0.1;
/// - `!==` (`~=`, `any_ne`): some occurrence differs (the pre-3.6 meaning of `!=`);
/// - `===` (`all_eq`): the field is present and every occurrence equals;
/// - `not in` is `!(field in {...})`, true also when the field is absent.
///
/// Values, as in wireshark-filter(4) for 4.0: protocols as byte strings (`frame`, `eth`,
/// `ip`, `tcp`, `udp`, `http`, ...; sliced and compared as their header item, searched
/// by `contains` and `matches` to the end of their PDU), byte fields (`tcp.payload`,
/// `udp.payload`, `data.data`), slices of anything that has bytes (`tcp[13]`, `eth.src[-1]`,
/// `tcp[0:4][2:]`), `&`, `+ - * / %` and unary minus on integers (`{...}` groups them),
/// the functions `len count lower upper string max min abs`, layers (`ip.src#2`), and
/// `${field}`, which has no value on the command line (there is no selected packet).
/// Arithmetic on several occurrences combines every pair, as tshark does.
///
/// Evaluation is not thread-safe: a filter keeps scratch buffers. Copy the text and
/// compile one filter per thread.
public struct DisplayFilter {
    /// The filter as given.
    public let text: String
    private let program: FilterProgram

    public init(_ text: String) throws(DisplayFilterError) {
        self.text = text
        var parser = try FilterParser(text)
        program = FilterProgram(root: try parser.parse())
    }

    /// Whether the frame passes the filter. The empty filter passes every frame.
    public func matches(_ input: FieldInput) -> Bool {
        program.evaluate(input)
    }
}

/// The compiled tree and the scratch space its evaluation reuses frame after frame.
///
/// An expression evaluates to a run of values appended to `values`; operators read their
/// operands' runs and append their results after them. `values` is emptied before each
/// test, so after the first frames it no longer grows.
final class FilterProgram {
    let root: FilterNode
    /// Occurrences are written here, NUL-separated, then read as values.
    private let scratch = OutputBuffer(fileDescriptor: nil, flushThreshold: 4096)
    private var values: [FilterValue] = []
    private let protocols = FieldRegistry.field(named: "frame.protocols")
    /// The frame's bytes, copied once per frame on the first use by a protocol or byte
    /// field, so byte values can be slices like the registry's.
    private var frameBytes: [UInt8] = []
    /// How much of `frameBytes` is this frame's (the array only grows).
    private var frameLength = 0
    private var frameBytesValid = false
    /// `frame.protocols` of the frame being evaluated, written on the first layer test.
    private let protocolsText = OutputBuffer(fileDescriptor: nil, flushThreshold: 256)
    private var protocolsValid = false

    init(root: FilterNode) {
        self.root = root
        values.reserveCapacity(16)
    }

    func evaluate(_ input: FieldInput) -> Bool {
        frameBytesValid = false
        protocolsValid = false
        // The last frame's values may still hold slices of `frameBytes`: dropping them
        // keeps the array uniquely owned, so refilling it copies nothing else.
        values.removeAll(keepingCapacity: true)
        return evaluate(root, input)
    }

    func evaluate(_ node: FilterNode, _ input: FieldInput) -> Bool {
        switch node {
        case .constant(let value):
            return value
        case .and(let operands):
            return operands.allSatisfy { evaluate($0, input) }
        case .or(let operands):
            return operands.contains { evaluate($0, input) }
        case .not(let a):
            return !evaluate(a, input)
        case .layer(let name):
            return hasLayer(name, input)
        case .exists(let expr):
            values.removeAll(keepingCapacity: true)
            return !eval(expr, input, wide: false).isEmpty
        case .nonZero(let expr):
            values.removeAll(keepingCapacity: true)
            return eval(expr, input, wide: false).contains { i in Self.isNonZero(values[i]) }
        case .relation(let left, let op, let right):
            values.removeAll(keepingCapacity: true)
            let l = eval(left, input, wide: false)
            if l.isEmpty { return false }
            let r = eval(right, input, wide: false)
            return Self.relate(op, values[l], values[r])
        case .member(let expr, let elements):
            values.removeAll(keepingCapacity: true)
            return values[eval(expr, input, wide: false)].contains { value in
                elements.contains { element in
                    switch element {
                    case .value(let v):
                        return FilterValue.compare(value, v) == 0
                    case .range(let low, let high):
                        guard let a = FilterValue.compare(value, low), let b = FilterValue.compare(value, high) else { return false }
                        return a >= 0 && b <= 0
                    }
                }
            }
        case .contains(let left, let right):
            values.removeAll(keepingCapacity: true)
            let l = eval(left, input, wide: true)
            if l.isEmpty { return false }
            let r = eval(right, input, wide: false)
            return values[l].contains { h in values[r].contains { n in FilterValue.contains(h, n) } }
        case .matches(let expr, let regex):
            values.removeAll(keepingCapacity: true)
            return values[eval(expr, input, wide: true)].contains { value in
                guard case .bytes(let bytes) = value else { return false }
                return regex.matches(bytes)
            }
        }
    }

    static func isNonZero(_ value: FilterValue) -> Bool {
        switch value {
        case .scalar(let v): v != 0
        case .signed(let v): v != 0
        case .wide(let h, let l): h != 0 || l != 0
        case .bytes(let b): b.contains { $0 != 0 }
        case .masked, .maskedWide: true
        }
    }

    /// tshark 4.0's operators over every pair of values.
    static func relate(_ op: RelationOperator, _ left: ArraySlice<FilterValue>, _ right: ArraySlice<FilterValue>) -> Bool {
        func any(_ test: (Int) -> Bool) -> Bool {
            left.contains { l in right.contains { r in FilterValue.compare(l, r).map(test) ?? false } }
        }
        func all(_ test: (Int) -> Bool) -> Bool {
            !left.isEmpty && !right.isEmpty
                && left.allSatisfy { l in right.allSatisfy { r in FilterValue.compare(l, r).map(test) ?? false } }
        }
        switch op {
        case .anyEqual: return any { $0 == 0 }
        case .allNotEqual: return all { $0 != 0 }
        case .allEqual: return all { $0 == 0 }
        case .anyNotEqual: return any { $0 != 0 }
        case .less: return any { $0 < 0 }
        case .lessOrEqual: return any { $0 <= 0 }
        case .greater: return any { $0 > 0 }
        case .greaterOrEqual: return any { $0 >= 0 }
        }
    }

    // MARK: values

    /// Appends the values of `expr` to `values` and returns where they are. `wide`: a
    /// protocol stands for its whole PDU (for `contains` and `matches`), not its header.
    private func eval(_ expr: FilterExpr, _ input: FieldInput, wide: Bool) -> Range<Int> {
        let start = values.count
        switch expr {
        case .constant(let value):
            values.append(value)
        case .nothing:
            break
        case .field(let field, let type, let layer):
            appendField(field, type, layer, input)
        case .native(let native, let layer):
            appendNative(native, layer, input, wide: wide)
        case .slice(let inner, let type, let ranges):
            let source = eval(inner, input, wide: false)
            for i in source {
                guard let bytes = FilterValues.bytes(values[i], as: type) else { continue }
                if ranges.count == 1 {
                    if let part = ranges[0].apply(bytes) { values.append(.bytes(part)) }
                    continue
                }
                var joined = ArraySlice<UInt8>()
                var complete = true
                for range in ranges {
                    guard let part = range.apply(bytes) else { complete = false; break }
                    joined.append(contentsOf: part)
                }
                if complete { values.append(.bytes(joined)) }
            }
            return moveResults(from: start, after: source.upperBound)
        case .bitwiseAnd(let a, let b):
            let l = eval(a, input, wide: false), r = eval(b, input, wide: false)
            let end = values.count
            for i in l { for j in r { if let v = Self.and(values[i], values[j]) { values.append(v) } } }
            return moveResults(from: start, after: end)
        case .arithmetic(let op, let a, let b):
            let l = eval(a, input, wide: false), r = eval(b, input, wide: false)
            let end = values.count
            for i in l {
                for j in r {
                    guard let x = Self.integer(values[i]), let y = Self.integer(values[j]) else { continue }
                    let result: Int64?
                    switch op {
                    case .add: result = x &+ y
                    case .subtract: result = x &- y
                    case .multiply: result = x &* y
                    // Division by zero gives no value: the comparison fails for this frame.
                    case .divide: result = y == 0 || (x == .min && y == -1) ? nil : x / y
                    case .modulo: result = y == 0 || (x == .min && y == -1) ? nil : x % y
                    }
                    if let result { values.append(.signed(result)) }
                }
            }
            return moveResults(from: start, after: end)
        case .negate(let inner):
            let source = eval(inner, input, wide: false)
            let end = values.count
            for i in source {
                if case .scalar(let v) = values[i], let x = Self.integer(.scalar(v)) { values.append(.signed(0 &- x)) }
                if case .signed(let v) = values[i] { values.append(.signed(0 &- v)) }
            }
            return moveResults(from: start, after: end)
        case .function(let function, let arguments):
            return evalFunction(function, arguments, input, start: start)
        }
        return start..<values.count
    }

    /// Moves the values appended after `end` down to `start`, dropping the operands'
    /// values in between, and returns their new place.
    private func moveResults(from start: Int, after end: Int) -> Range<Int> {
        let count = values.count - end
        if end > start {
            for k in 0..<count { values[start + k] = values[end + k] }
            values.removeLast(end - start)
        }
        return start..<(start + count)
    }

    private func evalFunction(_ function: FilterFunction, _ arguments: [FilterExpr], _ input: FieldInput,
                              start: Int) -> Range<Int> {
        switch function {
        case .count:
            let source = eval(arguments[0], input, wide: false)
            let end = values.count
            values.append(.scalar(UInt64(source.count)))
            return moveResults(from: start, after: end)
        case .len:
            let source = eval(arguments[0], input, wide: false)
            let end = values.count
            if arguments.count == 2, case .constant(let width) = arguments[1] {
                for _ in source { values.append(width) }
            } else {
                for i in source {
                    switch values[i] {
                    case .bytes(let b): values.append(.scalar(UInt64(b.count)))
                    case .wide: values.append(.scalar(16))
                    default: values.append(.scalar(6))
                    }
                }
            }
            return moveResults(from: start, after: end)
        case .lower, .upper:
            let source = eval(arguments[0], input, wide: false)
            let end = values.count
            for i in source {
                guard case .bytes(let b) = values[i] else { continue }
                // ASCII only, as Wireshark's g_ascii_strdown.
                let mapped = b.map { c -> UInt8 in
                    if function == .lower { return c >= 65 && c <= 90 ? c + 32 : c }
                    return c >= 97 && c <= 122 ? c - 32 : c
                }
                values.append(.bytes(mapped[...]))
            }
            return moveResults(from: start, after: end)
        case .abs:
            let source = eval(arguments[0], input, wide: false)
            let end = values.count
            for i in source {
                switch values[i] {
                case .signed(let v): values.append(v == .min ? .scalar(UInt64(1) << 63) : .signed(Swift.abs(v)))
                case .scalar(let v):
                    values.append(.scalar(v))
                default: break
                }
            }
            return moveResults(from: start, after: end)
        case .max, .min:
            var best: FilterValue?
            for argument in arguments {
                let source = eval(argument, input, wide: false)
                for i in source {
                    guard let current = best else { best = values[i]; continue }
                    guard let order = FilterValue.compare(values[i], current) else { continue }
                    if function == .max ? order > 0 : order < 0 { best = values[i] }
                }
            }
            let end = values.count
            if let best { values.append(best) }
            return moveResults(from: start, after: end)
        case .string:
            // Parsed into a string-typed field; never reached.
            return start..<start
        }
    }

    static func integer(_ value: FilterValue) -> Int64? {
        switch value {
        case .scalar(let v): Int64(truncatingIfNeeded: v)
        case .signed(let v): v
        default: nil
        }
    }

    static func and(_ a: FilterValue, _ b: FilterValue) -> FilterValue? {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return .scalar(x & y)
        case (.bytes(let x), .bytes(let y)):
            guard x.count == y.count else {
                // tshark compares byte strings of different lengths as unequal; AND the
                // common prefix and keep the left length so `== 0x12` still needs one byte.
                var out = Array(x)
                for k in 0..<Swift.min(x.count, y.count) { out[k] &= y[y.startIndex + k] }
                for k in Swift.min(x.count, y.count)..<x.count { out[k] = 0 }
                return .bytes(out[...])
            }
            return .bytes(ArraySlice(zip(x, y).map { $0 & $1 }))
        default:
            guard let x = integer(a), let y = integer(b) else { return nil }
            return .signed(x & y)
        }
    }

    /// Writes every occurrence of `field` and reads them as values of `type`.
    private func appendField(_ field: FieldDefinition, _ type: FilterType, _ layer: ClosedRange<Int>?, _ input: FieldInput) {
        scratch.truncate(to: 0)
        var occurrences = Occurrences(scratch, separator: 0)
        field.write(input, &occurrences)
        guard occurrences.count > 0 else { return }
        var wanted: ClosedRange<Int>?
        if let layer {
            // Fields that name both ends of a packet (`ip.addr`, `tcp.port`) have two
            // occurrences per layer.
            let perLayer = field.name.hasSuffix(".addr") || field.name.hasSuffix(".port") ? 2 : 1
            // The parser keeps layer numbers under a million: no overflow here.
            wanted = ((layer.lowerBound - 1) * perLayer)...(layer.upperBound * perLayer - 1)
        }
        if type.isByteLike {
            // Byte values are slices: they need an array of their own.
            let text = scratch.bytes
            split(text[...], wanted) { values.append(.bytes($0)) }
        } else {
            // Numbers and addresses are read in place, without copying the text.
            scratch.sink.withUnsafeBytes { buffer in
                split(buffer[...], wanted) { if let value = FilterValues.occurrence($0, as: type) { values.append(value) } }
            }
        }
    }

    /// Calls `body` with each NUL-separated occurrence of `text` whose index is in `wanted`.
    private func split<C: Collection<UInt8>>(_ text: C, _ wanted: ClosedRange<Int>?, _ body: (C.SubSequence) -> Void)
        where C.Index == Int {
        var start = text.startIndex, n = 0
        for i in text.startIndex...text.endIndex where i == text.endIndex || text[i] == 0 {
            defer { start = i + 1; n += 1 }
            if let wanted, !wanted.contains(n) { continue }
            body(text[start..<i])
        }
    }

    private func loadFrameBytes(_ input: FieldInput) {
        guard !frameBytesValid else { return }
        input.frame.bytes.withUnsafeBytes { source in
            if frameBytes.count < source.count { frameBytes = [UInt8](repeating: 0, count: Swift.max(source.count, 2048)) }
            frameBytes.withUnsafeMutableBytes { $0.copyMemory(from: source) }
            frameLength = source.count
        }
        frameBytesValid = true
    }

    private func appendNative(_ native: NativeField, _ layer: ClosedRange<Int>?, _ input: FieldInput, wide: Bool) {
        let frame = input.frame
        var n = 0
        func add(_ range: Range<Int>?) {
            guard let range else { return }
            n += 1
            if let layer, !layer.contains(n) { return }
            loadFrameBytes(input)
            let lower = Swift.max(0, Swift.min(range.lowerBound, frameLength))
            let upper = Swift.max(lower, Swift.min(range.upperBound, frameLength))
            values.append(.bytes(frameBytes[lower..<upper]))
        }
        func add(scalar: UInt64?) {
            guard let scalar else { return }
            n += 1
            if let layer, !layer.contains(n) { return }
            values.append(.scalar(scalar))
        }
        switch native {
        case .frameTime:
            let t = frame.raw.timestamp
            add(scalar: FilterValues.biased(t.seconds &* 1_000_000_000 &+ Int64(t.nanoseconds)))
        case .ethAddr:
            if let eth = frame.ethernet {
                add(scalar: Self.mac(eth.destination))
                add(scalar: Self.mac(eth.source))
            }
        case .tcpPayload:
            if let tcp = frame.tcp, !tcp.payload.isEmpty { add(tcp.payload) }
        case .udpPayload:
            if let udp = frame.udp, !udp.payload.isEmpty { add(udp.payload) }
        case .dataData:
            if frame.protocols.last == .data {
                let payload = frame.transportPayload
                if !payload.isEmpty { add(payload) }
            }
        case .proto(let protocolLayer):
            guard frame.protocols.contains(protocolLayer) || protocolLayer == .frame else { return }
            Self.protocolRanges(protocolLayer, frame, wide: wide, add)
        }
    }

    private static func mac(_ address: MACAddress) -> UInt64 { address.rawValue }

    /// Where a protocol's bytes are in the frame: its item (as Wireshark's tree shows it)
    /// or, `wide`, from its first byte to the end of its PDU. Layers quoted in an ICMP
    /// error come second, as tshark's second layer.
    private static func protocolRanges(_ layer: Layer, _ frame: Frame, wide: Bool,
                                       _ add: (Range<Int>?) -> Void) {
        let count = frame.bytes.count
        switch layer {
        case .frame:
            add(0..<count)
        case .eth:
            add(frame.ethernet.map { _ in 0..<(wide ? count : Ethernet.headerLength) })
        case .sll:
            add(frame.sll.map { 0..<(wide ? count : $0.headerLength) })
        case .arp:
            add(frame.arp.map { $0.offset..<(wide ? count : $0.offset + 28) })
        case .ip:
            func range(_ ip: IPv4) -> Range<Int> { ip.offset..<(wide ? ip.payload.upperBound : ip.offset + ip.headerLength) }
            add(frame.ipv4.map(range))
            add(frame.quoted?.ipv4.map(range))
        case .ipv6:
            func range(_ ip: IPv6) -> Range<Int> { ip.offset..<(wide ? ip.payload.upperBound : ip.offset + 40) }
            add(frame.ipv6.map(range))
            add(frame.quoted?.ipv6.map(range))
        case .icmp:
            add(frame.icmp.map { $0.offset..<$0.payload.upperBound })
        case .icmpv6:
            add(frame.icmpv6.map { $0.offset..<$0.payload.upperBound })
        case .tcp:
            func range(_ tcp: TCP) -> Range<Int> { tcp.offset..<(wide ? tcp.payload.upperBound : tcp.offset + tcp.headerLength) }
            add(frame.tcp.map(range))
            add(frame.quoted?.tcp.map(range))
        case .udp:
            func range(_ udp: UDP) -> Range<Int> { udp.offset..<(wide ? udp.payload.upperBound : udp.offset + UDP.headerLength) }
            add(frame.udp.map(range))
            add(frame.quoted?.udp.map(range))
        case .dns:
            add(frame.dns.map { $0.offset..<frame.transportPayload.upperBound })
        case .http, .ssdp:
            // One head, shown under the node its port gives it (SSDP on UDP 1900).
            guard frame.protocols.contains(.ssdp) == (layer == .ssdp) else { break }
            add(frame.http.map { $0.offset..<frame.transportPayload.upperBound })
        case .data:
            let payload = frame.transportPayload
            add(frame.protocols.last == .data && !payload.isEmpty ? payload : nil)
        default:
            break
        }
    }

    /// Whether `frame.protocols` lists the layer. The list is written once per frame:
    /// `tcp && !arp && ...` tests it again and again.
    private func hasLayer(_ name: [UInt8], _ input: FieldInput) -> Bool {
        guard let protocols else {
            return input.frame.protocols.contains { Array($0.description.utf8) == name }
        }
        if !protocolsValid {
            protocolsText.truncate(to: 0)
            var occurrences = Occurrences(protocolsText, separator: 0)
            protocols.write(input, &occurrences)
            protocolsValid = true
        }
        return protocolsText.sink.withUnsafeBytes { text in
            var start = 0
            for i in 0...text.count where i == text.count || text[i] == 58 || text[i] == 0 {
                if i - start == name.count && text[start..<i].elementsEqual(name) { return true }
                start = i + 1
            }
            return false
        }
    }
}
