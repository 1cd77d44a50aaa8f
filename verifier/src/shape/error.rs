//! Why a proof's bytes do not have the shape the verifier expects ([`ShapeError`], [`Item`]).

use core::fmt;

/// The part of a winterfell 0.13 proof (or of the expected shape) an error is about.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Item {
    /// The whole proof.
    Proof,
    /// `TraceInfo`: width of the main segment.
    MainWidth,
    /// `TraceInfo`: width of the auxiliary segment.
    AuxWidth,
    /// `TraceInfo`: random elements the auxiliary segment draws.
    AuxRands,
    /// `TraceInfo`: log2 of the trace length.
    TraceLengthLog2,
    /// `TraceInfo`: metadata bytes.
    TraceMeta,
    /// `Context`: length of the field modulus.
    ModulusBytes,
    /// `Context`: the field modulus itself.
    Modulus,
    /// `ProofOptions`: number of queries.
    NumQueries,
    /// `ProofOptions`: blowup factor.
    Blowup,
    /// `ProofOptions`: grinding bits.
    Grinding,
    /// `ProofOptions`: field extension degree.
    FieldExtension,
    /// `ProofOptions`: FRI folding factor.
    FriFolding,
    /// `ProofOptions`: FRI remainder maximum degree.
    FriRemainderDegree,
    /// `ProofOptions`: constraint batching method.
    ConstraintBatching,
    /// `ProofOptions`: DEEP batching method.
    DeepBatching,
    /// `ProofOptions`: partitions per committed row.
    Partitions,
    /// `ProofOptions`: hash rate of a partition.
    HashRate,
    /// `Context`: number of constraints.
    NumConstraints,
    /// The proof's count of unique query positions.
    UniqueQueries,
    /// The commitments (trace roots, constraint root, FRI roots).
    Commitments,
    /// Query values of the main trace segment.
    MainQueryValues,
    /// Query values of the auxiliary trace segment.
    AuxQueryValues,
    /// Query values of the constraint composition columns.
    ConstraintQueryValues,
    /// A batch Merkle opening's byte string.
    OpeningBytes,
    /// A batch Merkle opening's claimed tree depth.
    MerkleDepth,
    /// A batch Merkle opening's number of node vectors.
    MerkleNodeVectors,
    /// A batch Merkle opening's nodes in one vector.
    MerkleNodes,
    /// The out-of-domain trace frame.
    OodTrace,
    /// The out-of-domain constraint (quotient) frame.
    OodQuotient,
    /// The rows per out-of-domain frame (always 2).
    OodFrameRows,
    /// Number of FRI layers.
    FriLayers,
    /// Query values of a FRI layer.
    FriLayerValues,
    /// The FRI remainder polynomial.
    FriRemainder,
    /// FRI partitions (log2; winterfell's prover writes 1 partition).
    FriPartitions,
    /// The proof-of-work nonce.
    PowNonce,
    /// The digest size of the expected hash function.
    DigestBytes,
}

/// A proof's bytes that do not have the expected shape, or an expected shape
/// that is itself outside what winterfell or [`crate::limits`] allow.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ShapeError {
    /// The proof is longer than [`crate::limits::MAX_PROOF_BYTES`].
    TooLarge {
        /// Bytes given.
        got: u64,
        /// Most accepted.
        max: u64,
    },
    /// The bytes end inside `item`: it needs `need` bytes, `remaining` are left.
    Truncated {
        /// What was being read.
        item: Item,
        /// Bytes needed.
        need: u64,
        /// Bytes left.
        remaining: u64,
    },
    /// The proof ends but `got` bytes follow it.
    TrailingBytes {
        /// Bytes after the proof.
        got: u64,
    },
    /// A nested byte string (an opening, a frame) has `got` bytes left over
    /// after its contents.
    Unconsumed {
        /// The byte string.
        item: Item,
        /// Bytes left over.
        got: u64,
    },
    /// A variable-length integer is not in winterfell's shortest encoding.
    NonCanonicalInteger {
        /// What was being read.
        item: Item,
    },
    /// A field element is not below the field modulus.
    NonCanonicalElement {
        /// Where it was.
        item: Item,
    },
    /// A value that must be exactly `expected` is `got`.
    Mismatch {
        /// What was read.
        item: Item,
        /// Value read.
        got: u64,
        /// Value the expected shape implies.
        expected: u64,
    },
    /// A value that must be in `min..=max` is `got`.
    OutOfRange {
        /// What was read.
        item: Item,
        /// Value read.
        got: u64,
        /// Least accepted.
        min: u64,
        /// Most accepted.
        max: u64,
    },
    /// The proof is for another field (its modulus bytes differ).
    WrongField,
    /// The expected shape itself is invalid for winterfell or beyond
    /// [`crate::limits`] (a configuration bug, not a hostile proof).
    BadExpectation {
        /// The offending part of the expected shape.
        item: Item,
    },
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { got, max } => write!(f, "proof of {got} bytes, at most {max}"),
            Self::Truncated {
                item,
                need,
                remaining,
            } => write!(
                f,
                "proof ends inside {item}: needs {need} bytes, {remaining} left"
            ),
            Self::TrailingBytes { got } => write!(f, "{got} bytes after the proof"),
            Self::Unconsumed { item, got } => write!(f, "{got} bytes left over in {item}"),
            Self::NonCanonicalInteger { item } => {
                write!(f, "non-canonical length encoding in {item}")
            }
            Self::NonCanonicalElement { item } => {
                write!(f, "field element not below the modulus in {item}")
            }
            Self::Mismatch {
                item,
                got,
                expected,
            } => write!(f, "{item} is {got}, expected {expected}"),
            Self::OutOfRange {
                item,
                got,
                min,
                max,
            } => write!(f, "{item} is {got}, expected {min}..={max}"),
            Self::WrongField => f.write_str("proof for another field"),
            Self::BadExpectation { item } => {
                write!(f, "expected shape invalid at {item} (configuration bug)")
            }
        }
    }
}

impl core::error::Error for ShapeError {}
