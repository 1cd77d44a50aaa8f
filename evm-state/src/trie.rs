//! Incremental Merkle-Patricia trie in an arena: get, insert, update, delete, root hash, witness loading.
//!
//! Nodes live in a [`Store`]; a trie is named by a [`Link`] to its root, so one
//! arena holds the state trie and many storage tries. Nodes loaded from a
//! witness (and everything below the "frozen" mark) are immutable and shared;
//! writes copy them (copy on write) and update nodes they created in place.
//! An unresolved subtree is a [`Link`] to its hash; walking into it resolves
//! the hash against the loaded nodes or fails with [`Error::MissingWitness`].
//! Every walk uses an explicit stack bounded by [`MAX_TRIE_DEPTH`].

use crate::error::Error;
use crate::limits::{MAX_KEY_NIBBLES, MAX_NODE_BYTES, MAX_TRIE_DEPTH, MAX_VALUE_BYTES};
use crate::nibbles::{common_prefix, to_nibbles, Path};
use crate::node::{decode_node, RawChild, RawNode};
use crate::rlp::{self, Sink, SliceSink};
use crate::store::Store;
use crate::types::{keccak256, B256, EMPTY_ROOT};

/// A reference to a trie node: nothing, a node in the arena, or an unresolved hash.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Link(u32);

enum LinkKind {
    Empty,
    Node(u32),
    Hash(u32),
}

const HASH_BIT: u32 = 0x8000_0000;

impl Link {
    /// The empty trie / no child.
    pub const EMPTY: Self = Self(u32::MAX);

    fn node(id: u32) -> Self {
        Self(id)
    }

    fn hash(offset: u32) -> Self {
        Self(offset | HASH_BIT)
    }

    /// Whether this is the empty trie.
    pub fn is_empty(self) -> bool {
        self == Self::EMPTY
    }

    fn kind(self) -> LinkKind {
        if self.is_empty() {
            LinkKind::Empty
        } else if self.0 & HASH_BIT != 0 {
            LinkKind::Hash(self.0 & !HASH_BIT)
        } else {
            LinkKind::Node(self.0)
        }
    }
}

impl core::fmt::Debug for Link {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kind() {
            LinkKind::Empty => write!(f, "Empty"),
            LinkKind::Node(id) => write!(f, "Node({id})"),
            LinkKind::Hash(off) => write!(f, "Hash(@{off})"),
        }
    }
}

/// A value in the byte pool; `len == 0` means no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Val {
    off: u32,
    len: u32,
}

impl Val {
    const NONE: Self = Self { off: 0, len: 0 };
    fn is_none(self) -> bool {
        self.len == 0
    }
}

#[derive(Clone, Copy, Debug)]
enum Node {
    Leaf { path: Path, value: Val },
    Extension { path: Path, child: Link },
    Branch { children: [Link; 16], value: Val },
}

/// What a parent embeds for a child: its RLP if shorter than 32 bytes, else `0xa0 ‖ hash`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeRef {
    len: u8,
    buf: [u8; 33],
}

impl NodeRef {
    const NONE: Self = Self {
        len: 0,
        buf: [0; 33],
    };

    pub(crate) fn from_encoding(enc: &[u8]) -> Self {
        if enc.len() < 32 {
            let mut r = Self::NONE;
            if let Some(dst) = r.buf.get_mut(..enc.len()) {
                dst.copy_from_slice(enc);
                r.len = enc.len() as u8;
            }
            r
        } else {
            Self::for_hash(&keccak256(enc))
        }
    }

    fn for_hash(hash: &B256) -> Self {
        let mut buf = [0xa0; 33];
        if let Some(dst) = buf.get_mut(1..) {
            dst.copy_from_slice(hash);
        }
        Self { len: 33, buf }
    }

    fn is_some(&self) -> bool {
        self.len != 0
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    pub(crate) fn hash(&self) -> Option<B256> {
        if self.len == 33 {
            self.buf.get(1..).and_then(|h| h.try_into().ok())
        } else {
            None
        }
    }
}

/// One arena slot: a node and its cached reference (opaque outside this module).
#[derive(Clone, Copy)]
pub struct Slot {
    node: Node,
    cached: NodeRef,
}

#[derive(Clone, Copy)]
struct Frame {
    id: u32,
    /// Child index for a branch; 16 for an extension.
    nib: u8,
}

type Frames = heapless::Vec<Frame, MAX_TRIE_DEPTH>;

fn push_frame(frames: &mut Frames, frame: Frame) -> Result<(), Error> {
    frames.push(frame).map_err(|_| Error::PathTooDeep {
        limit: MAX_TRIE_DEPTH,
    })
}

fn child_at(children: &[Link; 16], nib: u8) -> Result<Link, Error> {
    children
        .get(usize::from(nib))
        .copied()
        .ok_or(Error::InvalidLink)
}

fn set_child(children: &mut [Link; 16], nib: u8, link: Link) -> Result<(), Error> {
    *children
        .get_mut(usize::from(nib))
        .ok_or(Error::InvalidLink)? = link;
    Ok(())
}

/// An arena of trie nodes over a [`Store`]; tries in it are named by root [`Link`]s.
pub struct Trie<S> {
    store: S,
    frozen: u32,
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

    fn slot(&self, id: u32) -> Result<&Slot, Error> {
        self.store
            .slots()
            .get(id as usize)
            .ok_or(Error::InvalidLink)
    }

    fn node(&self, id: u32) -> Result<Node, Error> {
        Ok(self.slot(id)?.node)
    }

    fn pool(&self, off: u32, len: usize) -> Result<&[u8], Error> {
        let start = off as usize;
        self.store
            .bytes()
            .get(start..start + len)
            .ok_or(Error::InvalidLink)
    }

    fn hash_at(&self, off: u32) -> Result<B256, Error> {
        self.pool(off, 32)?
            .try_into()
            .map_err(|_| Error::InvalidLink)
    }

    fn value(&self, v: Val) -> Result<&[u8], Error> {
        self.pool(v.off, v.len as usize)
    }

    fn push_value(&mut self, value: &[u8]) -> Result<Val, Error> {
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

    fn push(&mut self, node: Node) -> Result<Link, Error> {
        let id = self.store.push_slot(Slot {
            node,
            cached: NodeRef::NONE,
        })?;
        Ok(Link::node(id))
    }

    /// Sets node `id` to `node`: in place if this arena created it by a write, else as a copy.
    fn replace(&mut self, id: u32, node: Node) -> Result<Link, Error> {
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

    fn find_loaded(&self, hash: &B256) -> Option<u32> {
        let want = NodeRef::for_hash(hash);
        self.store
            .slots()
            .iter()
            .take(self.frozen as usize)
            .position(|s| s.cached == want)
            .map(|i| i as u32)
    }

    fn deref(&self, link: Link) -> Result<Option<u32>, Error> {
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

    /// The value under `key` in the trie at `root`, or `None` if the trie proves it absent.
    pub fn get(&self, root: Link, key: &[u8]) -> Result<Option<&[u8]>, Error> {
        let mut nib = [0u8; MAX_KEY_NIBBLES];
        let n = to_nibbles(key, &mut nib)?;
        let mut k = nib.get(..n).unwrap_or(&[]);
        let mut link = root;
        for _ in 0..MAX_TRIE_DEPTH {
            let Some(id) = self.deref(link)? else {
                return Ok(None);
            };
            match self.node(id)? {
                Node::Leaf { path, value } => {
                    return if path.as_slice() == k {
                        self.value(value).map(Some)
                    } else {
                        Ok(None)
                    };
                }
                Node::Extension { path, child } => match k.strip_prefix(path.as_slice()) {
                    Some(rest) => {
                        k = rest;
                        link = child;
                    }
                    None => return Ok(None),
                },
                Node::Branch { children, value } => match k.split_first() {
                    None => {
                        return if value.is_none() {
                            Ok(None)
                        } else {
                            self.value(value).map(Some)
                        };
                    }
                    Some((&first, rest)) => {
                        link = child_at(&children, first)?;
                        k = rest;
                    }
                },
            }
        }
        Err(Error::PathTooDeep {
            limit: MAX_TRIE_DEPTH,
        })
    }

    /// Like [`Trie::get`] for the trie whose root hash is `root` (a loaded node, or empty).
    pub fn get_by_hash(&self, root: &B256, key: &[u8]) -> Result<Option<&[u8]>, Error> {
        if *root == EMPTY_ROOT {
            return Ok(None);
        }
        let id = self
            .find_loaded(root)
            .ok_or(Error::MissingWitness { hash: *root })?;
        self.get(Link::node(id), key)
    }

    /// Puts `value` under `key` in the trie at `root`; returns the new root.
    ///
    /// An empty `value` removes the key (as in Ethereum). The old root stays
    /// valid only if it was loaded from a witness; tries built by writes are
    /// updated in place.
    ///
    /// Errors found while walking (`MissingWitness`, a bad key or value) come
    /// before any change. A full arena can stop a write half-way: the tries
    /// written to must then be dropped ([`crate::WitnessState`] does so itself).
    pub fn insert(&mut self, root: Link, key: &[u8], value: &[u8]) -> Result<Link, Error> {
        if value.is_empty() {
            return self.remove(root, key);
        }
        let mut nib = [0u8; MAX_KEY_NIBBLES];
        let n = to_nibbles(key, &mut nib)?;
        let mut k = nib.get(..n).unwrap_or(&[]);
        if value.len() > MAX_VALUE_BYTES {
            return Err(Error::BadValueLength {
                got: value.len(),
                expected: MAX_VALUE_BYTES,
            });
        }
        // The value is stored only once the walk reached its end, so a walk
        // that fails (a missing witness node) leaves the arena untouched.
        let mut frames = Frames::new();
        let mut link = root;
        let new = loop {
            let Some(id) = self.deref(link)? else {
                let val = self.push_value(value)?;
                break self.push(Node::Leaf {
                    path: Path::from_nibbles(k)?,
                    value: val,
                })?;
            };
            match self.node(id)? {
                Node::Leaf { path, value: old } => {
                    let val = self.push_value(value)?;
                    let p = path.as_slice();
                    if p == k {
                        break self.replace(id, Node::Leaf { path, value: val })?;
                    }
                    let c = common_prefix(p, k);
                    let mut children = [Link::EMPTY; 16];
                    let mut bval = Val::NONE;
                    self.add_leaf(&mut children, &mut bval, p.get(c..).unwrap_or(&[]), old)?;
                    self.add_leaf(&mut children, &mut bval, k.get(c..).unwrap_or(&[]), val)?;
                    break self.split(id, k.get(..c).unwrap_or(&[]), children, bval)?;
                }
                Node::Extension { path, child } => {
                    let p = path.as_slice();
                    let c = common_prefix(p, k);
                    if c == p.len() {
                        push_frame(&mut frames, Frame { id, nib: 16 })?;
                        k = k.get(c..).unwrap_or(&[]);
                        link = child;
                        continue;
                    }
                    let val = self.push_value(value)?;
                    let mut children = [Link::EMPTY; 16];
                    let mut bval = Val::NONE;
                    // The extension's remainder: at least one nibble, since c < p.len().
                    if let Some((&first, rest)) = p.get(c..).and_then(|r| r.split_first()) {
                        let sub = if rest.is_empty() {
                            child
                        } else {
                            self.push(Node::Extension {
                                path: Path::from_nibbles(rest)?,
                                child,
                            })?
                        };
                        set_child(&mut children, first, sub)?;
                    }
                    self.add_leaf(&mut children, &mut bval, k.get(c..).unwrap_or(&[]), val)?;
                    break self.split(id, k.get(..c).unwrap_or(&[]), children, bval)?;
                }
                Node::Branch { children, .. } => match k.split_first() {
                    None => {
                        let val = self.push_value(value)?;
                        break self.replace(
                            id,
                            Node::Branch {
                                children,
                                value: val,
                            },
                        )?;
                    }
                    Some((&first, rest)) => {
                        push_frame(&mut frames, Frame { id, nib: first })?;
                        link = child_at(&children, first)?;
                        k = rest;
                    }
                },
            }
        };
        self.rebuild(&mut frames, new)
    }

    /// Adds a leaf for the remaining nibbles `rest` into a branch being built.
    fn add_leaf(
        &mut self,
        children: &mut [Link; 16],
        bval: &mut Val,
        rest: &[u8],
        val: Val,
    ) -> Result<(), Error> {
        match rest.split_first() {
            None => *bval = val,
            Some((&first, tail)) => {
                let leaf = self.push(Node::Leaf {
                    path: Path::from_nibbles(tail)?,
                    value: val,
                })?;
                set_child(children, first, leaf)?;
            }
        }
        Ok(())
    }

    /// Replaces node `id` by a branch, behind an extension of `prefix` if non-empty.
    fn split(
        &mut self,
        id: u32,
        prefix: &[u8],
        children: [Link; 16],
        value: Val,
    ) -> Result<Link, Error> {
        let branch = Node::Branch { children, value };
        if prefix.is_empty() {
            self.replace(id, branch)
        } else {
            let b = self.push(branch)?;
            self.replace(
                id,
                Node::Extension {
                    path: Path::from_nibbles(prefix)?,
                    child: b,
                },
            )
        }
    }

    /// Removes `key` from the trie at `root`; returns the new root (unchanged if absent).
    ///
    /// Collapsing a branch left with one child needs that child's node: if the
    /// witness lacks it, this is [`Error::MissingWitness`] naming its hash.
    pub fn remove(&mut self, root: Link, key: &[u8]) -> Result<Link, Error> {
        let mut nib = [0u8; MAX_KEY_NIBBLES];
        let n = to_nibbles(key, &mut nib)?;
        let mut k = nib.get(..n).unwrap_or(&[]);
        let mut frames = Frames::new();
        let mut link = root;
        let new = loop {
            let Some(id) = self.deref(link)? else {
                return Ok(root);
            };
            match self.node(id)? {
                Node::Leaf { path, .. } => {
                    if path.as_slice() == k {
                        break Link::EMPTY;
                    }
                    return Ok(root);
                }
                Node::Extension { path, child } => match k.strip_prefix(path.as_slice()) {
                    Some(rest) => {
                        push_frame(&mut frames, Frame { id, nib: 16 })?;
                        k = rest;
                        link = child;
                    }
                    None => return Ok(root),
                },
                Node::Branch { children, value } => match k.split_first() {
                    None => {
                        if value.is_none() {
                            return Ok(root);
                        }
                        break self.normalize(id, children, Val::NONE)?;
                    }
                    Some((&first, rest)) => {
                        push_frame(&mut frames, Frame { id, nib: first })?;
                        link = child_at(&children, first)?;
                        k = rest;
                    }
                },
            }
        };
        self.rebuild(&mut frames, new)
    }

    /// Re-links the recorded path bottom-up onto a new child, collapsing as needed.
    fn rebuild(&mut self, frames: &mut Frames, mut child: Link) -> Result<Link, Error> {
        while let Some(f) = frames.pop() {
            child = match self.node(f.id)? {
                Node::Extension { path, .. } => self.extension_over(f.id, path, child)?,
                Node::Branch {
                    mut children,
                    value,
                } => {
                    set_child(&mut children, f.nib, child)?;
                    self.normalize(f.id, children, value)?
                }
                Node::Leaf { .. } => return Err(Error::InvalidLink),
            };
        }
        Ok(child)
    }

    /// Node `id` as an extension of `path` over `child`, merged with it if it is a leaf or extension.
    fn extension_over(&mut self, id: u32, path: Path, child: Link) -> Result<Link, Error> {
        let LinkKind::Node(c) = child.kind() else {
            return if child.is_empty() {
                Ok(Link::EMPTY)
            } else {
                self.replace(id, Node::Extension { path, child })
            };
        };
        match self.node(c)? {
            Node::Leaf { path: tail, value } => {
                let mut p = path;
                p.extend(tail.as_slice())?;
                self.replace(id, Node::Leaf { path: p, value })
            }
            Node::Extension { path: tail, child } => {
                let mut p = path;
                p.extend(tail.as_slice())?;
                self.replace(id, Node::Extension { path: p, child })
            }
            Node::Branch { .. } => self.replace(id, Node::Extension { path, child }),
        }
    }

    /// Node `id` as a branch, or what a branch with fewer than two entries collapses to.
    fn normalize(&mut self, id: u32, children: [Link; 16], value: Val) -> Result<Link, Error> {
        let mut count = usize::from(!value.is_none());
        let mut only = None;
        for (i, c) in children.iter().enumerate() {
            if !c.is_empty() {
                count += 1;
                only = Some((i as u8, *c));
            }
        }
        if count >= 2 {
            return self.replace(id, Node::Branch { children, value });
        }
        let Some((i, c)) = only else {
            return if value.is_none() {
                Ok(Link::EMPTY)
            } else {
                self.replace(
                    id,
                    Node::Leaf {
                        path: Path::EMPTY,
                        value,
                    },
                )
            };
        };
        // The sibling's kind decides the collapse: it must be in the witness.
        let sibling = self.deref(c)?.ok_or(Error::InvalidLink)?;
        match self.node(sibling)? {
            Node::Leaf { path, value } => self.replace(
                id,
                Node::Leaf {
                    path: path.prepended(&[i])?,
                    value,
                },
            ),
            Node::Extension { path, child } => self.replace(
                id,
                Node::Extension {
                    path: path.prepended(&[i])?,
                    child,
                },
            ),
            Node::Branch { .. } => self.replace(
                id,
                Node::Extension {
                    path: Path::from_nibbles(&[i])?,
                    child: c,
                },
            ),
        }
    }

    /// What a parent embeds for `link` (the child's reference must be computed).
    fn link_ref(&self, link: Link) -> Result<NodeRef, Error> {
        match link.kind() {
            LinkKind::Empty => Ok(NodeRef::from_encoding(&[0x80])),
            LinkKind::Hash(off) => Ok(NodeRef::for_hash(&self.hash_at(off)?)),
            LinkKind::Node(id) => {
                let r = self.slot(id)?.cached;
                if r.is_some() {
                    Ok(r)
                } else {
                    Err(Error::InvalidLink)
                }
            }
        }
    }

    /// Writes node `id`'s RLP encoding into `buf`; returns its length.
    fn encode(&self, id: u32, buf: &mut [u8; MAX_NODE_BYTES]) -> Result<usize, Error> {
        let mut sink = SliceSink::new(buf);
        let mut compact = [0u8; 33];
        match self.node(id)? {
            Node::Leaf { path, value } => {
                let n = path.encode_compact(true, &mut compact);
                let c = compact.get(..n).unwrap_or(&[]);
                let v = self.value(value)?;
                rlp::put_list_header(&mut sink, rlp::bytes_len(c) + rlp::bytes_len(v))?;
                rlp::put_bytes(&mut sink, c)?;
                rlp::put_bytes(&mut sink, v)?;
            }
            Node::Extension { path, child } => {
                let n = path.encode_compact(false, &mut compact);
                let c = compact.get(..n).unwrap_or(&[]);
                let r = self.link_ref(child)?;
                rlp::put_list_header(&mut sink, rlp::bytes_len(c) + r.as_slice().len())?;
                rlp::put_bytes(&mut sink, c)?;
                sink.put(r.as_slice())?;
            }
            Node::Branch { children, value } => {
                let v = if value.is_none() {
                    &[][..]
                } else {
                    self.value(value)?
                };
                let mut payload = rlp::bytes_len(v);
                for c in &children {
                    payload += self.link_ref(*c)?.as_slice().len();
                }
                rlp::put_list_header(&mut sink, payload)?;
                for c in &children {
                    sink.put(self.link_ref(*c)?.as_slice())?;
                }
                rlp::put_bytes(&mut sink, v)?;
            }
        }
        Ok(sink.len())
    }

    fn uncached(&self, link: Link) -> Result<Option<u32>, Error> {
        match link.kind() {
            LinkKind::Node(id) if !self.slot(id)?.cached.is_some() => Ok(Some(id)),
            _ => Ok(None),
        }
    }

    /// Computes the references of `id` and every node below it lacking one (post-order, explicit stack).
    fn compute_refs(&mut self, id: u32) -> Result<(), Error> {
        let mut stack: heapless::Vec<(u32, u8), MAX_TRIE_DEPTH> = heapless::Vec::new();
        let too_deep = Error::PathTooDeep {
            limit: MAX_TRIE_DEPTH,
        };
        stack.push((id, 0)).map_err(|_| too_deep)?;
        while let Some(&(top, next)) = stack.last() {
            if self.slot(top)?.cached.is_some() {
                stack.pop();
                continue;
            }
            let mut next_index = next;
            let pending = match self.node(top)? {
                Node::Leaf { .. } => None,
                Node::Extension { child, .. } => {
                    next_index = 1;
                    if next == 0 {
                        self.uncached(child)?
                    } else {
                        None
                    }
                }
                Node::Branch { children, .. } => {
                    let mut found = None;
                    while let Some(c) = children.get(usize::from(next_index)) {
                        next_index += 1;
                        if let Some(x) = self.uncached(*c)? {
                            found = Some(x);
                            break;
                        }
                    }
                    found
                }
            };
            if let Some(frame) = stack.last_mut() {
                frame.1 = next_index;
            }
            match pending {
                Some(child) => stack.push((child, 0)).map_err(|_| too_deep)?,
                None => {
                    let mut buf = [0u8; MAX_NODE_BYTES];
                    let n = self.encode(top, &mut buf)?;
                    let r = NodeRef::from_encoding(buf.get(..n).unwrap_or(&[]));
                    let slot = self
                        .store
                        .slots_mut()
                        .get_mut(top as usize)
                        .ok_or(Error::InvalidLink)?;
                    slot.cached = r;
                    stack.pop();
                }
            }
        }
        Ok(())
    }

    /// The root hash of the trie at `root`.
    pub fn root_hash(&mut self, root: Link) -> Result<B256, Error> {
        match root.kind() {
            LinkKind::Empty => Ok(EMPTY_ROOT),
            LinkKind::Hash(off) => self.hash_at(off),
            LinkKind::Node(id) => {
                self.compute_refs(id)?;
                if let Some(h) = self.slot(id)?.cached.hash() {
                    return Ok(h);
                }
                // A root shorter than 32 bytes is still hashed.
                let mut buf = [0u8; MAX_NODE_BYTES];
                let n = self.encode(id, &mut buf)?;
                Ok(keccak256(buf.get(..n).unwrap_or(&[])))
            }
        }
    }

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

    /// Encodes the nodes on `key`'s path from `root` (a proof), calling `emit` for each
    /// node that is referenced by hash (the root always); inline nodes travel inside their parent.
    pub fn prove(
        &mut self,
        root: Link,
        key: &[u8],
        mut emit: impl FnMut(&[u8]),
    ) -> Result<(), Error> {
        let LinkKind::Node(root_id) = root.kind() else {
            return Ok(());
        };
        self.compute_refs(root_id)?;
        let mut nib = [0u8; MAX_KEY_NIBBLES];
        let n = to_nibbles(key, &mut nib)?;
        let mut k = nib.get(..n).unwrap_or(&[]);
        let mut link = root;
        let mut first = true;
        for _ in 0..MAX_TRIE_DEPTH {
            let Some(id) = self.deref(link)? else {
                return Ok(());
            };
            if first || self.slot(id)?.cached.hash().is_some() {
                let mut buf = [0u8; MAX_NODE_BYTES];
                let len = self.encode(id, &mut buf)?;
                emit(buf.get(..len).unwrap_or(&[]));
            }
            first = false;
            match self.node(id)? {
                Node::Leaf { .. } => return Ok(()),
                Node::Extension { path, child } => match k.strip_prefix(path.as_slice()) {
                    Some(rest) => {
                        k = rest;
                        link = child;
                    }
                    None => return Ok(()),
                },
                Node::Branch { children, .. } => match k.split_first() {
                    None => return Ok(()),
                    Some((&f, rest)) => {
                        link = child_at(&children, f)?;
                        k = rest;
                    }
                },
            }
        }
        Err(Error::PathTooDeep {
            limit: MAX_TRIE_DEPTH,
        })
    }

    /// Calls `visit(key_nibbles, value)` for every entry of the trie at `root`, in key order.
    pub fn for_each(&self, root: Link, mut visit: impl FnMut(&[u8], &[u8])) -> Result<(), Error> {
        // Explicit stack of (node, path length before it, next child index).
        let mut stack: heapless::Vec<(u32, u8, u8), MAX_TRIE_DEPTH> = heapless::Vec::new();
        let mut path = Path::EMPTY;
        let too_deep = Error::PathTooDeep {
            limit: MAX_TRIE_DEPTH,
        };
        if let Some(id) = self.deref(root)? {
            stack.push((id, 0, 0)).map_err(|_| too_deep)?;
        }
        while let Some(&(id, base, next)) = stack.last() {
            let mut here =
                Path::from_nibbles(path.as_slice().get(..usize::from(base)).unwrap_or(&[]))?;
            match self.node(id)? {
                Node::Leaf { path: p, value } => {
                    here.extend(p.as_slice())?;
                    visit(here.as_slice(), self.value(value)?);
                    stack.pop();
                }
                Node::Extension { path: p, child } => {
                    if next == 0 {
                        if let Some(frame) = stack.last_mut() {
                            frame.2 = 1;
                        }
                        here.extend(p.as_slice())?;
                        path = here;
                        if let Some(c) = self.deref(child)? {
                            stack.push((c, here.len() as u8, 0)).map_err(|_| too_deep)?;
                        }
                    } else {
                        stack.pop();
                    }
                }
                Node::Branch { children, value } => {
                    if next == 0 && !value.is_none() {
                        visit(here.as_slice(), self.value(value)?);
                    }
                    let mut i = next;
                    let mut found = None;
                    while let Some(c) = children.get(usize::from(i)) {
                        i += 1;
                        if let Some(cid) = self.deref(*c)? {
                            found = Some((cid, i - 1));
                            break;
                        }
                    }
                    if let Some(frame) = stack.last_mut() {
                        frame.2 = i;
                    }
                    match found {
                        Some((cid, nib)) => {
                            here.extend(&[nib])?;
                            path = here;
                            stack
                                .push((cid, here.len() as u8, 0))
                                .map_err(|_| too_deep)?;
                        }
                        None => {
                            stack.pop();
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// A single trie on the heap: the host-side convenience over [`Trie`].
#[cfg(feature = "alloc")]
#[derive(Default)]
pub struct MemTrie {
    trie: Trie<crate::store::VecStore>,
    root: Link,
}

#[cfg(feature = "alloc")]
impl Default for Link {
    fn default() -> Self {
        Self::EMPTY
    }
}

#[cfg(feature = "alloc")]
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
#[cfg(feature = "alloc")]
pub type Entry = (alloc::vec::Vec<u8>, alloc::vec::Vec<u8>);

/// Root of the trie holding `entries` (later duplicates win; empty values are absent).
///
/// Sorts the entries by key (bytewise, which is nibble order) and streams them
/// through a [`StreamRoot`](crate::stream_root::StreamRoot); no trie is built.
#[cfg(feature = "alloc")]
pub fn root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<B256, Error> {
    sorted_root(entries.into_iter().collect())
}

/// Root of the "secure" trie: each key replaced by its keccak-256 hash.
#[cfg(feature = "alloc")]
pub fn secure_root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<B256, Error> {
    sorted_root(
        entries
            .into_iter()
            .map(|(k, v)| (keccak256(k.as_ref()), v))
            .collect(),
    )
}

/// Bytewise order, deciding on the first 8 bytes as one integer when both keys
/// have them (hashed keys almost always differ there): no `memcmp` call per comparison.
#[cfg(feature = "alloc")]
fn key_order(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    match (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        (Some(x), Some(y)) => u64::from_be_bytes(*x)
            .cmp(&u64::from_be_bytes(*y))
            .then_with(|| a.cmp(b)),
        _ => a.cmp(b),
    }
}

/// Sorts `entries` by key, keeps the last of equal keys, drops empty values and streams the rest.
#[cfg(feature = "alloc")]
fn sorted_root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    mut entries: alloc::vec::Vec<(K, V)>,
) -> Result<B256, Error> {
    // Stable: equal keys keep their input order, so the last one wins below.
    entries.sort_by(|a, b| key_order(a.0.as_ref(), b.0.as_ref()));
    // About 51 KB: on the heap, not the caller's stack.
    let mut builder = alloc::boxed::Box::new(crate::stream_root::StreamRoot::<
        { crate::limits::STREAM_ROOT_BYTES },
    >::new());
    let mut iter = entries.iter().peekable();
    while let Some((k, v)) = iter.next() {
        let superseded = iter.peek().is_some_and(|(n, _)| n.as_ref() == k.as_ref());
        if !superseded && !v.as_ref().is_empty() {
            builder.add(k.as_ref(), v.as_ref())?;
        }
    }
    builder.root()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ArrayStore;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn h(s: &str) -> B256 {
        let v: Vec<u8> = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect();
        v.try_into().unwrap()
    }

    #[test]
    fn known_roots() {
        assert_eq!(root::<&[u8], &[u8]>([]).unwrap(), EMPTY_ROOT);
        // ethereum/tests trieanyorder "dogs".
        let r = root([
            ("doe", "reindeer"),
            ("dog", "puppy"),
            ("dogglesworth", "cat"),
        ])
        .unwrap();
        assert_eq!(
            r,
            h("8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3")
        );
        // "puppy": keys that are prefixes of others (branch values).
        let r = root([
            ("do", "verb"),
            ("horse", "stallion"),
            ("doge", "coin"),
            ("dog", "puppy"),
        ])
        .unwrap();
        assert_eq!(
            r,
            h("5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84")
        );
    }

    #[test]
    fn key_order_is_bytewise_order() {
        let keys: [&[u8]; 9] = [
            &[],
            &[1],
            &[1, 2, 3, 4, 5, 6, 7, 8],
            &[1, 2, 3, 4, 5, 6, 7, 8, 0],
            &[1, 2, 3, 4, 5, 6, 7, 9],
            &[1, 2, 3, 4, 5, 6, 8],
            &[0xff, 0, 0, 0, 0, 0, 0, 0, 1],
            &[0xff, 0, 0, 0, 0, 0, 0, 1],
            &[0xff; 12],
        ];
        for a in keys {
            for b in keys {
                assert_eq!(key_order(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn delete_collapses_back_to_the_same_root() {
        let mut t = MemTrie::new();
        t.insert(b"do", b"verb").unwrap();
        t.insert(b"horse", b"stallion").unwrap();
        let before = t.root_hash().unwrap();
        t.insert(b"doge", b"coin").unwrap();
        t.insert(b"dog", b"puppy").unwrap();
        assert_eq!(t.get(b"dog").unwrap(), Some(&b"puppy"[..]));
        t.remove(b"doge").unwrap();
        t.remove(b"dog").unwrap();
        t.remove(b"absent").unwrap();
        assert_eq!(t.root_hash().unwrap(), before);
        t.remove(b"do").unwrap();
        t.remove(b"horse").unwrap();
        assert_eq!(t.root_hash().unwrap(), EMPTY_ROOT);
    }

    #[test]
    fn fixed_store_reports_full_instead_of_panicking() {
        let mut t: Trie<ArrayStore<2, 64>> = Trie::default();
        let mut r = Link::EMPTY;
        r = t.insert(r, &[0x10], b"a").unwrap();
        r = t.insert(r, &[0x20], b"b").unwrap_or(r);
        let err = t.insert(r, &[0x30], b"c").unwrap_err();
        assert!(matches!(err, Error::BufferFull { capacity: 2 }), "{err:?}");
        assert!(matches!(
            t.insert(Link::EMPTY, &[1], &[7u8; 300]),
            Err(Error::BadValueLength { got: 300, .. })
        ));
        assert!(matches!(
            t.insert(Link::EMPTY, &[1; 33], b"x"),
            Err(Error::KeyTooLong { got: 33, .. })
        ));
    }

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
