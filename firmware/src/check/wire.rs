//! A refusal as the host receives it: the [`protocol::WalletError`] naming the key, limit or fault, in the protocol's fixed-size types.

use protocol::{EvmBuffer, MissingKey, SimLimit, TrieFault, TxFault, WalletError, WitnessFault};

use super::{BadWitness, Limit, Missing, Refusal};
use crate::limits::MAX_TX_GAS;

impl From<Missing> for MissingKey {
    fn from(m: Missing) -> Self {
        match m {
            Missing::Account(a) => Self::Account(a),
            Missing::Slot(address, slot) => Self::Slot {
                address,
                slot: slot.to_be_bytes(),
            },
            Missing::Code(h) => Self::Code(h),
            Missing::BlockHash(n) => Self::BlockHash(n),
        }
    }
}

fn buffer(r: evm_core::Resource) -> EvmBuffer {
    use evm_core::Resource;
    match r {
        Resource::Stack => EvmBuffer::Stack,
        Resource::Code => EvmBuffer::Code,
        Resource::Frames => EvmBuffer::Frames,
        Resource::Accounts => EvmBuffer::Accounts,
        Resource::Slots => EvmBuffer::Slots,
        Resource::TransientSlots => EvmBuffer::TransientSlots,
        Resource::Journal => EvmBuffer::Journal,
        Resource::Logs => EvmBuffer::Logs,
        Resource::LogData => EvmBuffer::LogData,
        Resource::ReturnData => EvmBuffer::ReturnData,
        Resource::Memory => EvmBuffer::Memory,
        Resource::ModexpOperand => EvmBuffer::ModexpOperand,
        _ => EvmBuffer::Other,
    }
}

impl From<Limit> for SimLimit {
    fn from(l: Limit) -> Self {
        match l {
            Limit::Evm(r) => Self::Evm(buffer(r)),
            Limit::Precompile(p) => Self::Precompile(p),
            Limit::GasCap { got } => Self::GasCap {
                got,
                cap: MAX_TX_GAS,
            },
            Limit::Steps => Self::Steps,
            Limit::Report => Self::Report,
            Limit::Memory => Self::Memory,
        }
    }
}

/// The class of a trie or proof error (the index of a node that does not
/// hash to its reference is kept: node 0 means a wrong root).
pub fn trie_fault(e: evm_state::Error) -> TrieFault {
    use evm_state::Error;
    match e {
        Error::HashMismatch { index } => TrieFault::HashMismatch {
            node: u8::try_from(index).unwrap_or(u8::MAX),
        },
        Error::ProofIncomplete { .. } | Error::MissingWitness { .. } => TrieFault::Incomplete,
        Error::UnusedProofNodes { .. } => TrieFault::ExtraNodes,
        Error::ProofValueMismatch => TrieFault::ValueMismatch,
        Error::BufferFull { .. }
        | Error::TooManyEntries { .. }
        | Error::PathTooDeep { .. }
        | Error::NodeTooLarge { .. } => TrieFault::Capacity,
        _ => TrieFault::Malformed,
    }
}

fn index16(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

impl From<BadWitness> for WitnessFault {
    fn from(b: BadWitness) -> Self {
        match b {
            BadWitness::Decode(e) => Self::Decode(e),
            BadWitness::NodeIndex { index } => Self::NodeIndex { index },
            BadWitness::AccountIndex { index } => Self::AccountIndex { index },
            BadWitness::ProofTooDeep => Self::ProofTooDeep,
            BadWitness::AccountProof { address, error } => Self::AccountProof {
                address,
                fault: trie_fault(error),
            },
            BadWitness::SlotProof {
                address,
                slot,
                error,
            } => Self::SlotProof {
                address,
                slot: slot.to_be_bytes(),
                fault: trie_fault(error),
            },
            BadWitness::Repeated => Self::Repeated,
            BadWitness::UnusedNode { index } => Self::UnusedNode {
                index: index16(index),
            },
            BadWitness::UnusedCode { index } => Self::UnusedCode {
                index: index16(index),
            },
            BadWitness::ChainId { witness } => Self::ChainId { witness },
            BadWitness::State(e) => Self::State(trie_fault(e)),
        }
    }
}

fn tx_fault(t: evm_core::InvalidTx) -> TxFault {
    use evm_core::InvalidTx;
    match t {
        InvalidTx::NonceMismatch { got, expected } => TxFault::Nonce { got, expected },
        InvalidTx::IntrinsicGasTooLow { got, expected }
        | InvalidTx::FloorGasTooLow { got, expected } => TxFault::Gas { got, expected },
        InvalidTx::InsufficientFunds => TxFault::Funds,
        InvalidTx::FeeCapBelowBaseFee => TxFault::FeeCapBelowBaseFee,
        InvalidTx::SenderHasCode => TxFault::SenderHasCode,
        _ => TxFault::Other,
    }
}

impl From<Refusal> for WalletError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::BadWitness(b) => Self::WitnessRejected(b.into()),
            Refusal::State(e) => Self::WitnessRejected(WitnessFault::State(trie_fault(e))),
            Refusal::Incomplete(m) => Self::WitnessIncomplete(m.into()),
            Refusal::CannotSimulate(l) => Self::CannotSimulate(l.into()),
            Refusal::InvalidTx(t) => Self::SimulationInvalidTx(tx_fault(t)),
        }
    }
}
