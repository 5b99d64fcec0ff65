import Foundation

/// This process's file descriptors: the limit, and how many are free.
public enum FileDescriptors {
    #if os(Linux)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// Raises the soft `RLIMIT_NOFILE` to the hard one, as servers do at start.
    public static func raiseSoftLimit() {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        if setrlimit(resource, &raised) != 0 {
            // An unlimited hard limit may still be above what the kernel allows a process.
            raised.rlim_cur = min(limit.rlim_max, 1 << 20)
            _ = setrlimit(resource, &raised)
        }
    }

    /// Descriptors that may still be opened: the soft limit less those open now.
    public static var available: Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return Int.max }
        let soft = Int(clamping: limit.rlim_cur)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return soft == Int.max ? soft : max(0, soft - open)
    }
}
