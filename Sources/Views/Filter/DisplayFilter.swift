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
        program.evaluate(program.root, input)
    }
}

/// The compiled tree and the scratch space its evaluation reuses frame after frame.
final class FilterProgram {
    let root: FilterNode
    /// Occurrences are written here, NUL-separated, then read in place.
    private let scratch = OutputBuffer(fileDescriptor: nil, flushThreshold: 4096)
    /// Values of the test being evaluated (slices point into `scratch`).
    private var values: [FilterValue] = []
    private let protocols = FieldRegistry.field(named: "frame.protocols")

    init(root: FilterNode) {
        self.root = root
        values.reserveCapacity(16)
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
        case .exists(let reference):
            if reference.slice == nil { return write(reference.field, input).count > 0 }
            return test(reference, nil, input) { left, _ in !left.isEmpty }
        case .layer(let name):
            return hasLayer(name, input)
        case .relation(let reference, let op, let right):
            return test(reference, right, input) { left, right in Self.relate(op, left, right) }
        case .member(let reference, let elements):
            return test(reference, nil, input) { left, _ in
                left.contains { value in
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
            }
        case .contains(let reference, let right):
            return test(reference, right, input) { left, right in
                left.contains { l in right.contains { r in FilterValue.contains(l, r) } }
            }
        case .matches(let reference, let regex):
            return test(reference, nil, input) { left, _ in
                left.contains { value in
                    guard case .bytes(let bytes) = value else { return false }
                    let text = String(decoding: bytes, as: UTF8.self)
                    return (try? regex.firstMatch(in: text)) != nil
                }
            }
        }
    }

    /// tshark 4.0's operators over every pair of occurrences.
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

    /// Writes the occurrences of `left` (and of `right` if it is a field), reads them as
    /// values, and hands both lists to `body`.
    private func test(_ left: FieldReference, _ right: FilterOperand?, _ input: FieldInput,
                      _ body: (ArraySlice<FilterValue>, ArraySlice<FilterValue>) -> Bool) -> Bool {
        scratch.truncate(to: 0)
        let leftSpan = write(left.field, input)
        // An absent left field fails every test without looking at the right side.
        if leftSpan.count == 0 { return body([], []) }
        var rightSpan: (start: Int, end: Int, count: Int)?
        if case .field(let reference) = right { rightSpan = write(reference.field, input) }

        let text = scratch.bytes
        values.removeAll(keepingCapacity: true)
        defer { values.removeAll(keepingCapacity: true) }
        append(text, leftSpan, left)
        let split = values.count
        switch right {
        case .field(let reference): append(text, rightSpan!, reference)
        case .constant(let value): values.append(value)
        case nil: break
        }
        return body(values[..<split], values[split...])
    }

    /// Writes every occurrence of `field` after what the scratch buffer holds.
    private func write(_ field: FieldDefinition, _ input: FieldInput) -> (start: Int, end: Int, count: Int) {
        let start = scratch.count
        var occurrences = Occurrences(scratch, separator: 0)
        field.write(input, &occurrences)
        return (start, scratch.count, occurrences.count)
    }

    /// Reads the occurrences in `span` as values of the reference's type, sliced if asked.
    private func append(_ text: [UInt8], _ span: (start: Int, end: Int, count: Int), _ reference: FieldReference) {
        guard span.count > 0 else { return }
        func add(_ occurrence: ArraySlice<UInt8>) {
            guard let value = FilterValues.occurrence(occurrence, as: reference.baseType) else { return }
            guard let slice = reference.slice else {
                values.append(value)
                return
            }
            guard let bytes = FilterValues.bytes(value, as: reference.baseType) else { return }
            if slice.count == 1 {
                if let part = slice[0].apply(bytes) { values.append(.bytes(part)) }
                return
            }
            var joined = ArraySlice<UInt8>()
            for range in slice {
                guard let part = range.apply(bytes) else { return }
                joined.append(contentsOf: part)
            }
            values.append(.bytes(joined))
        }
        if span.count == 1 {
            add(text[span.start..<span.end])
            return
        }
        var start = span.start
        for i in span.start..<span.end where text[i] == 0 {
            add(text[start..<i])
            start = i + 1
        }
        add(text[start..<span.end])
    }

    /// Whether `frame.protocols` lists the layer.
    private func hasLayer(_ name: [UInt8], _ input: FieldInput) -> Bool {
        guard let protocols else {
            return input.frame.protocols.contains { Array($0.description.utf8) == name }
        }
        scratch.truncate(to: 0)
        let span = write(protocols, input)
        let text = scratch.bytes
        var start = span.start
        for i in span.start...span.end where i == span.end || text[i] == 58 || text[i] == 0 {
            if i - start == name.count && text[start..<i].elementsEqual(name) { return true }
            start = i + 1
        }
        return false
    }
}
