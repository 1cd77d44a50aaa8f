#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod account;
pub mod block;
pub mod error;
pub mod limits;
#[cfg(feature = "alloc")]
pub mod memory;
pub mod nibbles;
pub mod node;
pub mod proof;
pub mod rlp;
pub mod store;
pub mod stream_root;
pub mod trie;
pub mod types;
pub mod witness;

pub use account::Account;
pub use error::Error;
#[cfg(feature = "alloc")]
pub use memory::InMemoryState;
pub use types::{keccak256, AccountInfo, Address, B256, EMPTY_ROOT, KECCAK_EMPTY, U256};
pub use witness::WitnessState;
