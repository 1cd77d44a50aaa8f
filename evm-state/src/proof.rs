//! Merkle proof verification without allocation: a key's value (or absence) under a root, and EIP-1186 account/storage proofs.

use crate::account::{decode_storage_value, storage_key, Account};
use crate::error::Error;
use crate::limits::{MAX_KEY_NIBBLES, MAX_PROOF_NODES, MAX_TRIE_DEPTH};
use crate::nibbles::to_nibbles;
use crate::node::{decode_node, RawChild, RawNode};
use crate::types::{keccak256, Address, B256, EMPTY_ROOT, U256};

enum Want<'a> {
    Hash(B256),
    Inline(&'a [u8]),
}

/// Verifies that `proof` (encoded nodes, root first) proves `key` under `root`.
///
/// Returns the value (borrowed from the proof) or `None` when the proof shows
/// the key is absent. Every node must hash to the reference its parent gives,
/// and every node must be used.
pub fn verify<'a>(root: &B256, key: &[u8], proof: &[&'a [u8]]) -> Result<Option<&'a [u8]>, Error> {
    if proof.len() > MAX_PROOF_NODES {
        return Err(Error::UnusedProofNodes {
            got: proof.len() - MAX_PROOF_NODES,
        });
    }
    if proof.is_empty() {
        return if *root == EMPTY_ROOT {
            Ok(None)
        } else {
            Err(Error::ProofIncomplete { got: 0 })
        };
    }
    let mut nib = [0u8; MAX_KEY_NIBBLES];
    let n = to_nibbles(key, &mut nib)?;
    let mut k = nib.get(..n).unwrap_or(&[]);
    let mut want = Want::Hash(*root);
    let mut used = 0usize;
    let mut result = None;
    let mut finished = false;
    for _ in 0..MAX_TRIE_DEPTH {
        let node = match want {
            Want::Hash(h) => {
                let node = *proof
                    .get(used)
                    .ok_or(Error::ProofIncomplete { got: used })?;
                if keccak256(node) != h {
                    return Err(Error::HashMismatch { index: used });
                }
                // Only the root may be shorter than 32 bytes: others would be inline.
                if used > 0 && node.len() < 32 {
                    return Err(Error::InvalidReference { got: node.len() });
                }
                used += 1;
                node
            }
            Want::Inline(raw) => raw,
        };
        let next = match decode_node(node)? {
            RawNode::Leaf { path, value } => {
                if path.as_slice() == k {
                    result = Some(value);
                }
                None
            }
            RawNode::Extension { path, child } => match k.strip_prefix(path.as_slice()) {
                Some(rest) => {
                    k = rest;
                    Some(child)
                }
                None => None,
            },
            RawNode::Branch { children, value } => match k.split_first() {
                None => {
                    result = value;
                    None
                }
                Some((&first, rest)) => {
                    k = rest;
                    children.get(usize::from(first)).copied()
                }
            },
        };
        want = match next {
            None | Some(RawChild::Empty) => {
                finished = true;
                break;
            }
            Some(RawChild::Hash(h)) => Want::Hash(*h),
            Some(RawChild::Inline(raw)) => Want::Inline(raw),
        };
    }
    if !finished {
        return Err(Error::PathTooDeep {
            limit: MAX_TRIE_DEPTH,
        });
    }
    if used != proof.len() {
        return Err(Error::UnusedProofNodes {
            got: proof.len() - used,
        });
    }
    Ok(result)
}

/// Verifies an EIP-1186 account proof: the account at `address` under `state_root`, or `None`.
pub fn verify_account(
    state_root: &B256,
    address: &Address,
    proof: &[&[u8]],
) -> Result<Option<Account>, Error> {
    match verify(state_root, &keccak256(address), proof)? {
        Some(rlp) => Account::decode(rlp).map(Some),
        None => Ok(None),
    }
}

/// Verifies an EIP-1186 storage proof: the value of `slot` under `storage_root` (zero when absent).
pub fn verify_storage(storage_root: &B256, slot: &U256, proof: &[&[u8]]) -> Result<U256, Error> {
    match verify(storage_root, &storage_key(slot), proof)? {
        Some(rlp) => decode_storage_value(rlp),
        None => Ok(U256::ZERO),
    }
}

/// One storage proof of an EIP-1186 response.
#[derive(Debug, Clone, Copy)]
pub struct StorageProof<'a> {
    /// The slot.
    pub slot: U256,
    /// Encoded nodes, storage root first.
    pub proof: &'a [&'a [u8]],
}

/// Verifies a whole EIP-1186 response: the account, then each storage proof under its
/// storage root. Writes each slot's proven value into `values` (same order as `storage`)
/// and returns the proven account (`None`: proven absent, all slots zero).
pub fn verify_eip1186(
    state_root: &B256,
    address: &Address,
    account_proof: &[&[u8]],
    storage: &[StorageProof<'_>],
    values: &mut [U256],
) -> Result<Option<Account>, Error> {
    if values.len() < storage.len() {
        return Err(Error::BufferFull {
            capacity: values.len(),
        });
    }
    let account = verify_account(state_root, address, account_proof)?;
    let storage_root = account.map_or(EMPTY_ROOT, |a| a.storage_root);
    for (sp, out) in storage.iter().zip(values.iter_mut()) {
        *out = verify_storage(&storage_root, &sp.slot, sp.proof)?;
    }
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trie::MemTrie;
    use proptest::prelude::*;

    fn build(entries: &[(B256, Vec<u8>)]) -> MemTrie {
        let mut t = MemTrie::new();
        for (k, v) in entries {
            t.insert(k, v).unwrap();
        }
        t
    }

    #[test]
    fn empty_trie_proves_absence_with_no_nodes() {
        assert_eq!(verify(&EMPTY_ROOT, &[1; 32], &[]), Ok(None));
        assert_eq!(
            verify(&[1; 32], &[1; 32], &[]),
            Err(Error::ProofIncomplete { got: 0 })
        );
    }

    #[test]
    fn extra_and_missing_nodes_are_rejected() {
        let entries: Vec<_> = (0u8..30)
            .map(|i| (keccak256(&[i]), vec![i + 1; 40]))
            .collect();
        let mut t = build(&entries);
        let root = t.root_hash().unwrap();
        let key = entries[3].0;
        let proof = t.proof(&key).unwrap();
        let refs: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
        assert_eq!(verify(&root, &key, &refs).unwrap(), Some(&entries[3].1[..]));
        let mut extra = refs.clone();
        extra.push(refs[0]);
        assert_eq!(
            verify(&root, &key, &extra),
            Err(Error::UnusedProofNodes { got: 1 })
        );
        let short = &refs[..refs.len() - 1];
        assert!(matches!(
            verify(&root, &key, short),
            Err(Error::ProofIncomplete { .. })
        ));
    }

    proptest! {
        /// Arbitrary bytes as proof nodes, under their own hash as the root: never a panic.
        #[test]
        fn junk_proofs_never_panic(
            nodes in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 0..4),
            key in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let refs: Vec<&[u8]> = nodes.iter().map(Vec::as_slice).collect();
            let root = refs.first().map_or(EMPTY_ROOT, |n| keccak256(n));
            let _ = verify(&root, &key, &refs);
            let _ = verify_account(&root, &[0; 20], &refs);
            let _ = verify_storage(&root, &U256::from(1u64), &refs);
        }

        /// Every key's proof from our trie verifies; an absent key's proof proves absence;
        /// every single-byte change to a proof is rejected.
        #[test]
        fn proofs_verify_and_tampering_fails(
            seeds in proptest::collection::btree_set(any::<u16>(), 1..60),
            probe in any::<u16>(),
            flip in any::<(usize, usize, u8)>(),
        ) {
            let entries: Vec<_> = seeds.iter().map(|s| (keccak256(&s.to_be_bytes()), s.to_be_bytes().to_vec())).collect();
            let mut t = build(&entries);
            let root = t.root_hash().unwrap();
            for (k, v) in &entries {
                let proof = t.proof(k).unwrap();
                let refs: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
                prop_assert_eq!(verify(&root, k, &refs).unwrap(), Some(&v[..]));
            }
            let absent = keccak256(&probe.to_be_bytes());
            let proof = t.proof(&absent).unwrap();
            let refs: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
            let expected = if seeds.contains(&probe) { Some(probe.to_be_bytes().to_vec()) } else { None };
            prop_assert_eq!(verify(&root, &absent, &refs).unwrap().map(<[u8]>::to_vec), expected);
            // Tamper with one byte of one node.
            let (k, v) = &entries[flip.0 % entries.len()];
            let mut proof = t.proof(k).unwrap();
            let node = flip.1 % proof.len();
            let byte = flip.1 % proof[node].len();
            let delta = flip.2.max(1);
            proof[node][byte] ^= delta;
            let refs: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
            match verify(&root, k, &refs) {
                Err(_) => {}
                Ok(got) => prop_assert_eq!(got, Some(&v[..]), "tampered proof proved something else"),
            }
        }
    }
}
