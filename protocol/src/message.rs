//! The messages: what the host may ask and what the device answers.

use serde::{Deserialize, Serialize};

use crate::error::FrameError;

/// Version of this protocol, reported in [`Response::Pong`].
pub const PROTOCOL_VERSION: u16 = 1;

/// A request from the host. The device answers every non-empty frame with
/// exactly one [`Response`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request<'a> {
    /// Liveness check; answered with [`Response::Pong`].
    Ping,
    /// Heap figures and build identity; answered with [`Response::Info`].
    Info,
    /// Run a routine and count the instructions it took; answered with
    /// [`Response::Measured`].
    #[serde(borrow)]
    Measure(Routine<'a>),
    /// Test hook (firmware built with `test-hooks` only): panic on purpose.
    Panic,
    /// Test hook (firmware built with `test-hooks` only): end the emulator
    /// with this exit code after answering [`Response::Bye`].
    Exit {
        /// Process exit code passed to QEMU.
        code: u8,
    },
}

impl Request<'_> {
    /// Number of request variants; a body whose variant index is at or above
    /// this is [`FrameError::UnknownMessage`].
    pub const VARIANTS: u32 = 5;
}

/// A routine the device can time deterministically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Routine<'a> {
    /// keccak256 of the given bytes (at most [`crate::limits::MAX_ROUTINE_INPUT`]).
    Keccak256 {
        /// Input to hash.
        data: &'a [u8],
    },
}

/// Heap and build figures of the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo<'a> {
    /// Bytes reserved for the heap.
    pub heap_size: u32,
    /// Bytes of heap in use now.
    pub heap_used: u32,
    /// Most heap bytes ever in use since boot.
    pub heap_peak: u32,
    /// Bytes reserved for the main stack.
    pub stack_size: u32,
    /// Most stack bytes ever used since boot (from the painted stack).
    pub stack_peak: u32,
    /// Firmware version and commit it was built from.
    pub build_id: &'a str,
}

/// The device's answer to one frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response<'a> {
    /// Answer to [`Request::Ping`].
    Pong {
        /// [`PROTOCOL_VERSION`] of the device.
        version: u16,
    },
    /// Answer to [`Request::Info`].
    #[serde(borrow)]
    Info(DeviceInfo<'a>),
    /// Answer to [`Request::Measure`].
    Measured {
        /// Instructions the routine took, counted on the device's clock.
        instructions: u64,
        /// Granularity of `instructions` (the count is a multiple of it).
        resolution: u32,
        /// The routine's output (a digest for `Keccak256`).
        output: &'a [u8],
    },
    /// Answer to [`Request::Exit`], sent just before the device stops.
    Bye,
    /// The frame or request could not be served; the device keeps serving.
    Error(ErrorCode),
}

/// Why a request was not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ErrorCode {
    /// The frame itself was bad.
    Frame(FrameError),
    /// The request exists but this firmware build does not serve it.
    Unsupported,
    /// An input exceeded its limit.
    InputTooLarge {
        /// Bytes sent.
        got: u32,
        /// The largest accepted.
        limit: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_count_matches_last_variant() {
        let mut buf = [0u8; 8];
        let used = postcard::to_slice(&Request::Exit { code: 0 }, &mut buf).unwrap();
        assert_eq!(u32::from(used[0]) + 1, Request::VARIANTS);
    }
}
