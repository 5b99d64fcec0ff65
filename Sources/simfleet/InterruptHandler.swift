import Dispatch
import Foundation
import Reconciler

/// First SIGINT or SIGTERM: finish what is in flight and report. Second: exit at once.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(stop: StopFlag) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isSet {
                    Output.error("\nStopped at once.")
                    Foundation.exit(130)
                }
                stop.set()
                Output.error("\nStopping: no new steps; waiting for those in flight. Send the signal again to exit at once.")
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
