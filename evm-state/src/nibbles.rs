//! Trie paths: keys as nibbles, bounded [`Path`]s and the hex-prefix (compact) encoding.

use crate::error::Error;
use crate::limits::{MAX_KEY_BYTES, MAX_KEY_NIBBLES};

/// Splits `key` into nibbles in `out`; returns how many (twice the key length).
pub fn to_nibbles(key: &[u8], out: &mut [u8; MAX_KEY_NIBBLES]) -> Result<usize, Error> {
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::KeyTooLong {
            got: key.len(),
            expected: MAX_KEY_BYTES,
        });
    }
    for ([hi, lo], b) in out.as_chunks_mut::<2>().0.iter_mut().zip(key) {
        *hi = b >> 4;
        *lo = b & 0x0f;
    }
    Ok(key.len() * 2)
}

/// Length of the longest common prefix of two nibble slices.
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Writes the hex-prefix encoding of `nibbles` into `out`; returns its length (1 + len/2).
///
/// Nibbles past [`MAX_KEY_NIBBLES`] do not fit `out` and are left out (a [`Path`] never has them).
pub fn encode_compact(nibbles: &[u8], leaf: bool, out: &mut [u8; MAX_KEY_BYTES + 1]) -> usize {
    let flag: u8 = if leaf { 2 } else { 0 };
    let (first, rest) = if nibbles.len() % 2 == 1 {
        let n0 = nibbles.first().copied().unwrap_or(0);
        (((flag + 1) << 4) | n0, nibbles.get(1..).unwrap_or(&[]))
    } else {
        (flag << 4, nibbles)
    };
    out[0] = first;
    let mut len = 1;
    for (o, [hi, lo]) in out.iter_mut().skip(1).zip(rest.as_chunks::<2>().0) {
        *o = (hi << 4) | lo;
        len += 1;
    }
    len
}

/// A path of at most [`MAX_KEY_NIBBLES`] nibbles, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Path {
    len: u8,
    nibbles: [u8; MAX_KEY_NIBBLES],
}

impl core::fmt::Debug for Path {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for n in self.as_slice() {
            write!(f, "{n:x}")?;
        }
        Ok(())
    }
}

impl Default for Path {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl Path {
    /// The empty path.
    pub const EMPTY: Self = Self {
        len: 0,
        nibbles: [0; MAX_KEY_NIBBLES],
    };

    /// A path holding `nibbles` (each below 16).
    pub fn from_nibbles(nibbles: &[u8]) -> Result<Self, Error> {
        let mut p = Self::EMPTY;
        p.extend(nibbles)?;
        Ok(p)
    }

    /// The nibbles.
    pub fn as_slice(&self) -> &[u8] {
        self.nibbles.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of nibbles.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether the path has no nibble.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `more`; a path longer than [`MAX_KEY_NIBBLES`] is [`Error::KeyTooLong`].
    pub fn extend(&mut self, more: &[u8]) -> Result<(), Error> {
        let start = self.len();
        let end = start + more.len();
        let dst = self.nibbles.get_mut(start..end).ok_or(Error::KeyTooLong {
            got: end.div_ceil(2),
            expected: MAX_KEY_BYTES,
        })?;
        dst.copy_from_slice(more);
        self.len = end as u8;
        Ok(())
    }

    /// `prefix` followed by `self`.
    pub fn prepended(&self, prefix: &[u8]) -> Result<Self, Error> {
        let mut p = Self::from_nibbles(prefix)?;
        p.extend(self.as_slice())?;
        Ok(p)
    }

    /// Writes the hex-prefix encoding into `out`; returns its length (1 + len/2).
    pub fn encode_compact(&self, leaf: bool, out: &mut [u8; MAX_KEY_BYTES + 1]) -> usize {
        encode_compact(self.as_slice(), leaf, out)
    }

    /// Decodes a hex-prefix encoding: the path and whether it is a leaf's.
    pub fn decode_compact(bytes: &[u8]) -> Result<(Self, bool), Error> {
        let (&first, rest) = bytes.split_first().ok_or(Error::InvalidPath)?;
        let flag = first >> 4;
        if flag > 3 {
            return Err(Error::InvalidPath);
        }
        let leaf = flag >= 2;
        let odd = flag % 2 == 1;
        let mut p = Self::EMPTY;
        if odd {
            p.extend(&[first & 0x0f]).map_err(|_| Error::InvalidPath)?;
        } else if first & 0x0f != 0 {
            return Err(Error::InvalidPath);
        }
        for b in rest {
            p.extend(&[b >> 4, b & 0x0f])
                .map_err(|_| Error::InvalidPath)?;
        }
        Ok((p, leaf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn compact_examples_from_the_yellow_paper() {
        let mut out = [0u8; 33];
        let p = Path::from_nibbles(&[1, 2, 3, 4, 5]).unwrap();
        let n = p.encode_compact(false, &mut out);
        assert_eq!(&out[..n], &[0x11, 0x23, 0x45]);
        let p = Path::from_nibbles(&[0, 1, 2, 3, 4, 5]).unwrap();
        let n = p.encode_compact(false, &mut out);
        assert_eq!(&out[..n], &[0x00, 0x01, 0x23, 0x45]);
        let p = Path::from_nibbles(&[0x0f, 1, 0x0c, 0x0b, 8]).unwrap();
        let n = p.encode_compact(true, &mut out);
        assert_eq!(&out[..n], &[0x3f, 0x1c, 0xb8]);
        let p = Path::EMPTY;
        let n = p.encode_compact(true, &mut out);
        assert_eq!(&out[..n], &[0x20]);
    }

    #[test]
    fn rejects_bad_compact_and_long_paths() {
        assert_eq!(Path::decode_compact(&[]), Err(Error::InvalidPath));
        assert_eq!(Path::decode_compact(&[0x40]), Err(Error::InvalidPath));
        assert_eq!(Path::decode_compact(&[0x01]), Err(Error::InvalidPath));
        assert!(Path::decode_compact(&[0x20; 34]).is_err());
        assert!(Path::from_nibbles(&[0; 65]).is_err());
        let mut n = [0u8; 64];
        assert!(to_nibbles(&[0; 33], &mut n).is_err());
        assert_eq!(to_nibbles(&[0xab], &mut n), Ok(2));
        assert_eq!(&n[..2], &[0xa, 0xb]);
    }

    proptest! {
        #[test]
        fn compact_round_trips(nibbles in proptest::collection::vec(0u8..16, 0..=64), leaf: bool) {
            let p = Path::from_nibbles(&nibbles).unwrap();
            let mut out = [0u8; 33];
            let n = p.encode_compact(leaf, &mut out);
            prop_assert_eq!(Path::decode_compact(&out[..n]).unwrap(), (p, leaf));
        }
    }
}
