//! The wallet: keys in the board's key storage, signing requests shown first and signed only on the user's confirmation.
//!
//! [`Session`] serves the [`protocol::WalletRequest`]s. A signing request is
//! parsed, checked and rendered ([`display`]) and answered with its display;
//! it is then the one [`pending`] request, signed only when the very next
//! request is its `Confirm`. The service drops it on anything else.

pub mod calldata;
pub mod display;
pub mod keys;
pub mod pending;
pub mod requests;
pub mod timer;

pub use pending::{Pending, PendingSlot};
pub use requests::Session;
