//! Deterministic instruction counting: a free-running 32-bit counter read
//! before and after a routine, scaled by the board.
//!
//! On QEMU (`mps2-an386`) the counter is CMSDK TIMER0 on the 25 MHz bus clock
//! and QEMU runs with `-icount shift=7`: every instruction takes 128 ns of
//! virtual time, i.e. 3.2 timer ticks, so `round(ticks / 3.2)` is the exact
//! instruction count, the same on every run. The 32-bit TIMER0 wraps every
//! 1.3 G instructions; the dual timer, prescaled by 256, counts the wraps.

use firmware::Measurement;

use super::board;

/// Start the board's counter.
pub fn start(core: &mut cortex_m::Peripherals) {
    board::start_counter(core);
}

/// Run `routine` and count its instructions.
pub fn measure(routine: &mut dyn FnMut()) -> Measurement {
    let start = board::counter();
    routine();
    let ticks = board::counter().saturating_sub(start);
    Measurement {
        instructions: board::ticks_to_count(ticks),
        resolution: 1,
    }
}
