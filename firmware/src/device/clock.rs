//! Deterministic instruction counting with SysTick on the core clock.
//!
//! Under QEMU with `-icount shift=0` one instruction takes 1 ns of virtual
//! time, so SysTick on the 25 MHz core clock advances once per 40
//! instructions: counts are exact multiples of 40 and identical run to run.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{SCB, SYST};
use firmware::Measurement;

use super::board::INSTRUCTIONS_PER_TICK;

/// SysTick counts down from this (its 24-bit maximum) and wraps.
const RELOAD: u32 = 0x00FF_FFFF;

static WRAPS: AtomicU32 = AtomicU32::new(0);

/// Start SysTick free-running on the core clock.
pub fn start(mut syst: SYST) {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

/// SysTick exception: one more full period elapsed.
pub fn on_wrap() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// Ticks since `start`, wraps included.
fn ticks() -> u64 {
    loop {
        let before = WRAPS.load(Ordering::Acquire);
        let current = SYST::get_current();
        let pending = SCB::is_pendst_pending();
        if WRAPS.load(Ordering::Acquire) != before {
            continue;
        }
        // A wrap whose exception has not run yet counts too.
        let wraps = u64::from(before) + u64::from(pending && current > RELOAD / 2);
        return wraps * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current);
    }
}

/// Run `routine` and count its instructions.
pub fn measure(routine: &mut dyn FnMut()) -> Measurement {
    let start = ticks();
    routine();
    let end = ticks();
    Measurement {
        instructions: end.saturating_sub(start) * u64::from(INSTRUCTIONS_PER_TICK),
        resolution: INSTRUCTIONS_PER_TICK,
    }
}
