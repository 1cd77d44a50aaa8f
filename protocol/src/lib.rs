#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(any(test, feature = "std"))]
pub mod client;
pub mod error;
pub mod frame;
pub mod limits;
pub mod message;
pub mod refusal;
#[cfg(feature = "evm")]
pub mod run_env;
pub mod stark;
pub mod wallet;
#[cfg(any(test, feature = "std"))]
pub mod wallet_client;
pub mod witness;

#[cfg(any(test, feature = "std"))]
pub use client::{Client, ClientError, Reply};
pub use error::FrameError;
pub use frame::{decode_exact, decode_frame, encode_frame, FrameReader};
pub use message::{
    AccountQuery, BlockQuery, DeviceInfo, ErrorCode, ExecOutcome, ExecQuery, ExecSummary,
    ProofQuery, ProvenAccount, Rejection, Request, Response, Routine, StorageQuery, TraceDigest,
    TraceMode, TxQuery, PROTOCOL_VERSION,
};
pub use refusal::{EvmBuffer, MissingKey, SimLimit, TrieFault, TxFault, WitnessFault};
pub use stark::{StarkFault, StarkSummary};
#[cfg(any(test, feature = "std"))]
pub use wallet::WalletReply;
pub use wallet::{
    DisplaySteps, PathIndices, SignTxQuery, WalletError, WalletRequest, WalletResponse,
    WalletResponseOf,
};
