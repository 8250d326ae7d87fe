//! Hybrid logical clock: wall-clock milliseconds in the high 48 bits, a counter in the low 16.
//!
//! Timestamps from one site never go backwards even when the wall clock does, and a site that
//! receives a later timestamp from elsewhere moves past it, so the order (hlc, site_id,
//! event_id) respects causality across sites. The wall clock is a trait so tests can drive it.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

const COUNTER_BITS: u32 = 16;
const COUNTER_MASK: u64 = (1 << COUNTER_BITS) - 1;

/// Where time comes from. Production uses the system clock; tests use a fixed or stepped one.
pub trait WallClock: Send + Sync {
    fn now_ms(&self) -> u64;
}

pub struct SystemClock;

impl WallClock for SystemClock {
    fn now_ms(&self) -> u64 {
        u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0)
    }
}

/// A clock shared with the test that moves it.
impl<T: WallClock> WallClock for std::sync::Arc<T> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
}

/// A clock that tests set by hand.
pub struct ManualClock(Mutex<u64>);

impl ManualClock {
    pub fn new(ms: u64) -> Self {
        ManualClock(Mutex::new(ms))
    }
    pub fn set(&self, ms: u64) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = ms;
    }
}

impl WallClock for ManualClock {
    fn now_ms(&self) -> u64 {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn physical_ms(self) -> u64 {
        self.0 >> COUNTER_BITS
    }
    pub fn counter(self) -> u64 {
        self.0 & COUNTER_MASK
    }
    pub fn as_i64(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
    pub fn from_i64(v: i64) -> Self {
        Timestamp(u64::try_from(v).unwrap_or(0))
    }
    pub fn to_datetime(self) -> DateTime<Utc> {
        let ms = i64::try_from(self.physical_ms()).unwrap_or(0);
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }
    fn compose(ms: u64, counter: u64) -> Self {
        Timestamp((ms << COUNTER_BITS) | (counter & COUNTER_MASK))
    }
}

pub struct Hlc {
    clock: Box<dyn WallClock>,
    last: Mutex<Timestamp>,
}

impl Hlc {
    pub fn new(clock: Box<dyn WallClock>) -> Self {
        Hlc { clock, last: Mutex::new(Timestamp(0)) }
    }

    /// A timestamp for a new local event, later than every one this clock has issued or seen.
    pub fn now(&self) -> Timestamp {
        let wall = self.clock.now_ms();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let next = if wall > last.physical_ms() {
            Timestamp::compose(wall, 0)
        } else if last.counter() < COUNTER_MASK {
            Timestamp(last.0 + 1)
        } else {
            // The counter is exhausted within one millisecond: borrow the next millisecond.
            Timestamp::compose(last.physical_ms() + 1, 0)
        };
        *last = next;
        next
    }

    /// The wall clock's time: what "now" means for deadlines and lock-outs (replaceable in
    /// tests, like the clock itself).
    pub fn wall_now(&self) -> DateTime<Utc> {
        let ms = i64::try_from(self.clock.now_ms()).unwrap_or(0);
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// Takes note of a timestamp seen in an event from elsewhere (or from the local log at start).
    pub fn observe(&self, seen: Timestamp) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if seen > *last {
            *last = seen;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    struct Shared(Arc<ManualClock>);
    impl WallClock for Shared {
        fn now_ms(&self) -> u64 {
            self.0.now_ms()
        }
    }

    #[test]
    fn monotonic_when_wall_clock_goes_back() {
        let wall = Arc::new(ManualClock::new(10_000));
        let hlc = Hlc::new(Box::new(Shared(wall.clone())));
        let a = hlc.now();
        wall.set(5_000);
        let b = hlc.now();
        let c = hlc.now();
        assert!(a < b && b < c);
        assert_eq!(b.physical_ms(), 10_000);
        wall.set(20_000);
        let d = hlc.now();
        assert_eq!(d.physical_ms(), 20_000);
        assert_eq!(d.counter(), 0);
    }

    #[test]
    fn moves_past_observed_remote_time() {
        let hlc = Hlc::new(Box::new(ManualClock::new(1_000)));
        let remote = Timestamp::compose(9_000, 7);
        hlc.observe(remote);
        assert!(hlc.now() > remote);
    }

    #[test]
    fn counter_overflow_borrows_next_millisecond() {
        let hlc = Hlc::new(Box::new(ManualClock::new(1)));
        let mut prev = hlc.now();
        for _ in 0..70_000 {
            let t = hlc.now();
            assert!(t > prev);
            prev = t;
        }
    }
}
