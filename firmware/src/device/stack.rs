//! Stack high-water mark: paint the free stack at boot, find the deepest write later.
#![allow(unsafe_code)]

/// Pattern written over the unused stack at boot.
const PAINT: u32 = 0xC0FF_EE55;

/// Bytes below the current stack pointer left unpainted at boot (the
/// painting routine's own frame).
const MARGIN: usize = 256;

extern "C" {
    /// Lowest address of the stack region (cortex-m-rt).
    static _stack_end: u32;
    /// Initial stack pointer, the top of the stack region (cortex-m-rt).
    static _stack_start: u32;
}

fn bounds() -> (usize, usize) {
    // Only the addresses of the linker symbols are taken, never their contents.
    (
        core::ptr::addr_of!(_stack_end) as usize,
        core::ptr::addr_of!(_stack_start) as usize,
    )
}

/// Fill the stack between its lowest address and just below the live frames.
pub fn paint() {
    let (low, _) = bounds();
    let sp = cortex_m::register::msp::read() as usize;
    let mut addr = low;
    while addr + 4 <= sp.saturating_sub(MARGIN) {
        // SAFETY: [low, sp - MARGIN) is the unused part of the stack region,
        // word-aligned (cortex-m-rt asserts `_stack_end % 4 == 0`), owned by
        // nothing else.
        unsafe { core::ptr::write_volatile(addr as *mut u32, PAINT) };
        addr += 4;
    }
}

/// (stack size, deepest use since boot) in bytes.
pub fn stats() -> (u32, u32) {
    let (low, high) = bounds();
    let mut addr = low;
    // SAFETY: reads stay inside the stack region [low, high), word-aligned.
    while addr < high && unsafe { core::ptr::read_volatile(addr as *const u32) } == PAINT {
        addr += 4;
    }
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (to_u32(high - low), to_u32(high - addr))
}
