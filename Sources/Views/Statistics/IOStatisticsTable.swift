import Dissect

/// Draws an ``IOStatistics`` count as tshark 4.0's `-z io,stat` table. The widths follow
/// tshark's arithmetic step by step; the names below are tshark's where they help to
/// compare (`borderlen`, `tabrow_w`, `invl_col_w`).
struct IOStatisticsTable {
    private let stats: IOStatistics
    private let snapshot: IOStatistics.Snapshot

    init(_ stats: IOStatistics) {
        self.stats = stats
        snapshot = stats.snapshot
    }

    /// The digits of `value`, at least 1 and at most `limit` (tshark's `magnitude`).
    static func magnitude(_ value: UInt64, _ limit: Int) -> Int {
        var value = value, digits = 0
        for _ in 0..<limit {
            digits += 1
            value /= 10
            if value == 0 { break }
        }
        return digits
    }

    /// Widths and the printed value of one column.
    private struct ColumnLayout {
        var frames = 0
        var values = 0
        /// The largest value, in the unit printed (for times: whole seconds).
        var maxValue: UInt64 = 0
        var total: Int { frames > 0 && values > 0 ? frames + values + 6 : frames + values + 3 }
    }

    func write(to out: OutputBuffer) {
        let columns = stats.columns
        var duration = snapshot.elapsedMicros
        // An interval of 0, or one longer than the capture, covers the whole capture.
        let whole = stats.interval.map { $0 > duration } ?? true
        var interval = whole ? duration : stats.interval!
        var durationMagnitude = Self.magnitude(duration / 1_000_000, 5)
        // tshark builds its number formats from this first magnitude, before rounding.
        let formatWidth = durationMagnitude
        var precision: Int
        var borderlen: Int
        if interval == duration {
            precision = durationMagnitude >= 2 ? 1 : durationMagnitude == 1 ? 3 : 6
            borderlen = 30 + durationMagnitude + (precision == 0 ? 0 : precision + 1)
        } else {
            precision = stats.intervalPrecision
            let intervalMagnitude = Self.magnitude(interval / 1_000_000, 5)
            borderlen = 25 + Swift.max(intervalMagnitude, durationMagnitude) + (precision == 0 ? 0 : precision + 1)
        }
        let rawDuration = duration
        var divisor: UInt64 = 1_000_000
        for _ in 0..<precision { divisor /= 10 }
        if duration % divisor > 5 * (divisor / 10) {
            duration = (duration + 5 * (divisor / 10)) / divisor * divisor
            durationMagnitude = Self.magnitude(duration / 1_000_000, 5)
        }
        if whole { interval = duration }

        var intervalColumnWidth = precision == 0 ? 2 * durationMagnitude + 8 : 2 * durationMagnitude + 2 * precision + 10
        intervalColumnWidth = Swift.max(intervalColumnWidth, stats.clock == .absoluteWithDate ? 23 : 12)

        var layouts: [ColumnLayout] = []
        var tableWidth = intervalColumnWidth
        for (c, column) in columns.enumerated() {
            var layout = ColumnLayout()
            let maxValue = snapshot.maxValues[c]
            switch column.calculation {
            case .frames:
                layout.frames = Swift.max(6, Self.magnitude(UInt64(snapshot.maxFrames[c]), 15))
            case .framesAndBytes:
                layout.frames = Swift.max(6, Self.magnitude(UInt64(snapshot.maxFrames[c]), 15))
                layout.values = Swift.max(5, Self.magnitude(maxValue, 15))
            case .bytes, .count:
                layout.values = Swift.max(5, Self.magnitude(maxValue, 15))
            default:
                switch column.kind {
                case .floating:
                    layout.maxValue = maxValue
                    layout.values = Self.magnitude(maxValue, 15) + 7
                case .relativeTime:
                    switch column.calculation {
                    case .load: layout.maxValue = interval == 0 ? 0 : maxValue / interval
                    case .average: layout.maxValue = maxValue
                    default: layout.maxValue = (maxValue &+ 500_000_000) / 1_000_000_000
                    }
                    layout.values = Self.magnitude(layout.maxValue, 15) + 7
                default:
                    layout.values = Swift.max(column.calculation.labelWidth, Self.magnitude(maxValue, 15))
                }
            }
            tableWidth += layout.total
            layouts.append(layout)
        }
        borderlen = Swift.max(borderlen, tableWidth)
        let widestFilter = columns.map { ($0.text?.utf8.count).map { $0 + 11 } ?? 26 }.max() ?? 0
        if widestFilter > borderlen && borderlen < 102 { borderlen = Swift.min(widestFilter, 102) }
        // tshark widens by one rather than draw two borders side by side.
        if borderlen - tableWidth == 1 { borderlen += 1 }

        // The header.
        out.byte(10)
        repeatByte(61, borderlen, out)
        out.byte(10)
        line("| IO Statistics", borderlen, out)
        line("|", borderlen, out)
        if precision == 0 {
            // tshark prints the duration's microseconds space-padded here ("5.     0").
            out.ascii("| Duration: ")
            padded(rawDuration / 1_000_000, formatWidth, out)
            out.byte(46)
            padded(rawDuration % 1_000_000, 6, out)
            out.ascii(" secs")
            spaces(borderlen - 25 - durationMagnitude, out)
            out.ascii("|\n| Interval: ")
            padded(interval / 1_000_000, formatWidth, out)
            out.ascii(" secs")
            spaces(borderlen - 18 - durationMagnitude, out)
            out.ascii("|\n")
        } else {
            for (label, value) in [("| Duration: ", duration), ("| Interval: ", interval)] {
                out.string(label)
                padded(value / 1_000_000, formatWidth, out)
                out.byte(46)
                out.decimal(value % 1_000_000 / divisor, width: precision)
                out.ascii(" secs")
                spaces(borderlen - 19 - durationMagnitude - precision, out)
                out.ascii("|\n")
            }
        }
        line("|", borderlen, out)
        writeFilters(borderlen, out)
        out.ascii("|-")
        repeatByte(45, borderlen - 3, out)
        out.ascii("|\n")

        // The two header rows: column numbers, then labels.
        let filler = tableWidth < borderlen ? borderlen - tableWidth : 0
        out.byte(124)
        spaces(intervalColumnWidth - 2, out)
        out.byte(124)
        for (c, layout) in layouts.enumerated() {
            let start = out.count
            out.decimal(c + 1)
            out.pad(from: start, to: 2)
            spaces(columns[c].calculation == .frames ? layout.frames : columns[c].calculation == .framesAndBytes ? layout.total - 3 : layout.values, out)
            out.byte(124)
        }
        fill(filler, out)
        out.byte(10)
        let label: StaticString = switch stats.clock {
        case .relative: "| Interval"
        case .absolute: "| Time    "
        case .absoluteWithDate: "| Date and time"
        }
        out.ascii(label)
        spaces(intervalColumnWidth - (stats.clock == .absoluteWithDate ? 16 : 11), out)
        out.byte(124)
        for (c, layout) in layouts.enumerated() {
            switch columns[c].calculation {
            case .frames: center("FRAMES", layout.frames, out)
            case .framesAndBytes:
                center("Frames", layout.frames, out)
                center("Bytes", layout.values, out)
            default: center(columns[c].calculation.rawValue, layout.values, out)
            }
        }
        fill(filler, out)
        out.ascii("\n|-")
        repeatByte(45, tableWidth - 3, out)
        out.byte(124)
        fill(filler, out)
        out.byte(10)

        // The rows, one per interval, to the (rounded) end of the capture.
        var cursors = Array(repeating: 0, count: columns.count)
        var loads = columns.indices.map { LoadSweep(snapshot.loadRanges[$0]) }
        var start: UInt64 = 0
        var index: UInt64 = 0
        while interval > 0, start < duration {
            var end = start &+ interval
            let last = end >= duration || end < start
            if last { end = duration }
            writeIntervalCell(start: start, end: end, last: last, precision: precision, divisor: divisor,
                              formatWidth: formatWidth, durationMagnitude: durationMagnitude, out)
            for c in columns.indices {
                let rows = snapshot.rows[c]
                var row = IOStatistics.Row(index: index)
                if cursors[c] < rows.count, rows[cursors[c]].index == index {
                    row = rows[cursors[c]]
                    cursors[c] += 1
                }
                if columns[c].calculation == .load { row.counter &+= loads[c].shares(at: index) &* interval }
                writeValue(row, column: columns[c], layout: layouts[c], width: last ? end - start : interval, out)
            }
            fill(filler, out)
            out.byte(10)
            out.flushIfFull()
            if last { break }
            start = end
            index += 1
        }
        repeatByte(61, borderlen, out)
        out.byte(10)
    }

    /// The column list: `Col N: FILTER`, wrapped at the border like tshark's.
    private func writeFilters(_ borderlen: Int, _ out: OutputBuffer) {
        for (c, column) in stats.columns.enumerated() {
            var start = out.count
            out.ascii(c == 0 ? "| Col" : "|    ")
            let number = out.count
            out.decimal(c + 1)
            out.pad(from: number, to: 2, rightAlign: true)
            out.ascii(": ")
            guard let text = column.text else {
                out.ascii("Frames and bytes")
                out.pad(from: start, to: borderlen - 1, rightAlign: false)
                out.ascii("|\n")
                continue
            }
            var rest = Array(text.utf8)[...]
            let maxWidth = Swift.max(borderlen - 11, 1)
            while rest.count > maxWidth {
                // Break at the last space that fits, else mid-word.
                let window = rest.prefix(maxWidth)
                let cut = window.lastIndex(of: 32)
                let taken = cut.map { rest[rest.startIndex..<$0] } ?? window
                taken.forEach(out.byte)
                out.pad(from: start, to: borderlen - 1)
                out.ascii("|\n")
                rest = rest[(cut.map { $0 + 1 } ?? window.endIndex)...]
                start = out.count
                out.ascii("|        ")
            }
            rest.forEach(out.byte)
            out.pad(from: start, to: borderlen - 1)
            out.ascii("|\n")
        }
    }

    /// The first cell of a row: the interval, or the wall-clock time it starts at.
    private func writeIntervalCell(start: UInt64, end: UInt64, last: Bool, precision: Int, divisor: UInt64,
                                   formatWidth: Int, durationMagnitude: Int, _ out: OutputBuffer) {
        switch stats.clock {
        case .absolute, .absoluteWithDate:
            let civil = CivilTime(Timestamp(seconds: snapshot.startSeconds &+ Int64(start / 1_000_000), nanoseconds: 0))
            out.ascii("| ")
            if stats.clock == .absoluteWithDate {
                civil.writeDate(to: out)
                out.byte(32)
            }
            civil.writeTime(to: out, digits: 0)
            out.ascii(" |")
        case .relative where precision == 0:
            let narrow = durationMagnitude == 1
            out.ascii(narrow ? "|  " : "| ")
            padded(start / 1_000_000, formatWidth, out)
            out.ascii(" <> ")
            if last {
                let lastStart = out.count
                out.ascii("Dur")
                out.pad(from: lastStart, to: durationMagnitude >= 3 ? durationMagnitude + 1 : 3)
                out.byte(124)
            } else {
                padded(end / 1_000_000, formatWidth, out)
                out.ascii(narrow ? "  |" : " |")
            }
        case .relative:
            out.ascii("| ")
            padded(start / 1_000_000, formatWidth, out)
            out.byte(46)
            out.decimal(start % 1_000_000 / divisor, width: precision)
            out.ascii(" <> ")
            padded(end / 1_000_000, formatWidth, out)
            out.byte(46)
            out.decimal(end % 1_000_000 / divisor, width: precision)
            out.ascii(" |")
        }
    }

    /// One cell (two for frames and bytes) of a row.
    private func writeValue(_ row: IOStatistics.Row, column: IOStatistics.Column, layout: ColumnLayout,
                            width: UInt64, _ out: OutputBuffer) {
        out.byte(32)
        switch column.calculation {
        case .frames:
            padded(UInt64(row.frames), layout.frames, out)
        case .framesAndBytes:
            padded(UInt64(row.frames), layout.frames, out)
            out.ascii(" | ")
            padded(row.counter, layout.values, out)
        case .bytes, .count:
            padded(row.counter, layout.values, out)
        default:
            let samples = UInt64(Swift.max(row.samples, 1))
            switch column.kind {
            case .floating:
                let value = column.calculation == .average ? row.real / Double(samples) : row.real
                let start = out.count
                out.string(Self.fixed6(value))
                out.pad(from: start, to: layout.values - 7, rightAlign: true)
            case .relativeTime:
                var seconds: UInt64, micros: UInt64
                switch column.calculation {
                case .load:
                    seconds = width == 0 ? 0 : row.counter / width
                    micros = width == 0 ? 0 : (row.counter % width) &* 1_000_000 / width
                case .average:
                    let total = (row.counter / samples &+ 500) / 1000
                    (seconds, micros) = (total / 1_000_000, total % 1_000_000)
                default:
                    let total = (row.counter &+ 500) / 1000
                    (seconds, micros) = (total / 1_000_000, total % 1_000_000)
                }
                // tshark prints both through `(int)` casts.
                seconds = UInt64(UInt32(truncatingIfNeeded: seconds))
                padded(seconds, layout.values - 7, out)
                out.byte(46)
                out.decimal(micros, width: 6)
            case .signed:
                let value = column.calculation == .average ? row.counter / samples : row.counter
                let start = out.count
                out.decimal(Int64(bitPattern: value))
                out.pad(from: start, to: layout.values, rightAlign: true)
            default:
                padded(column.calculation == .average ? row.counter / samples : row.counter, layout.values, out)
            }
        }
        out.ascii(" |")
    }

    /// `%.6f`.
    static func fixed6(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
        let negative = value < 0
        let scaled = (abs(value) * 1_000_000).rounded(.toNearestOrEven)
        guard scaled < 9.2e18 else { return String(value) }
        let units = UInt64(scaled)
        var fraction = String(units % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (negative ? "-" : "") + String(units / 1_000_000) + "." + fraction
    }

    /// tshark's `printcenter`: a label centred in a cell of `width`, then `|`. A cell more
    /// than nine wider than its label gets no label at all (tshark's quirk, kept).
    private func center(_ label: String, _ width: Int, _ out: OutputBuffer) {
        let labelWidth = label.utf8.count
        let gap = width - labelWidth
        let lead = 6 - (gap / 2 + 1)
        if lead > 0 && lead < 6 {
            let pad = 6 - lead
            spaces(gap % 2 == 0 ? pad : pad + 1, out)
            out.string(label)
            spaces(pad, out)
            out.byte(124)
        } else if lead > 0 && lead <= 15 {
            out.string(label)
            out.byte(124)
        }
    }

    private func padded(_ value: UInt64, _ width: Int, _ out: OutputBuffer) {
        let start = out.count
        out.decimal(value)
        out.pad(from: start, to: width, rightAlign: true)
    }

    private func line(_ text: StaticString, _ width: Int, _ out: OutputBuffer) {
        let start = out.count
        out.ascii(text)
        out.pad(from: start, to: width - 1)
        out.ascii("|\n")
    }

    /// `%*s` of "|": spaces, then the border, `count` wide in all.
    private func fill(_ count: Int, _ out: OutputBuffer) {
        guard count > 0 else { return }
        spaces(count - 1, out)
        out.byte(124)
    }

    private func spaces(_ count: Int, _ out: OutputBuffer) { repeatByte(32, count, out) }

    private func repeatByte(_ byte: UInt8, _ count: Int, _ out: OutputBuffer) {
        guard count > 0 else { return }
        for _ in 0..<count { out.byte(byte) }
    }
}

/// Walks LOAD's ranges in row order and says how many cover each row.
private struct LoadSweep {
    private var starts: [UInt64]
    private var ends: [UInt64]
    private var nextStart = 0, nextEnd = 0
    private var open: UInt64 = 0

    init(_ ranges: [IOStatistics.LoadRange]) {
        starts = ranges.map(\.first).sorted()
        ends = ranges.map(\.last).sorted()
    }

    /// The ranges covering `row`; rows must be asked in increasing order.
    mutating func shares(at row: UInt64) -> UInt64 {
        while nextStart < starts.count, starts[nextStart] <= row { open += 1; nextStart += 1 }
        while nextEnd < ends.count, ends[nextEnd] < row { open -= 1; nextEnd += 1 }
        return open
    }
}
