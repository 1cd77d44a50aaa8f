#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod air;
pub mod bus;
pub mod cols;
pub mod constraints;
pub mod error;
pub mod limits;
pub mod opcodes;
pub mod options;
pub mod proof;
pub mod prover_parts;
pub mod public;
pub mod shape;
pub mod verify;

pub use error::{Error, StarkError};
pub use options::Options;
pub use proof::{Proof, ProofFile};
pub use public::{Counts, PublicInputs, Status};
pub use verify::{verify, verify_parts};
