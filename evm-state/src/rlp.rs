//! RLP: allocation-free encoding into a [`Sink`] and strict, canonical, zero-copy decoding.
//!
//! Encoders write into any [`Sink`] (`evm_core::buf`): a [`SliceVec<u8>`] over a
//! caller's buffer (full is [`Error::BufferFull`]) or, with `alloc`, a `Vec<u8>`.
//!
//! Decoding never copies: an [`Item`] borrows its bytes from the input. The
//! decoder rejects every non-canonical form: a single byte below `0x80` in a
//! string header, long-form lengths that fit the short form, lengths with a
//! leading zero, scalars with a leading zero, and bytes after the item.

use crate::error::Error;
use crate::limits::MAX_RLP_DEPTH;
use crate::types::U256;

pub use evm_core::buf::{NullSink, Sink, SliceVec};

impl From<evm_core::buf::Full> for Error {
    fn from(e: evm_core::buf::Full) -> Self {
        Self::BufferFull {
            capacity: e.capacity,
        }
    }
}

impl From<core::convert::Infallible> for Error {
    fn from(e: core::convert::Infallible) -> Self {
        match e {}
    }
}

/// Bytes of the minimal big-endian form of `n` (0 for zero).
const fn be_len(n: u64) -> usize {
    (64 - n.leading_zeros() as usize).div_ceil(8)
}

/// Length of the header of a string (or list) whose payload is `payload_len` bytes.
pub const fn header_len(payload_len: usize) -> usize {
    if payload_len <= 55 {
        1
    } else {
        1 + be_len(payload_len as u64)
    }
}

fn put_header<S: Sink + ?Sized>(sink: &mut S, payload_len: usize, base: u8) -> Result<(), Error>
where
    Error: From<S::Error>,
{
    if payload_len <= 55 {
        // payload_len <= 55 so the sum stays below 0xf8.
        sink.put(&[base + payload_len as u8])?;
    } else {
        let bytes = (payload_len as u64).to_be_bytes();
        let n = be_len(payload_len as u64);
        let start = 8 - n;
        sink.put(&[base + 55 + n as u8])?;
        sink.put(bytes.get(start..).unwrap_or(&[]))?;
    }
    Ok(())
}

/// Writes the header of a list whose items take `payload_len` bytes.
pub fn put_list_header<S: Sink + ?Sized>(sink: &mut S, payload_len: usize) -> Result<(), Error>
where
    Error: From<S::Error>,
{
    put_header(sink, payload_len, 0xc0)
}

/// Encoded length of a list whose items take `payload_len` bytes.
pub const fn list_len(payload_len: usize) -> usize {
    header_len(payload_len) + payload_len
}

/// Encoded length of the byte string `bytes`.
pub fn bytes_len(bytes: &[u8]) -> usize {
    match bytes {
        [b] if *b < 0x80 => 1,
        _ => header_len(bytes.len()) + bytes.len(),
    }
}

/// Writes `bytes` as an RLP byte string.
pub fn put_bytes<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8]) -> Result<(), Error>
where
    Error: From<S::Error>,
{
    match bytes {
        [b] if *b < 0x80 => sink.put(bytes)?,
        _ => {
            put_header(sink, bytes.len(), 0x80)?;
            sink.put(bytes)?;
        }
    }
    Ok(())
}

/// A value with a canonical RLP encoding.
pub trait Encodable {
    /// Bytes [`Encodable::encode`] writes.
    fn encoded_len(&self) -> usize;
    /// Writes the encoding.
    fn encode<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), Error>
    where
        Error: From<S::Error>;
}

impl Encodable for [u8] {
    fn encoded_len(&self) -> usize {
        bytes_len(self)
    }
    fn encode<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), Error>
    where
        Error: From<S::Error>,
    {
        put_bytes(sink, self)
    }
}

impl<const N: usize> Encodable for [u8; N] {
    fn encoded_len(&self) -> usize {
        bytes_len(self)
    }
    fn encode<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), Error>
    where
        Error: From<S::Error>,
    {
        put_bytes(sink, self)
    }
}

impl Encodable for u64 {
    fn encoded_len(&self) -> usize {
        let n = be_len(*self);
        if *self < 0x80 {
            1
        } else {
            1 + n
        }
    }
    fn encode<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), Error>
    where
        Error: From<S::Error>,
    {
        let bytes = self.to_be_bytes();
        put_bytes(sink, bytes.get(8 - be_len(*self)..).unwrap_or(&[]))
    }
}

impl Encodable for U256 {
    fn encoded_len(&self) -> usize {
        let bytes = self.to_be_bytes::<32>();
        bytes_len(strip_zeros(&bytes))
    }
    fn encode<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), Error>
    where
        Error: From<S::Error>,
    {
        let bytes = self.to_be_bytes::<32>();
        put_bytes(sink, strip_zeros(&bytes))
    }
}

/// `bytes` without its leading zero bytes (the scalar form).
pub fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or(&[])
}

/// Encodes `value` into a new vector.
#[cfg(feature = "alloc")]
pub fn to_vec<T: Encodable + ?Sized>(value: &T) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec::Vec::with_capacity(value.encoded_len());
    // Writing into a Vec cannot fail.
    let _ = value.encode(&mut out);
    out
}

/// One decoded item, borrowing its bytes from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    raw: &'a [u8],
    payload: &'a [u8],
    list: bool,
}

impl<'a> Item<'a> {
    /// The whole encoding of the item, header included.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Whether the item is a list.
    pub fn is_list(&self) -> bool {
        self.list
    }

    /// The payload: a string's bytes, or a list's concatenated item encodings.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The bytes of a string item.
    pub fn bytes(&self) -> Result<&'a [u8], Error> {
        if self.list {
            Err(Error::ExpectedBytes)
        } else {
            Ok(self.payload)
        }
    }

    /// The items of a list item.
    pub fn list(&self) -> Result<ListIter<'a>, Error> {
        if self.list {
            Ok(ListIter { rest: self.payload })
        } else {
            Err(Error::ExpectedList)
        }
    }

    /// A string item holding exactly `N` bytes.
    pub fn array<const N: usize>(&self) -> Result<[u8; N], Error> {
        let bytes = self.bytes()?;
        bytes.try_into().map_err(|_| Error::UnexpectedEnd {
            got: bytes.len(),
            expected: N,
        })
    }

    /// A canonical scalar (no leading zero) of at most 8 bytes.
    pub fn u64(&self) -> Result<u64, Error> {
        let bytes = scalar(self.bytes()?, 8)?;
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// A canonical scalar (no leading zero) of at most 32 bytes.
    pub fn u256(&self) -> Result<U256, Error> {
        let bytes = scalar(self.bytes()?, 32)?;
        U256::try_from_be_slice(bytes).ok_or(Error::ScalarTooLarge {
            got: bytes.len(),
            expected: 32,
        })
    }
}

fn scalar(bytes: &[u8], width: usize) -> Result<&[u8], Error> {
    if bytes.len() > width {
        return Err(Error::ScalarTooLarge {
            got: bytes.len(),
            expected: width,
        });
    }
    if bytes.first() == Some(&0) {
        return Err(Error::LeadingZero);
    }
    Ok(bytes)
}

/// Iterator over the items of a list; yields an error (once) if an item is malformed.
#[derive(Debug, Clone)]
pub struct ListIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for ListIter<'a> {
    type Item = Result<Item<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match decode_prefix(self.rest) {
            Ok((item, rest)) => {
                self.rest = rest;
                Some(Ok(item))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl<'a> ListIter<'a> {
    /// Reads the items into `out`; returns how many there were.
    ///
    /// More items than `out` holds is [`Error::InvalidNode`] with the count so far.
    pub fn collect_into(self, out: &mut [Item<'a>]) -> Result<usize, Error> {
        let mut n = 0;
        for item in self {
            let item = item?;
            let slot = out.get_mut(n).ok_or(Error::InvalidNode { items: n + 1 })?;
            *slot = item;
            n += 1;
        }
        Ok(n)
    }
}

impl Default for Item<'_> {
    fn default() -> Self {
        Self {
            raw: &[0x80],
            payload: &[],
            list: false,
        }
    }
}

/// Reads one item's header at the start of `buf`: `(is_list, header_len, payload_len)`.
fn header(buf: &[u8]) -> Result<(bool, usize, usize), Error> {
    let first = *buf.first().ok_or(Error::UnexpectedEnd {
        got: 0,
        expected: 1,
    })?;
    let (list, hlen, plen) = match first {
        0x00..=0x7f => return Ok((false, 0, 1)),
        0x80..=0xb7 => (false, 1, usize::from(first - 0x80)),
        0xc0..=0xf7 => (true, 1, usize::from(first - 0xc0)),
        0xb8..=0xbf | 0xf8..=0xff => {
            let list = first >= 0xf8;
            let n = usize::from(first - if list { 0xf7 } else { 0xb7 });
            let len_bytes = buf.get(1..1 + n).ok_or(Error::UnexpectedEnd {
                got: buf.len(),
                expected: 1 + n,
            })?;
            if len_bytes.first() == Some(&0) {
                return Err(Error::LeadingZero);
            }
            let mut len: usize = 0;
            for b in len_bytes {
                len = len
                    .checked_mul(256)
                    .and_then(|l| l.checked_add(usize::from(*b)))
                    .ok_or(Error::LengthOverflow)?;
            }
            if len <= 55 {
                return Err(Error::NonMinimalLength { got: len });
            }
            (list, 1 + n, len)
        }
    };
    let total = hlen.checked_add(plen).ok_or(Error::LengthOverflow)?;
    if total > buf.len() {
        return Err(Error::UnexpectedEnd {
            got: buf.len(),
            expected: total,
        });
    }
    if !list && plen == 1 && hlen == 1 && buf.get(1).is_some_and(|b| *b < 0x80) {
        return Err(Error::NonCanonicalSingleByte);
    }
    Ok((list, hlen, plen))
}

/// Decodes the item at the start of `buf` (its header only is checked); returns it and the rest.
pub fn decode_prefix(buf: &[u8]) -> Result<(Item<'_>, &[u8]), Error> {
    let (list, hlen, plen) = header(buf)?;
    let (raw, rest) = buf
        .split_at_checked(hlen + plen)
        .ok_or(Error::LengthOverflow)?;
    let (payload, raw) = if hlen == 0 {
        (raw, raw)
    } else {
        (raw.get(hlen..).unwrap_or(&[]), raw)
    };
    Ok((Item { raw, payload, list }, rest))
}

/// Decodes exactly one item filling `buf`, checking only its own header (not nested items).
pub fn decode_shallow(buf: &[u8]) -> Result<Item<'_>, Error> {
    let (item, rest) = decode_prefix(buf)?;
    if !rest.is_empty() {
        return Err(Error::TrailingBytes { got: rest.len() });
    }
    Ok(item)
}

/// Checks that `buf` is exactly one canonical item, all nested items included.
///
/// Walks the encoding front to back with an explicit stack of list ends
/// (at most [`MAX_RLP_DEPTH`] deep): no recursion.
pub fn validate(buf: &[u8]) -> Result<(), Error> {
    let mut ends = [0usize; MAX_RLP_DEPTH];
    let mut depth = 0usize;
    let mut pos = 0usize;
    // The outermost item must span the whole buffer.
    let (_, hlen, plen) = header(buf)?;
    if hlen + plen != buf.len() {
        return Err(Error::TrailingBytes {
            got: buf.len() - (hlen + plen),
        });
    }
    loop {
        while depth > 0 && ends.get(depth - 1) == Some(&pos) {
            depth -= 1;
        }
        let limit = if depth == 0 {
            buf.len()
        } else {
            *ends.get(depth - 1).ok_or(Error::TooDeep {
                limit: MAX_RLP_DEPTH,
            })?
        };
        if pos == limit {
            // Only reachable at depth 0: the whole buffer is consumed.
            return Ok(());
        }
        let window = buf.get(pos..limit).ok_or(Error::LengthOverflow)?;
        let (list, hlen, plen) = header(window)?;
        if list && plen > 0 {
            let slot = ends.get_mut(depth).ok_or(Error::TooDeep {
                limit: MAX_RLP_DEPTH,
            })?;
            *slot = pos + hlen + plen;
            depth += 1;
            pos += hlen;
        } else {
            pos += hlen + plen;
        }
    }
}

/// Strictly decodes `buf` as exactly one canonical item (see [`validate`]).
pub fn decode(buf: &[u8]) -> Result<Item<'_>, Error> {
    validate(buf)?;
    decode_shallow(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc<T: Encodable + ?Sized>(v: &T) -> Vec<u8> {
        to_vec(v)
    }

    #[test]
    fn known_encodings() {
        assert_eq!(enc(&b""[..]), [0x80]);
        assert_eq!(enc(&[0x00u8][..]), [0x00]);
        assert_eq!(enc(&[0x80u8][..]), [0x81, 0x80]);
        assert_eq!(enc(b"dog"), [0x83, b'd', b'o', b'g']);
        assert_eq!(enc(&0u64), [0x80]);
        assert_eq!(enc(&15u64), [0x0f]);
        assert_eq!(enc(&1024u64), [0x82, 0x04, 0x00]);
        assert_eq!(enc(&U256::from(1024u64)), [0x82, 0x04, 0x00]);
        let long = [0x61u8; 56];
        let e = enc(&long);
        assert_eq!(&e[..2], &[0xb8, 56]);
        assert_eq!(e.len(), 58);
    }

    #[test]
    fn rejects_non_canonical_forms() {
        assert_eq!(decode(&[0x81, 0x00]), Err(Error::NonCanonicalSingleByte));
        assert_eq!(
            decode(&[0xb8, 0x01, 0x00]),
            Err(Error::NonMinimalLength { got: 1 })
        );
        assert_eq!(decode(&[0xb9, 0x00, 0x40]), Err(Error::LeadingZero));
        assert_eq!(decode(&[0x80, 0x80]), Err(Error::TrailingBytes { got: 1 }));
        assert_eq!(
            decode(&[0x82, 0x00]),
            Err(Error::UnexpectedEnd {
                got: 2,
                expected: 3
            })
        );
        // A list whose item overruns the list.
        assert!(decode(&[0xc1, 0x82, 0x00, 0x00]).is_err());
        assert_eq!(
            decode(&[0x82, 0x00, 0x01]).and_then(|i| i.u64()),
            Err(Error::LeadingZero)
        );
        assert_eq!(
            decode(&[0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]).and_then(|i| i.u64()),
            Err(Error::ScalarTooLarge {
                got: 9,
                expected: 8
            })
        );
        assert_eq!(
            decode(&[]),
            Err(Error::UnexpectedEnd {
                got: 0,
                expected: 1
            })
        );
    }

    #[test]
    fn depth_is_bounded_not_recursive() {
        // 40 nested empty-terminated lists: [[[...[]...]]]
        let mut v = vec![0xc0u8];
        for _ in 0..40 {
            let mut outer = Vec::new();
            put_list_header(&mut outer, v.len()).unwrap();
            outer.extend_from_slice(&v);
            v = outer;
        }
        assert_eq!(
            decode(&v),
            Err(Error::TooDeep {
                limit: MAX_RLP_DEPTH
            })
        );
        let shallow = [0xc3, 0xc2, 0xc1, 0xc0];
        assert!(decode(&shallow).is_ok());
    }

    #[test]
    fn slice_sink_reports_full() {
        let mut buf = [0u8; 3];
        let mut sink = SliceVec::new(&mut buf);
        assert_eq!(
            b"dog".encode(&mut sink),
            Err(Error::BufferFull { capacity: 3 })
        );
        let mut buf = [0u8; 3];
        let mut sink = SliceVec::new(&mut buf);
        assert!(sink.is_empty());
        assert!(b"do".encode(&mut sink).is_ok());
        assert_eq!(sink.as_slice(), &[0x82, b'd', b'o']);
    }

    #[test]
    fn list_items_borrow_input() {
        let buf = [0xc8, 0x83, b'c', b'a', b't', 0x83, b'd', b'o', b'g'];
        let item = decode(&buf).unwrap();
        let items: Vec<_> = item
            .list()
            .unwrap()
            .map(|i| i.unwrap().bytes().unwrap())
            .collect();
        assert_eq!(items, vec![&b"cat"[..], &b"dog"[..]]);
        assert_eq!(items[0].as_ptr(), buf[2..].as_ptr());
    }

    proptest! {
        #[test]
        fn bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let e = enc(&data[..]);
            prop_assert_eq!(e.len(), bytes_len(&data));
            let item = decode(&e).unwrap();
            prop_assert_eq!(item.bytes().unwrap(), &data[..]);
            prop_assert_eq!(item.raw(), &e[..]);
        }

        #[test]
        fn scalars_round_trip(n in any::<u64>(), limbs in any::<[u64; 4]>()) {
            let e = enc(&n);
            prop_assert_eq!(e.len(), n.encoded_len());
            prop_assert_eq!(decode(&e).unwrap().u64().unwrap(), n);
            let big = U256::from_limbs(limbs);
            let e = enc(&big);
            prop_assert_eq!(e.len(), big.encoded_len());
            prop_assert_eq!(decode(&e).unwrap().u256().unwrap(), big);
        }

        #[test]
        fn lists_round_trip(items in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..70), 0..20)) {
            let payload: usize = items.iter().map(|i| bytes_len(i)).sum();
            let mut e = Vec::new();
            put_list_header(&mut e, payload).unwrap();
            for i in &items { put_bytes(&mut e, i).unwrap(); }
            prop_assert_eq!(e.len(), list_len(payload));
            let got: Vec<Vec<u8>> = decode(&e).unwrap().list().unwrap().map(|i| i.unwrap().bytes().unwrap().to_vec()).collect();
            prop_assert_eq!(got, items);
        }

        /// Whatever the bytes, the decoder returns (never panics), and what it
        /// accepts re-encodes to the same bytes (canonical: one encoding per value).
        #[test]
        fn decode_never_panics_and_accepts_only_canonical(data in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(item) = decode(&data) {
                prop_assert_eq!(reencode(item), data);
            }
        }
    }

    fn reencode(item: Item<'_>) -> Vec<u8> {
        if item.is_list() {
            let inner: Vec<u8> = item
                .list()
                .unwrap()
                .flat_map(|i| reencode(i.unwrap()))
                .collect();
            let mut out = Vec::new();
            put_list_header(&mut out, inner.len()).unwrap();
            out.extend_from_slice(&inner);
            out
        } else {
            enc(item.bytes().unwrap())
        }
    }
}
