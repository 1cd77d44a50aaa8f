//! Node arenas for the trie: a growable one (`alloc`) and a fixed-capacity one for devices.

use crate::error::Error;
use crate::trie::Slot;

/// Storage for trie nodes and the bytes they point to (values, unresolved hashes).
///
/// Both arenas only grow; a full arena is [`Error::BufferFull`].
pub trait Store {
    /// All node slots.
    fn slots(&self) -> &[Slot];
    /// All node slots, mutable.
    fn slots_mut(&mut self) -> &mut [Slot];
    /// Appends a slot; returns its index.
    fn push_slot(&mut self, slot: Slot) -> Result<u32, Error>;
    /// The byte pool.
    fn bytes(&self) -> &[u8];
    /// Appends to the byte pool; returns the offset of the first appended byte.
    fn push_bytes(&mut self, bytes: &[u8]) -> Result<u32, Error>;
    /// Drops slots and bytes past the given lengths (undoes a failed load).
    fn truncate(&mut self, slots: usize, bytes: usize);
}

/// A fixed arena of `NODES` slots and `BYTES` pool bytes, for `no_std` without allocation.
///
/// Its size is `NODES * size_of::<Slot>() + BYTES` plus a few words; see
/// [`crate::limits`] and the README for the worst case of a witness.
pub struct ArrayStore<const NODES: usize, const BYTES: usize> {
    slots: heapless::Vec<Slot, NODES>,
    bytes: heapless::Vec<u8, BYTES>,
}

impl<const NODES: usize, const BYTES: usize> Default for ArrayStore<NODES, BYTES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const NODES: usize, const BYTES: usize> ArrayStore<NODES, BYTES> {
    /// An empty arena.
    pub const fn new() -> Self {
        Self {
            slots: heapless::Vec::new(),
            bytes: heapless::Vec::new(),
        }
    }
}

fn index(len: usize) -> Result<u32, Error> {
    // Offsets keep their top bit free for the link encoding in `trie`.
    u32::try_from(len)
        .ok()
        .filter(|n| *n < 0x8000_0000)
        .ok_or(Error::BufferFull {
            capacity: 0x8000_0000,
        })
}

impl<const NODES: usize, const BYTES: usize> Store for ArrayStore<NODES, BYTES> {
    fn slots(&self) -> &[Slot] {
        &self.slots
    }
    fn slots_mut(&mut self) -> &mut [Slot] {
        &mut self.slots
    }
    fn push_slot(&mut self, slot: Slot) -> Result<u32, Error> {
        let i = index(self.slots.len())?;
        self.slots
            .push(slot)
            .map_err(|_| Error::BufferFull { capacity: NODES })?;
        Ok(i)
    }
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    fn push_bytes(&mut self, bytes: &[u8]) -> Result<u32, Error> {
        let i = index(self.bytes.len())?;
        self.bytes
            .extend_from_slice(bytes)
            .map_err(|_| Error::BufferFull { capacity: BYTES })?;
        Ok(i)
    }
    fn truncate(&mut self, slots: usize, bytes: usize) {
        self.slots.truncate(slots);
        self.bytes.truncate(bytes);
    }
}

/// A growable arena on the heap (host tools and tests).
#[cfg(feature = "alloc")]
#[derive(Default)]
pub struct VecStore {
    slots: alloc::vec::Vec<Slot>,
    bytes: alloc::vec::Vec<u8>,
}

#[cfg(feature = "alloc")]
impl VecStore {
    /// An empty arena.
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg(feature = "alloc")]
impl Store for VecStore {
    fn slots(&self) -> &[Slot] {
        &self.slots
    }
    fn slots_mut(&mut self) -> &mut [Slot] {
        &mut self.slots
    }
    fn push_slot(&mut self, slot: Slot) -> Result<u32, Error> {
        let i = index(self.slots.len())?;
        self.slots.push(slot);
        Ok(i)
    }
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    fn push_bytes(&mut self, bytes: &[u8]) -> Result<u32, Error> {
        let i = index(self.bytes.len())?;
        self.bytes.extend_from_slice(bytes);
        Ok(i)
    }
    fn truncate(&mut self, slots: usize, bytes: usize) {
        self.slots.truncate(slots);
        self.bytes.truncate(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_store_is_bounded_and_truncates() {
        let mut s: ArrayStore<0, 4> = ArrayStore::new();
        assert_eq!(s.push_bytes(&[1, 2, 3]), Ok(0));
        assert_eq!(
            s.push_bytes(&[4, 5]),
            Err(Error::BufferFull { capacity: 4 })
        );
        assert_eq!(s.bytes(), &[1, 2, 3]);
        s.truncate(0, 1);
        assert_eq!(s.bytes(), &[1]);
        let mut v = VecStore::new();
        assert_eq!(v.push_bytes(&[9; 10]), Ok(0));
        assert_eq!(v.push_bytes(&[8]), Ok(10));
    }
}
