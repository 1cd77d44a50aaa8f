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

/// A linear-probing index mapping hashes to entry numbers.
///
/// A bucket holds `entry + 1`; it is in use only while that entry exists
/// (`0 < value <= entries`), so a value left over from an earlier transaction
/// reads as free. That is what lets [`KeyIndex::new`] take the table as it
/// is (no 16 MiB wipe under `Limits::HOST`) and [`KeyIndex::clear`] forget
/// only the buckets of the entries in use. An empty table disables the
/// index; callers then search linearly.
#[derive(Debug)]
pub struct KeyIndex<'b> {
    table: &'b mut [u32],
}

/// Whether bucket value `v` points at one of `entries` existing entries.
#[inline(always)]
fn in_use(v: u32, entries: usize) -> bool {
    v != 0 && v as usize <= entries
}

impl<'b> KeyIndex<'b> {
    /// An index over `table`, whose length must be zero or a power of two;
    /// another length disables the index. The contents are kept: buckets
    /// left by an earlier user read as free or, at worst, as extra probes.
    pub fn new(table: &'b mut [u32]) -> Self {
        let table = if table.len().is_power_of_two() {
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

    /// The entry with hash `h` for which `is` holds, among `entries` entries.
    #[inline]
    pub fn find(&self, h: u64, entries: usize, mut is: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.table.len().wrapping_sub(1);
        let mut i = h as usize & mask;
        for _ in 0..self.table.len() {
            let v = *self.table.get(i)?;
            if !in_use(v, entries) {
                return None;
            }
            if is(v as usize - 1) {
                return Some(v as usize - 1);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Records entry number `entry` (all existing entries are below it) under
    /// hash `h`; `false` when no bucket is free (then [`KeyIndex::rebuild`]).
    #[inline]
    #[must_use]
    pub fn insert(&mut self, h: u64, entry: usize) -> bool {
        let mask = self.table.len().wrapping_sub(1);
        let mut i = h as usize & mask;
        for _ in 0..self.table.len() {
            match self.table.get_mut(i) {
                Some(v) if !in_use(*v, entry) => {
                    *v = entry as u32 + 1;
                    return true;
                }
                Some(_) => i = (i + 1) & mask,
                None => return false,
            }
        }
        false
    }

    /// Records the new entry number `entry` under hash `h`, after the
    /// `existing` entries (their hashes in entry order, read only when the
    /// table must be rebuilt); `false` when the load factor would pass one
    /// half (nothing recorded). A disabled index records nothing and answers
    /// `true`.
    #[inline]
    #[must_use]
    pub fn add(&mut self, h: u64, entry: usize, existing: impl Iterator<Item = u64>) -> bool {
        if !self.enabled() {
            return true;
        }
        if !self.has_room(entry) {
            return false;
        }
        if !self.insert(h, entry) {
            self.rebuild(existing.chain(core::iter::once(h)));
        }
        true
    }

    /// Empties the table and records the entries with these hashes, in order
    /// (the fallback when old buckets crowd the table).
    pub fn rebuild(&mut self, hashes: impl Iterator<Item = u64>) {
        self.table.fill(0);
        for (e, h) in hashes.enumerate() {
            // Cannot fail: the caller keeps the load at one half.
            let _ = self.insert(h, e);
        }
    }

    /// Empties the index, given the hashes of its `n` entries in entry order:
    /// O(n) unless `n` is a large part of the table (then one fill). Entries
    /// are removed last first, so each one's probe run is still intact when
    /// it is searched; a second call finds nothing to do.
    pub fn clear(
        &mut self,
        n: usize,
        hashes: impl DoubleEndedIterator<Item = u64> + ExactSizeIterator,
    ) {
        if n.saturating_mul(8) >= self.table.len() {
            self.table.fill(0);
            return;
        }
        let mask = self.table.len().wrapping_sub(1);
        for (e, h) in hashes.enumerate().rev() {
            let mut i = h as usize & mask;
            for _ in 0..self.table.len() {
                match self.table.get_mut(i) {
                    Some(v) if *v == e as u32 + 1 => {
                        *v = 0;
                        break;
                    }
                    Some(0) | None => break,
                    Some(_) => i = (i + 1) & mask,
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
            assert_eq!(ix.find(*h, e, |i| i == e), None);
            assert!(ix.insert(*h, e));
        }
        for (e, h) in hs.iter().enumerate() {
            assert_eq!(ix.find(*h, 3, |i| i == e), Some(e));
        }
        assert!(!ix.has_room(4));
        ix.clear(3, hs.iter().copied());
        assert_eq!(ix.find(hs[0], 3, |_| true), None);
        assert!(t.iter().all(|v| *v == 0));
        let mut big = [0u32; 64];
        let mut ix = KeyIndex::new(&mut big);
        for (e, h) in hs.iter().enumerate() {
            assert!(ix.insert(*h, e));
        }
        ix.clear(3, hs.iter().copied());
        ix.clear(3, hs.iter().copied());
        assert!(big.iter().all(|v| *v == 0));
        assert_eq!(table_len(3), 8);
        let mut odd = [0u32; 6];
        assert!(!KeyIndex::new(&mut odd).enabled());
    }

    #[test]
    fn left_over_buckets_read_as_free_or_extra_probes() {
        // A table as an earlier user left it: every bucket points at entry 0..7.
        let mut t = [0u32; 16];
        for (i, v) in t.iter_mut().enumerate() {
            *v = (i % 8) as u32 + 1;
        }
        let mut ix = KeyIndex::new(&mut t);
        let keys: Vec<u64> = (0..7).map(|k| slot_hash(1, &U256::from(k))).collect();
        for (e, h) in keys.iter().enumerate() {
            assert_eq!(ix.find(*h, e, |i| i == e), None);
            assert!(ix.insert(*h, e));
        }
        for (e, h) in keys.iter().enumerate() {
            assert_eq!(ix.find(*h, 7, |i| i == e), Some(e));
        }
        // A full table of live-looking values: insert fails, rebuild recovers.
        let mut full = [1u32; 4];
        let mut ix = KeyIndex::new(&mut full);
        assert!(ix.insert(keys[0], 0));
        assert!(!ix.insert(keys[1], 1));
        ix.rebuild(keys[..2].iter().copied());
        assert_eq!(ix.find(keys[1], 2, |i| i == 1), Some(1));
    }
}
