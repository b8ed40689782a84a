/// The memory that all reassemblers sharing it may keep, across every conversation.
///
/// Two kinds of bytes are charged:
/// - **buffered** bytes: copies of out-of-order segments waiting for a hole to fill,
///   each segment charged its payload plus `StreamReassembler.segmentOverhead`.
///   A reassembler that is refused a reservation skips its first hole (see
///   ``StreamReassembler``) instead of growing.
/// - **history** bytes: each direction's ring of recently delivered bytes, kept only to
///   compare retransmissions against what was delivered. History is opportunistic: it
///   grows only while `historyBytes` stays within `historyLimit` and the total within
///   `limit`, and a refusal just means fewer bytes can be checked, never a cap hit.
///
/// Not thread-safe: share one budget among the reassemblers of one packet loop.
public final class ReassemblyBudget {
    public static let defaultLimit = 64 << 20

    /// The most bytes (buffered plus history) that may be held at once.
    public let limit: Int
    /// The most of `limit` that history rings may take (default a quarter), so that
    /// inconsistency checking never crowds out reassembly itself.
    public let historyLimit: Int
    public private(set) var bufferedBytes = 0
    public private(set) var historyBytes = 0
    public private(set) var peakUsedBytes = 0
    /// Buffer reservations refused because the total was reached.
    public private(set) var refusals = 0

    public var usedBytes: Int { bufferedBytes + historyBytes }
    public var availableBytes: Int { max(0, limit - usedBytes) }

    public init(limit: Int = ReassemblyBudget.defaultLimit, historyLimit: Int? = nil) {
        precondition(limit >= 0)
        self.limit = limit
        self.historyLimit = min(limit, max(0, historyLimit ?? limit / 4))
    }

    func reserveBuffer(_ n: Int) -> Bool {
        guard n <= limit - usedBytes else {
            refusals += 1
            return false
        }
        bufferedBytes += n
        peakUsedBytes = max(peakUsedBytes, usedBytes)
        return true
    }

    func releaseBuffer(_ n: Int) {
        precondition(n >= 0 && n <= bufferedBytes, "ReassemblyBudget: releasing more than reserved")
        bufferedBytes -= n
    }

    func reserveHistory(_ n: Int) -> Bool {
        guard n <= historyLimit - historyBytes, n <= limit - usedBytes else { return false }
        historyBytes += n
        peakUsedBytes = max(peakUsedBytes, usedBytes)
        return true
    }

    func releaseHistory(_ n: Int) {
        precondition(n >= 0 && n <= historyBytes, "ReassemblyBudget: releasing more than reserved")
        historyBytes -= n
    }
}

/// What one reassembler holds of a budget; gives it back when the reassembler goes away
/// without `finish()`.
final class BudgetLease {
    let budget: ReassemblyBudget
    private(set) var buffered = 0
    private(set) var history = 0

    init(_ budget: ReassemblyBudget) { self.budget = budget }

    func reserveBuffer(_ n: Int) -> Bool {
        guard budget.reserveBuffer(n) else { return false }
        buffered += n
        return true
    }

    func releaseBuffer(_ n: Int) {
        let k = min(n, buffered)
        buffered -= k
        budget.releaseBuffer(k)
    }

    func reserveHistory(_ n: Int) -> Bool {
        guard budget.reserveHistory(n) else { return false }
        history += n
        return true
    }

    func releaseAll() {
        budget.releaseBuffer(buffered)
        budget.releaseHistory(history)
        buffered = 0
        history = 0
    }

    deinit { releaseAll() }
}
