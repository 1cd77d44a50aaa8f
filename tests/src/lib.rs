//! QEMU harness for the firmware: build it, boot it, talk to it, read its logs.
//!
//! Used by the integration tests in `tests/tests/` and by `cargo xtask demo`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod benchmarks;
pub mod bls;
pub mod cross;
pub mod device;
pub mod erc20;
pub mod host;
pub mod logs;
pub mod osaka;
pub mod proofs;
pub mod stark;
pub mod stories;
pub mod traces;
pub mod wallet;

pub use cross::{build_firmware, workspace_root, Firmware};
pub use device::{Device, Outcome};
pub use protocol::Reply;

/// Errors of the harness, as text: these are test failures, shown to a person.
pub type Result<T> = std::result::Result<T, String>;
