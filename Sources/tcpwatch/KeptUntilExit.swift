/// Objects that hold a whole capture's state (the follower's tables, hundreds of thousands
/// of conversations), kept until the process ends instead of being freed one by one just
/// before it does: that teardown cost up to a seventh of a `read`'s main thread. The
/// command returns, `main` returns and the process exits; the kernel takes the memory back
/// at once.
enum KeptUntilExit {
    nonisolated(unsafe) private static var objects: [AnyObject] = []

    /// Keeps `object` alive until the process exits. Call it once per run, at the end.
    static func keep(_ object: AnyObject) {
        objects.append(object)
    }
}
