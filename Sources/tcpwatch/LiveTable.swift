import Views
#if canImport(Glibc)
import Glibc
#endif

/// The open conversations of `conversations -i`, as a table at the bottom of the terminal
/// that is redrawn in place, as `top` redraws its screen: the rows of conversations that
/// ended scroll above it, and stay in the terminal's history. Before rows are printed the
/// table is erased (cursor up over it, erase to the end of the screen), and it is drawn
/// again after the read of packets that ended them: at most every 0.1 s after rows, and
/// every 0.5 s otherwise. Sized to the terminal (at most half its height, lines cut to
/// its width so that none wraps). Only for a terminal: a pipe never sees an escape code.
final class LiveTable {
    private let out: OutputBuffer
    private var drawnLines = 0
    private var erased = false
    private var lastDraw = -1.0

    init(out: OutputBuffer) {
        self.out = out
    }

    /// Clears the table away, before rows are printed where it was.
    func erase() {
        guard drawnLines > 0 else { return }
        out.string("\u{1B}[\(drawnLines)F\u{1B}[J")
        drawnLines = 0
        erased = true
    }

    /// Whether a redraw is due now.
    func isDue(now: Double) -> Bool {
        now - lastDraw >= (erased ? 0.1 : 0.5)
    }

    /// Draws `lines` (a title, the header, one per conversation), cut to the terminal.
    func draw(_ lines: [String], more: Int, now: Double) {
        let (columns, rows) = terminalSize()
        erase()
        let room = max(3, rows / 2)
        var shown = Array(lines.prefix(room))
        let hidden = more + (lines.count - shown.count)
        if hidden > 0 {
            if shown.count == room { shown.removeLast() }
            shown.append("… and \(hidden) more")
        }
        for line in shown {
            out.string(String(line.prefix(max(columns - 1, 1))) + "\n")
        }
        out.flush()
        drawnLines = shown.count
        erased = false
        lastDraw = now
    }
}

/// The terminal on stdout: columns and rows (80×24 when it does not say).
func terminalSize() -> (columns: Int, rows: Int) {
    var size = winsize()
    if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
        return (Int(size.ws_col), Int(size.ws_row))
    }
    return (80, 24)
}
