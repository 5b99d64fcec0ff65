/// What the pool needs to know of a connection, so its state machine runs without NIO.
protocol PooledConnection {
    /// The event loop it lives on; a caller on that loop is given it first.
    var loopID: ObjectIdentifier { get }
    /// Whether it can still carry a request.
    var isUsable: Bool { get }
}

/// The connection pool's bookkeeping as a value type: each event returns the action to
/// take, and the transport performs it. No I/O, no locks, no clock, so every path is
/// tested without a network (the shape of AsyncHTTPClient's HTTP1StateMachine).
///
/// At most `maximum` connections are open or opening. A caller that finds none idle and
/// none to open waits in a FIFO queue; a cancelled waiter leaves it at once, and removal
/// is O(1) (the queue skips ids that are no longer waiting).
struct ConnectionPoolState<Connection: PooledConnection, Waiter> {
    typealias WaiterID = Int

    enum LeaseAction {
        case use(Connection)
        case connect
        /// Park the caller under this id until `release`, `closed` or `shutdown` names it.
        case wait(WaiterID)
        case fail
    }

    enum ReleaseAction {
        /// Resume this waiter with the connection.
        case handOver(Connection, to: Waiter)
        case keepIdle
        /// The pool is shut down: close the connection.
        case close(Connection)
    }

    let maximum: Int
    private var idle: [ObjectIdentifier: [Connection]] = [:]
    /// Connections open or opening.
    private(set) var open = 0
    private var waiters: [WaiterID: Waiter] = [:]
    private var queue: [WaiterID] = []
    private var queueHead = 0
    private var nextID = 0
    private(set) var isShutDown = false

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    var waiting: Int { waiters.count }
    var idleCount: Int { idle.values.reduce(0) { $0 + $1.count } }

    /// A caller wants a connection: an idle one (on its own loop if it can), a new one
    /// while fewer than `maximum` are open, or a place in the queue.
    mutating func lease(preferring loop: ObjectIdentifier, waiter: Waiter) -> LeaseAction {
        if let action = leaseWithoutWaiting(preferring: loop) { return action }
        let id = nextID
        nextID += 1
        waiters[id] = waiter
        queue.append(id)
        return .wait(id)
    }

    /// `lease` for a caller that has no waiter ready: nil where it would have to wait. The
    /// common case needs no continuation.
    mutating func leaseWithoutWaiting(preferring loop: ObjectIdentifier) -> LeaseAction? {
        if isShutDown { return .fail }
        if let connection = takeIdle(on: loop) ?? takeAnyIdle() { return .use(connection) }
        if open < maximum {
            open += 1
            return .connect
        }
        return nil
    }

    /// A request finished and its connection can be used again.
    mutating func release(_ connection: Connection) -> ReleaseAction {
        if isShutDown { return .close(connection) }
        if let waiter = popWaiter() { return .handOver(connection, to: waiter) }
        idle[connection.loopID, default: []].append(connection)
        return .keepIdle
    }

    /// A connection ended, or failed to open: its place is free. The next waiter, if any,
    /// takes the place over and opens a connection in it.
    mutating func closed() -> Waiter? {
        if !isShutDown, let waiter = popWaiter() { return waiter }
        open = max(0, open - 1)
        return nil
    }

    /// A waiting caller was cancelled: it leaves the queue. Nil if it was no longer
    /// waiting (already handed a connection or woken).
    mutating func cancel(_ id: WaiterID) -> Waiter? {
        waiters.removeValue(forKey: id)
    }

    /// Every idle connection to close and every waiter to wake with a failure.
    mutating func shutdown() -> (close: [Connection], wake: [Waiter]) {
        isShutDown = true
        let connections = idle.values.flatMap { $0 }
        idle = [:]
        var woken: [Waiter] = []
        while let waiter = popWaiter() { woken.append(waiter) }
        return (connections, woken)
    }

    private mutating func popWaiter() -> Waiter? {
        while queueHead < queue.count {
            let id = queue[queueHead]
            queueHead += 1
            if let waiter = waiters.removeValue(forKey: id) {
                compactQueue()
                return waiter
            }
        }
        compactQueue()
        return nil
    }

    /// Drops the consumed front of the queue now and then, so it does not grow without end.
    private mutating func compactQueue() {
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    private mutating func takeIdle(on loop: ObjectIdentifier) -> Connection? {
        while let connection = idle[loop]?.popLast() {
            if connection.isUsable { return connection }
        }
        return nil
    }

    private mutating func takeAnyIdle() -> Connection? {
        for loop in idle.keys {
            if let connection = takeIdle(on: loop) { return connection }
        }
        return nil
    }
}
