//! Execution results: halts, frame status and the outcome of a transaction.

use core::fmt;

/// Why a frame stopped exceptionally (all its gas is consumed, its changes reverted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Halt {
    /// Out of gas.
    OutOfGas,
    /// Undefined opcode or INVALID (0xfe).
    InvalidOpcode,
    /// Popped from an empty stack.
    StackUnderflow,
    /// Pushed beyond 1024 words.
    StackOverflow,
    /// Jump to a non-JUMPDEST.
    InvalidJump,
    /// State change in a static context.
    StaticViolation,
    /// RETURNDATACOPY beyond the return data.
    ReturnDataOutOfBounds,
    /// CREATE to an address that has code or a nonce.
    CreateCollision,
    /// Deployed code larger than 24 576 bytes.
    CodeSizeLimit,
    /// Deployed code starting with 0xEF (EIP-3541).
    InvalidCodePrefix,
    /// CREATE initcode larger than 49 152 bytes.
    InitcodeSizeLimit,
    /// A precompile rejected its input.
    PrecompileFailure,
}

/// How a frame or transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ExecStatus {
    /// STOP, RETURN or SELFDESTRUCT (or running off the code).
    Success,
    /// REVERT: changes undone, unused gas returned.
    Revert,
    /// Exceptional halt.
    Halt(Halt),
}

impl ExecStatus {
    /// Whether this is [`ExecStatus::Success`].
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }
}

/// The outcome of a valid transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Outcome {
    /// How it ended.
    pub status: ExecStatus,
    /// Gas charged to the sender (after refunds).
    pub gas_used: u64,
    /// Refund applied (already subtracted from `gas_used`).
    pub gas_refunded: u64,
    /// Address of the created contract, for a successful creation.
    pub created: Option<crate::Address>,
}

impl fmt::Display for Halt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status() {
        assert!(ExecStatus::Success.is_success());
        assert!(!ExecStatus::Halt(Halt::InvalidJump).is_success());
        assert_eq!(Halt::OutOfGas.to_string(), "OutOfGas");
    }
}
