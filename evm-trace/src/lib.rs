#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(any(test, feature = "std"))]
pub mod eip3155;
pub mod error;
pub mod limits;
pub mod row;
pub mod writer;

pub use error::Error;
pub use evm_core::buf::{NullSink, Sink, SliceVec};
pub use row::{
    decode_row, encode_row, MemAccess, Row, RowReader, Status, StorageAccess, StorageKind, Word,
};
pub use writer::{Commitment, Digest, TraceWriter};
