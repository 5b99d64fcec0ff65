import ArgumentParser
import Platform

/// A duration on the command line: `250ms`, `2s`, `1.5s`, `1m` or a number of seconds.
/// A bad value is a usage error from the parser, naming the flag.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init?(argument: String) {
        guard let duration = Duration(parsing: argument) else { return nil }
        self.duration = duration
    }

    init(_ duration: Duration) { self.duration = duration }

    var defaultValueDescription: String {
        let seconds = duration.seconds
        if seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        if seconds >= 1 && seconds.rounded() == seconds { return "\(Int(seconds))s" }
        return seconds == 0 ? "0" : "\(Int((seconds * 1000).rounded()))ms"
    }
}
