//! Lookups: [`Trie::get`], [`Trie::get_by_hash`] and the in-order walk [`Trie::for_each`].

use super::arena::{child_at, Node, Trie};
use super::link::Link;
use crate::error::Error;
use crate::limits::{MAX_KEY_NIBBLES, MAX_TRIE_DEPTH};
use crate::nibbles::{to_nibbles, Path};
use crate::store::Store;
use crate::types::{B256, EMPTY_ROOT};

impl<S: Store> Trie<S> {
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
