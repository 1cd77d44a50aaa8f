//! Typed errors of proof parsing and verification.

use core::fmt;

use crate::shape::ShapeError;

/// Why a proof was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The proof file does not start with the magic bytes.
    BadMagic,
    /// The proof file's framing version is not one this verifier reads.
    UnsupportedVersion {
        /// Version found.
        got: u16,
    },
    /// The file ended inside a field.
    Truncated,
    /// Bytes left after the last field.
    TrailingBytes,
    /// A length prefix exceeds its limit.
    TooLong {
        /// Length claimed.
        got: u64,
        /// Limit.
        max: u64,
    },
    /// An enum field holds a value with no meaning.
    BadField,
    /// The gas limit does not fit the AIR's 32-bit gas column.
    GasLimitTooLarge {
        /// Gas limit claimed.
        got: u64,
        /// Largest provable.
        max: u64,
    },
    /// Gas used is below the intrinsic gas or above the gas limit.
    GasUsedOutOfRange,
    /// The claimed status or return data is one the AIR cannot prove yet
    /// (it proves executions that end in STOP, with empty return data).
    NotProvable,
    /// The table multiplicities do not match the code or the byte table.
    CountsShape,
    /// A challenge made a table denominator zero (negligible probability).
    Degenerate,
    /// The proof's shape does not match what this verifier accepts.
    Shape,
    /// The STARK bytes failed the device-side shape check (before the
    /// backend parsed anything).
    ProofShape(ShapeError),
    /// The STARK proof does not verify.
    Stark(StarkError),
}

/// The STARK backend's reason, without its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StarkError {
    /// The proof bytes do not parse.
    Deserialize,
    /// The proof was made with options this verifier does not accept.
    Options,
    /// The constraint evaluations at the out-of-domain point disagree.
    Constraints,
    /// A Merkle path or commitment does not match.
    Commitment,
    /// The FRI low-degree test failed.
    Fri,
    /// The proof-of-work nonce is wrong.
    Grinding,
    /// Anything else the backend reports.
    Other,
}

impl fmt::Display for StarkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StarkError::Deserialize => "proof bytes do not parse",
            StarkError::Options => "proof options not accepted",
            StarkError::Constraints => "constraints do not hold at the out-of-domain point",
            StarkError::Commitment => "commitment or Merkle path mismatch",
            StarkError::Fri => "FRI low-degree test failed",
            StarkError::Grinding => "proof-of-work nonce wrong",
            StarkError::Other => "other verification failure",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadMagic => f.write_str("not a proof file (bad magic)"),
            Error::UnsupportedVersion { got } => write!(f, "unsupported proof file version {got}"),
            Error::Truncated => f.write_str("proof file truncated"),
            Error::TrailingBytes => f.write_str("trailing bytes after the proof"),
            Error::TooLong { got, max } => write!(f, "length {got} over limit {max}"),
            Error::BadField => f.write_str("invalid field value"),
            Error::GasLimitTooLarge { got, max } => {
                write!(f, "gas limit {got} over the provable {max}")
            }
            Error::GasUsedOutOfRange => f.write_str("gas used outside [intrinsic, gas limit]"),
            Error::NotProvable => f.write_str("status or return data not provable by this AIR"),
            Error::CountsShape => f.write_str("table multiplicities of the wrong shape"),
            Error::Degenerate => f.write_str("degenerate challenge"),
            Error::Shape => f.write_str("proof shape not accepted"),
            Error::ProofShape(e) => write!(f, "proof shape: {e}"),
            Error::Stark(e) => write!(f, "STARK: {e}"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "defmt")]
impl defmt::Format for Error {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}
