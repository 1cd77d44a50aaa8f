//! Bounded buffers and byte sinks: [`SliceVec`] over a caller's slice, the [`Sink`] trait, [`NullSink`].

/// A vector whose storage is a borrowed slice; pushing past its end is an `Err`.
#[derive(Debug)]
pub struct SliceVec<'b, T> {
    buf: &'b mut [T],
    len: usize,
}

impl<'b, T: Copy> SliceVec<'b, T> {
    /// An empty vector over `buf`.
    pub fn new(buf: &'b mut [T]) -> Self {
        Self { buf, len: 0 }
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Capacity (length of the backing slice).
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Appends `value`, or gives it back when full.
    #[inline]
    pub fn push(&mut self, value: T) -> Result<(), T> {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = value;
                self.len += 1;
                Ok(())
            }
            None => Err(value),
        }
    }

    /// Removes and returns the last element.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        self.buf.get(self.len).copied()
    }

    /// Shortens the vector to `len` elements (no-op if already shorter).
    #[inline]
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
        }
    }

    /// Removes all elements.
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The elements as a slice.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The elements as a mutable slice.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.buf.get_mut(..self.len).unwrap_or(&mut [])
    }

    /// The element at `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        self.as_slice().get(i)
    }

    /// The element at `i`, mutably.
    #[inline]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.as_mut_slice().get_mut(i)
    }

    /// The last element, mutably.
    #[inline]
    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.as_mut_slice().last_mut()
    }
}

/// The buffer of a [`SliceVec`] is full: `got` elements did not fit in the
/// `room` left of its `capacity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    /// Elements offered.
    pub got: usize,
    /// Elements that were still free.
    pub room: usize,
    /// Capacity of the buffer.
    pub capacity: usize,
}

impl<T: Copy> SliceVec<'_, T> {
    /// The [`Full`] error for an append of `got` elements.
    fn full(&self, got: usize) -> Full {
        Full {
            got,
            room: self.buf.len().saturating_sub(self.len),
            capacity: self.buf.len(),
        }
    }

    /// Appends `data` (all or nothing); returns the start index.
    pub fn extend_from_slice(&mut self, data: &[T]) -> Result<usize, Full> {
        let start = self.len;
        let Some(dst) = start
            .checked_add(data.len())
            .and_then(|end| self.buf.get_mut(start..end))
        else {
            return Err(self.full(data.len()));
        };
        dst.copy_from_slice(data);
        self.len = start + data.len();
        Ok(start)
    }

    /// Appends `n` copies of `value` (all or nothing); returns the start index.
    pub fn extend_filled(&mut self, value: T, n: usize) -> Result<usize, Full> {
        let start = self.len;
        let Some(dst) = start
            .checked_add(n)
            .and_then(|end| self.buf.get_mut(start..end))
        else {
            return Err(self.full(n));
        };
        dst.fill(value);
        self.len = start + n;
        Ok(start)
    }
}

/// Where encoded bytes go: a [`SliceVec<u8>`] over a caller's buffer, a
/// `Vec<u8>` (with `alloc`), [`NullSink`], or a transport such as a UART.
///
/// One trait for every encoder of the workspace (RLP in `evm-state`, trace
/// rows in `evm-trace`); each crate's error converts from the sink's.
pub trait Sink {
    /// Why a sink refuses bytes ([`Full`] for a [`SliceVec`], nothing for a `Vec`).
    type Error;

    /// Takes the whole of `bytes`, or fails without taking any.
    ///
    /// After an encoder returns an error, what earlier `put`s wrote is unspecified.
    fn put(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
}

impl Sink for SliceVec<'_, u8> {
    type Error = Full;

    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Full> {
        self.extend_from_slice(bytes).map(|_| ())
    }
}

#[cfg(any(test, feature = "alloc"))]
impl Sink for alloc::vec::Vec<u8> {
    type Error = core::convert::Infallible;

    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Self::Error> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

impl<K: Sink + ?Sized> Sink for &mut K {
    type Error = K::Error;

    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Self::Error> {
        (**self).put(bytes)
    }
}

/// A sink that keeps nothing (commit or measure without storing the bytes).
#[derive(Debug, Clone, Copy, Default)]
pub struct NullSink;

impl Sink for NullSink {
    type Error = core::convert::Infallible;

    #[inline]
    fn put(&mut self, _: &[u8]) -> Result<(), Self::Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_until_full() {
        let mut b = [0u8; 2];
        let mut v = SliceVec::new(&mut b);
        assert!(v.push(1).is_ok());
        assert!(v.push(2).is_ok());
        assert_eq!(v.push(3), Err(3));
        assert_eq!(v.as_slice(), &[1, 2]);
        assert_eq!(v.pop(), Some(2));
        assert!(v.extend_from_slice(&[7, 8]).is_err());
        assert_eq!(v.extend_from_slice(&[7]), Ok(1));
        assert_eq!(v.as_slice(), &[1, 7]);
        v.truncate(0);
        assert_eq!(v.extend_filled(5, 2), Ok(0));
        assert_eq!(v.as_slice(), &[5, 5]);
        assert!(v.extend_filled(5, 1).is_err());
        v.truncate(0);
        assert!(v.is_empty());
    }

    #[test]
    fn slice_sink_is_all_or_nothing() {
        let mut b = [0u8; 4];
        let mut v = SliceVec::new(&mut b);
        assert_eq!(v.put(&[1, 2, 3]), Ok(()));
        assert_eq!(
            v.put(&[4, 5]),
            Err(Full {
                got: 2,
                room: 1,
                capacity: 4
            })
        );
        assert_eq!(v.as_slice(), &[1, 2, 3]);
        // Through the `&mut K` impl, as encoders taking `&mut S` see it.
        fn put_via<K: Sink>(mut sink: K, bytes: &[u8]) -> Result<(), K::Error> {
            sink.put(bytes)
        }
        assert_eq!(put_via(&mut v, &[4]), Ok(()));
        assert_eq!(v.as_slice(), &[1, 2, 3, 4]);
    }
}
