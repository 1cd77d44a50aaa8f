//! Validity rules a decoded transaction must meet to be includable: fork, chain, nonce, gas, fees.
//!
//! Decoding ([`super::Transaction::decode_unsigned`]) checks form; these
//! checks are the ones the execution layer makes before running a transaction
//! (what the `TransactionTests` fixtures call intrinsic validity), for a given
//! fork and chain.

use core::fmt;

use super::{Transaction, TxType};
use crate::limits::MAX_INITCODE_BYTES;
use crate::U256;

/// Ethereum main-net forks, oldest first (the names of the test fixtures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[allow(missing_docs)]
pub enum Fork {
    Frontier,
    Homestead,
    Eip150,
    Eip158,
    Byzantium,
    Constantinople,
    ConstantinopleFix,
    Istanbul,
    Berlin,
    London,
    Paris,
    Shanghai,
    Cancun,
    Prague,
    Osaka,
}

impl Fork {
    /// Every fork, oldest first.
    pub const ALL: [Fork; 15] = [
        Self::Frontier,
        Self::Homestead,
        Self::Eip150,
        Self::Eip158,
        Self::Byzantium,
        Self::Constantinople,
        Self::ConstantinopleFix,
        Self::Istanbul,
        Self::Berlin,
        Self::London,
        Self::Paris,
        Self::Shanghai,
        Self::Cancun,
        Self::Prague,
        Self::Osaka,
    ];

    /// The fork named `name` as the ethereum/tests fixtures spell it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The fixtures' name of the fork.
    pub fn name(self) -> &'static str {
        match self {
            Self::Frontier => "Frontier",
            Self::Homestead => "Homestead",
            Self::Eip150 => "EIP150",
            Self::Eip158 => "EIP158",
            Self::Byzantium => "Byzantium",
            Self::Constantinople => "Constantinople",
            Self::ConstantinopleFix => "ConstantinopleFix",
            Self::Istanbul => "Istanbul",
            Self::Berlin => "Berlin",
            Self::London => "London",
            Self::Paris => "Paris",
            Self::Shanghai => "Shanghai",
            Self::Cancun => "Cancun",
            Self::Prague => "Prague",
            Self::Osaka => "Osaka",
        }
    }

    /// The first fork that accepts transactions of type `t`.
    pub fn introducing(t: TxType) -> Self {
        match t {
            TxType::Legacy => Self::Frontier,
            TxType::Eip2930 => Self::Berlin,
            TxType::Eip1559 => Self::London,
            TxType::Eip4844 => Self::Cancun,
            TxType::Eip7702 => Self::Prague,
        }
    }
}

/// Why a well-formed transaction is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Invalid {
    /// The transaction type is not active in the fork.
    TypeNotActive,
    /// The chain id differs from the chain's (or an EIP-155 one before EIP-155).
    ChainId,
    /// The nonce is 2^64 − 1 (EIP-2681: it could never be incremented).
    NonceTooBig,
    /// The gas limit is below the intrinsic gas (or, from Prague, the EIP-7623 floor).
    IntrinsicGas {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// What it needs at least.
        needed: u64,
    },
    /// The gas limit is above the per-transaction cap (EIP-7825, from Osaka).
    GasLimitCap,
    /// Contract creation with init code over 49 152 bytes (EIP-3860).
    InitcodeTooLarge {
        /// Its size.
        got: usize,
    },
    /// `gas_limit * max_fee_per_gas` does not fit 256 bits.
    FeeOverflow,
    /// The priority fee is above the fee cap (EIP-1559).
    PriorityAboveMax,
    /// A blob transaction without blobs, or with more than the fork allows.
    BlobCount,
    /// A blob versioned hash whose version byte is not `0x01` (KZG).
    BlobVersion,
    /// A set-code transaction with an empty authorization list.
    NoAuthorizations,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TypeNotActive => write!(f, "transaction type not active in this fork"),
            Self::ChainId => write!(f, "wrong chain id"),
            Self::NonceTooBig => write!(f, "nonce 2^64-1 (EIP-2681)"),
            Self::IntrinsicGas { gas_limit, needed } => {
                write!(f, "gas limit {gas_limit} below the intrinsic gas {needed}")
            }
            Self::GasLimitCap => write!(f, "gas limit above the per-transaction cap"),
            Self::InitcodeTooLarge { got } => write!(f, "init code of {got} bytes (EIP-3860)"),
            Self::FeeOverflow => write!(f, "gas limit times fee cap overflows"),
            Self::PriorityAboveMax => write!(f, "priority fee above the fee cap"),
            Self::BlobCount => write!(f, "blob count out of range"),
            Self::BlobVersion => write!(f, "blob versioned hash with a version other than 0x01"),
            Self::NoAuthorizations => write!(f, "empty authorization list"),
        }
    }
}

/// The chain a transaction is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The fork in force.
    pub fork: Fork,
    /// The chain's id (1 for main net and the fixtures).
    pub chain_id: U256,
}

/// Most blobs per transaction in `fork` (the block maximum before Osaka, EIP-7594's 6 after).
fn max_blobs(fork: Fork) -> usize {
    match fork {
        Fork::Prague => 9,
        _ => 6,
    }
}

/// Gas the transaction costs before any execution (and, from Prague, the
/// EIP-7623 calldata floor it must also cover): `(intrinsic, floor)`.
pub fn intrinsic_gas(tx: &Transaction<'_>, fork: Fork) -> (u64, u64) {
    let zeros = tx.input.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = tx.input.len() as u64 - zeros;
    let nonzero_cost = if fork >= Fork::Istanbul { 16 } else { 68 };
    let mut gas: u64 = 21_000 + zeros * 4 + nonzeros * nonzero_cost;
    if tx.is_create() {
        if fork >= Fork::Homestead {
            gas += 32_000;
        }
        if fork >= Fork::Shanghai {
            gas += 2 * (tx.input.len() as u64).div_ceil(32);
        }
    }
    gas += 2_400 * tx.access_list.addresses() as u64 + 1_900 * tx.access_list.storage_keys() as u64;
    if fork >= Fork::Prague {
        gas += 25_000 * tx.authorizations.len() as u64;
    }
    let floor = if fork >= Fork::Prague {
        21_000 + 10 * (zeros + 4 * nonzeros)
    } else {
        0
    };
    (gas, floor)
}

/// Checks `tx` against `rules`; the first rule broken is the error.
pub fn check(tx: &Transaction<'_>, rules: &Rules) -> Result<(), Invalid> {
    let fork = rules.fork;
    if fork < Fork::introducing(tx.tx_type) {
        return Err(Invalid::TypeNotActive);
    }
    if let Some(id) = tx.chain_id {
        if id != rules.chain_id || (tx.tx_type == TxType::Legacy && fork < Fork::Eip158) {
            return Err(Invalid::ChainId);
        }
    }
    if tx.nonce == u64::MAX {
        return Err(Invalid::NonceTooBig);
    }
    if tx.max_priority_fee_per_gas > tx.max_fee_per_gas {
        return Err(Invalid::PriorityAboveMax);
    }
    if U256::from(tx.gas_limit)
        .checked_mul(tx.max_fee_per_gas)
        .is_none()
    {
        return Err(Invalid::FeeOverflow);
    }
    if tx.is_create() && fork >= Fork::Shanghai && tx.input.len() > MAX_INITCODE_BYTES {
        return Err(Invalid::InitcodeTooLarge {
            got: tx.input.len(),
        });
    }
    let (gas, floor) = intrinsic_gas(tx, fork);
    let needed = gas.max(floor);
    if tx.gas_limit < needed {
        return Err(Invalid::IntrinsicGas {
            gas_limit: tx.gas_limit,
            needed,
        });
    }
    if fork >= Fork::Osaka && tx.gas_limit > 1 << 24 {
        return Err(Invalid::GasLimitCap);
    }
    if tx.tx_type == TxType::Eip4844 {
        if tx.blob_hashes.is_empty() || tx.blob_hashes.len() > max_blobs(fork) {
            return Err(Invalid::BlobCount);
        }
        if tx.blob_hashes.iter().any(|h| h[0] != 0x01) {
            return Err(Invalid::BlobVersion);
        }
    }
    if tx.tx_type == TxType::Eip7702 && tx.authorizations.is_empty() {
        return Err(Invalid::NoAuthorizations);
    }
    Ok(())
}
