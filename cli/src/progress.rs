//! A spinner (indicatif) on stderr for runs that take more than a second; nothing for quick ones.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its spinner shows.
pub const DELAY: Duration = Duration::from_secs(1);

/// A spinner that appears after [`DELAY`] and goes when dropped.
pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start timing a run described by `message`.
    pub fn start(message: &str) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let message = message.to_owned();
        let thread = thread::spawn(move || {
            let step = Duration::from_millis(50);
            let mut waited = Duration::ZERO;
            while waited < DELAY {
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                thread::sleep(step);
                waited += step;
            }
            // Hidden when stderr is not a terminal (indicatif's own rule).
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(message);
            while !flag.load(Ordering::Relaxed) {
                bar.tick();
                thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Self {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Run `f` with a spinner for `message` if it takes longer than [`DELAY`].
pub fn with<T>(message: &str, f: impl FnOnce() -> T) -> T {
    let _progress = Progress::start(message);
    f()
}
