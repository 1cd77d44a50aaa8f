//! One value on the heap, allocated fallibly: a full heap is an `Err`, not the abort of `Box::new`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};

/// A `T` on the heap (kept off the stack: a simulation's witness and proven
/// state are kilobytes each, more than the stack can spare).
#[derive(Debug)]
pub struct Boxed<T>(Box<[T; 1]>);

impl<T> Boxed<T> {
    /// `value` moved to the heap, or `None` if the heap cannot hold it (out
    /// of line: the caller's `value` is its only copy on the stack).
    #[inline(never)]
    pub fn try_new(value: T) -> Option<Self> {
        Self::try_with(|| value)
    }

    /// The value `make` gives, on the heap, or `None` if the heap cannot hold
    /// it. The heap is allocated first, so `make` (inlined) can build its
    /// value in place rather than on the stack.
    #[inline(always)]
    pub fn try_with(make: impl FnOnce() -> T) -> Option<Self> {
        let mut one = Vec::new();
        one.try_reserve_exact(1).ok()?;
        one.push(make());
        one.into_boxed_slice().try_into().ok().map(Self)
    }
}

impl<T> Deref for Boxed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        let [value] = &*self.0;
        value
    }
}

impl<T> DerefMut for Boxed<T> {
    fn deref_mut(&mut self) -> &mut T {
        let [value] = &mut *self.0;
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_its_value() {
        let mut b = Boxed::try_new([7u8; 4096]).unwrap();
        b[1] = 1;
        assert_eq!((b[0], b[1], b.len()), (7, 1, 4096));
    }
}
