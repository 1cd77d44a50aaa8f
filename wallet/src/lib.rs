#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod address;
pub mod bip32;
pub mod error;
pub mod limits;
pub mod mnemonic;
pub mod path;
pub mod sign;
pub mod tx;
pub mod typed_data;
pub mod wordlist;

pub use address::{checksummed, parse_address, Address};
pub use bip32::ExtendedKey;
pub use error::{Error, FieldError, JsonError, Result, TypedDataError};
pub use mnemonic::{Mnemonic, Seed};
pub use path::DerivationPath;
pub use sign::RecoverableSignature;
pub use tx::{SignedTransaction, Transaction, TxType};
pub use typed_data::{sign_typed_data, HashOnly, TypedData};

/// 256-bit unsigned integer (`ruint`, as in `evm-core`).
pub use evm_core::U256;

/// A 32-byte hash.
pub type B256 = [u8; 32];
