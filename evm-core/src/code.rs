//! The code arena: code, initcode and deployed code with their padding and jump-destination bitmaps (jump analysis), kept across transactions by hash.

use crate::buf::SliceVec;
use crate::error::Resource;
use crate::state::B256;

/// Bytes of zero padding stored after each code in the code arena (PUSH32 at the end reads them).
pub const CODE_PADDING: usize = 33;

/// Where a code sits in the code arena: `len` bytes at `off`, then
/// [`CODE_PADDING`] zero bytes, then the jump-destination bitmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeLoc {
    /// Offset in the code arena.
    pub off: u32,
    /// Code length.
    pub len: u32,
}

impl CodeLoc {
    /// Offset of the jump-destination bitmap.
    #[inline]
    pub fn bitmap_off(&self) -> usize {
        self.off as usize + self.len as usize + CODE_PADDING
    }
    /// Bytes this code occupies in the arena.
    pub fn arena_len(len: usize) -> usize {
        len + CODE_PADDING + len.div_ceil(8)
    }
}

// Jump analysis on 8 code bytes at a time, as one little-endian `u64` (SWAR):
// each helper sets bit 7 of the bytes it selects and clears every other bit.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// Bytes `>= lo` and `<= 0x7f` (`lo` >= 1 repeated in each byte of `lo8`).
#[inline(always)]
fn at_least(w: u64, lo8: u64) -> u64 {
    // Per byte, (b & 0x7f | 0x80) - lo keeps bit 7 iff b & 0x7f >= lo; no borrow crosses bytes.
    (((w & LOW7) | HIGH) - lo8) & !w & HIGH
}

/// Bytes equal to zero.
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    !(((w & LOW7) + LOW7) | w) & HIGH
}

/// Bit 7 of byte `k` moved to bit `k`.
#[inline(always)]
fn gather(m: u64) -> u8 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Sets bit `i % 8` of `bitmap[i / 8]` for each JUMPDEST at `i` outside push data.
///
/// Walks 8 bytes at a time from an instruction boundary: the bytes before
/// the first PUSH opcode among them are single-byte instructions, so their
/// JUMPDESTs are marked together and the walk moves to that PUSH (or 8
/// bytes on); only PUSHes, whose data is skipped, are visited one by one.
fn mark_jumpdests(code: &[u8], bitmap: &mut [u8]) {
    let mut i = 0;
    while i < code.len() {
        let w = match code.get(i..i + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
            Some(b) => u64::from_le_bytes(b),
            None => {
                // The last few bytes; the zeros past the end are STOPs.
                let mut b = [0u8; 8];
                let tail = code.get(i..).unwrap_or(&[]);
                b.iter_mut().zip(tail).for_each(|(d, s)| *d = *s);
                u64::from_le_bytes(b)
            }
        };
        if at_least(w, 0x5b * ONES) == 0 {
            i += 8; // no JUMPDEST (0x5b) or PUSH (0x60..=0x7f)
            continue;
        }
        let pushes = at_least(w, 0x60 * ONES);
        // JUMPDESTs before the first PUSH (all of them when there is none).
        let jd = zero_bytes(w ^ (0x5b * ONES)) & pushes.wrapping_sub(1) & !pushes;
        if jd != 0 {
            let v = u16::from(gather(jd)) << (i % 8);
            if let Some(x) = bitmap.get_mut(i / 8) {
                *x |= v as u8;
            }
            if let Some(x) = bitmap.get_mut(i / 8 + 1) {
                *x |= (v >> 8) as u8;
            }
        }
        if pushes == 0 {
            i += 8;
            continue;
        }
        i += pushes.trailing_zeros() as usize / 8;
        let op = code.get(i).copied().unwrap_or(0);
        i += 1 + crate::opcode::OpInfo::immediate_len(op);
    }
}

/// Bytes of the header before a cached code in the code arena: its code hash
/// and its length (`u32`, little-endian).
pub const CODE_HEADER: usize = 32 + 4;

/// Append-only arena of code, padding and jump-destination bitmaps.
///
/// Code read from the state by hash may be kept across transactions: while
/// caching is on, such code is stored after a [`CODE_HEADER`] (hash, length)
/// as long as everything before it in the arena is cached code too. This
/// leading run of cached entries (`kept` bytes) survives
/// [`CodeArena::start_tx`], and [`CodeArena::find`] looks code up in it by hash.
/// Everything after it (initcode, deployed code, and state code pushed after
/// those) is dropped at the start of the next transaction.
#[derive(Debug)]
pub struct CodeArena<'b> {
    buf: SliceVec<'b, u8>,
    /// End of the leading run of cached entries.
    kept: usize,
    /// Whether state code is cached (stored with a header and looked up by hash).
    caching: bool,
}

impl<'b> CodeArena<'b> {
    /// An empty arena over `buf`, caching off.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self {
            buf: SliceVec::new(buf),
            kept: 0,
            caching: false,
        }
    }

    /// Forgets all code, cached code included.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.kept = 0;
    }

    /// Starts a transaction: with `caching`, keeps the cached entries and drops
    /// the rest; without, forgets all code.
    pub fn start_tx(&mut self, caching: bool) {
        self.caching = caching;
        if caching {
            self.buf.truncate(self.kept);
        } else {
            self.clear();
        }
    }

    /// Whether state code is being cached in this transaction.
    pub fn caching(&self) -> bool {
        self.caching
    }

    /// Bytes of cached entries kept for later transactions.
    pub fn kept(&self) -> usize {
        self.kept
    }

    /// The location of the cached code with hash `hash`, if any.
    pub fn find(&self, hash: &B256) -> Option<CodeLoc> {
        let buf = self.buf.as_slice().get(..self.kept)?;
        let mut off = 0;
        while let Some(h) = buf.get(off..off + CODE_HEADER) {
            let len = u32::from_le_bytes([h[32], h[33], h[34], h[35]]);
            let code_off = off + CODE_HEADER;
            if h.get(..32) == Some(hash.as_slice()) {
                return Some(CodeLoc {
                    off: code_off as u32,
                    len,
                });
            }
            off = code_off + CodeLoc::arena_len(len as usize);
        }
        None
    }

    /// Pushes code read from the state under `hash`: cached (after a header)
    /// when caching is on and the arena holds only cached entries, else as [`CodeArena::push`].
    pub fn push_state_code(&mut self, hash: &B256, code: &[u8]) -> Result<CodeLoc, Resource> {
        if !self.caching || self.buf.len() != self.kept {
            return self.push(code);
        }
        let mut header = [0u8; CODE_HEADER];
        header[..32].copy_from_slice(hash);
        header[32..].copy_from_slice(&(code.len() as u32).to_le_bytes());
        let room = self.buf.capacity() - self.buf.len();
        if room < CODE_HEADER + CodeLoc::arena_len(code.len()) {
            return Err(Resource::Code);
        }
        self.buf
            .extend_from_slice(&header)
            .map_err(|_| Resource::Code)?;
        let loc = self.push(code)?;
        self.kept = self.buf.len();
        Ok(loc)
    }

    /// Copies `code` in, analyses its jump destinations and returns its location.
    pub fn push(&mut self, code: &[u8]) -> Result<CodeLoc, Resource> {
        let total = CodeLoc::arena_len(code.len());
        let off = self.buf.len();
        if self.buf.capacity() - off < total || off > u32::MAX as usize - total {
            return Err(Resource::Code);
        }
        self.buf
            .extend_from_slice(code)
            .map_err(|_| Resource::Code)?;
        self.buf
            .extend_filled(0, CODE_PADDING + code.len().div_ceil(8))
            .map_err(|_| Resource::Code)?;
        let loc = CodeLoc {
            off: off as u32,
            len: code.len() as u32,
        };
        let bitmap = self
            .buf
            .as_mut_slice()
            .get_mut(loc.bitmap_off()..)
            .ok_or(Resource::Code)?;
        mark_jumpdests(code, bitmap);
        Ok(loc)
    }

    /// The code bytes at `loc` (without padding).
    #[inline]
    pub fn code(&self, loc: CodeLoc) -> &[u8] {
        let s = loc.off as usize;
        self.buf
            .as_slice()
            .get(s..s + loc.len as usize)
            .unwrap_or(&[])
    }

    /// The code bytes at `loc` followed by the padding.
    #[inline]
    pub fn padded(&self, loc: CodeLoc) -> &[u8] {
        let s = loc.off as usize;
        self.buf
            .as_slice()
            .get(s..s + loc.len as usize + CODE_PADDING)
            .unwrap_or(&[])
    }

    /// The jump-destination bitmap of `loc`: bit `d % 8` of byte `d / 8` is set
    /// when `d` is a JUMPDEST outside push data.
    #[inline]
    pub fn jumpdests(&self, loc: CodeLoc) -> &[u8] {
        let s = loc.bitmap_off();
        self.buf
            .as_slice()
            .get(s..s + (loc.len as usize).div_ceil(8))
            .unwrap_or(&[])
    }

    /// Whether `dest` is a valid jump destination of `loc`.
    #[inline]
    pub fn is_jumpdest(&self, loc: CodeLoc, dest: usize) -> bool {
        if dest >= loc.len as usize {
            return false;
        }
        self.buf
            .as_slice()
            .get(loc.bitmap_off() + dest / 8)
            .is_some_and(|b| b & (1 << (dest % 8)) != 0)
    }

    /// Bytes used.
    pub fn used(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumpdest_analysis_matches_bytewise_scan() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for case in 0..2000usize {
            let len = case % 131;
            let code: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Mostly ordinary opcodes, some JUMPDESTs and PUSHes.
                    match x % 8 {
                        0 => 0x5b,
                        1 => 0x60 + (x >> 8) as u8 % 32,
                        _ => (x >> 16) as u8,
                    }
                })
                .collect();
            let mut fast = vec![0u8; len.div_ceil(8)];
            mark_jumpdests(&code, &mut fast);
            let mut slow = vec![0u8; len.div_ceil(8)];
            let mut i = 0;
            while i < len {
                if code[i] == 0x5b {
                    slow[i / 8] |= 1 << (i % 8);
                }
                i += 1 + crate::opcode::OpInfo::immediate_len(code[i]);
            }
            assert_eq!(fast, slow, "{code:02x?}");
        }
        for b in 0..=255u8 {
            for k in 0..8 {
                let w = u64::from(b) << (8 * k);
                let bit = |m: u64| m & (0x80 << (8 * k)) != 0;
                assert_eq!(bit(at_least(w, 0x5b * ONES)), (0x5b..=0x7f).contains(&b));
                assert_eq!(bit(at_least(w, 0x60 * ONES)), (0x60..=0x7f).contains(&b));
                let z = zero_bytes(w ^ (0x5b * ONES));
                assert_eq!(gather(z), u8::from(b == 0x5b) << k);
                assert_eq!(gather(HIGH), 0xff);
            }
        }
    }

    #[test]
    fn jumpdest_analysis_skips_push_data() {
        let mut buf = [0u8; 128];
        let mut arena = CodeArena::new(&mut buf);
        // PUSH1 0x5b, JUMPDEST
        let loc = arena.push(&[0x60, 0x5b, 0x5b]).unwrap();
        assert!(!arena.is_jumpdest(loc, 1));
        assert!(arena.is_jumpdest(loc, 2));
        assert!(!arena.is_jumpdest(loc, 3));
        assert_eq!(arena.padded(loc).len(), 3 + CODE_PADDING);
    }
}
