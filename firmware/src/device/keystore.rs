//! The key storage: the seed in the board's KEYS region (a header word, then the 64-byte seed, as words).
#![allow(unsafe_code)]

use zeroize::Zeroize;

use super::board;

/// First word of a written key storage ("ZKS1").
const MAGIC: u32 = 0x5a4b_5331;

/// Words used: the header and 16 words of seed.
const WORDS: usize = 17;

extern "C" {
    static _keystore_start: u32;
    static _keystore_end: u32;
}

/// The region's first word and its length in words.
fn region() -> (*mut u32, usize) {
    // Only the addresses of the linker's symbols are taken (the memory.x of
    // each board defines them around the KEYS region), which is safe.
    let start = core::ptr::addr_of!(_keystore_start) as usize;
    let end = core::ptr::addr_of!(_keystore_end) as usize;
    (start as *mut u32, end.saturating_sub(start) / 4)
}

/// Read the stored seed into `seed`; `false` if the storage is blank.
pub fn load(seed: &mut [u8; 64]) -> bool {
    let (base, len) = region();
    if len < WORDS {
        return false;
    }
    // SAFETY: `base .. base + WORDS` lies inside the KEYS region (checked
    // above), word-aligned memory that only this module accesses.
    let word = |i: usize| unsafe { core::ptr::read_volatile(base.add(i)) };
    if word(0) != MAGIC {
        return false;
    }
    for (i, chunk) in seed.chunks_exact_mut(4).enumerate() {
        chunk.copy_from_slice(&word(i + 1).to_le_bytes());
    }
    true
}

/// Store `seed`, replacing what the storage held.
pub fn store(seed: &[u8; 64]) -> bool {
    let (base, len) = region();
    if len < WORDS {
        return false;
    }
    let mut words = [0u32; WORDS];
    words[0] = MAGIC;
    for (w, chunk) in words.iter_mut().skip(1).zip(seed.chunks_exact(4)) {
        let mut b = [0u8; 4];
        b.copy_from_slice(chunk);
        *w = u32::from_le_bytes(b);
    }
    let ok = board::program_keys(base, &words);
    words.zeroize();
    ok
}
