import CommandSupport
import Dissect

extension CaptureInputOptions {
    /// Opens the capture file and runs `body` on it with a progress bar, as every pass over
    /// a file does: 2 when the file cannot be opened, 1 when reading it fails part-way
    /// (the message names the file), else 0.
    func runOnFile(_ body: (CaptureFileReader, inout ProgressBar) throws -> Void) -> Int32 {
        let reader: CaptureFileReader
        do {
            reader = try CaptureFileReader(path: path)
        } catch {
            printError("\(path): \(error)")
            return 2
        }
        var progress = ProgressBar(total: reader.fileSize)
        var status: Int32 = 0
        do {
            try body(reader, &progress)
        } catch {
            progress.clear()
            printError("\(path): \(error)")
            status = 1
        }
        progress.clear()
        return status
    }
}
