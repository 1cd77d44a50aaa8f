#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(any(test, feature = "alloc"))]
extern crate alloc;

pub mod buf;
pub mod code;
pub mod env;
pub mod error;
pub mod evm;
pub mod frame;
pub mod gas;
pub mod index;
pub mod journal;
pub mod limits;
pub mod opcode;
pub mod precompile;
pub mod primitives;
pub mod result;
pub mod spec;
pub mod state;
pub mod tracer;

#[cfg(test)]
mod differential;
#[cfg(any(test, feature = "revm-bridge"))]
#[doc(hidden)]
pub mod revm_bridge;

pub use env::{AccessListItem, Authorization, BlockEnv, TxEnv};
pub use error::{Error, InvalidTx, Resource};
#[cfg(any(test, feature = "alloc"))]
pub use evm::HeapBuffers;
pub use evm::{AccountChange, Buffers, Evm};
pub use limits::Limits;
pub use primitives::keccak;
pub use primitives::keccak256;
pub use result::{ExecStatus, Halt, Outcome};
pub use spec::{BlobParams, Spec};
pub use state::{AccountInfo, Address, State, B256, KECCAK_EMPTY, U256};
pub use tracer::{NoTracer, Step, StepEnd, Tracer};
