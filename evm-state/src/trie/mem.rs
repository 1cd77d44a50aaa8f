//! [`MemTrie`]: a single trie on the heap, the host-side convenience over [`Trie`].

use super::arena::Trie;
use super::link::Link;
use crate::error::Error;
use crate::types::B256;

/// A single trie on the heap: the host-side convenience over [`Trie`].
#[derive(Default)]
pub struct MemTrie {
    trie: Trie<crate::store::VecStore>,
    root: Link,
}

impl MemTrie {
    /// An empty trie.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `value` under `key` (an empty value removes the key).
    pub fn insert(&mut self, key: &[u8], value: &[u8]) -> Result<(), Error> {
        self.root = self.trie.insert(self.root, key, value)?;
        Ok(())
    }

    /// Removes `key` (no-op if absent).
    pub fn remove(&mut self, key: &[u8]) -> Result<(), Error> {
        self.root = self.trie.remove(self.root, key)?;
        Ok(())
    }

    /// The value under `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<&[u8]>, Error> {
        self.trie.get(self.root, key)
    }

    /// The root hash.
    pub fn root_hash(&mut self) -> Result<B256, Error> {
        self.trie.root_hash(self.root)
    }

    /// The proof (encoded nodes, root first) of `key`'s presence or absence.
    pub fn proof(&mut self, key: &[u8]) -> Result<alloc::vec::Vec<alloc::vec::Vec<u8>>, Error> {
        let mut out = alloc::vec::Vec::new();
        self.trie.prove(self.root, key, |n| out.push(n.to_vec()))?;
        Ok(out)
    }

    /// All entries in key order, keys as bytes (a key of odd nibble length cannot occur).
    pub fn entries(&self) -> Result<alloc::vec::Vec<Entry>, Error> {
        let mut out = alloc::vec::Vec::new();
        self.trie.for_each(self.root, |nibbles, value| {
            let key = nibbles
                .chunks(2)
                .map(|p| (p.first().copied().unwrap_or(0) << 4) | p.get(1).copied().unwrap_or(0))
                .collect();
            out.push((key, value.to_vec()));
        })?;
        Ok(out)
    }
}

/// A key and its value.
pub type Entry = (alloc::vec::Vec<u8>, alloc::vec::Vec<u8>);

#[cfg(test)]
mod tests {
    use super::super::root;
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn entries_strategy() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
        proptest::collection::vec(
            (
                proptest::collection::vec(0u8..4, 0..5),
                proptest::collection::vec(any::<u8>(), 1..40),
            ),
            0..40,
        )
    }

    proptest! {
        /// Against a BTreeMap model: same lookups, same root for any insertion order,
        /// deletes restore the root of the remaining set.
        #[test]
        fn model_check(entries in entries_strategy(), deletes in proptest::collection::vec(0usize..40, 0..20)) {
            let mut model = BTreeMap::new();
            let mut t = MemTrie::new();
            for (k, v) in &entries {
                t.insert(k, v).unwrap();
                model.insert(k.clone(), v.clone());
            }
            for d in &deletes {
                if let Some((k, _)) = entries.get(*d) {
                    t.remove(k).unwrap();
                    model.remove(k);
                }
            }
            let reference = root(model.iter()).unwrap();
            let mut reversed: Vec<_> = model.iter().collect();
            reversed.reverse();
            prop_assert_eq!(t.root_hash().unwrap(), reference);
            prop_assert_eq!(root(reversed).unwrap(), reference);
            for (k, v) in &model {
                prop_assert_eq!(t.get(k).unwrap(), Some(&v[..]));
            }
            let listed = t.entries().unwrap();
            let expected: Vec<_> = model.into_iter().collect();
            prop_assert_eq!(listed, expected);
        }
    }
}
