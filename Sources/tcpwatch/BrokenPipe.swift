import Views
#if canImport(Glibc)
import Glibc
#endif

/// What every command does when the reader of its output goes away (`| head -1`): it
/// stops at once, quietly, with exit status 0, as the reader has all it wanted.
///
/// SIGPIPE is ignored so a closed pipe shows up as EPIPE from `write`, and the first
/// EPIPE on standard output ends the process. `_exit` rather than `exit`: the pass may be
/// on the pipeline's worker thread, and nothing is left to flush (standard output is the
/// pipe that is gone, and the views write no files). `capture` takes EPIPE over itself,
/// because it must still close its file and print its counters.
enum BrokenPipe {
    static func endQuietly() {
        signal(SIGPIPE, SIG_IGN)
        OutputBuffer.brokenPipeHandler = { fd in
            if fd == STDOUT_FILENO { _exit(0) }
        }
    }

    /// For commands that stop on their own and report (`capture`).
    static func handleInCommand() {
        OutputBuffer.brokenPipeHandler = nil
    }
}
