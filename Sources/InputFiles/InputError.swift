// InputError: bad input in a user's files or flags, as lines naming the file, the line and the field.

/// InputProblem is one thing wrong with an input: `file:line: field F: message`.
public struct InputProblem: Sendable, Equatable {
    public var file: String
    /// 1-based; 0 when the problem is about the file as a whole (missing, too big).
    public var line: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// One terminal-safe line: control characters escaped, the length capped.
    public var description: String { InputText.line("\(file):\(line): field \(field): \(message)") }
}

/// InputError is what every reader of user input throws (exit status 2 in the CLI). It holds every
/// problem found, in the order found; `description` prints at most `shownProblems` of them, one per line.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var problems: [InputProblem]

    /// At most this many lines are printed (the rest are counted), so a huge bad file gives a short error.
    public static let shownProblems = 20

    public init(problems: [InputProblem]) {
        precondition(!problems.isEmpty, "an InputError has at least one problem")
        self.problems = problems
    }

    public init(file: String, line: Int, field: String, message: String) {
        self.init(problems: [InputProblem(file: file, line: line, field: field, message: message)])
    }

    /// The first problem's parts (most errors have exactly one).
    public var file: String { problems[0].file }
    public var line: Int { problems[0].line }
    public var field: String { problems[0].field }
    public var message: String { problems[0].message }

    public var description: String {
        var lines = problems.prefix(Self.shownProblems).map(\.description)
        if problems.count > Self.shownProblems {
            lines.append(InputText.line("\(file): and \(problems.count - Self.shownProblems) more problem(s)"))
        }
        return lines.joined(separator: "\n")
    }
}
