//! Capacities of the firmware that do not depend on the board.

/// Receive buffer for one encoded frame (the protocol's largest frame).
pub const RX_FRAME: usize = protocol::limits::MAX_ENCODED;

/// Transmit buffer for one encoded frame, delimiter included.
pub const TX_FRAME: usize = protocol::limits::MAX_WIRE_FRAME;

pub use protocol::limits::{EXIT_HARD_FAULT, EXIT_PANIC};
