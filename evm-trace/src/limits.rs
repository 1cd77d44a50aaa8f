//! Bounds of the row format: operand count and the largest encoded row.

/// Most operand words a row records (CALL and CALLCODE pop seven).
pub const MAX_OPERANDS: usize = 7;

/// Largest postcard encoding of one [`crate::Row`] in bytes: fixed fields as
/// varints (at most 5 + 5 + 2 + 10 + 10 + 3 + 3 bytes), seven operands and a
/// result of at most 33 bytes each, a memory record (1 + 1 + 5 + 5) and a
/// storage record (presence tag, kind, 20-byte address, key and value of 33).
pub const MAX_ROW_BYTES: usize = 48 + 1 + 8 * 33 + 12 + (1 + 1 + 20 + 33 + 33);

/// Domain separator absorbed before the first row by [`crate::Commitment`];
/// its version names the row format (v2: storage records carry the address).
pub const COMMITMENT_DOMAIN: &[u8] = b"embedded-zkevm/evm-trace/rows/v2";
