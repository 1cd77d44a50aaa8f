//! Library half of the `zkevm` host tool: fixture runners shared by the binary and `cargo test`.

pub mod args;
pub mod device;
pub mod progress;
pub mod prove;
pub mod sign;
pub mod state_tools;
pub mod statetest;
pub mod trace;
pub mod txtest;
pub mod verify;
pub mod witness;
