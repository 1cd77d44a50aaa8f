//! Writes: [`Trie::insert`] and [`Trie::remove`], with branch splits and the collapse of one-child branches.

use super::arena::{child_at, set_child, Node, Trie, Val};
use super::link::{Link, LinkKind};
use crate::error::Error;
use crate::limits::{MAX_KEY_NIBBLES, MAX_TRIE_DEPTH, MAX_VALUE_BYTES};
use crate::nibbles::{common_prefix, to_nibbles, Path};
use crate::store::Store;

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

impl<S: Store> Trie<S> {
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
}

#[cfg(test)]
mod tests {
    use super::super::MemTrie;
    use super::*;
    use crate::store::ArrayStore;
    use crate::types::EMPTY_ROOT;

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
}
