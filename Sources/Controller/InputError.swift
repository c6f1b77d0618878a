// InputError: bad input in a test's files, always one line naming the file, the line and the field.
import Foundation

/// InputError is what every parser of test files throws: `file:line: field F: message`.
/// The controller maps it to exit status 2.
public struct InputError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String { "\(file):\(line): field \(field): \(message)" }
}

import Nemesis

extension InputError {
    /// The first problem of a nemesis schedule (every problem is in the message count).
    static func fromSchedule(_ e: ScheduleError, file: String) -> InputError {
        guard let p = e.problems.first else { return InputError(file: file, line: 0, field: "nemesis", message: "\(e)") }
        let more = e.problems.count > 1 ? " (and \(e.problems.count - 1) more problem(s))" : ""
        return InputError(file: p.file, line: p.line, field: p.field, message: p.message + more)
    }
}
