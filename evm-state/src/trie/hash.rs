//! Hashing: node references computed bottom-up (cached per slot) and [`Trie::root_hash`].

use super::arena::{Node, Trie};
use super::link::{Link, LinkKind, NodeRef};
use crate::error::Error;
use crate::limits::{MAX_NODE_BYTES, MAX_TRIE_DEPTH};
use crate::store::Store;
use crate::types::{keccak256, B256, EMPTY_ROOT};

impl<S: Store> Trie<S> {
    fn uncached(&self, link: Link) -> Result<Option<u32>, Error> {
        match link.kind() {
            LinkKind::Node(id) if !self.slot(id)?.cached.is_some() => Ok(Some(id)),
            _ => Ok(None),
        }
    }

    /// Computes the references of `id` and every node below it lacking one (post-order, explicit stack).
    pub(super) fn compute_refs(&mut self, id: u32) -> Result<(), Error> {
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
}
