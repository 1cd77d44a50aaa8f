//! Node encoding: the RLP of an arena node, with its children as inline or hashed references.

use super::arena::{Node, Trie};
use super::link::{Link, LinkKind, NodeRef};
use crate::error::Error;
use crate::limits::MAX_NODE_BYTES;
use crate::rlp::{self, Sink, SliceVec};
use crate::store::Store;

impl<S: Store> Trie<S> {
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
    pub(super) fn encode(&self, id: u32, buf: &mut [u8; MAX_NODE_BYTES]) -> Result<usize, Error> {
        let mut sink = SliceVec::new(buf);
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
}
