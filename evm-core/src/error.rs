//! Errors: invalid transactions, exhausted device buffers and state-access failures.
//!
//! An EVM halt (out of gas, revert, invalid opcode…) is not an error: it is
//! an execution result, see [`crate::ExecStatus`]. A device limit (a full
//! buffer, EVM memory included, a missing precompile, the step budget) is an
//! error of the whole transaction: its result is unknown on this device.

use core::fmt;

/// A bounded buffer of the EVM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Resource {
    /// Operand-stack words shared by the live frames.
    Stack,
    /// Code, initcode and jump-destination bitmaps.
    Code,
    /// Live call frames.
    Frames,
    /// Cached accounts.
    Accounts,
    /// Cached storage slots.
    Slots,
    /// Transient storage slots.
    TransientSlots,
    /// Journal (undo) entries.
    Journal,
    /// Logs.
    Logs,
    /// Log data bytes.
    LogData,
    /// Return-data bytes.
    ReturnData,
    /// EVM memory (the arena shared by the live frames): an expansion whose
    /// gas was paid but which does not fit.
    Memory,
    /// A modexp operand longer than [`crate::Limits::modexp_operand_bytes`]
    /// (its gas was paid).
    ModexpOperand,
}

/// Why a transaction is invalid (it is rejected: no state change, no fee).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum InvalidTx {
    /// The sender's nonce differs from the transaction's.
    NonceMismatch {
        /// Nonce in the transaction.
        got: u64,
        /// Nonce of the sender account.
        expected: u64,
    },
    /// The sender's nonce is already at its maximum (EIP-2681).
    NonceOverflow,
    /// The gas limit does not cover the intrinsic gas.
    IntrinsicGasTooLow {
        /// Gas limit of the transaction.
        got: u64,
        /// Intrinsic gas.
        expected: u64,
    },
    /// The gas limit exceeds the block gas limit.
    GasLimitAboveBlock,
    /// The sender cannot pay gas limit × max fee + value (+ blob fee).
    InsufficientFunds,
    /// The max fee per gas is below the block base fee.
    FeeCapBelowBaseFee,
    /// The priority fee exceeds the max fee.
    PriorityFeeAboveFeeCap,
    /// A fee field does not fit 128 bits or an arithmetic overflow occurred.
    FeeOverflow,
    /// The sender has code (EIP-3607).
    SenderHasCode,
    /// Initcode exceeds [`crate::limits::MAX_INITCODE_SIZE`] (EIP-3860).
    InitcodeTooLarge,
    /// A blob transaction without blobs or with too many.
    BlobCount,
    /// A blob versioned hash does not start with the KZG version byte.
    BlobVersion,
    /// The max fee per blob gas is below the blob base fee.
    BlobFeeCapTooLow,
    /// A blob transaction must have a recipient.
    BlobCreate,
    /// The transaction carries fields its type does not allow.
    TypeFields,
    /// The gas limit does not cover the calldata floor cost (EIP-7623, Prague).
    FloorGasTooLow {
        /// Gas limit of the transaction.
        got: u64,
        /// Floor cost.
        expected: u64,
    },
    /// The gas limit exceeds the transaction gas limit cap (EIP-7825, Osaka: 2^24).
    GasLimitAboveCap,
    /// A type-4 transaction with an empty authorization list (EIP-7702).
    EmptyAuthorizationList,
    /// A type-4 transaction without a recipient (EIP-7702).
    SetCodeCreate,
    /// A transaction type the fork does not have (type 4 before Prague).
    TypeNotSupported,
}

/// Why a transaction could not be executed to a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error<E> {
    /// The transaction is invalid and was rejected.
    InvalidTx(InvalidTx),
    /// A device buffer is full: the result is unknown on this configuration.
    Capacity(Resource),
    /// The state could not be read (for instance, a witness lacks a proof).
    State(E),
    /// The transaction calls a precompile (its number) not built into this
    /// configuration (modexp needs the `alloc` feature, BN254 `bn254`, KZG
    /// `kzg`, BLS12-381 `bls12-381`), or asks one for more work than the
    /// device takes in one call (a BLS12-381 MSM or pairing beyond the
    /// `limits::BLS12_*_MAX_*` caps).
    PrecompileUnavailable(u8),
    /// The transaction used up its [`crate::Limits::steps`] work budget.
    StepBudget,
}

impl<E> From<InvalidTx> for Error<E> {
    fn from(e: InvalidTx) -> Self {
        Self::InvalidTx(e)
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Self::Stack => "stack",
            Self::Code => "code",
            Self::Frames => "frames",
            Self::Accounts => "accounts",
            Self::Slots => "storage slots",
            Self::TransientSlots => "transient slots",
            Self::Journal => "journal",
            Self::Logs => "logs",
            Self::LogData => "log data",
            Self::ReturnData => "return data",
            Self::Memory => "memory",
            Self::ModexpOperand => "modexp operand",
        };
        f.write_str(s)
    }
}

impl fmt::Display for InvalidTx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NonceMismatch { got, expected } => {
                write!(f, "nonce {got}, account nonce is {expected}")
            }
            Self::NonceOverflow => f.write_str("sender nonce at maximum"),
            Self::IntrinsicGasTooLow { got, expected } => {
                write!(f, "gas limit {got} below intrinsic gas {expected}")
            }
            Self::GasLimitAboveBlock => f.write_str("gas limit above block gas limit"),
            Self::InsufficientFunds => f.write_str("insufficient funds for gas and value"),
            Self::FeeCapBelowBaseFee => f.write_str("max fee per gas below base fee"),
            Self::PriorityFeeAboveFeeCap => f.write_str("priority fee above max fee"),
            Self::FeeOverflow => f.write_str("fee overflow"),
            Self::SenderHasCode => f.write_str("sender has code"),
            Self::InitcodeTooLarge => f.write_str("initcode too large"),
            Self::BlobCount => f.write_str("bad number of blobs"),
            Self::BlobVersion => f.write_str("bad blob versioned hash"),
            Self::BlobFeeCapTooLow => f.write_str("max fee per blob gas below blob base fee"),
            Self::BlobCreate => f.write_str("blob transaction without recipient"),
            Self::TypeFields => f.write_str("fields not allowed for the transaction type"),
            Self::FloorGasTooLow { got, expected } => {
                write!(f, "gas limit {got} below calldata floor cost {expected}")
            }
            Self::GasLimitAboveCap => f.write_str("gas limit above the transaction gas cap"),
            Self::EmptyAuthorizationList => f.write_str("empty authorization list"),
            Self::SetCodeCreate => f.write_str("set-code transaction without recipient"),
            Self::TypeNotSupported => f.write_str("transaction type not in this fork"),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidTx(e) => write!(f, "invalid transaction: {e}"),
            Self::Capacity(r) => write!(f, "device buffer full: {r}"),
            Self::State(e) => write!(f, "state access failed: {e:?}"),
            Self::PrecompileUnavailable(id) => {
                write!(f, "precompile {id:#04x} not in this build")
            }
            Self::StepBudget => f.write_str("time budget exceeded"),
        }
    }
}

impl core::error::Error for InvalidTx {}
impl<E: fmt::Debug> core::error::Error for Error<E> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let e: Error<()> = InvalidTx::NonceMismatch {
            got: 1,
            expected: 2,
        }
        .into();
        assert_eq!(
            e.to_string(),
            "invalid transaction: nonce 1, account nonce is 2"
        );
        let e: Error<()> = Error::Capacity(Resource::Slots);
        assert_eq!(e.to_string(), "device buffer full: storage slots");
        let e: Error<()> = Error::Capacity(Resource::Memory);
        assert_eq!(e.to_string(), "device buffer full: memory");
        let e: Error<()> = Error::PrecompileUnavailable(10);
        assert_eq!(e.to_string(), "precompile 0x0a not in this build");
        let e: Error<()> = Error::StepBudget;
        assert_eq!(e.to_string(), "time budget exceeded");
    }
}
