//! Shared value types (`U256`, `Address`, `B256`), keccak-256 and the well-known empty hashes.

pub use evm_core::{AccountInfo, Address, B256, KECCAK_EMPTY, U256};

/// Bytes absorbed per keccak-f\[1600\] permutation (the rate of keccak-256).
const KECCAK_RATE: usize = 136;

/// keccak-256 of `data`.
///
/// The sponge is written out over `tiny_keccak::keccakf` (the permutation
/// `evm-core` links too): input lanes are XORed into the state straight from
/// `data`, without `tiny_keccak::Keccak`'s block buffer: 7-14 % faster for the
/// short inputs of a trie (keys, leaves), 3 % for branches (host, x86-64; see the README).
pub fn keccak256(data: &[u8]) -> B256 {
    let mut state = [0u64; 25];
    let (blocks, tail) = data.as_chunks::<KECCAK_RATE>();
    for block in blocks {
        absorb(&mut state, block.as_chunks::<8>().0);
        tiny_keccak::keccakf(&mut state);
    }
    // The tail (shorter than the rate) and the padding 0x01 ‖ 0* ‖ 0x80: whole
    // lanes, then the partial lane with the 0x01, then the 0x80 in the last lane.
    let (lanes, rest) = tail.as_chunks::<8>();
    absorb(&mut state, lanes);
    let mut partial = [0u8; 8];
    if let Some(dst) = partial.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    if let Some(b) = partial.get_mut(rest.len()) {
        *b = 0x01;
    }
    if let Some(lane) = state.get_mut(lanes.len()) {
        *lane ^= u64::from_le_bytes(partial);
    }
    if let Some(lane) = state.get_mut(KECCAK_RATE / 8 - 1) {
        *lane ^= 0x80 << 56;
    }
    tiny_keccak::keccakf(&mut state);
    let mut out = [0u8; 32];
    for (dst, lane) in out.as_chunks_mut::<8>().0.iter_mut().zip(&state) {
        *dst = lane.to_le_bytes();
    }
    out
}

/// XORs little-endian lanes into the state.
fn absorb(state: &mut [u64; 25], lanes: &[[u8; 8]]) {
    for (lane, bytes) in state.iter_mut().zip(lanes) {
        *lane ^= u64::from_le_bytes(*bytes);
    }
}

/// Root of the empty trie: `keccak256(rlp(""))`.
pub const EMPTY_ROOT: B256 = [
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Against `tiny_keccak::Keccak` at every length around the rate boundaries.
    #[test]
    fn matches_tiny_keccak() {
        use tiny_keccak::{Hasher, Keccak};
        let data: Vec<u8> = (0..600u32).map(|i| (i * 131 + 7) as u8).collect();
        for len in 0..data.len() {
            let mut h = Keccak::v256();
            h.update(&data[..len]);
            let mut expected = [0u8; 32];
            h.finalize(&mut expected);
            assert_eq!(keccak256(&data[..len]), expected, "length {len}");
        }
    }

    #[test]
    fn empty_hashes_are_what_they_claim() {
        assert_eq!(keccak256(&[0x80]), EMPTY_ROOT);
        assert_eq!(keccak256(&[]), KECCAK_EMPTY);
        assert_ne!(keccak256(&[0x81]), EMPTY_ROOT);
    }
}
