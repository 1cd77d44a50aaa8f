#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod state;

pub use state::{AccountInfo, Address, State, B256, KECCAK_EMPTY, U256};
