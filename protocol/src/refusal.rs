//! The detail of a wallet refusal: the key a witness lacks, the device limit a simulation hit, why a witness or transaction was refused.
//!
//! Every type here is `Copy` and of fixed size (addresses, slots, hashes
//! and small integers), so a [`crate::WalletError`] carrying one stays
//! bounded on the wire and canonical in postcard. None of them carries key
//! material: only what the host sent (addresses, slots, indices) or a limit
//! of the device.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::error::FrameError;

/// `0x` and the bytes in lowercase hex.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// A big-endian word as `0x` hex without leading zeros (`0x0` for zero).
struct Word<'a>(&'a [u8; 32]);

impl fmt::Display for Word<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = self.0.iter().position(|b| *b != 0).unwrap_or(31);
        let digits = self.0.get(start..).unwrap_or(&[]);
        f.write_str("0x")?;
        for (i, b) in digits.iter().enumerate() {
            if i == 0 {
                write!(f, "{b:x}")?;
            } else {
                write!(f, "{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// What a transaction read that its witness does not prove
/// ([`crate::WalletError::WitnessIncomplete`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum MissingKey {
    /// An account (its proof, or a node on its path).
    Account([u8; 20]),
    /// A storage slot of an account.
    Slot {
        /// The account.
        address: [u8; 20],
        /// The slot, big-endian.
        slot: [u8; 32],
    },
    /// The code with this hash.
    Code([u8; 32]),
    /// The hash of this block (`BLOCKHASH`; witnesses carry none).
    BlockHash(u64),
}

impl fmt::Display for MissingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(a) => write!(f, "account {}", Hex(a)),
            Self::Slot { address, slot } => write!(f, "slot {} of {}", Word(slot), Hex(address)),
            Self::Code(h) => write!(f, "code {}", Hex(h)),
            Self::BlockHash(n) => write!(f, "hash of block {n}"),
        }
    }
}

/// A buffer of the device's EVM ([`SimLimit::Evm`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EvmBuffer {
    /// Operand-stack words.
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
    /// EVM memory.
    Memory,
    /// A modexp operand.
    ModexpOperand,
    /// Another buffer.
    Other,
}

impl EvmBuffer {
    /// Its name, as a refusal shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stack => "stack",
            Self::Code => "code",
            Self::Frames => "call frames",
            Self::Accounts => "accounts",
            Self::Slots => "storage slots",
            Self::TransientSlots => "transient slots",
            Self::Journal => "journal",
            Self::Logs => "logs",
            Self::LogData => "log data",
            Self::ReturnData => "return data",
            Self::Memory => "memory",
            Self::ModexpOperand => "modexp operand",
            Self::Other => "buffer",
        }
    }
}

/// The device limit that stopped a simulation ([`crate::WalletError::CannotSimulate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SimLimit {
    /// A buffer of the EVM is full.
    Evm(EvmBuffer),
    /// A precompile (its address' last byte) this build does not compute.
    Precompile(u8),
    /// The transaction's gas limit is above the device cap.
    GasCap {
        /// The transaction's gas limit.
        got: u64,
        /// The cap.
        cap: u64,
    },
    /// The step budget ran out.
    Steps,
    /// More calls, changes or events than a report holds.
    Report,
    /// Out of heap.
    Memory,
}

impl fmt::Display for SimLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Evm(b) => write!(f, "EVM {} full", b.as_str()),
            Self::Precompile(p) => write!(f, "precompile 0x{p:02x} not in this build"),
            Self::GasCap { got, cap } => write!(f, "gas limit {got} above the device cap {cap}"),
            Self::Steps => f.write_str("step budget exceeded"),
            Self::Report => f.write_str("more than a report holds"),
            Self::Memory => f.write_str("out of memory"),
        }
    }
}

/// Why a proof did not verify ([`WitnessFault::AccountProof`], [`WitnessFault::SlotProof`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TrieFault {
    /// Proof node `node` does not hash to the reference above it; node 0 is
    /// checked against the root itself (a wrong root).
    HashMismatch {
        /// Index of the node on the proof path.
        node: u8,
    },
    /// The proof ends before the key's path does.
    Incomplete,
    /// The proof holds nodes after the path ended.
    ExtraNodes,
    /// A node, path or account value is not well-formed.
    Malformed,
    /// The proven value differs from the claim.
    ValueMismatch,
    /// A table or buffer of the device is full.
    Capacity,
}

impl fmt::Display for TrieFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HashMismatch { node: 0 } => {
                f.write_str("its first node does not hash to the root (wrong root)")
            }
            Self::HashMismatch { node } => {
                write!(f, "node {node} does not match its reference (changed node)")
            }
            Self::Incomplete => f.write_str("the proof ends before the path"),
            Self::ExtraNodes => f.write_str("nodes after the path ended"),
            Self::Malformed => f.write_str("malformed node or value"),
            Self::ValueMismatch => f.write_str("the proven value differs"),
            Self::Capacity => f.write_str("a device table is full"),
        }
    }
}

/// Why a witness was refused before anything ran ([`crate::WalletError::WitnessRejected`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum WitnessFault {
    /// The bytes are not a witness (or exceed a limit of the format).
    Decode(FrameError),
    /// A proof names a node the witness does not have.
    NodeIndex {
        /// The index.
        index: u8,
    },
    /// A slot names an account the witness does not have.
    AccountIndex {
        /// The index.
        index: u8,
    },
    /// A proof longer than [`crate::limits::MAX_WITNESS_PROOF_DEPTH`].
    ProofTooDeep,
    /// An account proof does not verify against the state root.
    AccountProof {
        /// The account.
        address: [u8; 20],
        /// Why.
        fault: TrieFault,
    },
    /// A storage proof does not verify against its account's storage root.
    SlotProof {
        /// The account.
        address: [u8; 20],
        /// The slot, big-endian.
        slot: [u8; 32],
        /// Why.
        fault: TrieFault,
    },
    /// An account or a slot is proven twice.
    Repeated,
    /// A node no proof uses.
    UnusedNode {
        /// Its index.
        index: u16,
    },
    /// A code no proven account has (or given twice).
    UnusedCode {
        /// Its index.
        index: u16,
    },
    /// The witness' chain id is not the transaction's.
    ChainId {
        /// The witness' chain id.
        witness: u64,
    },
    /// Building or reading the proven state failed (a malformed leaf).
    State(TrieFault),
}

impl fmt::Display for WitnessFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "malformed: {e}"),
            Self::NodeIndex { index } => write!(f, "no node {index}"),
            Self::AccountIndex { index } => write!(f, "no account {index}"),
            Self::ProofTooDeep => f.write_str("proof too deep"),
            Self::AccountProof { address, fault } => {
                write!(f, "proof of {} does not verify: {fault}", Hex(address))
            }
            Self::SlotProof {
                address,
                slot,
                fault,
            } => write!(
                f,
                "proof of slot {} of {} does not verify: {fault}",
                Word(slot),
                Hex(address)
            ),
            Self::Repeated => f.write_str("an account or slot proven twice"),
            Self::UnusedNode { index } => write!(f, "node {index} unused"),
            Self::UnusedCode { index } => write!(f, "code {index} belongs to no proven account"),
            Self::ChainId { witness } => write!(f, "chain id {witness} is not the transaction's"),
            Self::State(e) => write!(f, "proven state: {e}"),
        }
    }
}

/// Why a transaction is invalid on the proven pre-state
/// ([`crate::WalletError::SimulationInvalidTx`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TxFault {
    /// The transaction's nonce is not the sender's.
    Nonce {
        /// The transaction's nonce.
        got: u64,
        /// The sender's nonce on the proven state.
        expected: u64,
    },
    /// The gas limit is below the intrinsic (or calldata floor) gas.
    Gas {
        /// The gas limit.
        got: u64,
        /// The gas it must cover.
        expected: u64,
    },
    /// The sender cannot pay gas limit × max fee + value.
    Funds,
    /// The max fee per gas is below the block's base fee.
    FeeCapBelowBaseFee,
    /// The sender has code (EIP-3607).
    SenderHasCode,
    /// Another rule (fee fields, blobs, authorizations, type).
    Other,
}

impl fmt::Display for TxFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nonce { got, expected } => {
                write!(f, "nonce {got}, the sender's is {expected}")
            }
            Self::Gas { got, expected } => write!(f, "gas limit {got} below {expected}"),
            Self::Funds => f.write_str("the sender cannot pay for it"),
            Self::FeeCapBelowBaseFee => f.write_str("max fee below the base fee"),
            Self::SenderHasCode => f.write_str("the sender has code"),
            Self::Other => f.write_str("a fee, blob or type rule"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn words_drop_leading_zeros() {
        let mut w = [0u8; 32];
        assert_eq!(Word(&w).to_string(), "0x0");
        w[31] = 0x0a;
        w[30] = 0x01;
        assert_eq!(Word(&w).to_string(), "0x10a");
        assert_eq!(
            format!(
                "{}",
                MissingKey::Slot {
                    address: [0xab; 20],
                    slot: w
                }
            ),
            format!("slot 0x10a of 0x{}", "ab".repeat(20))
        );
    }

    #[test]
    fn a_wrong_root_is_named() {
        let fault = WitnessFault::AccountProof {
            address: [1; 20],
            fault: TrieFault::HashMismatch { node: 0 },
        };
        assert!(fault.to_string().ends_with("(wrong root)"), "{fault}");
    }
}
