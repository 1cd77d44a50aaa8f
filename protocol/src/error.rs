//! Errors of framing and decoding a message.

use core::fmt;

use serde::{Deserialize, Serialize};

/// Why a frame could not be turned into a message (or a message into a frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FrameError {
    /// The frame held no bytes between delimiters.
    Empty,
    /// The encoded frame exceeded the receive buffer before its delimiter.
    Oversized {
        /// Bytes received before the limit was hit (at least `limit + 1`).
        got: u32,
        /// The largest frame accepted.
        limit: u32,
    },
    /// The bytes are not valid COBS.
    BadCobs,
    /// The decoded body is shorter than its CRC trailer.
    TooShort {
        /// Decoded bytes.
        got: u32,
        /// Minimum decoded length.
        expected: u32,
    },
    /// The CRC-32 trailer does not match the body.
    BadCrc {
        /// CRC carried by the frame.
        got: u32,
        /// CRC computed over the body.
        expected: u32,
    },
    /// The body names no known message variant.
    UnknownMessage {
        /// The variant index that was sent.
        variant: u32,
    },
    /// The body is not a well-formed message.
    Malformed,
    /// A well-formed message was followed by extra bytes.
    TrailingBytes {
        /// Number of unread bytes.
        got: u32,
    },
    /// The message does not fit the output buffer.
    OutputTooSmall,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "empty frame"),
            Self::Oversized { got, limit } => {
                write!(
                    f,
                    "frame of at least {got} bytes exceeds the {limit}-byte limit"
                )
            }
            Self::BadCobs => write!(f, "invalid COBS encoding"),
            Self::TooShort { got, expected } => {
                write!(f, "frame body of {got} bytes, expected at least {expected}")
            }
            Self::BadCrc { got, expected } => {
                write!(
                    f,
                    "CRC mismatch: frame says {got:#010x}, body gives {expected:#010x}"
                )
            }
            Self::UnknownMessage { variant } => write!(f, "unknown message variant {variant}"),
            Self::Malformed => write!(f, "malformed message"),
            Self::TrailingBytes { got } => write!(f, "{got} bytes after the message"),
            Self::OutputTooSmall => write!(f, "message does not fit the output buffer"),
        }
    }
}

impl core::error::Error for FrameError {}
