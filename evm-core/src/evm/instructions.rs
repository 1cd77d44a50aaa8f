//! The instructions by family, small functions on the [`super::machine::Machine`] that the loop in `interpreter.rs` dispatches to.

pub(super) mod arithmetic;
pub(super) mod bitwise;
pub(super) mod environment;
pub(super) mod flow;
pub(super) mod log;
pub(super) mod memory;
pub(super) mod storage;
pub(super) mod system;
