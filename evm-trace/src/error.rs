//! The crate's error type: sink, encoding and decoding failures.

use core::fmt;

/// An error writing, encoding or decoding trace rows.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Error {
    /// The sink has room for `expected` more bytes but the row needs `got`.
    SinkFull {
        /// Bytes of the row.
        got: usize,
        /// Bytes left in the sink.
        expected: usize,
    },
    /// A row did not fit the encoder's scratch buffer (a bug: see [`crate::limits::MAX_ROW_BYTES`]).
    RowTooLarge,
    /// The input ended inside a row.
    Truncated,
    /// The bytes are not a valid row encoding (bad varint, tag, length or word).
    Malformed,
    /// The bytes decode to a row that encodes differently (e.g. a padded varint).
    NonCanonical,
    /// A row's clock is not its position in the stream.
    ClockMismatch {
        /// Clock read.
        got: u32,
        /// Clock expected (the previous row's plus one).
        expected: u32,
    },
    /// The interpreter ran more steps than the clock column counts (2^32).
    ClockOverflow,
    /// A `step_end` arrived without a `step` (a hook ordering bug).
    UnpairedStep,
    /// The writer or transport the trace goes to failed (EIP-3155 output, a device uplink).
    Io,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SinkFull { got, expected } => {
                write!(f, "sink full: row of {got} bytes, {expected} bytes left")
            }
            Self::RowTooLarge => f.write_str("row larger than MAX_ROW_BYTES"),
            Self::Truncated => f.write_str("input ends inside a row"),
            Self::Malformed => f.write_str("malformed row encoding"),
            Self::NonCanonical => f.write_str("non-canonical row encoding"),
            Self::ClockMismatch { got, expected } => {
                write!(f, "row clock {got}, expected {expected}")
            }
            Self::ClockOverflow => f.write_str("more than 2^32 steps"),
            Self::UnpairedStep => f.write_str("step_end without step"),
            Self::Io => f.write_str("trace writer failed"),
        }
    }
}

impl core::error::Error for Error {}

impl From<evm_core::buf::Full> for Error {
    fn from(e: evm_core::buf::Full) -> Self {
        Self::SinkFull {
            got: e.got,
            expected: e.room,
        }
    }
}

impl From<core::convert::Infallible> for Error {
    fn from(e: core::convert::Infallible) -> Self {
        match e {}
    }
}

impl From<postcard::Error> for Error {
    fn from(e: postcard::Error) -> Self {
        match e {
            postcard::Error::DeserializeUnexpectedEnd => Self::Truncated,
            postcard::Error::SerializeBufferFull => Self::RowTooLarge,
            _ => Self::Malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_postcard_mapping() {
        let e = Error::SinkFull {
            got: 40,
            expected: 3,
        };
        assert_eq!(e.to_string(), "sink full: row of 40 bytes, 3 bytes left");
        assert_eq!(
            Error::from(postcard::Error::DeserializeUnexpectedEnd),
            Error::Truncated
        );
        assert_eq!(
            Error::from(postcard::Error::DeserializeBadVarint),
            Error::Malformed
        );
    }
}
