//! Ethereum transactions: the five envelope types, decoded strictly from borrowed bytes.
//!
//! [`Transaction::decode_unsigned`] reads the standard signing payload (the
//! 6-field pre-EIP-155 or 9-field EIP-155 list for legacy, `type ‖ rlp(fields)`
//! for typed transactions); [`SignedTransaction::decode`] reads the signed
//! network form. Both borrow every byte string (calldata, lists) from the
//! input. Because the decoder accepts only canonical RLP, re-encoding the
//! borrowed fields reproduces the input byte for byte, which is how the
//! signing hash of a signed transaction and the signed form of an unsigned one
//! are built ([`encode`]).

mod decode;
pub mod encode;
pub mod lists;
pub mod rules;

pub use lists::{AccessList, Authorization, AuthorizationList, BlobHashes};

use crate::address::Address;
use crate::sign::RecoverableSignature;
use crate::U256;

/// The envelope type of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TxType {
    /// Untyped RLP list (pre-EIP-155 or EIP-155).
    Legacy,
    /// EIP-2930, type `0x01`: access list.
    Eip2930,
    /// EIP-1559, type `0x02`: priority fee and fee cap.
    Eip1559,
    /// EIP-4844, type `0x03`: blob versioned hashes (no sidecar here).
    Eip4844,
    /// EIP-7702, type `0x04`: authorization list (set code).
    Eip7702,
}

impl TxType {
    /// The EIP-2718 type byte (`None` for legacy).
    pub fn type_byte(self) -> Option<u8> {
        match self {
            Self::Legacy => None,
            Self::Eip2930 => Some(1),
            Self::Eip1559 => Some(2),
            Self::Eip4844 => Some(3),
            Self::Eip7702 => Some(4),
        }
    }

    /// The type of EIP-2718 type byte `b`.
    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::Eip2930),
            2 => Some(Self::Eip1559),
            3 => Some(Self::Eip4844),
            4 => Some(Self::Eip7702),
            _ => None,
        }
    }

    /// Fields of the unsigned payload's list (legacy: the 6 before the chain id).
    pub(crate) fn body_fields(self) -> usize {
        match self {
            Self::Legacy => 6,
            Self::Eip2930 => 8,
            Self::Eip1559 => 9,
            Self::Eip4844 => 11,
            Self::Eip7702 => 10,
        }
    }
}

/// A decoded transaction without its signature; byte strings and lists borrow the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transaction<'a> {
    /// The envelope type.
    pub tx_type: TxType,
    /// The chain id (`None` only for a pre-EIP-155 legacy transaction).
    pub chain_id: Option<U256>,
    /// The sender's nonce.
    pub nonce: u64,
    /// EIP-1559 tip cap; the gas price for legacy and EIP-2930 transactions.
    pub max_priority_fee_per_gas: U256,
    /// EIP-1559 fee cap; the gas price for legacy and EIP-2930 transactions.
    pub max_fee_per_gas: U256,
    /// Gas limit.
    pub gas_limit: u64,
    /// Recipient; `None` creates a contract (legacy, 2930, 1559 only).
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Calldata or init code.
    pub input: &'a [u8],
    /// EIP-2930 access list (empty for legacy).
    pub access_list: AccessList<'a>,
    /// EIP-4844 blob fee cap (zero for other types).
    pub max_fee_per_blob_gas: U256,
    /// EIP-4844 blob versioned hashes (empty for other types).
    pub blob_hashes: BlobHashes<'a>,
    /// EIP-7702 authorizations (empty for other types).
    pub authorizations: AuthorizationList<'a>,
    /// The canonical encodings of the body fields, concatenated (legacy: the
    /// first six; typed: all): shared by the signing payload and the signed form.
    body: &'a [u8],
}

impl Transaction<'_> {
    /// The gas price of a legacy or EIP-2930 transaction (the fee cap of the others).
    pub fn gas_price(&self) -> U256 {
        self.max_fee_per_gas
    }

    /// Whether the transaction creates a contract.
    pub fn is_create(&self) -> bool {
        self.to.is_none()
    }
}

/// A decoded signed transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedTransaction<'a> {
    /// The transaction.
    pub tx: Transaction<'a>,
    /// Its signature (checked: `r`, `s` in range, low `s`).
    pub signature: RecoverableSignature,
    /// A legacy transaction's `v` as encoded.
    pub v: Option<U256>,
    raw: &'a [u8],
}

impl<'a> SignedTransaction<'a> {
    /// The encoding this was decoded from.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The transaction hash: keccak-256 of the signed encoding.
    pub fn hash(&self) -> crate::B256 {
        evm_core::keccak256(self.raw)
    }

    /// The sender, recovered from the signature over the signing hash.
    pub fn sender(&self) -> crate::Result<Address> {
        self.signature.recover_address(&self.tx.signing_hash())
    }
}
