//! Witness loading: [`Trie::load_node`] decodes proof nodes into shared, immutable slots.

use super::arena::{set_child, Node, Trie, Val};
use super::link::{Link, NodeRef};
use crate::error::Error;
use crate::limits::MAX_NODE_BYTES;
use crate::node::{decode_node, RawChild, RawNode};
use crate::store::Store;

impl<S: Store> Trie<S> {
    /// Adds one encoded node of a witness (from any proof of any trie) to the arena.
    ///
    /// The node is decoded strictly, its inline children become their own
    /// slots, and it is found later by its hash. A node already loaded is
    /// skipped. Loaded nodes are never modified.
    ///
    /// A node that fails to load (malformed, or the arena is full) leaves the
    /// arena exactly as it was.
    pub fn load_node(&mut self, raw: &[u8]) -> Result<(), Error> {
        let (slots, bytes) = (self.store.slots().len(), self.store.bytes().len());
        let result = self.load_node_inner(raw);
        if result.is_err() {
            self.store.truncate(slots, bytes);
        }
        result
    }

    fn load_node_inner(&mut self, raw: &[u8]) -> Result<(), Error> {
        if raw.len() > MAX_NODE_BYTES {
            return Err(Error::NodeTooLarge {
                got: raw.len(),
                expected: MAX_NODE_BYTES,
            });
        }
        let r = NodeRef::from_encoding(raw);
        if let Some(h) = r.hash() {
            if self.find_loaded(&h).is_some() {
                return Ok(());
            }
        }
        // Inline children waiting for a slot: (encoding, parent, child index).
        let mut work: heapless::Vec<(&[u8], u32, u8), 32> = heapless::Vec::new();
        let mut pending: Option<(&[u8], u32, u8)> = None;
        let mut current = raw;
        loop {
            let id = self.load_one(current, &mut work)?;
            if let Some(slot) = self.store.slots_mut().get_mut(id as usize) {
                slot.cached = NodeRef::from_encoding(current);
            }
            if let Some((_, parent, index)) = pending {
                self.attach(parent, index, Link::node(id))?;
            }
            match work.pop() {
                Some(next) => {
                    current = next.0;
                    pending = Some(next);
                }
                None => break,
            }
        }
        self.frozen = u32::try_from(self.store.slots().len()).map_err(|_| Error::InvalidLink)?;
        Ok(())
    }

    fn raw_link<'a>(
        &mut self,
        child: RawChild<'a>,
        parent: u32,
        index: u8,
        work: &mut heapless::Vec<(&'a [u8], u32, u8), 32>,
    ) -> Result<Link, Error> {
        match child {
            RawChild::Empty => Ok(Link::EMPTY),
            RawChild::Hash(h) => Ok(Link::hash(self.store.push_bytes(h)?)),
            RawChild::Inline(raw) => {
                work.push((raw, parent, index))
                    .map_err(|_| Error::TooDeep { limit: 32 })?;
                Ok(Link::EMPTY)
            }
        }
    }

    fn load_one<'a>(
        &mut self,
        raw: &'a [u8],
        work: &mut heapless::Vec<(&'a [u8], u32, u8), 32>,
    ) -> Result<u32, Error> {
        let placeholder = Node::Branch {
            children: [Link::EMPTY; 16],
            value: Val::NONE,
        };
        let node = decode_node(raw)?;
        let Link(id) = self.push(placeholder)?;
        let built = match node {
            RawNode::Leaf { path, value } => Node::Leaf {
                path,
                value: self.push_value(value)?,
            },
            RawNode::Extension { path, child } => Node::Extension {
                path,
                child: self.raw_link(child, id, 16, work)?,
            },
            RawNode::Branch { children, value } => {
                let mut links = [Link::EMPTY; 16];
                for (i, (l, c)) in links.iter_mut().zip(children).enumerate() {
                    *l = self.raw_link(c, id, i as u8, work)?;
                }
                Node::Branch {
                    children: links,
                    value: match value {
                        Some(v) => self.push_value(v)?,
                        None => Val::NONE,
                    },
                }
            }
        };
        let slot = self
            .store
            .slots_mut()
            .get_mut(id as usize)
            .ok_or(Error::InvalidLink)?;
        slot.node = built;
        Ok(id)
    }

    fn attach(&mut self, parent: u32, index: u8, link: Link) -> Result<(), Error> {
        let slot = self
            .store
            .slots_mut()
            .get_mut(parent as usize)
            .ok_or(Error::InvalidLink)?;
        match &mut slot.node {
            Node::Extension { child, .. } if index == 16 => *child = link,
            Node::Branch { children, .. } => set_child(children, index, link)?,
            _ => return Err(Error::InvalidLink),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::MemTrie;
    use super::*;
    use crate::store::ArrayStore;
    use crate::types::keccak256;
    use proptest::prelude::*;

    #[test]
    fn a_failed_load_leaves_the_arena_unchanged() {
        let mut full = MemTrie::new();
        for i in 0u8..40 {
            full.insert(&keccak256(&[i]), &[i + 1]).unwrap();
        }
        let root = full.root_hash().unwrap();
        let proof = full.proof(&keccak256(&[3])).unwrap();
        // Room for the root branch's slot but not its 16 child hashes.
        let mut t: Trie<ArrayStore<8, 100>> = Trie::default();
        assert!(matches!(
            t.load_node(&proof[0]),
            Err(Error::BufferFull { capacity: 100 })
        ));
        assert_eq!((t.slots_used(), t.bytes_used()), (0, 0));
        // A later successful load does not make the half-loaded node findable.
        t.load_node(&proof[proof.len() - 1]).unwrap();
        let r = t.link_for_root(&root).unwrap();
        assert!(matches!(
            t.get(r, &keccak256(&[3])),
            Err(Error::MissingWitness { .. })
        ));
    }

    #[test]
    fn loaded_nodes_are_shared_and_missing_siblings_are_named() {
        // Build a trie, load only the proof of one key into a fresh arena.
        let mut full = MemTrie::new();
        for i in 0u8..40 {
            full.insert(&keccak256(&[i]), &[i + 1]).unwrap();
        }
        let root = full.root_hash().unwrap();
        let key = keccak256(&[7]);
        let proof = full.proof(&key).unwrap();
        let mut w: Trie<crate::store::VecStore> = Trie::default();
        for n in &proof {
            w.load_node(n).unwrap();
        }
        let r = w.link_for_root(&root).unwrap();
        assert_eq!(w.get(r, &key).unwrap(), Some(&[8u8][..]));
        // Another key under an unloaded subtree: a typed miss, never a guess.
        let other = (0u8..40)
            .map(|i| keccak256(&[i]))
            .find(|k| k[0] >> 4 != key[0] >> 4)
            .unwrap();
        assert!(matches!(
            w.get(r, &other),
            Err(Error::MissingWitness { .. })
        ));
        // Update through the witness matches the full rebuild.
        let r2 = w.insert(r, &key, b"new").unwrap();
        full.insert(&key, b"new").unwrap();
        assert_eq!(w.root_hash(r2).unwrap(), full.root_hash().unwrap());
        // The old root is unchanged: loaded nodes were copied, not edited.
        assert_eq!(w.root_hash(r).unwrap(), root);
    }

    proptest! {
        /// Hostile witness bytes never panic: arbitrary bytes, and valid nodes with one byte changed.
        #[test]
        fn loading_garbage_never_panics(
            junk in proptest::collection::vec(any::<u8>(), 0..200),
            flip in any::<(usize, u8)>(),
            key in any::<[u8; 32]>(),
        ) {
            let mut full = MemTrie::new();
            for i in 0u8..20 {
                full.insert(&keccak256(&[i]), &[i + 1; 3]).unwrap();
            }
            let root = full.root_hash().unwrap();
            let mut proof = full.proof(&keccak256(&[5])).unwrap();
            let n = flip.0 % proof.len();
            let b = flip.0 % proof[n].len();
            proof[n][b] ^= flip.1.max(1);
            let mut t: Trie<ArrayStore<64, 4096>> = Trie::default();
            let _ = t.load_node(&junk);
            for p in &proof {
                let _ = t.load_node(p);
            }
            let r = t.link_for_root(&root).unwrap();
            // The changed node no longer hashes to its reference: the path is cut.
            let got = t.get(r, &keccak256(&[5]));
            prop_assert!(got.is_err(), "{:?}", got);
            let _ = t.get(r, &key);
            let _ = t.insert(r, &key, b"v");
            let _ = t.remove(r, &keccak256(&[5]));
        }
    }
}
