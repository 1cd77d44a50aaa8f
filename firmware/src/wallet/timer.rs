//! Counting a request's steps: each step run on the platform's instruction counter, the total kept.

use protocol::WalletError;

use crate::service::Platform;

/// Times the steps of one request on `platform`'s counter.
pub struct Timer<'p, P> {
    platform: &'p mut P,
    total: u64,
}

impl<'p, P: Platform> Timer<'p, P> {
    /// No step timed yet.
    pub fn new(platform: &'p mut P) -> Self {
        Self { platform, total: 0 }
    }

    /// Run the step `f`: its result and instructions (added to the total).
    pub fn time<T>(
        &mut self,
        f: impl FnOnce() -> Result<T, WalletError>,
    ) -> Result<(T, u64), WalletError> {
        let mut f = Some(f);
        let mut out = None;
        let m = self.platform.measure(&mut || out = f.take().map(|f| f()));
        self.total = self.total.saturating_add(m.instructions);
        // A platform runs the routine it measures; one that did not signs nothing.
        let value = out.ok_or(WalletError::Signing)??;
        Ok((value, m.instructions))
    }

    /// [`Self::time`] without the step's own count.
    pub fn run<T>(&mut self, f: impl FnOnce() -> Result<T, WalletError>) -> Result<T, WalletError> {
        self.time(f).map(|(value, _)| value)
    }

    /// Instructions of all steps so far.
    pub fn total(&self) -> u64 {
        self.total
    }
}
