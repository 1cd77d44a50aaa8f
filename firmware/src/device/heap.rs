//! The fixed-size heap, with a high-water mark.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicUsize, Ordering};

use embedded_alloc::LlffHeap;

use firmware::limits::HEAP_SIZE;

/// `LlffHeap` that remembers the most bytes it ever had in use, since boot
/// and since the start of the current measurement window.
struct TrackingHeap {
    heap: LlffHeap,
    peak: AtomicUsize,
    window: AtomicUsize,
}

// SAFETY: every call is forwarded unchanged to `LlffHeap`, which upholds the
// `GlobalAlloc` contract; the peak bookkeeping does not touch the blocks.
unsafe impl GlobalAlloc for TrackingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `layout` obligations are passed through.
        let block = unsafe { self.heap.alloc(layout) };
        let used = self.heap.used();
        self.peak.fetch_max(used, Ordering::Relaxed);
        self.window.fetch_max(used, Ordering::Relaxed);
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` came from `alloc` with this `layout` (caller's contract).
        unsafe { self.heap.dealloc(block, layout) }
    }
}

#[global_allocator]
static HEAP: TrackingHeap = TrackingHeap {
    heap: LlffHeap::empty(),
    peak: AtomicUsize::new(0),
    window: AtomicUsize::new(0),
};

/// Give the allocator its memory; called once, first thing at boot.
pub fn init() {
    static mut MEMORY: [MaybeUninit<u8>; HEAP_SIZE] = [MaybeUninit::uninit(); HEAP_SIZE];
    // SAFETY: called once before any allocation; `MEMORY` is used by nothing
    // else, and only its address is taken here.
    unsafe {
        HEAP.heap
            .init(core::ptr::addr_of_mut!(MEMORY) as usize, HEAP_SIZE)
    }
}

/// (size, used now, peak) in bytes.
pub fn stats() -> (u32, u32, u32) {
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (
        to_u32(HEAP_SIZE),
        to_u32(HEAP.heap.used()),
        to_u32(HEAP.peak.load(Ordering::Relaxed)),
    )
}

/// Start a measurement window: its peak starts at the bytes in use now.
pub fn start_window() {
    HEAP.window.store(HEAP.heap.used(), Ordering::Relaxed);
}

/// Most heap bytes in use since [`start_window`].
pub fn window_peak() -> u32 {
    u32::try_from(HEAP.window.load(Ordering::Relaxed)).unwrap_or(u32::MAX)
}
