import Dissect
import Follow
import Foundation
import Views

/// One open capture, like Wireshark's sharkd: an index built in one pass, then answers on
/// demand. The index keeps, per frame, the frame's offset in the capture file and where its
/// summary row (already JSON) starts in a temporary row file, and its TCP conversation:
/// 20 bytes of memory per frame.
/// Anything else (a frame's tree, a filter, a view) is a fresh pass through the same
/// decoder and follower the command line uses, so the answers are the CLI's by construction.
///
/// Thread safety: `ingest` and `index` run on one indexing thread; every query may run on
/// any other thread at the same time and sees the frames indexed so far.
public final class CaptureEngine: @unchecked Sendable {
    /// The capture file the engine reads (for live capture, the temporary pcapng).
    public let path: String
    private let lock = NSLock()

    // Owned by the indexing thread.
    private var loop: PacketLoop
    private let scratch = OutputBuffer(fileDescriptor: nil, flushThreshold: 1 << 20)
    private var pendingRows: [UInt8] = []
    private var pendingStarts: [Int64] = []
    private var pendingOffsets: [Int64] = []
    private var pendingKeys: [UInt32] = []
    private var rowFileEnd: Int64 = 0

    // Shared, under `lock`.
    private var offsets: [Int64] = []
    /// Per frame, the conversation it belongs to (see ``streamKey``), so that one frame's
    /// details can be rebuilt from its conversation's frames alone.
    private var streamKeys: [UInt32] = []
    /// True when frames can be read again at their offsets: a regular pcap file, or a pcapng
    /// file whose interfaces were all described before its first batch of frames.
    private var canSeek = false
    private var rowStarts: [Int64] = [0]
    private var done = false
    private var failure: String?
    private var bytesIndexed: Int64 = 0
    private var liveCounters: (received: UInt64, dropped: UInt64)?
    private var filterCache: [String: (count: Int, frames: [UInt32])] = [:]
    private var filterOrder: [String] = []
    private var progress: [String: Double] = [:]

    private let rowFile: Int32
    private let rowPath: String
    /// The capture file's size, for progress (nil when unknown or live).
    public let fileSize: Int64?
    public let interfaces: [CaptureInterface]

    /// Opens `path` for indexing; call ``index()`` (on a thread of its own) to build the index.
    public init(path: String) throws {
        self.path = path
        let reader = try CaptureFileReader(path: path)
        fileSize = reader.fileSize
        interfaces = reader.interfaces
        var template = "/tmp/tcpwatch-rows-XXXXXX".utf8CString
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw EngineError.cannotCreateTemporaryFile }
        rowFile = fd
        rowPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // The rows are only ours: the name goes as soon as the file is open.
        unlink(rowPath)
        loop = PacketLoop(follower: Follower(options: Self.fullOptions))
    }

    /// For live capture: frames arrive through ``ingest(_:)`` and are already in `path`,
    /// a pcapng file the caller writes and flushes before calling ``publish()``.
    public init(livePath: String, interfaces: [CaptureInterface]) throws {
        path = livePath
        fileSize = nil
        self.interfaces = interfaces
        var template = "/tmp/tcpwatch-rows-XXXXXX".utf8CString
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw EngineError.cannotCreateTemporaryFile }
        rowFile = fd
        rowPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(rowPath)
        loop = PacketLoop(follower: Follower(options: Self.fullOptions))
    }

    deinit { close(rowFile) }

    /// What `tcpwatch read` needs for its default output.
    static var fullOptions: FollowerOptions {
        var options = FollowerOptions()
        options.analyzeSequences = true
        options.trackHTTP = true
        return options
    }

    /// What `read -V` and `read -Y` need: HTTP messages keep their bytes for the tree's
    /// reassembled data (the same limit as the CLI's).
    public static var treeOptions: FollowerOptions {
        var options = fullOptions
        options.pduBytesLimit = 1 << 20
        return options
    }

    // MARK: indexing

    /// Reads the whole file once and indexes every frame. Returns when done. A worker
    /// thread decodes and follows while this one writes the rows, as `read` does.
    public func index() {
        do {
            let reader = try CaptureFileReader(path: path)
            let pipeline = PacketPipeline(loop: PacketLoop(follower: Follower(options: Self.fullOptions)),
                                          next: reader.next, batching: reader.fileSize != nil)
            var interfacesAfterFirstBatch: Int?
            try pipeline.run(betweenBatches: {
                if interfacesAfterFirstBatch == nil { interfacesAfterFirstBatch = reader.interfaces.count }
                if pendingStarts.count >= 4096 || pendingRows.count >= 1 << 20 { publish(bytesRead: reader.bytesConsumed) }
            }) { input in
                add(input)
                return true
            }
            let seekable = reader.fileSize != nil
                && (reader.format != .pcapng || interfacesAfterFirstBatch == reader.interfaces.count)
            lock.withLock { canSeek = seekable }
            publish(bytesRead: reader.bytesConsumed)
        } catch {
            publish()
            lock.withLock { failure = "\(error)" }
        }
        finishIndexing()
    }

    /// Marks the index complete.
    public func finishIndexing() {
        publish()
        lock.withLock { done = true }
    }

    /// Indexes one frame (live capture): its row goes to the row file when ``publish()`` is next called.
    public func ingest(_ raw: RawFrame) {
        loop.process(raw) { add($0) }
    }

    private func add(_ input: FieldInput) {
        var columns = SummaryLine().columns(input, scratch: scratch)
        columns.color = Self.wiresharkColor(input, protocol: columns.protocol)
        pendingStarts.append(rowFileEnd + Int64(pendingRows.count))
        pendingOffsets.append(input.frame.raw.fileOffset)
        pendingKeys.append(Self.streamKey(input))
        Self.appendRow(columns, to: &pendingRows)
    }

    /// Wireshark's default colouring rules in Wireshark's order (the first that matches
    /// wins): Bad TCP (analysis flags other than window update, or a malformed frame), ICMP
    /// errors, ARP, TCP RST, HTTP (`http || tcp.port == 80`), TCP SYN/FIN, and DNS, which
    /// the issue adds. The page colours the rest by protocol (ICMP, TCP, UDP).
    static func wiresharkColor(_ input: FieldInput, protocol name: String) -> ColorCategory? {
        let frame = input.frame
        if !frame.issues.isEmpty { return .badTCP }
        if frame.tcp != nil, !input.analysis.tcp.flags.subtracting(.windowUpdate).isEmpty { return .badTCP }
        if frame.icmp?.isError == true || frame.icmpv6?.isError == true { return .icmpError }
        if frame.arp != nil { return .arp }
        if let tcp = frame.tcp {
            if tcp.flags.contains(.rst) { return .tcpReset }
            if name == "HTTP" || frame.http != nil || tcp.sourcePort == 80 || tcp.destinationPort == 80 { return .http }
            if tcp.flags.contains(.syn) || tcp.flags.contains(.fin) { return .synFin }
            return nil
        }
        if frame.dns != nil { return .dns }
        return nil
    }

    /// Writes the pending rows and makes them visible to queries.
    public func publish(bytesRead: Int64? = nil) {
        if !pendingRows.isEmpty {
            let written = pendingRows.withUnsafeBytes { buffer -> Int in
                var done = 0
                while done < buffer.count {
                    let n = pwrite(rowFile, buffer.baseAddress! + done, buffer.count - done, off_t(rowFileEnd) + off_t(done))
                    if n <= 0 { break }
                    done += n
                }
                return done
            }
            rowFileEnd += Int64(written)
            pendingRows.removeAll(keepingCapacity: true)
        }
        let starts = pendingStarts, frameOffsets = pendingOffsets, keys = pendingKeys
        pendingKeys.removeAll(keepingCapacity: true)
        pendingStarts.removeAll(keepingCapacity: true)
        pendingOffsets.removeAll(keepingCapacity: true)
        let end = rowFileEnd
        lock.withLock {
            if !starts.isEmpty {
                rowStarts.removeLast()
                rowStarts.append(contentsOf: starts)
                rowStarts.append(end)
                offsets.append(contentsOf: frameOffsets)
                streamKeys.append(contentsOf: keys)
            }
            if let bytesRead { bytesIndexed = bytesRead }
        }
    }

    /// Live capture's counters, shown by the page.
    public func setLiveCounters(received: UInt64, dropped: UInt64) {
        lock.withLock { liveCounters = (received, dropped) }
    }

    static func appendRow(_ c: SummaryColumns, to out: inout [UInt8]) {
        var json = JSONText()
        json.object { j in
            j.key("number"); j.int(c.number)
            j.field("time", c.time)
            j.field("source", c.source)
            j.field("destination", c.destination)
            j.field("protocol", c.protocol)
            j.key("length"); j.int(c.length)
            j.field("info", c.info)
            j.field("color", c.color?.rawValue)
        }
        out.append(contentsOf: json.bytes)
    }

    // MARK: state

    /// How far indexing got.
    public struct Status: Sendable {
        public var frames: Int
        public var complete: Bool
        public var bytesRead: Int64
        public var fileSize: Int64?
        public var error: String?
        public var received: UInt64?
        public var dropped: UInt64?
    }

    public var status: Status {
        lock.withLock {
            Status(frames: offsets.count, complete: done, bytesRead: bytesIndexed, fileSize: fileSize, error: failure,
                   received: liveCounters?.received, dropped: liveCounters?.dropped)
        }
    }

    /// Frames indexed so far.
    public var frameCount: Int { lock.withLock { offsets.count } }

    /// Where frame `number` (1-based) starts in the capture file.
    public func fileOffset(ofFrame number: Int) -> Int64? {
        lock.withLock { number >= 1 && number <= offsets.count ? offsets[number - 1] : nil }
    }

    /// The stored JSON rows of frames `numbers` (1-based), in that order.
    public func rows(_ numbers: some Sequence<Int>) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var ranges: [(Int64, Int64)] = []
        lock.withLock {
            for n in numbers where n >= 1 && n < rowStarts.count {
                ranges.append((rowStarts[n - 1], rowStarts[n]))
            }
        }
        // Consecutive rows are one read.
        var i = 0
        while i < ranges.count {
            var j = i
            while j + 1 < ranges.count && ranges[j + 1].0 == ranges[j].1 { j += 1 }
            let start = ranges[i].0, end = ranges[j].1
            var buffer = [UInt8](repeating: 0, count: Int(end - start))
            let n = buffer.withUnsafeMutableBytes { pread(rowFile, $0.baseAddress!, $0.count, off_t(start)) }
            if n == buffer.count {
                for k in i...j {
                    result.append(Array(buffer[Int(ranges[k].0 - start)..<Int(ranges[k].1 - start)]))
                }
            }
            i = j + 1
        }
        return result
    }

    // MARK: passes

    /// Reads the first `limit` frames again through a fresh decoder and follower, as the
    /// command line would; `body` returns false to stop early.
    func pass(options: FollowerOptions = CaptureEngine.fullOptions, limit: Int? = nil,
              depth: FrameDecoder.Depth = .application, follower made: Follower? = nil,
              _ body: (FieldInput) -> Bool) throws -> Follower {
        let limit = limit ?? frameCount
        let follower = made ?? Follower(options: options)
        var loop = PacketLoop(follower: follower)
        loop.depth = depth
        let reader = try CaptureFileReader(path: path)
        var n = 0
        while n < limit, let raw = try reader.next() {
            n += 1
            let go = loop.process(raw, body) ?? true
            if !go { break }
        }
        return follower
    }

    /// The numbers of the frames `filter` selects, computed once per filter (and again when
    /// live capture has added frames). `progress` is reported under the filter's text.
    public func matches(_ filterText: String) throws(DisplayFilterError) -> [UInt32] {
        let filter = try DisplayFilter(filterText)
        let count = frameCount
        if let cached = lock.withLock({ filterCache[filterText] }), cached.count == count { return cached.frames }
        var frames: [UInt32] = []
        var seen = 0
        // The same two-thread pipeline as `read -Y`: a worker decodes and follows, this
        // thread decodes above the transport and evaluates the filter.
        if let reader = try? CaptureFileReader(path: path) {
            let pipeline = PacketPipeline(loop: PacketLoop(follower: Follower(options: Self.treeOptions)),
                                          next: reader.next, batching: reader.fileSize != nil)
            try? pipeline.run { input in
                guard seen < count else { return false }
                seen += 1
                if filter.matches(input) { frames.append(UInt32(input.frame.number)) }
                if seen & 0xffff == 0 { self.lock.withLock { self.progress[filterText] = Double(seen) / Double(max(count, 1)) } }
                return seen < count
            }
        }
        lock.withLock {
            progress[filterText] = nil
            filterCache[filterText] = (count, frames)
            filterOrder.removeAll { $0 == filterText }
            filterOrder.append(filterText)
            if filterOrder.count > 8 { filterCache[filterOrder.removeFirst()] = nil }
        }
        return frames
    }

    private let viewLock = NSLock()
    private var viewCache: [String: [UInt8]] = [:]
    private var viewOrder: [String] = []

    /// A view's answer, computed once per `key` for the frames indexed so far (a view is a
    /// pass over the whole capture; the page asks again when it switches tabs).
    public func cached(_ key: String, _ compute: () throws -> [UInt8]) rethrows -> [UInt8] {
        let full = "\(frameCount) \(key)"
        if let hit = viewLock.withLock({ viewCache[full] }) { return hit }
        let value = try compute()
        viewLock.withLock {
            viewCache[full] = value
            viewOrder.append(full)
            if viewOrder.count > 12 { viewCache[viewOrder.removeFirst()] = nil }
        }
        return value
    }

    /// Filters being computed and how far each got (0...1).
    public var filterProgress: [String: Double] { lock.withLock { progress } }

    /// A page of rows: `{"total", "matched", "frames": [...]}`.
    public func framesJSON(filter: String?, skip: Int, limit: Int) throws(DisplayFilterError) -> [UInt8] {
        let total = frameCount
        let skip = max(0, skip), limit = max(0, min(limit, 10_000))
        var matched = total
        var numbers: [Int]
        if let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty {
            let frames = try matches(filter)
            matched = frames.count
            numbers = skip < frames.count ? frames[skip..<min(frames.count, skip + limit)].map { Int($0) } : []
        } else {
            numbers = skip < total ? Array((skip + 1)...min(total, skip + limit)) : []
        }
        var json = JSONText()
        json.object { j in
            j.key("total"); j.int(total)
            j.key("matched"); j.int(matched)
            j.key("frames")
            j.array { a in for row in rows(numbers) { a.raw(row) } }
        }
        return json.bytes
    }

    /// Where frame `number` is in the list `filter` shows (0-based), or nil when it is not there.
    public func position(ofFrame number: Int, filter: String?) throws(DisplayFilterError) -> Int? {
        guard let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty else {
            return number >= 1 && number <= frameCount ? number - 1 : nil
        }
        let frames = try matches(filter)
        var lo = 0, hi = frames.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(frames[mid]) < number { lo = mid + 1 } else { hi = mid }
        }
        return lo < frames.count && Int(frames[lo]) == number ? lo : nil
    }

    public func positionJSON(frame: Int, filter: String?) throws(DisplayFilterError) -> [UInt8] {
        var json = JSONText()
        let index = try position(ofFrame: frame, filter: filter)
        json.object { $0.field("index", index) }
        return json.bytes
    }

    // MARK: one frame

    private let cursorLock = NSLock()
    private var cursor: (reader: CaptureFileReader, loop: PacketLoop, number: Int)?

    /// Up to this many frames ahead, details follow every frame from the last request (or
    /// from the start); further, a TCP frame's details come from its conversation.
    public var replayWindow = 20_000
    /// Read a conversation's frames at their offsets when the file allows it (off: read
    /// every frame up to the one asked for; for tests).
    public var seeksForDetails = true

    /// A TCP frame's conversation: 1 + tcp.stream; 0 for anything else (UDP, whose
    /// application layer can depend on other conversations, as TFTP's does; ICMP quoting a
    /// stream; ARP ...), whose details need every frame before it.
    static func streamKey(_ input: FieldInput) -> UInt32 {
        if input.frame.icmp != nil || input.frame.icmpv6 != nil { return 0 }
        if input.frame.tcp != nil, let s = input.analysis.tcpStream, s < 0x7fff_fff0 { return UInt32(s + 1) }
        return 0
    }

    /// Frame `number`'s details: its tree as `-V` prints it and its bytes.
    ///
    /// The follower's state for the frame is rebuilt by following the frames before it
    /// again, decoded only up to the transport as the follower needs. Walking on from the
    /// last request costs only the frames in between. Otherwise, for a TCP frame,
    /// only its own conversation's frames are followed (the others are read, not decoded),
    /// and the stream number and the capture's time references are put back.
    public func details(frame number: Int) throws -> (PacketDetails, [UInt8])? {
        guard number >= 1 && number <= frameCount else { return nil }
        return try cursorLock.withLock { () throws -> (PacketDetails, [UInt8])? in
            let near = cursor.map { $0.number < number && number - $0.number <= replayWindow } ?? false
            if !near, number > replayWindow, let result = try conversationDetails(frame: number) { return result }
            if cursor == nil || cursor!.number >= number {
                cursor = (try CaptureFileReader(path: path), PacketLoop(follower: Follower(options: Self.treeOptions)), 0)
            }
            var c = cursor!
            defer { cursor = c }
            while c.number < number {
                guard let raw = try c.reader.next() else { return nil }
                c.number += 1
                c.loop.depth = c.number == number ? .application : .transport
                if c.number == number {
                    return c.loop.process(raw) { input in (PacketTree.build(input), Array(input.frame.bytes)) }
                }
                c.loop.process(raw) { _ in }
            }
            return nil
        }
    }

    /// The details of a TCP frame from its conversation's frames alone; nil for other frames.
    func conversationDetails(frame number: Int) throws -> (PacketDetails, [UInt8])? {
        let (key, members, memberOffsets, previousOffset, seekable): (UInt32, [Int], [Int64], Int64?, Bool) = lock.withLock {
            let key = streamKeys[number - 1]
            guard key != 0 else { return (0, [], [], nil, false) }
            var members: [Int] = [], at: [Int64] = []
            for i in 0..<number where streamKeys[i] == key {
                members.append(i + 1)
                at.append(offsets[i])
            }
            return (key, members, at, number >= 2 ? offsets[number - 2] : nil, canSeek)
        }
        guard key != 0 else { return nil }
        if seekable, seeksForDetails, let result = try? seekingDetails(frame: number, key: key, members: members, offsets: memberOffsets,
                                                      previousOffset: previousOffset) {
            return result
        }
        let reader = try CaptureFileReader(path: path)
        var loop = PacketLoop(follower: Follower(options: Self.treeOptions))
        loop.depth = .transport
        var first: Timestamp?, previous: Timestamp?
        var numbered = 0, next = 0
        var n = 0
        while let raw = try reader.next() {
            n += 1
            if first == nil { first = raw.timestamp }
            defer { previous = raw.timestamp }
            guard next < members.count, members[next] == n else { continue }
            next += 1
            loop.skip(n - 1 - numbered)
            numbered = n
            if n < number {
                loop.process(raw) { _ in }
                continue
            }
            loop.depth = .application
            return Self.conversationTree(&loop, raw, reference: first!, previous: previous ?? raw.timestamp, key: key)
        }
        return nil
    }

    /// The tree of a frame followed from its conversation's frames alone: the time
    /// references and the stream number are those of the whole file.
    private static func conversationTree(_ loop: inout PacketLoop, _ raw: RawFrame, reference: Timestamp,
                                         previous: Timestamp, key: UInt32) -> (PacketDetails, [UInt8])? {
        loop.process(raw) { input -> (PacketDetails, [UInt8]) in
            var input = input
            input.reference = reference
            input.previous = previous
            input.analysis.tcpStream = Int(key) - 1
            return (PacketTree.build(input), Array(input.frame.bytes))
        }
    }

    /// ``conversationDetails(frame:)`` reading only the conversation's frames, at their
    /// indexed offsets; nil when the file does not allow it (then every frame is read).
    private func seekingDetails(frame number: Int, key: UInt32, members: [Int], offsets at: [Int64],
                                previousOffset: Int64?) throws -> (PacketDetails, [UInt8])? {
        let reader = try CaptureFileReader(path: path)
        // Frame 1: the time reference, and (pcapng) the interfaces described before it.
        guard let first = try reader.next()?.timestamp else { return nil }
        var previous = first
        if let previousOffset {
            guard reader.seek(toFrameAt: previousOffset, number: number - 1), let raw = try reader.next() else { return nil }
            previous = raw.timestamp
        }
        var loop = PacketLoop(follower: Follower(options: Self.treeOptions))
        loop.depth = .transport
        var numbered = 0
        for (n, offset) in zip(members, at) {
            guard reader.seek(toFrameAt: offset, number: n), let raw = try reader.next() else { return nil }
            loop.skip(n - 1 - numbered)
            numbered = n
            if n < number {
                loop.process(raw) { _ in }
                continue
            }
            loop.depth = .application
            return Self.conversationTree(&loop, raw, reference: first, previous: previous, key: key)
        }
        return nil
    }

    /// `/api/frame/N`: `{"number", "tree": [nodes], "bytes": hex}`; hidden fields are left out.
    public func frameJSON(_ number: Int) throws -> [UInt8]? {
        guard let (details, bytes) = try details(frame: number) else { return nil }
        var json = JSONText()
        json.object { j in
            j.key("number"); j.int(number)
            j.key("tree")
            j.array { a in for node in details.roots where !node.isHidden { Self.write(node, to: &a) } }
            j.field("bytes", Self.hex(bytes))
            // Reassembled data, as Wireshark's bytes pane tabs it: a node's `source` 1 is the first.
            j.key("sources")
            j.array { a in
                for source in details.sources {
                    a.object { o in
                        o.field("name", source.name)
                        o.field("bytes", Self.hex(source.bytes))
                    }
                }
            }
        }
        return json.bytes
    }

    static func write(_ node: FieldNode, to j: inout JSONText) {
        j.object { o in
            o.field("label", node.displayLabel)
            o.field("field", node.field)
            o.field("value", node.value)
            o.key("range")
            if let r = node.range {
                o.array { a in a.int(r.lowerBound); a.int(r.count) }
            } else {
                o.null()
            }
            o.field("generated", node.isGenerated)
            o.key("source"); o.int(node.source)
            o.key("children")
            o.array { a in for child in node.children where !child.isHidden { write(child, to: &a) } }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: filters

    /// `/api/check`: `{"ok": true}` or `{"ok": false, "error", "column"}` (column from 1).
    public static func checkJSON(_ text: String) -> [UInt8] {
        var json = JSONText()
        json.object { j in
            do throws(DisplayFilterError) {
                _ = try DisplayFilter(text)
                j.field("ok", true)
            } catch {
                j.field("ok", false)
                j.field("error", error.message)
                j.key("column"); j.int(error.column)
                j.key("length"); j.int(error.location.length)
            }
        }
        return json.bytes
    }

    /// A display filter error as `{"ok": false, "error", "column", "length"}`; nil for other errors.
    public static func filterErrorJSON(_ error: any Error) -> [UInt8]? {
        guard let error = error as? DisplayFilterError else { return nil }
        var json = JSONText()
        json.object { j in
            j.field("ok", false)
            j.field("error", error.message)
            j.key("column"); j.int(error.column)
            j.key("length"); j.int(error.location.length)
        }
        return json.bytes
    }

    /// Every field and protocol name with its description, from both declarations.
    public static let completions: [(name: String, description: String)] = {
        var seen = Set<String>()
        var list: [(String, String)] = []
        for p in PacketTree.protocols {
            if seen.insert(p.node.name).inserted { list.append((p.node.name, p.node.label)) }
            for f in p.fields where seen.insert(f.name).inserted {
                list.append((f.name, f.blurb.isEmpty ? f.label : f.blurb))
            }
        }
        for f in FieldRegistry.all where seen.insert(f.name).inserted { list.append((f.name, f.summary)) }
        return list.sorted { $0.0 < $1.0 }
    }()

    /// `/api/complete?prefix=P`: `{"fields": [{"name", "description"}]}` (at most `limit`).
    public static func completeJSON(prefix: String, limit: Int = 100) -> [UInt8] {
        let p = prefix.lowercased()
        var json = JSONText()
        json.object { j in
            j.key("fields")
            j.array { a in
                for (name, description) in completions.lazy.filter({ $0.name.hasPrefix(p) }).prefix(limit) {
                    a.object { o in
                        o.field("name", name)
                        o.field("description", description)
                    }
                }
            }
        }
        return json.bytes
    }
}

public enum EngineError: Error, CustomStringConvertible {
    case cannotCreateTemporaryFile
    case badParameter(String)

    public var description: String {
        switch self {
        case .cannotCreateTemporaryFile: "cannot create a temporary file in /tmp"
        case .badParameter(let what): what
        }
    }
}
