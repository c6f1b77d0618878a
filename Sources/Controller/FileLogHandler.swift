// FileLogHandler: swift-log lines appended to the run's faultline.log (and echoed with --verbose).
import Foundation
import Logging

/// FileLogHandler writes `time level [label] message key=value` lines to one file.
struct FileLogHandler: LogHandler {
    final class Sink: @unchecked Sendable {
        let handle: FileHandle?
        let echo: Bool
        let lock = NSLock()
        init(path: String, echo: Bool) {
            FileManager.default.createFile(atPath: path, contents: nil)
            handle = FileHandle(forWritingAtPath: path)
            self.echo = echo
        }
        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            handle?.write(Data(line.utf8))
            if echo { FileHandle.standardError.write(Data(line.utf8)) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write(level: event.level, message: event.message, extra: event.metadata)
    }

    private func write(level: Logger.Level, message: Logger.Message, extra: Logger.Metadata?) {
        let all = metadata.merging(extra ?? [:]) { $1 }
        let meta = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let ts = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        sink.write("\(ts) \(level) [\(label)] \(message)\(meta)\n")
    }
}
