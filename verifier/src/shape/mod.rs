//! The device-side shape check of a winterfell 0.13 proof: every length, count and option against the expected shape and the limits, before winterfell parses it.
//!
//! winterfell 0.13 is not panic-free on hostile proofs (DESIGN.md §5, and
//! the "Hostile proofs" section of this crate's README): its deserialisers
//! assert on option values, trace shapes and field sizes, size `Vec`s by
//! counts read from the proof, and its verifier indexes by counts it never
//! checked. [`check`] walks the exact byte layout `Proof::to_bytes` writes
//! and accepts only a proof whose every field is what [`ExpectedShape`]
//! implies, so that what reaches `Proof::from_bytes` and
//! `winter_verifier::verify` is a proof they handle with `Ok` or `Err`.
//!
//! Layout (winter-air `proof/mod.rs` and the types it writes):
//!
//! ```text
//! Context      TraceInfo: u8 main width, u8 aux width, u8 aux rands,
//!              u8 log2(trace length), u16 meta length, meta
//!              u8 modulus length, modulus (little-endian)
//!              ProofOptions: 10 × u8
//!              varint num_constraints
//! u8           num_unique_queries
//! Commitments  u16 length, digests (trace roots, constraint root, FRI roots + remainder)
//! Queries × segments, then constraint Queries:
//!              varint length, values; varint length, BatchMerkleProof
//!              (u8 depth, varint node vectors, each varint count + digests)
//! OodFrame     u16 length, [u8 2, trace elements]; u16 length, [u8 2, quotient elements]
//! FriProof     u8 layers, each: u32 length, values; u32 length, BatchMerkleProof
//!              u16 length, remainder; u8 log2(partitions)
//! u64          proof-of-work nonce
//! ```

mod error;
mod expected;
mod reader;

#[cfg(any(test, feature = "test-air"))]
pub mod test_air;

pub use error::{Item, ShapeError};
pub use expected::{ExpectedOptions, ExpectedShape, GOLDILOCKS_MODULUS_LE};

use crate::limits;
use reader::{below, Reader};

/// What [`check`] learnt about a proof of the right shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ProofShape {
    /// log2 of the trace length.
    pub trace_length_log2: u8,
    /// log2 of the LDE domain size.
    pub lde_domain_log2: u8,
    /// Unique query positions the proof opens.
    pub unique_queries: u8,
    /// FRI layers (the remainder not counted).
    pub fri_layers: u8,
    /// Coefficients of the FRI remainder polynomial.
    pub fri_remainder_len: u64,
    /// `Context::num_constraints`.
    pub num_constraints: u64,
    /// Trace metadata bytes.
    pub meta_bytes: u16,
    /// Total proof bytes.
    pub bytes: u64,
}

/// `Ok` with the proof's shape when `bytes` is a winterfell 0.13 `Proof`
/// (with Merkle-tree commitments) of exactly the `expected` shape, within
/// [`crate::limits`]; otherwise the first thing that is not.
///
/// The size cap is checked before anything else, then `expected` itself,
/// then every field in the order winterfell writes them; no length read from
/// `bytes` is used before it is checked against the bytes remaining, and
/// nothing is allocated. What is accepted deserialises with
/// `Proof::from_bytes` (and re-serialises to exactly `bytes`).
pub fn check(bytes: &[u8], expected: &ExpectedShape) -> Result<ProofShape, ShapeError> {
    let total = bytes.len() as u64;
    let max = limits::MAX_PROOF_BYTES as u64;
    if total > max {
        return Err(ShapeError::TooLarge { got: total, max });
    }
    expected.validate()?;
    let mut r = Reader::new(bytes);
    let o = &expected.options;

    // Context: TraceInfo.
    exact(r.u8(Item::MainWidth)?, expected.main_width, Item::MainWidth)?;
    exact(r.u8(Item::AuxWidth)?, expected.aux_width, Item::AuxWidth)?;
    exact(r.u8(Item::AuxRands)?, expected.aux_rands, Item::AuxRands)?;
    let log2 = r.u8(Item::TraceLengthLog2)?;
    in_range(
        log2.into(),
        expected.min_trace_length_log2.into(),
        expected.max_trace_length_log2.into(),
        Item::TraceLengthLog2,
    )?;
    let meta_bytes = r.u16(Item::TraceMeta)?;
    in_range(
        meta_bytes.into(),
        0,
        expected.max_meta_bytes.into(),
        Item::TraceMeta,
    )?;
    r.take(meta_bytes.into(), Item::TraceMeta)?;

    // Context: field modulus, options, constraint count.
    let modulus_len = r.u8(Item::ModulusBytes)?;
    exact(modulus_len, expected.base_bytes(), Item::ModulusBytes)?;
    if r.take(modulus_len.into(), Item::Modulus)? != expected.field_modulus_le {
        return Err(ShapeError::WrongField);
    }
    for (want, item) in o.to_bytes().into_iter().zip(ExpectedOptions::ITEMS) {
        exact(r.u8(item)?, want, item)?;
    }
    let num_constraints = r.varint(Item::NumConstraints)?;
    in_range(
        num_constraints,
        expected.min_constraints,
        expected.max_constraints,
        Item::NumConstraints,
    )?;

    let unique = r.u8(Item::UniqueQueries)?;
    in_range(unique.into(), 1, o.num_queries.into(), Item::UniqueQueries)?;
    let unique64 = u64::from(unique);

    // What the options and the trace length imply.
    let lde_log2 = log2 + o.blowup.trailing_zeros() as u8;
    let fold_log2 = o.fri_folding.trailing_zeros() as u8;
    let (fri_layers, remainder_len) = fri_shape(lde_log2, o);
    let segments: u64 = if expected.aux_width == 0 { 1 } else { 2 };
    let digest = u64::from(expected.digest_bytes);
    let base = expected.base_bytes();
    let ext = expected.ext_bytes();

    // Commitments: one root per trace segment, the constraint root, one per
    // FRI layer and the remainder's.
    let commitments = r.u16(Item::Commitments)?;
    exact(
        commitments,
        (segments + 1 + u64::from(fri_layers) + 1) * digest,
        Item::Commitments,
    )?;
    r.take(commitments.into(), Item::Commitments)?;

    // Trace and constraint queries: one row per unique position.
    let main_row = u64::from(expected.main_width) * base;
    queries(
        &mut r,
        expected,
        Item::MainQueryValues,
        unique64 * main_row,
        lde_log2,
        unique64,
    )?;
    if expected.aux_width != 0 {
        let aux_row = u64::from(expected.aux_width) * ext;
        queries(
            &mut r,
            expected,
            Item::AuxQueryValues,
            unique64 * aux_row,
            lde_log2,
            unique64,
        )?;
    }
    let constraint_row = u64::from(expected.composition_columns) * ext;
    queries(
        &mut r,
        expected,
        Item::ConstraintQueryValues,
        unique64 * constraint_row,
        lde_log2,
        unique64,
    )?;

    // Out-of-domain frames: two rows each.
    let width = u64::from(expected.main_width) + u64::from(expected.aux_width);
    ood_frame(&mut r, expected, Item::OodTrace, width * ext)?;
    ood_frame(
        &mut r,
        expected,
        Item::OodQuotient,
        u64::from(expected.composition_columns) * ext,
    )?;

    // FRI: the layers, each folding the domain by `fri_folding`.
    exact(r.u8(Item::FriLayers)?, fri_layers, Item::FriLayers)?;
    let fold_row = u64::from(o.fri_folding) * ext;
    let mut previous = unique64;
    let mut depth = lde_log2;
    for _ in 0..fri_layers {
        depth = depth
            .checked_sub(fold_log2)
            .ok_or(ShapeError::BadExpectation {
                item: Item::FriFolding,
            })?;
        let leaves = 1u64 << depth;
        let most = previous.min(leaves);
        let value_bytes = u64::from(r.u32(Item::FriLayerValues)?);
        let layer_queries = value_bytes / fold_row;
        if value_bytes % fold_row != 0 || layer_queries == 0 || layer_queries > most {
            return Err(ShapeError::OutOfRange {
                item: Item::FriLayerValues,
                got: value_bytes,
                min: fold_row,
                max: most * fold_row,
            });
        }
        let values = r.take(value_bytes, Item::FriLayerValues)?;
        elements(values, expected, Item::FriLayerValues)?;
        let path_bytes = r.u32(Item::OpeningBytes)?;
        let paths = r.take(path_bytes.into(), Item::OpeningBytes)?;
        merkle(paths, expected, depth, layer_queries)?;
        previous = layer_queries;
    }
    let remainder = r.u16(Item::FriRemainder)?;
    exact(remainder, remainder_len * ext, Item::FriRemainder)?;
    let coefficients = r.take(remainder.into(), Item::FriRemainder)?;
    elements(coefficients, expected, Item::FriRemainder)?;
    // winterfell's prover always writes one partition (log2 = 0); the
    // verifier computes 2^byte and divides by it.
    exact(r.u8(Item::FriPartitions)?, 0u8, Item::FriPartitions)?;
    r.u64(Item::PowNonce)?;

    match r.remaining() {
        0 => Ok(ProofShape {
            trace_length_log2: log2,
            lde_domain_log2: lde_log2,
            unique_queries: unique,
            fri_layers,
            fri_remainder_len: remainder_len,
            num_constraints,
            meta_bytes,
            bytes: total,
        }),
        got => Err(ShapeError::TrailingBytes { got }),
    }
}

/// FRI layers and remainder coefficients for an LDE domain of 2^`lde_log2`
/// points, as winter-fri's `FriOptions::num_fri_layers` and its prover's
/// remainder (final domain / blowup) compute them.
fn fri_shape(lde_log2: u8, o: &ExpectedOptions) -> (u8, u64) {
    let max_remainder = (u64::from(o.fri_remainder_max_degree) + 1) * u64::from(o.blowup);
    let mut domain = 1u64 << lde_log2;
    let mut layers = 0u8;
    while domain > max_remainder {
        domain /= u64::from(o.fri_folding);
        layers += 1;
    }
    (layers, domain / u64::from(o.blowup))
}

fn exact(got: impl Into<u64>, expected: impl Into<u64>, item: Item) -> Result<(), ShapeError> {
    let (got, expected) = (got.into(), expected.into());
    if got == expected {
        Ok(())
    } else {
        Err(ShapeError::Mismatch {
            item,
            got,
            expected,
        })
    }
}

fn in_range(got: u64, min: u64, max: u64, item: Item) -> Result<(), ShapeError> {
    if (min..=max).contains(&got) {
        Ok(())
    } else {
        Err(ShapeError::OutOfRange {
            item,
            got,
            min,
            max,
        })
    }
}

/// Every base field element in `bytes` is below the modulus (winterfell
/// rejects the others too, with `Err`; checking here keeps "passes the
/// shape check" equal to "deserialises").
fn elements(bytes: &[u8], expected: &ExpectedShape, item: Item) -> Result<(), ShapeError> {
    let modulus = expected.field_modulus_le;
    let mut chunks = bytes.chunks_exact(modulus.len());
    if !chunks.remainder().is_empty() {
        return Err(ShapeError::Unconsumed {
            item,
            got: chunks.remainder().len() as u64,
        });
    }
    if chunks.all(|e| below(e, modulus)) {
        Ok(())
    } else {
        Err(ShapeError::NonCanonicalElement { item })
    }
}

/// A `Queries`: `values` (exactly `value_bytes`), then a batch Merkle
/// opening of a tree with 2^`depth` leaves for at most `max_vectors` leaf pairs.
fn queries(
    r: &mut Reader<'_>,
    expected: &ExpectedShape,
    item: Item,
    value_bytes: u64,
    depth: u8,
    max_vectors: u64,
) -> Result<(), ShapeError> {
    let len = r.varint(item)?;
    exact(len, value_bytes, item)?;
    let values = r.take(len, item)?;
    elements(values, expected, item)?;
    let len = r.varint(Item::OpeningBytes)?;
    let opening = r.take(len, Item::OpeningBytes)?;
    merkle(opening, expected, depth, max_vectors)
}

/// A serialised `BatchMerkleProof`: the claimed depth must be the tree's
/// (winterfell computes `1 << depth` and `2^depth` from it, and trusts it in
/// `get_root`: facebook/winterfell#200), 1..=`max_vectors` node vectors of at
/// most `depth` digests each, and nothing after them.
fn merkle(
    bytes: &[u8],
    expected: &ExpectedShape,
    depth: u8,
    max_vectors: u64,
) -> Result<(), ShapeError> {
    let mut m = Reader::new(bytes);
    exact(m.u8(Item::MerkleDepth)?, depth, Item::MerkleDepth)?;
    let vectors = m.varint(Item::MerkleNodeVectors)?;
    in_range(vectors, 1, max_vectors, Item::MerkleNodeVectors)?;
    for _ in 0..vectors {
        let nodes = m.varint(Item::MerkleNodes)?;
        in_range(nodes, 0, depth.into(), Item::MerkleNodes)?;
        m.take(nodes * u64::from(expected.digest_bytes), Item::MerkleNodes)?;
    }
    m.finish(Item::OpeningBytes)
}

/// An `OodFrame` half: a u16 length of exactly 1 + 2 × `row_bytes`, the row
/// count 2 (winterfell asserts it), then two rows of elements.
fn ood_frame(
    r: &mut Reader<'_>,
    expected: &ExpectedShape,
    item: Item,
    row_bytes: u64,
) -> Result<(), ShapeError> {
    let len = r.u16(item)?;
    exact(len, 1 + 2 * row_bytes, item)?;
    let frame = r.take(len.into(), item)?;
    let (rows, states) = frame.split_first().ok_or(ShapeError::Truncated {
        item,
        need: 1,
        remaining: 0,
    })?;
    exact(*rows, 2u8, Item::OodFrameRows)?;
    elements(states, expected, item)
}
