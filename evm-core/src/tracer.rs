//! Tracing hook called before every instruction; [`NoTracer`] compiles to nothing.

use crate::result::ExecStatus;
use crate::state::{Address, U256};

/// The machine state before one instruction.
#[derive(Debug)]
pub struct Step<'a> {
    /// Program counter.
    pub pc: usize,
    /// Opcode.
    pub op: u8,
    /// Gas left before the instruction.
    pub gas: u64,
    /// Call depth (0 for the transaction's frame).
    pub depth: usize,
    /// The frame's ADDRESS: the account whose storage it reads and writes
    /// (for DELEGATECALL and CALLCODE, the caller's, not the code's).
    pub address: Address,
    /// Operand stack, bottom first.
    pub stack: &'a [U256],
    /// Frame memory.
    pub memory: &'a [u8],
    /// Refund counter of the frame.
    pub refund: i64,
    /// Return data of the last call made by this frame.
    pub return_data: &'a [u8],
}

/// The machine state after one instruction (see [`Tracer::step_end`]).
#[derive(Debug)]
pub struct StepEnd<'a> {
    /// Gas left after the instruction (for CALL/CREATE: after the gas given to the callee).
    pub gas: u64,
    /// Operand stack after the instruction, bottom first (unspecified when `exit` is a halt).
    pub stack: &'a [U256],
    /// Refund counter of the frame after the instruction.
    pub refund: i64,
    /// `Some` when the instruction ended the frame (STOP, RETURN, REVERT, SELFDESTRUCT, a halt).
    pub exit: Option<ExecStatus>,
}

/// Receives every step. Implementations are monomorphised into the interpreter loop.
pub trait Tracer {
    /// Whether [`Tracer::step`] does anything; when `false` the loop skips building a [`Step`].
    const ENABLED: bool = true;
    /// Called before each instruction executes.
    fn step(&mut self, step: &Step<'_>);
    /// Called after each instruction that [`Tracer::step`] saw, including one
    /// that halts or leaves the frame; for CALL/CREATE before the callee runs.
    #[inline(always)]
    fn step_end(&mut self, _end: &StepEnd<'_>) {}
}

/// Whether the interpreter calls `T`'s hooks: `T::ENABLED`, a constant, so
/// for [`NoTracer`] every hook site folds away; with the `no-trace-hooks`
/// feature the sites are compiled out for every tracer (the "before" of the
/// tracing-cost measurement in `cargo xtask bench`).
#[inline(always)]
pub(crate) const fn hooks_on<T: Tracer>() -> bool {
    !cfg!(feature = "no-trace-hooks") && T::ENABLED
}

/// The tracer that does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTracer;

impl Tracer for NoTracer {
    const ENABLED: bool = false;
    #[inline(always)]
    fn step(&mut self, _: &Step<'_>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_tracer_is_disabled() {
        const { assert!(!NoTracer::ENABLED) };
        NoTracer.step(&Step {
            pc: 0,
            op: 0,
            gas: 0,
            depth: 0,
            address: [0; 20],
            stack: &[],
            memory: &[],
            refund: 0,
            return_data: &[],
        });
    }
}
