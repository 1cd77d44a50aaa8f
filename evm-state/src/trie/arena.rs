//! The node arena: [`Trie`] over a [`Store`], its slots and value pool, copy on write and hash resolution.

use super::link::{Link, LinkKind, NodeRef};
use crate::error::Error;
use crate::limits::MAX_VALUE_BYTES;
use crate::nibbles::Path;
use crate::store::Store;
use crate::types::{B256, EMPTY_ROOT};

/// A value in the byte pool; `len == 0` means no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Val {
    off: u32,
    len: u32,
}

impl Val {
    pub(super) const NONE: Self = Self { off: 0, len: 0 };
    pub(super) fn is_none(self) -> bool {
        self.len == 0
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Node {
    Leaf { path: Path, value: Val },
    Extension { path: Path, child: Link },
    Branch { children: [Link; 16], value: Val },
}

/// One arena slot: a node and its cached reference (opaque outside this module).
#[derive(Clone, Copy)]
pub struct Slot {
    pub(super) node: Node,
    pub(super) cached: NodeRef,
}

pub(super) fn child_at(children: &[Link; 16], nib: u8) -> Result<Link, Error> {
    children
        .get(usize::from(nib))
        .copied()
        .ok_or(Error::InvalidLink)
}

pub(super) fn set_child(children: &mut [Link; 16], nib: u8, link: Link) -> Result<(), Error> {
    *children
        .get_mut(usize::from(nib))
        .ok_or(Error::InvalidLink)? = link;
    Ok(())
}

/// An arena of trie nodes over a [`Store`]; tries in it are named by root [`Link`]s.
pub struct Trie<S> {
    pub(super) store: S,
    pub(super) frozen: u32,
}

impl<S: Store + Default> Default for Trie<S> {
    fn default() -> Self {
        Self::new(S::default())
    }
}

impl<S: Store> Trie<S> {
    /// A trie arena over `store` (which should be empty).
    pub fn new(store: S) -> Self {
        let frozen = u32::try_from(store.slots().len()).unwrap_or(u32::MAX);
        Self { store, frozen }
    }

    /// Node slots in use.
    pub fn slots_used(&self) -> usize {
        self.store.slots().len()
    }

    /// Pool bytes in use.
    pub fn bytes_used(&self) -> usize {
        self.store.bytes().len()
    }

    pub(super) fn slot(&self, id: u32) -> Result<&Slot, Error> {
        self.store
            .slots()
            .get(id as usize)
            .ok_or(Error::InvalidLink)
    }

    pub(super) fn node(&self, id: u32) -> Result<Node, Error> {
        Ok(self.slot(id)?.node)
    }

    fn pool(&self, off: u32, len: usize) -> Result<&[u8], Error> {
        let start = off as usize;
        self.store
            .bytes()
            .get(start..start + len)
            .ok_or(Error::InvalidLink)
    }

    pub(super) fn hash_at(&self, off: u32) -> Result<B256, Error> {
        self.pool(off, 32)?
            .try_into()
            .map_err(|_| Error::InvalidLink)
    }

    pub(super) fn value(&self, v: Val) -> Result<&[u8], Error> {
        self.pool(v.off, v.len as usize)
    }

    pub(super) fn push_value(&mut self, value: &[u8]) -> Result<Val, Error> {
        if value.is_empty() || value.len() > MAX_VALUE_BYTES {
            return Err(Error::BadValueLength {
                got: value.len(),
                expected: MAX_VALUE_BYTES,
            });
        }
        let off = self.store.push_bytes(value)?;
        Ok(Val {
            off,
            len: value.len() as u32,
        })
    }

    pub(super) fn push(&mut self, node: Node) -> Result<Link, Error> {
        let id = self.store.push_slot(Slot {
            node,
            cached: NodeRef::NONE,
        })?;
        Ok(Link::node(id))
    }

    /// Sets node `id` to `node`: in place if this arena created it by a write, else as a copy.
    pub(super) fn replace(&mut self, id: u32, node: Node) -> Result<Link, Error> {
        if id >= self.frozen {
            let slot = self
                .store
                .slots_mut()
                .get_mut(id as usize)
                .ok_or(Error::InvalidLink)?;
            slot.node = node;
            slot.cached = NodeRef::NONE;
            Ok(Link::node(id))
        } else {
            self.push(node)
        }
    }

    /// Finds the loaded node whose hash is at pool offset `off`.
    fn resolve(&self, off: u32) -> Result<u32, Error> {
        let hash = self.hash_at(off)?;
        self.find_loaded(&hash)
            .ok_or(Error::MissingWitness { hash })
    }

    pub(super) fn find_loaded(&self, hash: &B256) -> Option<u32> {
        let want = NodeRef::for_hash(hash);
        self.store
            .slots()
            .iter()
            .take(self.frozen as usize)
            .position(|s| s.cached == want)
            .map(|i| i as u32)
    }

    pub(super) fn deref(&self, link: Link) -> Result<Option<u32>, Error> {
        match link.kind() {
            LinkKind::Empty => Ok(None),
            LinkKind::Node(id) => Ok(Some(id)),
            LinkKind::Hash(off) => self.resolve(off).map(Some),
        }
    }

    /// A link to the loaded node whose hash is `hash` (the empty trie for [`EMPTY_ROOT`]);
    /// [`Error::MissingWitness`] if no such node was loaded. Uses no arena space.
    pub fn link_for_loaded(&self, hash: &B256) -> Result<Link, Error> {
        if *hash == EMPTY_ROOT {
            return Ok(Link::EMPTY);
        }
        self.find_loaded(hash)
            .map(Link::node)
            .ok_or(Error::MissingWitness { hash: *hash })
    }

    /// A link to the trie whose root hash is `hash` (resolved lazily against loaded nodes).
    pub fn link_for_root(&mut self, hash: &B256) -> Result<Link, Error> {
        if *hash == EMPTY_ROOT {
            return Ok(Link::EMPTY);
        }
        let off = self.store.push_bytes(hash)?;
        Ok(Link::hash(off))
    }
}
