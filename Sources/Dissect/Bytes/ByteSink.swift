/// A growable byte buffer for output: appends are a bounds check and a store, with none
/// of Array's per-append uniqueness and capacity bookkeeping.
///
/// Like ``ByteView`` this is one of the few audited places with raw pointer code. Every
/// index is checked with `precondition`, which stays on in release builds.
public final class ByteSink {
    // A sink belongs to one writer on one thread and never lends out its storage while
    // appending, so the per-access dynamic exclusivity checks are skipped.
    @exclusivity(unchecked) @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) @usableFromInline var storedCount = 0
    @exclusivity(unchecked) @usableFromInline var storedCapacity: Int

    public var count: Int { storedCount }
    public var capacity: Int { storedCapacity }

    public init(capacity: Int = 1 << 16) {
        storedCapacity = max(capacity, 16)
        base = .allocate(capacity: storedCapacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes.
    @inlinable
    public func reserve(_ n: Int) {
        if storedCapacity - storedCount < n { grow(to: storedCount + n) }
    }

    @usableFromInline
    func grow(to needed: Int) {
        var newCapacity = storedCapacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        new.update(from: base, count: storedCount)
        base.deallocate()
        base = new
        storedCapacity = newCapacity
    }

    @inlinable
    public func append(_ byte: UInt8) {
        if storedCount == storedCapacity { grow(to: storedCount + 1) }
        base[storedCount] = byte
        storedCount += 1
    }

    @inlinable
    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        let target = base + storedCount
        if bytes.count <= 16 {
            // Most appends are a few literal bytes (" → ", "Seq="): cheaper than calling memmove.
            for i in 0..<bytes.count { target[i] = source.load(fromByteOffset: i, as: UInt8.self) }
        } else {
            target.update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        storedCount += bytes.count
    }

    /// Appends an IPv4 address in dotted-quad form (`192.0.2.1`).
    public func appendDottedQuad(_ address: UInt32) {
        reserve(15)
        var p = base + storedCount
        var shift: UInt32 = 24
        while true {
            let octet = UInt8(truncatingIfNeeded: address >> shift)
            if octet >= 100 {
                p.pointee = 48 &+ octet / 100
                p += 1
            }
            if octet >= 10 {
                p.pointee = 48 &+ octet / 10 % 10
                p += 1
            }
            p.pointee = 48 &+ octet % 10
            p += 1
            if shift == 0 { break }
            p.pointee = 46
            p += 1
            shift -= 8
        }
        storedCount = p - base
    }

    /// Appends `value` in decimal digits.
    public func appendDecimal(_ value: UInt64) {
        let digits = Self.decimalDigits(value)
        reserve(digits)
        writeDigits(value, count: digits)
        storedCount += digits
    }

    /// How many decimal digits `value` has: a few comparisons, no division.
    static func decimalDigits(_ v: UInt64) -> Int {
        if v < 10_000 {
            if v < 100 { return v < 10 ? 1 : 2 }
            return v < 1000 ? 3 : 4
        }
        if v < 100_000_000 {
            if v < 1_000_000 { return v < 100_000 ? 5 : 6 }
            return v < 10_000_000 ? 7 : 8
        }
        if v < 1_000_000_000_000 {
            if v < 10_000_000_000 { return v < 1_000_000_000 ? 9 : 10 }
            return v < 100_000_000_000 ? 11 : 12
        }
        var digits = 13
        var power: UInt64 = 10_000_000_000_000
        while digits < 20 && v >= power {
            digits &+= 1
            power &*= 10
        }
        return digits
    }

    /// Appends the last `width` decimal digits of `value`, zero-padded (`width` ≤ 20).
    public func appendDecimal(_ value: UInt64, width: Int) {
        precondition(width >= 0 && width <= 20)
        reserve(width)
        writeDigits(value, count: width)
        storedCount += width
    }

    /// Writes the last `count` decimal digits of `value` (zero-padded) at the end, two at a
    /// time; the caller has reserved the room.
    private func writeDigits(_ value: UInt64, count: Int) {
        let pairs: StaticString = """
            00010203040506070809101112131415161718192021222324252627282930313233343536373839\
            40414243444546474849505152535455565758596061626364656667686970717273747576777879\
            8081828384858687888990919293949596979899
            """
        let table = pairs.utf8Start
        var p = base + storedCount + count
        var rest = value
        var left = count
        while left >= 2 {
            let pair = Int(truncatingIfNeeded: rest % 100) &* 2
            rest /= 100
            p -= 2
            p[0] = table[pair]
            p[1] = table[pair &+ 1]
            left &-= 2
        }
        if left == 1 {
            p -= 1
            p.pointee = 48 &+ UInt8(truncatingIfNeeded: rest % 10)
        }
    }

    public func append(contentsOf bytes: some Sequence<UInt8>) {
        for b in bytes { append(b) }
    }

    @inlinable
    public subscript(index: Int) -> UInt8 {
        get {
            precondition(index >= 0 && index < storedCount, "ByteSink index out of range")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < storedCount, "ByteSink index out of range")
            base[index] = newValue
        }
    }

    /// Drops everything from `index` on.
    public func truncate(to index: Int) {
        precondition(index >= 0 && index <= storedCount)
        storedCount = index
    }

    /// Inserts `n` copies of `fill` at `index`, moving what follows to the right.
    public func insert(_ fill: UInt8, count n: Int, at index: Int) {
        precondition(index >= 0 && index <= storedCount && n >= 0)
        reserve(n)
        (base + index + n).update(from: base + index, count: storedCount - index)
        (base + index).update(repeating: fill, count: n)
        storedCount += n
    }

    /// The bytes from `start` to the end, copied out.
    public func copy(from start: Int = 0) -> [UInt8] {
        precondition(start >= 0 && start <= count)
        return Array(UnsafeBufferPointer(start: base + start, count: count - start))
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
