//! What the timing examples share: the best of several runs.

use std::time::{Duration, Instant};

/// The shortest of `runs` runs of `f`.
pub fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}
