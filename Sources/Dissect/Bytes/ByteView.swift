/// A read-only window over bytes that someone else owns.
///
/// This file is the one place in Dissect that touches raw pointers. Every read is
/// bounds-checked with a `precondition`, which stays on in release builds: a decoder
/// validates a layer's length once and then reads freely, and a decoder bug traps
/// instead of reading out of bounds.
///
/// A view handed out by a ``CaptureReader`` stays valid only until the reader's next
/// call to `next()`; copy what must outlive that (`Array(view)`).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct ByteView: @unchecked Sendable {
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int

    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress
        count = buffer.count
    }

    @inlinable
    public init(start: UnsafeRawPointer?, count: Int) {
        precondition(count >= 0 && (count == 0 || start != nil))
        base = start
        self.count = count
    }

    public static let empty = ByteView(start: nil, count: 0)

    @inlinable public var isEmpty: Bool { count == 0 }

    @inlinable
    public subscript(offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < count, "ByteView read out of bounds")
        return base.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// True when `length` bytes starting at `offset` are inside the view.
    @inlinable
    public func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count &- offset
    }

    @inlinable
    func load<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
        precondition(contains(offset, length: MemoryLayout<T>.size), "ByteView read out of bounds")
        return base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    @inlinable public func u16be(_ offset: Int) -> UInt16 { UInt16(bigEndian: load(offset, as: UInt16.self)) }
    @inlinable public func u32be(_ offset: Int) -> UInt32 { UInt32(bigEndian: load(offset, as: UInt32.self)) }
    @inlinable public func u64be(_ offset: Int) -> UInt64 { UInt64(bigEndian: load(offset, as: UInt64.self)) }
    @inlinable public func u16le(_ offset: Int) -> UInt16 { UInt16(littleEndian: load(offset, as: UInt16.self)) }
    @inlinable public func u32le(_ offset: Int) -> UInt32 { UInt32(littleEndian: load(offset, as: UInt32.self)) }
    @inlinable public func u64le(_ offset: Int) -> UInt64 { UInt64(littleEndian: load(offset, as: UInt64.self)) }

    @inlinable @inline(__always)
    public func u16(_ offset: Int, bigEndian: Bool) -> UInt16 { bigEndian ? u16be(offset) : u16le(offset) }
    @inlinable @inline(__always)
    public func u32(_ offset: Int, bigEndian: Bool) -> UInt32 { bigEndian ? u32be(offset) : u32le(offset) }

    /// The bytes in `range`, which must lie inside the view.
    @inlinable
    public func slice(_ range: Range<Int>) -> ByteView {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "ByteView slice out of bounds")
        if range.isEmpty { return .empty }
        return ByteView(start: base.unsafelyUnwrapped + range.lowerBound, count: range.count)
    }

    /// The bytes from `offset` to the end, or an empty view past the end.
    @inlinable
    public func suffix(from offset: Int) -> ByteView {
        offset >= count ? .empty : slice(Swift.max(offset, 0)..<count)
    }

    /// Compares the bytes at `offset` with `literal` without copying.
    @inlinable
    public func hasBytes(_ literal: StaticString, at offset: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard contains(offset, length: n) else { return false }
        let p = literal.utf8Start
        for i in 0..<n where self[offset + i] != p[i] { return false }
        return true
    }

    /// Index of the first `byte` in `range`, if any.
    public func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        guard let base, !range.isEmpty else { return nil }
        // The range was checked once above; memchr scans a header line many bytes at a time.
        guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// Runs `body` on the underlying buffer, for bulk copies and writes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}

extension ByteView: RandomAccessCollection {
    public typealias Index = Int
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }
}
