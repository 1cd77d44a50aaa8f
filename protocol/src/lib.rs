#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod error;
pub mod frame;
pub mod limits;
pub mod message;

pub use error::FrameError;
pub use frame::{decode_exact, decode_frame, encode_frame, FrameReader};
pub use message::{
    AccountQuery, BlockQuery, DeviceInfo, ErrorCode, ExecQuery, ExecSummary, ProofQuery,
    ProvenAccount, Request, Response, Routine, StorageQuery, TraceDigest, TraceMode, TxQuery,
    PROTOCOL_VERSION,
};
