//! Bounds on what the verifier accepts from the host: proof size, trace shape, counts inside a proof.
//!
//! The shape check ([`crate::shape::check`]) compares every length read from a
//! proof with these before anything is sized with it; an
//! [`ExpectedShape`](crate::shape::ExpectedShape) outside them is refused too.

/// Largest proof accepted, in bytes, checked before any other byte is read.
///
/// The reference figures (DESIGN.md §5) are 43–93 KB for 2^10–2^16 rows and
/// 64–128 columns; the goal at 2^16 rows is ≤ 120 KiB. 192 KiB leaves
/// room for wider traces up to [`MAX_TRACE_LENGTH_LOG2`] while keeping the
/// parsed proof (about as large again) within a 512 KiB device heap.
pub const MAX_PROOF_BYTES: usize = 192 * 1024;

/// Longest trace accepted: 2^20 rows (the LDE domain then has at most
/// 2^27 points at blowup 128, far below the 2^32 winterfell allows and below
/// the 32-bit `usize` of the device).
pub const MAX_TRACE_LENGTH_LOG2: u8 = 20;

/// Shortest trace winterfell supports: 2^3 = 8 rows.
pub const MIN_TRACE_LENGTH_LOG2: u8 = 3;

/// Most columns in all (main + auxiliary). winterfell's reader refuses 255
/// and more; the project's AIR design says at most 255 columns.
pub const MAX_TRACE_WIDTH: u8 = 254;

/// Most constraint-composition columns (winterfell's query table holds fewer
/// than 255 columns).
pub const MAX_COMPOSITION_COLUMNS: u8 = 254;

/// Most queries per proof (winterfell's query table holds fewer than 255 rows).
pub const MAX_QUERIES: u8 = 254;

/// Most trace metadata bytes (`TraceInfo::meta`); the project's AIR uses none,
/// winterfell allows 65,535.
pub const MAX_TRACE_META_BYTES: u16 = 1024;

/// Longest field modulus, in bytes (Goldilocks: 8; winterfell's largest
/// field: 16).
pub const MAX_MODULUS_BYTES: u8 = 16;

/// Longest Merkle digest, in bytes (Blake3-256: 32).
pub const MAX_DIGEST_BYTES: u8 = 64;

/// Most constraints (`Context::num_constraints`: transition constraints plus
/// assertions) a proof may claim.
pub const MAX_CONSTRAINTS: u64 = 1 << 16;

/// Most memory words a proof may claim (`Counts::memory_words`: 2 MiB of
/// EVM memory); the verifier sums one table term per word.
pub const MAX_MEMORY_WORDS: u32 = 1 << 16;

/// Most entries of the bitwise table a proof may list (`Counts::bitwise`);
/// the verifier computes and sums one table term per entry.
pub const MAX_BITWISE_ENTRIES: u32 = 1 << 12;
