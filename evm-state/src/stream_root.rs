//! Streaming Merkle-Patricia root: leaves in increasing key order, one bounded byte stack, no heap.
//!
//! [`StreamRoot`] hashes a trie without building it. Because keys arrive sorted,
//! a subtree is complete as soon as a key outside it arrives, so it can be
//! encoded, hashed and replaced by its reference right away. What stays open is
//! one path: the branches above the latest key (at most one per nibble depth,
//! [`MAX_KEY_NIBBLES`] + 1 frames) and that key's leaf.
//!
//! Each open branch writes its RLP payload directly into one byte stack: room
//! for the list header, its own value (when a key ends at the branch), then its
//! children's references as they complete, in nibble order. Closing a branch
//! fills the missing children with `0x80`, appends the value, writes the list
//! header just before the children and hashes that span in place, without
//! copying the node. Leaves and extensions (at most ~300 bytes) are encoded in a
//! stack buffer.
//!
//! The byte stack's size is the type parameter: [`STREAM_ROOT_BYTES`] covers
//! every key set; a device that knows its keys (e.g. 32-byte hashed keys, no
//! values in branches, a shallow trie) can use less and gets
//! [`Error::BufferFull`] instead of a wrong root if it runs out.

use core::cmp::Ordering;

use crate::error::Error;
use crate::limits::{MAX_KEY_BYTES, MAX_KEY_NIBBLES, MAX_VALUE_BYTES, STREAM_ROOT_BYTES};
use crate::nibbles::{common_prefix, encode_compact, to_nibbles};
use crate::rlp::{self, Sink, SliceVec};
use crate::trie::NodeRef;
use crate::types::{keccak256, B256, EMPTY_ROOT};

/// RLP of the empty string: an absent child or branch value.
const EMPTY_STRING: u8 = 0x80;

/// Bytes kept before a branch's payload for its list header (a payload of at most
/// 16 × 33 + 259 bytes has a 3-byte header).
const HEADER_ROOM: usize = 3;

/// Largest leaf or extension: list header, hex-prefix path, value with its header.
const SHORT_NODE_BYTES: usize = 3 + (1 + MAX_KEY_BYTES + 1) + (3 + MAX_VALUE_BYTES);

/// One open branch.
#[derive(Clone, Copy)]
struct Frame {
    /// The branch sits under the first `depth` nibbles; its children are indexed by nibble `depth`.
    depth: u8,
    /// First child index not written yet.
    next: u8,
    /// Start of the frame in the byte stack: [`HEADER_ROOM`] bytes, then the value's RLP.
    base: usize,
    /// Start of the children's references (the end of the value's RLP).
    children: usize,
}

/// What the pending leaf's subtree has become while frames close.
#[derive(Clone, Copy)]
enum Sub {
    /// The pending leaf, not encoded yet.
    Leaf,
    /// A closed branch at nibble depth `.1`, by reference.
    Branch(NodeRef, usize),
}

/// A fixed byte stack the branches write into.
struct ByteStack<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> ByteStack<N> {
    fn full() -> Error {
        Error::BufferFull { capacity: N }
    }

    /// Grows by `n` bytes and returns them.
    fn grow(&mut self, n: usize) -> Result<&mut [u8], Error> {
        let start = self.len;
        let end = start.checked_add(n).ok_or_else(Self::full)?;
        let dst = self.buf.get_mut(start..end).ok_or_else(Self::full)?;
        self.len = end;
        Ok(dst)
    }
}

impl<const N: usize> Sink for ByteStack<N> {
    type Error = Error;

    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.grow(bytes.len())?.copy_from_slice(bytes);
        Ok(())
    }
}

/// Computes a trie root from `(key, value)` leaves given in strictly increasing key order.
///
/// Keys are compared bytewise (the same order as nibble-wise); a key may be a
/// prefix of a later one (its value then sits in a branch). A key that does not
/// sort after the previous one is [`Error::UnsortedKey`] or [`Error::DuplicateKey`]
/// and leaves the builder as it was; so do a key over [`MAX_KEY_BYTES`] and a
/// value that is empty or over [`MAX_VALUE_BYTES`]. A full byte stack is
/// [`Error::BufferFull`] and fails every later call.
///
/// ```
/// use evm_state::stream_root::StreamRoot;
/// let mut b: StreamRoot = StreamRoot::new();
/// b.add(b"do", b"verb").unwrap();
/// b.add(b"dog", b"puppy").unwrap();
/// assert!(b.add(b"cat", b"meow").is_err()); // out of order: the builder is unchanged
/// assert_eq!(b.root().unwrap(), evm_state::trie::root([("dog", "puppy"), ("do", "verb")]).unwrap());
/// ```
pub struct StreamRoot<const BYTES: usize = STREAM_ROOT_BYTES> {
    /// The pending (latest) key.
    key: [u8; MAX_KEY_BYTES],
    key_len: usize,
    /// The pending key as nibbles (`2 * key_len` of them).
    nibbles: [u8; MAX_KEY_NIBBLES],
    /// The pending value; empty while no leaf was added.
    value: [u8; MAX_VALUE_BYTES],
    value_len: usize,
    frames: heapless::Vec<Frame, { MAX_KEY_NIBBLES + 1 }>,
    stack: ByteStack<BYTES>,
    failed: Option<Error>,
}

impl<const BYTES: usize> Default for StreamRoot<BYTES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const BYTES: usize> StreamRoot<BYTES> {
    /// A builder with no leaves.
    pub fn new() -> Self {
        Self {
            key: [0; MAX_KEY_BYTES],
            key_len: 0,
            nibbles: [0; MAX_KEY_NIBBLES],
            value: [0; MAX_VALUE_BYTES],
            value_len: 0,
            frames: heapless::Vec::new(),
            stack: ByteStack {
                buf: [0; BYTES],
                len: 0,
            },
            failed: None,
        }
    }

    /// Adds a leaf; `key` must sort strictly after the previous key.
    pub fn add(&mut self, key: &[u8], value: &[u8]) -> Result<(), Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(Error::KeyTooLong {
                got: key.len(),
                expected: MAX_KEY_BYTES,
            });
        }
        if value.is_empty() || value.len() > MAX_VALUE_BYTES {
            return Err(Error::BadValueLength {
                got: value.len(),
                expected: MAX_VALUE_BYTES,
            });
        }
        if self.value_len != 0 {
            let prev = self.key.get(..self.key_len).unwrap_or(&[]);
            match key.cmp(prev) {
                Ordering::Less => return Err(Error::UnsortedKey),
                Ordering::Equal => return Err(Error::DuplicateKey),
                Ordering::Greater => {}
            }
            let shared = shared_nibbles(prev, key);
            if let Err(e) = self.fold(Some(shared)) {
                self.failed = Some(e);
                return Err(e);
            }
        }
        // Both lengths were checked above.
        if let (Some(k), Some(v)) = (
            self.key.get_mut(..key.len()),
            self.value.get_mut(..value.len()),
        ) {
            k.copy_from_slice(key);
            v.copy_from_slice(value);
        }
        self.key_len = key.len();
        self.value_len = value.len();
        to_nibbles(key, &mut self.nibbles)?;
        Ok(())
    }

    /// The root of the leaves added so far ([`EMPTY_ROOT`] for none); the builder is then empty again.
    pub fn root(&mut self) -> Result<B256, Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let root = if self.value_len == 0 {
            Ok(EMPTY_ROOT)
        } else {
            self.fold(None).and_then(|sub| {
                let node = self.sub_ref(sub.ok_or(Error::InvalidLink)?, 0)?;
                // The root is hashed even when its node is shorter than 32 bytes.
                Ok(node.hash().unwrap_or_else(|| keccak256(node.as_slice())))
            })
        };
        self.frames.clear();
        self.stack.len = 0;
        self.key_len = 0;
        self.value_len = 0;
        self.failed = root.err();
        root
    }

    /// Folds the pending leaf into the open branches, closing every branch deeper
    /// than `shared` nibbles (the next key's common prefix with the pending one);
    /// with `None` closes all of them and returns the root's subtree.
    fn fold(&mut self, shared: Option<usize>) -> Result<Option<Sub>, Error> {
        let key_nibbles = 2 * self.key_len;
        if shared == Some(key_nibbles) {
            // The pending key is a prefix of the next one: its value goes into
            // a branch where it ends (every open branch is above it).
            self.push_frame(key_nibbles, true)?;
            return Ok(None);
        }
        let mut sub = Sub::Leaf;
        loop {
            let top = self.frames.last().map(|f| usize::from(f.depth));
            match (top, shared) {
                (Some(t), Some(s)) if t == s => {
                    self.attach(sub, t)?;
                    return Ok(None);
                }
                // No open branch at `s`: the two keys part there.
                (None, Some(s)) => return self.split(sub, s).map(|()| None),
                (Some(t), Some(s)) if t < s => return self.split(sub, s).map(|()| None),
                (Some(t), _) => {
                    self.attach(sub, t)?;
                    sub = Sub::Branch(self.close_top()?, t);
                }
                (None, None) => return Ok(Some(sub)),
            }
        }
    }

    /// Opens a branch where the pending key and the next part (nibble `depth`) and puts `sub` in it.
    fn split(&mut self, sub: Sub, depth: usize) -> Result<(), Error> {
        self.push_frame(depth, false)?;
        self.attach(sub, depth)
    }

    /// Opens a branch at nibble depth `depth`, holding the pending value if `with_value`.
    fn push_frame(&mut self, depth: usize, with_value: bool) -> Result<(), Error> {
        let base = self.stack.len;
        self.stack.grow(HEADER_ROOM)?;
        if with_value {
            let value = self.value.get(..self.value_len).unwrap_or(&[]);
            rlp::put_bytes(&mut self.stack, value)?;
        }
        let frame = Frame {
            depth: depth as u8,
            next: 0,
            base,
            children: self.stack.len,
        };
        self.frames.push(frame).map_err(|_| Error::PathTooDeep {
            limit: MAX_KEY_NIBBLES + 1,
        })
    }

    /// Writes `sub` as the child of the top branch (at depth `depth`) under the pending key's nibble there.
    fn attach(&mut self, sub: Sub, depth: usize) -> Result<(), Error> {
        let node = self.sub_ref(sub, depth + 1)?;
        let nib = *self.nibbles.get(depth).ok_or(Error::InvalidLink)?;
        let frame = self.frames.last_mut().ok_or(Error::InvalidLink)?;
        // Sorted keys reach a branch's children in increasing nibble order.
        let gap = usize::from(nib.checked_sub(frame.next).ok_or(Error::InvalidLink)?);
        frame.next = nib + 1;
        self.stack.grow(gap)?.fill(EMPTY_STRING);
        self.stack.put(node.as_slice())
    }

    /// Closes the top branch: missing children, value, list header; returns its reference.
    fn close_top(&mut self) -> Result<NodeRef, Error> {
        let frame = self.frames.pop().ok_or(Error::InvalidLink)?;
        self.stack
            .grow(16 - usize::from(frame.next.min(16)))?
            .fill(EMPTY_STRING);
        let value_at = frame.base + HEADER_ROOM;
        if frame.children == value_at {
            self.stack.put(&[EMPTY_STRING])?;
        } else {
            let end = self.stack.len;
            self.stack.grow(frame.children - value_at)?;
            self.stack.buf.copy_within(value_at..frame.children, end);
        }
        let payload = self.stack.len - frame.children;
        // The header goes right before the children, over the (copied) value or into the room.
        let start = frame.children - rlp::header_len(payload);
        let header = self
            .stack
            .buf
            .get_mut(start..frame.children)
            .ok_or(Error::InvalidLink)?;
        rlp::put_list_header(&mut SliceVec::new(header), payload)?;
        let node = self
            .stack
            .buf
            .get(start..self.stack.len)
            .ok_or(Error::InvalidLink)?;
        let node = NodeRef::from_encoding(node);
        self.stack.len = frame.base;
        Ok(node)
    }

    /// The reference of `sub` as a node starting at nibble `start` of the pending key:
    /// the leaf, or an extension to the branch (the branch itself when it starts there).
    fn sub_ref(&self, sub: Sub, start: usize) -> Result<NodeRef, Error> {
        let (end, leaf, tail) = match &sub {
            Sub::Leaf => (
                2 * self.key_len,
                true,
                self.value.get(..self.value_len).unwrap_or(&[]),
            ),
            Sub::Branch(node, depth) if *depth == start => return Ok(*node),
            Sub::Branch(node, depth) => (*depth, false, node.as_slice()),
        };
        let path = self.nibbles.get(start..end).ok_or(Error::InvalidLink)?;
        let mut compact = [0u8; MAX_KEY_BYTES + 1];
        let compact_len = encode_compact(path, leaf, &mut compact);
        let compact = compact.get(..compact_len).unwrap_or(&[]);
        // A leaf's value is a string item; an extension's child reference is already RLP.
        let tail_len = if leaf {
            rlp::bytes_len(tail)
        } else {
            tail.len()
        };
        let mut buf = [0u8; SHORT_NODE_BYTES];
        let mut out = SliceVec::new(&mut buf);
        rlp::put_list_header(&mut out, rlp::bytes_len(compact) + tail_len)?;
        rlp::put_bytes(&mut out, compact)?;
        if leaf {
            rlp::put_bytes(&mut out, tail)?;
        } else {
            out.put(tail)?;
        }
        Ok(NodeRef::from_encoding(out.as_slice()))
    }
}

/// Nibbles shared by the starts of `a` and `b`.
fn shared_nibbles(a: &[u8], b: &[u8]) -> usize {
    let bytes = common_prefix(a, b);
    match (a.get(bytes), b.get(bytes)) {
        (Some(x), Some(y)) if x >> 4 == y >> 4 => 2 * bytes + 1,
        _ => 2 * bytes,
    }
}
