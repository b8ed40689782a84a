import Dissect
import Follow

/// `-z io,stat,INTERVAL[,COLUMN]...`: frames and bytes (or a calculation over a field) per
/// time interval, one column per filter, in tshark 4.0's table (`ui/cli/tap-iostat.c`).
///
/// The table is tshark's to the character, including its quirks, because scripts and lab
/// sheets parse it: the duration is rounded to the interval's precision, the last row of
/// an interval in whole seconds reads `N <> Dur`, a frame earlier than the current row is
/// counted in the current row, and frames after the last printed row are not shown.
/// One difference is on purpose: tshark 4.0 fills a field function (`SUM(tcp.len)`) only
/// when another filter happens to mention the field, and prints 0 otherwise; tcpwatch
/// always fills it, as Wireshark 4.2 and later do.
///
/// Memory is bounded by the rows that hold frames, not by the duration over the interval:
/// empty rows are written as they are reached.
public struct IOStatistics {
    /// What a column counts (tshark's `calc_type_table`).
    public enum Calculation: String, CaseIterable, Sendable {
        case frames = "FRAMES", bytes = "BYTES", framesAndBytes = "FRAMES BYTES"
        case count = "COUNT", sum = "SUM", min = "MIN", max = "MAX", average = "AVG", load = "LOAD"

        var needsField: Bool { self != .frames && self != .bytes && self != .framesAndBytes }
        /// The width tshark reserves for the label: `FRAMES BYTES` is labelled per half.
        var labelWidth: Int { self == .framesAndBytes ? 5 : rawValue.utf8.count }
    }

    /// How a field's values add up: tshark's field types, grouped by what the arithmetic does.
    enum ValueKind {
        case unsigned, signed, floating, relativeTime, other

        init(fieldType: String) {
            switch fieldType {
            case "FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT40", "FT_UINT48", "FT_UINT56", "FT_UINT64":
                self = .unsigned
            case "FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT40", "FT_INT48", "FT_INT56", "FT_INT64":
                self = .signed
            case "FT_FLOAT", "FT_DOUBLE": self = .floating
            case "FT_RELATIVE_TIME": self = .relativeTime
            default: self = .other
            }
        }
    }

    /// One column: its text as given, what it counts, over which field, for which frames.
    public struct Column {
        public let text: String?
        public let calculation: Calculation
        let field: FieldDefinition?
        let kind: ValueKind
        let filter: DisplayFilter?
    }

    /// The clock of the first column (tshark's `-t`): the interval from the first frame,
    /// or the wall-clock time (UTC, as tcpwatch's summary lines) at the row's start.
    public enum Clock: Sendable {
        case relative, absolute, absoluteWithDate
    }

    /// Rows `first...last` of a LOAD column each gain one whole interval.
    struct LoadRange {
        var first: UInt64
        var last: UInt64
    }

    /// One interval of one column that holds at least one frame.
    struct Row {
        var index: UInt64
        var frames: UInt32 = 0
        /// Sample count, for AVG.
        var samples: UInt32 = 0
        /// The integer accumulator (nanoseconds for relative times, microseconds for LOAD).
        var counter: UInt64 = 0
        var real: Double = 0
    }

    /// The interval in microseconds; `nil` for "the whole capture" (an interval of 0).
    let interval: UInt64?
    /// Decimal places of the interval as the user wrote it.
    let intervalPrecision: Int
    public let columns: [Column]
    let clock: Clock

    private var rows: [[Row]]
    /// Per column: the largest frame count and value a row reached, for the widths.
    private var maxFrames: [UInt32]
    private var maxValues: [UInt64]
    /// LOAD spreads a time back over the rows before: each range gets a whole interval.
    private var loadRanges: [[LoadRange]]
    private var firstTimestamp: Timestamp?
    /// The largest time since the first frame, in nanoseconds: tshark's elapsed time.
    private var elapsed: Int64 = 0
    /// The last non-negative relative time: frames dated before the first count there.
    private var lastRelative: UInt64 = 0
    /// The first counted frame's time minus its relative time, in whole seconds (tshark
    /// dates the absolute rows from it).
    private var startSeconds: Int64?
    private let scratch = OutputBuffer(fileDescriptor: nil)

    /// Parses `io,stat,INTERVAL[,COLUMN]...` as tshark does.
    public init(_ argument: String, clock: Clock = .relative) throws(IOStatisticsError) {
        let prefix = "io,stat,"
        guard argument.hasPrefix(prefix), argument.last != "," else { throw .invalidArgument }
        let rest = Array(argument.utf8.dropFirst(prefix.utf8.count))
        guard let (value, used) = Self.leadingNumber(rest) else { throw .invalidArgument }
        let afterNumber = rest[used...]
        guard afterNumber.isEmpty || afterNumber.first == UInt8(ascii: ",") else { throw .invalidArgument }
        // tshark turns a negative interval into a huge unsigned one; refuse it instead.
        guard value >= 0, value.isFinite else { throw .intervalTooSmall }
        if value == 0 {
            interval = nil
            intervalPrecision = 0
        } else {
            let micros = (value * 1_000_000 + 0.5).rounded(.down)
            guard micros >= 1 else { throw .intervalTooSmall }
            guard micros < 1.8e19 else { throw .invalidArgument }
            let us = UInt64(micros)
            var precision = 6
            var unit: UInt64 = 10
            while unit < 10_000_000, us % unit == 0 { precision -= 1; unit *= 10 }
            if precision == 0, let dot = rest[..<used].firstIndex(of: UInt8(ascii: ".")) {
                // "1.00" asks for two decimals even though the interval is whole seconds.
                let decimals = used - dot - 1
                if decimals > 0 { precision = Swift.min(decimals, 6) }
            }
            interval = us
            intervalPrecision = precision
        }
        self.clock = clock
        var columns: [Column] = []
        if afterNumber.isEmpty {
            columns.append(try Self.column(nil))
        } else {
            // tshark 4.0 splits at every comma, even one inside a set or a string.
            for piece in String(decoding: afterNumber.dropFirst(), as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false) {
                let text = String(piece).trimmingSpaces
                columns.append(try Self.column(text.isEmpty ? nil : text))
            }
        }
        self.columns = columns
        rows = Array(repeating: [], count: columns.count)
        maxFrames = Array(repeating: 0, count: columns.count)
        maxValues = Array(repeating: 0, count: columns.count)
        loadRanges = Array(repeating: [], count: columns.count)
    }

    /// Rows kept in memory, over all columns: only those that hold a frame.
    var storedRows: Int { rows.reduce(0) { $0 + $1.count } }

    /// Whether any column reads a field or a filter: only then do frames need the follower.
    public var needsDissection: Bool { columns.contains { $0.field != nil || $0.filter != nil } }

    /// The longest prefix that reads as a number, as C's `%lf` reads it.
    private static func leadingNumber(_ bytes: [UInt8]) -> (Double, Int)? {
        var end = 0
        var best: (Double, Int)?
        // A number is at most a few dozen characters; stop at the first comma.
        let limit = bytes.firstIndex(of: UInt8(ascii: ",")) ?? bytes.count
        while end < limit {
            end += 1
            let text = String(decoding: bytes[..<end], as: UTF8.self)
            if let value = Double(text.trimmingSpaces), !text.hasSuffix(" ") { best = (value, end) }
        }
        return best
    }

    /// One column from its text: `FILTER`, `FRAMES`, `BYTES`, or `CALC(FIELD)FILTER`.
    static func column(_ text: String?) throws(IOStatisticsError) -> Column {
        guard let text else {
            return Column(text: nil, calculation: .framesAndBytes, field: nil, kind: .other, filter: nil)
        }
        var calculation = Calculation.framesAndBytes
        var filterText = text
        var field: FieldDefinition?
        var kind = ValueKind.other
        for candidate in Calculation.allCases where text.hasPrefix(candidate.rawValue) {
            calculation = candidate
            let afterName = text.dropFirst(candidate.rawValue.count)
            guard afterName.first == "(" else {
                // tshark drops whatever follows a bare FRAMES or BYTES.
                if candidate == .frames || candidate == .bytes { filterText = "" }
                continue
            }
            let inside = afterName.dropFirst()
            guard let close = inside.firstIndex(of: ")") else { throw .missingParenthesis }
            let fieldName = String(inside[..<close])
            filterText = String(inside[inside.index(after: close)...])
            if !candidate.needsField {
                guard fieldName.isEmpty else { throw .fieldNotAllowed(candidate.rawValue) }
                break
            }
            guard !fieldName.isEmpty else { throw .fieldMissing(candidate.rawValue) }
            guard let definition = FieldRegistry.field(named: fieldName) else { throw .unknownField(fieldName) }
            field = definition
            let type = FieldCatalog.entries(prefix: fieldName).first { $0.name == fieldName }?.type ?? ""
            kind = ValueKind(fieldType: type)
            switch (kind, candidate) {
            // tshark accepts LOAD of an integer field and then stops at its first value.
            case (.unsigned, .load), (.signed, .load): throw .loadNeedsRelativeTime
            case (.floating, .load): throw .floatingUnsupported(fieldName, candidate.rawValue)
            case (.unsigned, _), (.signed, _), (.floating, _), (.relativeTime, _), (_, .count): break
            case (.other, _):
                throw .notIntegral(fieldName, candidate.rawValue)
            }
            break
        }
        let filter: DisplayFilter?
        if filterText.isEmpty {
            filter = nil
        } else {
            do { filter = try DisplayFilter(filterText) } catch {
                throw .invalidFilter(filterText, error.message)
            }
        }
        return Column(text: text, calculation: calculation, field: field, kind: kind, filter: filter)
    }

    // MARK: Counting

    /// Counts one decoded frame in every column whose filter it passes.
    public mutating func add(_ input: FieldInput) { add(input.frame.raw, input) }

    /// Counts one frame when no column has a filter or a field (``needsDissection`` is
    /// false): only its time and length matter, so it need not be decoded.
    public mutating func add(_ raw: RawFrame) {
        precondition(!needsDissection, "a column needs the decoded frame")
        add(raw, nil)
    }

    private mutating func add(_ raw: RawFrame, _ input: FieldInput?) {
        let first = firstTimestamp ?? raw.timestamp
        firstTimestamp = first
        // Time since the first frame, normalised as Wireshark's nstime_delta: seconds and
        // nanoseconds of the same sign.
        var deltaSeconds = raw.timestamp.seconds &- first.seconds
        var deltaNanos = Int64(raw.timestamp.nanoseconds) - Int64(first.nanoseconds)
        if deltaNanos < 0, deltaSeconds > 0 { deltaSeconds -= 1; deltaNanos += 1_000_000_000 }
        if deltaNanos > 0, deltaSeconds < 0 { deltaSeconds += 1; deltaNanos -= 1_000_000_000 }
        let relativeNanos = deltaSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        let nanos = relativeNanos.overflow ? (deltaSeconds < 0 ? Int64.min : Int64.max) : relativeNanos.partialValue &+ deltaNanos
        if nanos > elapsed { elapsed = nanos }
        let relative: UInt64
        if deltaSeconds >= 0, deltaNanos >= 0 {
            relative = UInt64(deltaSeconds) &* 1_000_000 &+ UInt64((deltaNanos + 500) / 1000)
            lastRelative = relative
        } else {
            relative = lastRelative
        }
        for c in columns.indices {
            if let filter = columns[c].filter, let input, !filter.matches(input) { continue }
            if startSeconds == nil { startSeconds = raw.timestamp.seconds &- deltaSeconds }
            count(raw, input, column: c, at: relative)
        }
    }

    private mutating func count(_ raw: RawFrame, _ input: FieldInput?, column c: Int, at relative: UInt64) {
        let column = columns[c]
        // The row: the current one, unless this frame is past its end. A frame dated
        // before the current row (time went backwards) is counted in the current row.
        let index = interval.map { relative / $0 } ?? 0
        if rows[c].last.map({ index > $0.index }) ?? true { rows[c].append(Row(index: index)) }
        var row = rows[c][rows[c].count - 1]
        row.frames &+= 1
        switch column.calculation {
        case .frames, .bytes, .framesAndBytes:
            row.counter &+= UInt64(raw.originalLength)
        case .count:
            var n: UInt64 = 0
            forEachValue(of: column, in: input) { _, _ in n += 1 }
            row.counter &+= n
        case .sum:
            forEachValue(of: column, in: input) { value, real in
                if column.kind == .floating { row.real += real } else { row.counter &+= value }
            }
        case .min:
            var i = 0
            forEachValue(of: column, in: input) { value, real in
                let first = row.frames == 1 && i == 0
                switch column.kind {
                case .signed: if first || Int64(bitPattern: value) < Int64(bitPattern: row.counter) { row.counter = value }
                case .floating: if first || real < row.real { row.real = real }
                default: if first || value < row.counter { row.counter = value }
                }
                i += 1
            }
        case .max:
            forEachValue(of: column, in: input) { value, real in
                switch column.kind {
                case .signed: if Int64(bitPattern: value) > Int64(bitPattern: row.counter) { row.counter = value }
                case .floating: if real > row.real { row.real = real }
                default: if value > row.counter { row.counter = value }
                }
            }
        case .average:
            forEachValue(of: column, in: input) { value, real in
                row.samples &+= 1
                if column.kind == .floating { row.real += real } else { row.counter &+= value }
            }
        case .load:
            // A response time of T µs kept the link busy for T µs: the part inside this
            // row counts here, and each whole interval before it fills one earlier row
            // (tshark walks back one row per interval; before the first row it stops).
            let width = interval ?? UInt64.max
            forEachValue(of: column, in: input) { value, _ in
                let micros = value / 1000
                row.counter &+= micros % width
                let wholeRows = micros / width
                if wholeRows > 0, row.index > 0 {
                    loadRanges[c].append(LoadRange(first: row.index - Swift.min(wholeRows, row.index), last: row.index - 1))
                }
            }
        }
        rows[c][rows[c].count - 1] = row
        updateMaxima(column: c, row: row)
    }

    /// Keeps the widest value each column reached, as tshark does after every frame
    /// (so an average or minimum that later shrinks still widens its column).
    private mutating func updateMaxima(column c: Int, row: Row) {
        let column = columns[c]
        switch column.calculation {
        case .frames, .framesAndBytes:
            maxFrames[c] = Swift.max(maxFrames[c], row.frames)
            maxValues[c] = Swift.max(maxValues[c], row.counter)
        case .bytes, .count, .load:
            maxValues[c] = Swift.max(maxValues[c], row.counter)
        case .sum, .min, .max:
            if column.kind == .floating {
                maxValues[c] = Swift.max(maxValues[c], Self.saturating(row.real + 0.5))
            } else {
                maxValues[c] = Swift.max(maxValues[c], row.counter)
            }
        case .average:
            guard row.samples > 0 else { return }
            switch column.kind {
            case .floating: maxValues[c] = Swift.max(maxValues[c], Self.saturating(row.real) / UInt64(row.samples))
            case .relativeTime:
                maxValues[c] = Swift.max(maxValues[c], (row.counter / UInt64(row.samples) &+ 500_000_000) / 1_000_000_000)
            default: maxValues[c] = Swift.max(maxValues[c], row.counter / UInt64(row.samples))
            }
        }
    }

    private static func saturating(_ value: Double) -> UInt64 {
        value.isNaN || value <= 0 ? 0 : value >= 1.8e19 ? UInt64.max : UInt64(value)
    }

    /// Calls `body` with each occurrence of the column's field: as an integer (two's
    /// complement for signed fields, nanoseconds for times) and as a double.
    private func forEachValue(of column: Column, in input: FieldInput?, _ body: (UInt64, Double) -> Void) {
        guard let field = column.field, let input else { return }
        scratch.truncateAll()
        var occurrences = Occurrences.collecting(into: scratch)
        field.write(input, &occurrences)
        guard occurrences.count > 0 else { return }
        let text = scratch.bytes
        var start = 0
        for i in 0...text.count where i == text.count || text[i] == 0 {
            defer { start = i + 1 }
            let value = text[start..<i]
            switch column.kind {
            case .relativeTime:
                if let nanos = Self.nanoseconds(value) { body(UInt64(bitPattern: nanos), Double(nanos) / 1e9) }
            case .floating:
                if let real = Double(String(decoding: value, as: UTF8.self)) { body(Self.saturating(real), real) }
            default:
                // COUNT counts every occurrence, whatever its type.
                if column.calculation == .count { body(0, 0); continue }
                if let integer = Self.integer(value) { body(UInt64(bitPattern: integer), Double(integer)) }
            }
        }
    }

    /// A field's text as an integer: decimal, possibly negative, or `0x` hex.
    static func integer(_ text: ArraySlice<UInt8>) -> Int64? {
        var digits = text[...]
        var negative = false
        if digits.first == UInt8(ascii: "-") { negative = true; digits = digits.dropFirst() }
        var radix: UInt64 = 10
        if digits.count > 2, digits.first == UInt8(ascii: "0"), digits.dropFirst().first == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value &* radix &+ digit
        }
        return negative ? 0 &- Int64(bitPattern: value) : Int64(bitPattern: value)
    }

    /// A time's text (`0.000123000`, `-1.5`) as nanoseconds.
    static func nanoseconds(_ text: ArraySlice<UInt8>) -> Int64? {
        let dot = text.firstIndex(of: UInt8(ascii: ".")) ?? text.endIndex
        guard let seconds = integer(text[..<dot]) else { return nil }
        var fraction: Int64 = 0
        var scale: Int64 = 100_000_000
        for byte in text[dot...].dropFirst() {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            fraction += Int64(byte - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        let negative = text.first == UInt8(ascii: "-")
        return seconds &* 1_000_000_000 &+ (negative ? -fraction : fraction)
    }

    // MARK: Drawing

    /// Writes the table, as tshark prints it at the end of the capture.
    public func write(to out: OutputBuffer) {
        IOStatisticsTable(self).write(to: out)
    }

    /// What the table needs of the counts, without the counting machinery.
    struct Snapshot {
        var elapsedMicros: UInt64
        var rows: [[Row]]
        var maxFrames: [UInt32]
        var maxValues: [UInt64]
        var loadRanges: [[LoadRange]]
        var startSeconds: Int64
    }

    var snapshot: Snapshot {
        // tshark rounds the elapsed nanoseconds to microseconds.
        let micros = elapsed <= 0 ? 0 : UInt64(elapsed / 1000) + ((elapsed % 1000) >= 500 ? 1 : 0)
        return Snapshot(elapsedMicros: micros, rows: rows, maxFrames: maxFrames, maxValues: maxValues,
                        loadRanges: loadRanges, startSeconds: startSeconds ?? 0)
    }
}

/// Why an `io,stat` argument is refused, in tshark's words.
public enum IOStatisticsError: Error, Equatable, CustomStringConvertible {
    case invalidArgument
    case intervalTooSmall
    case missingParenthesis
    case fieldNotAllowed(String)
    case fieldMissing(String)
    case unknownField(String)
    case notIntegral(String, String)
    case floatingUnsupported(String, String)
    case loadNeedsRelativeTime
    case invalidFilter(String, String)
    case unsupportedClock

    public var description: String {
        switch self {
        case .invalidArgument: "invalid \"-z io,stat,<interval>[,<filter>][,<filter>]...\" argument"
        case .intervalTooSmall: "\"-z\" interval must be >=0.000001 seconds or \"0\" for the entire capture duration."
        case .missingParenthesis: "Closing parenthesis missing from calculated expression."
        case .fieldNotAllowed(let calc): "\(calc) does not require or allow a field name within the parens."
        case .fieldMissing(let calc): "You didn't specify a field name for \(calc)(*)."
        case .unknownField(let name): "There is no field named '\(name)'."
        case .notIntegral(let name, let calc): "\(name) doesn't have integral values, so \(calc)(*) calculations are not supported on it."
        case .floatingUnsupported(let name, let calc): "\(name) is a float field, so \(calc)(*) calculations are not supported on it."
        case .loadNeedsRelativeTime: "LOAD() is only supported for relative-time fields such as smb.time"
        case .invalidFilter(let text, let message): "Couldn't register io,stat tap: Filter \"\(text)\" is invalid - \(message)"
        case .unsupportedClock: "invalid -t operand. io,stat only supports -t <r|a|ad|adoy|u|ud|udoy>"
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (tshark's g_strstrip).
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
