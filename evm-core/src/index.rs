//! Open-addressing hash index over a caller-provided `u32` table (storage-slot lookups in O(1)).

use crate::state::U256;

/// Hash of an (account index, key) pair.
#[inline]
pub fn slot_hash(account: u32, key: &U256) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (account as u64).wrapping_mul(K);
    for l in key.as_limbs() {
        h = (h.rotate_left(5) ^ l).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Table size for `entries` entries: the next power of two of twice as many (0 for 0).
pub const fn table_len(entries: usize) -> usize {
    if entries == 0 {
        0
    } else {
        (entries * 2).next_power_of_two()
    }
}

/// A linear-probing index mapping hashes to entry numbers (`0` marks a free bucket).
///
/// An empty table disables the index; callers then search linearly.
#[derive(Debug)]
pub struct KeyIndex<'b> {
    table: &'b mut [u32],
}

impl<'b> KeyIndex<'b> {
    /// An index over `table`, whose length must be zero or a power of two;
    /// another length disables the index.
    pub fn new(table: &'b mut [u32]) -> Self {
        let table = if table.len().is_power_of_two() {
            table.fill(0);
            table
        } else {
            &mut []
        };
        Self { table }
    }

    /// Whether the index is in use.
    #[inline]
    pub fn enabled(&self) -> bool {
        !self.table.is_empty()
    }

    /// Whether `entries` entries fit with the load factor kept at one half.
    #[inline]
    pub fn has_room(&self, entries: usize) -> bool {
        entries < self.table.len() / 2
    }

    /// The entry with hash `h` for which `is` holds.
    #[inline]
    pub fn find(&self, h: u64, mut is: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.table.len().wrapping_sub(1);
        let mut i = h as usize & mask;
        for _ in 0..self.table.len() {
            let v = *self.table.get(i)?;
            if v == 0 {
                return None;
            }
            if is(v as usize - 1) {
                return Some(v as usize - 1);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Records entry `entry` under hash `h` (the caller checked [`KeyIndex::has_room`]).
    #[inline]
    pub fn insert(&mut self, h: u64, entry: usize) {
        let mask = self.table.len().wrapping_sub(1);
        let mut i = h as usize & mask;
        for _ in 0..self.table.len() {
            match self.table.get_mut(i) {
                Some(v) if *v == 0 => {
                    *v = entry as u32 + 1;
                    return;
                }
                Some(_) => i = (i + 1) & mask,
                None => return,
            }
        }
    }

    /// Empties the index, given the hashes of its `n` entries.
    pub fn clear(&mut self, n: usize, hashes: impl Iterator<Item = u64>) {
        if n.saturating_mul(8) >= self.table.len() {
            self.table.fill(0);
            return;
        }
        let mask = self.table.len().wrapping_sub(1);
        for (e, h) in hashes.enumerate() {
            let mut i = h as usize & mask;
            for _ in 0..self.table.len() {
                match self.table.get_mut(i) {
                    Some(v) if *v == e as u32 + 1 => {
                        *v = 0;
                        break;
                    }
                    Some(_) => i = (i + 1) & mask,
                    None => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_find_clear() {
        let mut t = [0u32; 8];
        let mut ix = KeyIndex::new(&mut t);
        let keys = [U256::from(1), U256::from(2), U256::from(3)];
        let hs: Vec<u64> = keys.iter().map(|k| slot_hash(0, k)).collect();
        for (e, h) in hs.iter().enumerate() {
            assert!(ix.has_room(e));
            assert_eq!(ix.find(*h, |i| i == e), None);
            ix.insert(*h, e);
        }
        for (e, h) in hs.iter().enumerate() {
            assert_eq!(ix.find(*h, |i| i == e), Some(e));
        }
        assert!(!ix.has_room(4));
        ix.clear(3, hs.iter().copied());
        assert_eq!(ix.find(hs[0], |_| true), None);
        assert_eq!(table_len(3), 8);
        let mut odd = [0u32; 6];
        assert!(!KeyIndex::new(&mut odd).enabled());
    }
}
