//! Proof generation: [`Trie::prove`] emits the encoded nodes on a key's path (EIP-1186 style).

use super::arena::{child_at, Node, Trie};
use super::link::{Link, LinkKind};
use crate::error::Error;
use crate::limits::{MAX_KEY_NIBBLES, MAX_NODE_BYTES, MAX_TRIE_DEPTH};
use crate::nibbles::to_nibbles;
use crate::store::Store;

impl<S: Store> Trie<S> {
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
}
