//! `SliceVec`: a length-tracked vector over a caller-provided slice (no allocation).

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

/// The buffer of a [`SliceVec`] is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

impl<T: Copy> SliceVec<'_, T> {
    /// Appends `data` (all or nothing); returns the start index.
    pub fn extend_from_slice(&mut self, data: &[T]) -> Result<usize, Full> {
        let start = self.len;
        let end = start.checked_add(data.len()).ok_or(Full)?;
        let dst = self.buf.get_mut(start..end).ok_or(Full)?;
        dst.copy_from_slice(data);
        self.len = end;
        Ok(start)
    }

    /// Appends `n` copies of `value` (all or nothing); returns the start index.
    pub fn extend_filled(&mut self, value: T, n: usize) -> Result<usize, Full> {
        let start = self.len;
        let end = start.checked_add(n).ok_or(Full)?;
        self.buf.get_mut(start..end).ok_or(Full)?.fill(value);
        self.len = end;
        Ok(start)
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
}
