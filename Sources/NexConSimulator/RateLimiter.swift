import Foundation
import Synchronization
import Platform

/// A token bucket per API key: `limit` requests a second, with bursts up to `limit`.
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// The answer for one request, with what the `X-RateLimit-*` headers report.
    struct Decision: Equatable {
        var allowed: Bool
        var remaining: Int
        /// Whole seconds until a request would be allowed (for `Retry-After`) or the bucket is full again.
        var retryAfter: Int
        var reset: Int
    }

    let limit: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limit: Int) { self.limit = limit }

    func take(key: String, now: ContinuousClock.Instant = .now) -> Decision {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(limit), updated: now)
            let elapsed = (now - bucket.updated).seconds
            bucket.tokens = min(Double(limit), bucket.tokens + elapsed * Double(limit))
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            let perToken = 1 / Double(limit)
            return Decision(
                allowed: allowed,
                remaining: Int(bucket.tokens.rounded(.down)),
                retryAfter: allowed ? 0 : max(1, Int(((1 - bucket.tokens) * perToken).rounded(.up))),
                reset: Int(((Double(limit) - bucket.tokens) * perToken).rounded(.up))
            )
        }
    }
}
