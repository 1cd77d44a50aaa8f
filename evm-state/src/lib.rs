#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod error;
pub mod limits;
pub mod nibbles;
pub mod node;
pub mod rlp;
pub mod store;
pub mod trie;
pub mod types;

pub use error::Error;
pub use types::{keccak256, Address, B256, EMPTY_ROOT, KECCAK_EMPTY, U256};
