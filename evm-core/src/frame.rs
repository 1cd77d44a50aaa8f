//! One call frame on the explicit frame stack.

use crate::code::CodeLoc;
use crate::journal::Checkpoint;
use crate::state::{Address, U256};

/// The saved state of a call or create frame.
#[derive(Debug, Clone, Copy, Default)]
pub struct Frame {
    /// Code being executed.
    pub(crate) code: CodeLoc,
    /// Program counter.
    pub(crate) pc: u32,
    /// Gas left.
    pub(crate) gas: u64,
    /// Refund counter (merged into the caller on success).
    pub(crate) refund: i64,
    /// First stack word of this frame in the stack arena.
    pub(crate) stack_base: u32,
    /// Words on this frame's stack.
    pub(crate) sp: u32,
    /// First byte of this frame's memory in the memory arena.
    pub(crate) mem_base: u32,
    /// Bytes of memory in use (a multiple of 32).
    pub(crate) mem_len: u32,
    /// Whether the input is the transaction data (otherwise caller memory).
    pub(crate) input_from_tx: bool,
    /// Input offset in the memory arena.
    pub(crate) input_off: u32,
    /// Input length.
    pub(crate) input_len: u32,
    /// CALLER.
    pub(crate) caller: Address,
    /// ADDRESS (storage context).
    pub(crate) address: Address,
    /// Account-cache index of `address`.
    pub(crate) account: u32,
    /// CALLVALUE.
    pub(crate) value: U256,
    /// Static context.
    pub(crate) is_static: bool,
    /// Whether this frame runs initcode.
    pub(crate) is_create: bool,
    /// Call depth.
    pub(crate) depth: u16,
    /// Where the caller wants the output (offset relative to the caller's memory).
    pub(crate) ret_off: u32,
    /// How many output bytes the caller wants.
    pub(crate) ret_len: u32,
    /// Journal state at frame entry.
    pub(crate) checkpoint: Checkpoint,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_is_small() {
        assert!(core::mem::size_of::<Frame>() <= 160);
    }
}
