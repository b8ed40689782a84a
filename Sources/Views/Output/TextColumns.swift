/// Fitting text into the fixed-width columns of the tables.
extension String {
    /// Padded with spaces to `width` characters (on the left when `right`); longer text is kept.
    func padded(to width: Int, right: Bool = false) -> String {
        let n = count
        guard n < width else { return self }
        let spaces = String(repeating: " ", count: width - n)
        return right ? spaces + self : self + spaces
    }

    /// Cut to `width` characters, ending with `…` when something was cut.
    func truncated(to width: Int) -> String {
        count <= width ? self : String(prefix(max(width - 1, 0))) + "…"
    }
}

/// `text` padded to a table column; see ``String/padded(to:right:)``.
func pad(_ text: String, _ width: Int, right: Bool = false) -> String { text.padded(to: width, right: right) }

/// `text` cut to a table column; see ``String/truncated(to:)``.
func truncate(_ text: String, _ width: Int) -> String { text.truncated(to: width) }
