//! A bounds-checked cursor over proof bytes in winter-utils' encoding (little-endian integers, its variable-length `usize`).

use super::error::{Item, ShapeError};

/// Reads `bytes` front to back; every read checks the bytes remaining first.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> u64 {
        self.rest.len() as u64
    }

    /// The next `n` bytes. `n` is checked against the bytes left before it
    /// is used as a `usize`, so a huge claimed length is `Truncated`.
    pub(crate) fn take(&mut self, n: u64, item: Item) -> Result<&'a [u8], ShapeError> {
        let truncated = ShapeError::Truncated {
            item,
            need: n,
            remaining: self.remaining(),
        };
        if n > self.remaining() {
            return Err(truncated);
        }
        let n = usize::try_from(n).map_err(|_| truncated)?;
        let (head, tail) = self.rest.split_at_checked(n).ok_or(truncated)?;
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, item: Item) -> Result<[u8; N], ShapeError> {
        let bytes = self.take(N as u64, item)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, item: Item) -> Result<u8, ShapeError> {
        Ok(self.array::<1>(item)?[0])
    }

    pub(crate) fn u16(&mut self, item: Item) -> Result<u16, ShapeError> {
        Ok(u16::from_le_bytes(self.array(item)?))
    }

    pub(crate) fn u32(&mut self, item: Item) -> Result<u32, ShapeError> {
        Ok(u32::from_le_bytes(self.array(item)?))
    }

    pub(crate) fn u64(&mut self, item: Item) -> Result<u64, ShapeError> {
        Ok(u64::from_le_bytes(self.array(item)?))
    }

    /// winter-utils' `read_usize`: the first byte's trailing zeros plus one
    /// give the length (1–8 bytes, the value shifted left by the length), or
    /// a zero byte then 8 bytes. Only the shortest encoding (the one
    /// `write_usize` makes) is accepted, so the bytes and the value are one
    /// to one.
    pub(crate) fn varint(&mut self, item: Item) -> Result<u64, ShapeError> {
        let first = *self.rest.first().ok_or(ShapeError::Truncated {
            item,
            need: 1,
            remaining: 0,
        })?;
        let length = first.trailing_zeros() + 1;
        let value = if length == 9 {
            let _ = self.u8(item)?;
            self.u64(item)?
        } else {
            let bytes = self.take(u64::from(length), item)?;
            let mut le = [0u8; 8];
            for (dst, src) in le.iter_mut().zip(bytes) {
                *dst = *src;
            }
            u64::from_le_bytes(le) >> length
        };
        if encoded_len(value) != length {
            return Err(ShapeError::NonCanonicalInteger { item });
        }
        Ok(value)
    }

    /// `Err(Unconsumed)` unless every byte was read.
    pub(crate) fn finish(&self, item: Item) -> Result<(), ShapeError> {
        match self.remaining() {
            0 => Ok(()),
            got => Err(ShapeError::Unconsumed { item, got }),
        }
    }
}

/// Bytes winter-utils' `write_usize` uses for `value` (1–9).
pub(crate) fn encoded_len(value: u64) -> u32 {
    let zeros = value.leading_zeros();
    let len = zeros.saturating_sub(1) / 7;
    9 - len.min(8)
}

/// Little-endian `value < modulus` for byte strings of one length.
pub(crate) fn below(value: &[u8], modulus: &[u8]) -> bool {
    for (v, m) in value.iter().rev().zip(modulus.iter().rev()) {
        if v != m {
            return v < m;
        }
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use winter_utils::{ByteReader, ByteWriter, SliceReader};

    fn write(value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        out.write_usize(value as usize);
        out
    }

    #[test]
    fn varint_edges() {
        for value in [0u64, 1, 127, 128, 1 << 14, (1 << 56) - 1, 1 << 56, u64::MAX] {
            let bytes = write(value);
            assert_eq!(bytes.len() as u32, encoded_len(value), "{value}");
            let mut r = Reader::new(&bytes);
            assert_eq!(r.varint(Item::Proof), Ok(value));
            assert_eq!(r.remaining(), 0);
        }
        // 1 encoded in two bytes: winterfell reads it, the shape check does not.
        let padded = [0b10, 0];
        assert_eq!(SliceReader::new(&padded).read_usize().unwrap(), 0);
        let padded = [(1 << 2) | 0b10, 0];
        assert_eq!(SliceReader::new(&padded).read_usize().unwrap(), 1);
        assert_eq!(
            Reader::new(&padded).varint(Item::Proof),
            Err(ShapeError::NonCanonicalInteger { item: Item::Proof })
        );
        assert!(matches!(
            Reader::new(&[0]).varint(Item::Proof),
            Err(ShapeError::Truncated { .. })
        ));
        assert!(matches!(
            Reader::new(&[]).varint(Item::Proof),
            Err(ShapeError::Truncated { .. })
        ));
    }

    #[test]
    fn take_refuses_more_than_remains() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(
            r.take(u64::MAX, Item::Proof),
            Err(ShapeError::Truncated {
                item: Item::Proof,
                need: u64::MAX,
                remaining: 3
            })
        );
        assert_eq!(r.take(2, Item::Proof), Ok(&[1u8, 2][..]));
        assert_eq!(
            r.finish(Item::Proof),
            Err(ShapeError::Unconsumed {
                item: Item::Proof,
                got: 1
            })
        );
    }

    #[test]
    fn below_compares_little_endian() {
        let m = 0xffff_ffff_0000_0001u64.to_le_bytes();
        assert!(below(&0u64.to_le_bytes(), &m));
        assert!(below(&0xffff_ffff_0000_0000u64.to_le_bytes(), &m));
        assert!(!below(&m, &m));
        assert!(!below(&u64::MAX.to_le_bytes(), &m));
        assert!(!below(&0xffff_ffff_0000_0002u64.to_le_bytes(), &m));
    }

    proptest! {
        #[test]
        fn varint_agrees_with_winter_utils(value: u64, tail in proptest::collection::vec(any::<u8>(), 0..4)) {
            let mut bytes = write(value);
            bytes.extend_from_slice(&tail);
            let mut r = Reader::new(&bytes);
            prop_assert_eq!(r.varint(Item::Proof), Ok(value));
            prop_assert_eq!(r.remaining(), tail.len() as u64);
        }

        #[test]
        fn varint_never_disagrees_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..12)) {
            let ours = Reader::new(&bytes).varint(Item::Proof);
            let theirs = SliceReader::new(&bytes).read_usize();
            if let Ok(v) = ours {
                prop_assert_eq!(theirs.ok().map(|t| t as u64), Some(v));
            }
        }
    }
}
