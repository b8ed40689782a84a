import Dissect

enum FrameFields {
    static let all: [FieldDefinition] = [
        field("frame.number", "Frame number") { i, o in o.decimal(i.frame.number) },
        field("frame.time_epoch", "Epoch time", .time) { i, o in
            o.next()
            o.out.epoch(i.frame.raw.timestamp)
        },
        field("frame.time_relative", "Time since the first frame", .time) { i, o in
            o.next()
            o.out.seconds(nanoseconds: i.frame.raw.timestamp.nanoseconds(since: i.reference))
        },
        field("frame.time_delta", "Time since the previous frame", .time) { i, o in
            o.next()
            o.out.seconds(nanoseconds: i.frame.raw.timestamp.nanoseconds(since: i.previous))
        },
        field("frame.len", "Frame length on the wire") { i, o in o.decimal(i.frame.raw.originalLength) },
        field("frame.cap_len", "Captured length") { i, o in o.decimal(i.frame.raw.capturedLength) },
        field("frame.interface_id", "Interface id") { i, o in
            guard i.frame.raw.hasInterfaceID else { return }
            o.decimal(i.frame.raw.interfaceID)
        },
        field("frame.protocols", "Protocols in frame", .string) { i, o in
            o.next()
            for (n, layer) in i.protocols.enumerated() {
                if n > 0 { o.out.byte(58) }
                o.out.string(layer.description)
            }
        },
    ]
}
