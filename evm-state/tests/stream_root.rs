//! `StreamRoot` against `alloy-trie`'s `HashBuilder` and our insertion trie; its error cases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use alloy_trie::{HashBuilder, Nibbles};
use evm_state::limits::MAX_VALUE_BYTES;
use evm_state::stream_root::StreamRoot;
use evm_state::trie::{secure_root, MemTrie};
use evm_state::{keccak256, Error, EMPTY_ROOT};
use proptest::prelude::*;

type Entries = BTreeMap<Vec<u8>, Vec<u8>>;

fn alloy_root(entries: &Entries) -> [u8; 32] {
    let mut hb = HashBuilder::default();
    for (k, v) in entries {
        hb.add_leaf(Nibbles::unpack(k), v);
    }
    hb.root().0
}

fn stream(entries: &Entries) -> Result<[u8; 32], Error> {
    let mut b: Box<StreamRoot> = Box::default();
    for (k, v) in entries {
        b.add(k, v)?;
    }
    b.root()
}

fn trie_root(entries: &Entries) -> [u8; 32] {
    let mut t = MemTrie::new();
    for (k, v) in entries {
        t.insert(k, v).unwrap();
    }
    t.root_hash().unwrap()
}

/// Bytes from a small alphabet, so keys share long prefixes (down to single nibbles).
fn key_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(0x00),
        Just(0x01),
        Just(0x10),
        Just(0x11),
        Just(0xf0),
        any::<u8>()
    ]
}

/// Short values (nodes under 32 bytes embed in their parent), account-sized and the longest.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..4),
        proptest::collection::vec(any::<u8>(), 1..40),
        proptest::collection::vec(any::<u8>(), 70..111),
        proptest::collection::vec(any::<u8>(), MAX_VALUE_BYTES - 4..=MAX_VALUE_BYTES),
    ]
}

/// Same-length keys (none a prefix of another, as `HashBuilder` needs), 0 to 80 of them.
fn same_length_sets() -> impl Strategy<Value = Entries> {
    (1usize..=32).prop_flat_map(|len| {
        proptest::collection::btree_map(proptest::collection::vec(key_byte(), len), value(), 0..80)
    })
}

/// Keys of mixed lengths, many of them prefixes of others (values in branches).
fn mixed_length_sets() -> impl Strategy<Value = Entries> {
    proptest::collection::btree_map(
        proptest::collection::vec(prop_oneof![Just(0x00), Just(0x12), any::<u8>()], 0..6),
        value(),
        0..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matches_alloy_trie(entries in same_length_sets()) {
        prop_assert_eq!(stream(&entries).unwrap(), alloy_root(&entries));
    }

    #[test]
    fn matches_the_insertion_trie_with_prefix_keys(entries in mixed_length_sets()) {
        prop_assert_eq!(stream(&entries).unwrap(), trie_root(&entries));
    }

    /// `secure_root` (hash, sort, stream) against alloy-trie fed the sorted hashed keys.
    #[test]
    fn secure_root_matches_alloy_trie(
        entries in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..40), value()), 0..100)
    ) {
        // Later duplicates win, as in `secure_root`.
        let hashed: Entries = entries.iter().map(|(k, v)| (keccak256(k).to_vec(), v.clone())).collect();
        prop_assert_eq!(secure_root(entries.iter().map(|(k, v)| (k, v))).unwrap(), alloy_root(&hashed));
    }

    /// Any sequence of adds: the root is right when the keys increase, and otherwise the
    /// offending add is refused, the builder unchanged, and never a panic.
    #[test]
    fn refused_adds_leave_the_builder_unchanged(
        adds in proptest::collection::vec((proptest::collection::vec(0u8..3, 0..4), value()), 0..30)
    ) {
        let mut b: Box<StreamRoot> = Box::default();
        let mut accepted = Entries::new();
        for (k, v) in &adds {
            let last = accepted.keys().next_back().cloned();
            match b.add(k, v) {
                Ok(()) => {
                    prop_assert!(last.as_ref().is_none_or(|l| k > l));
                    accepted.insert(k.clone(), v.clone());
                }
                Err(Error::DuplicateKey) => prop_assert_eq!(Some(k), last.as_ref()),
                Err(Error::UnsortedKey) => prop_assert!(last.is_some_and(|l| *k < l)),
                Err(e) => prop_assert!(false, "unexpected {:?}", e),
            }
        }
        prop_assert_eq!(b.root().unwrap(), trie_root(&accepted));
    }
}

#[test]
fn empty_single_and_known_roots() {
    assert_eq!(stream(&Entries::new()).unwrap(), EMPTY_ROOT);
    // A single leaf: the root node is hashed even when under 32 bytes.
    for (k, v) in [(&b""[..], &b"x"[..]), (b"k", b"v"), (&[7; 32], &[9; 200])] {
        let one = Entries::from([(k.to_vec(), v.to_vec())]);
        assert_eq!(stream(&one).unwrap(), trie_root(&one));
    }
    // ethereum/tests trieanyorder "puppy": keys that are prefixes of others.
    let puppy: Entries = [
        ("do", "verb"),
        ("dog", "puppy"),
        ("doge", "coin"),
        ("horse", "stallion"),
    ]
    .iter()
    .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
    .collect();
    assert_eq!(
        hex(&stream(&puppy).unwrap()),
        "5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84"
    );
}

#[test]
fn out_of_order_and_duplicate_keys_are_typed_errors() {
    let mut b: Box<StreamRoot> = Box::default();
    b.add(&[0x20], b"a").unwrap();
    assert_eq!(b.add(&[0x20], b"b"), Err(Error::DuplicateKey));
    assert_eq!(b.add(&[0x1f, 0xff], b"b"), Err(Error::UnsortedKey));
    // A prefix sorts before the longer key.
    assert_eq!(b.add(&[], b"b"), Err(Error::UnsortedKey));
    b.add(&[0x20, 0x00], b"c").unwrap();
    assert_eq!(b.add(&[0x20], b"d"), Err(Error::UnsortedKey));
    assert!(matches!(
        b.add(&[0x21], b""),
        Err(Error::BadValueLength { got: 0, .. })
    ));
    assert!(matches!(
        b.add(&[0x21], &[1; MAX_VALUE_BYTES + 1]),
        Err(Error::BadValueLength { got: 257, .. })
    ));
    assert!(matches!(
        b.add(&[0x21; 33], b"e"),
        Err(Error::KeyTooLong { got: 33, .. })
    ));
    // None of the refused adds changed the result.
    let expected = Entries::from([
        (vec![0x20], b"a".to_vec()),
        (vec![0x20, 0x00], b"c".to_vec()),
    ]);
    assert_eq!(b.root().unwrap(), trie_root(&expected));
    // `root` empties the builder.
    assert_eq!(b.root().unwrap(), EMPTY_ROOT);
}

#[test]
fn a_small_byte_stack_fails_typed_and_stays_failed() {
    // Room for the header and a few references, not for a 16-way branch of hashes.
    let mut b: StreamRoot<64> = StreamRoot::new();
    let mut result = Ok(());
    for i in 0u8..=255 {
        result = b.add(&[i; 32], &[1; 40]);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(Error::BufferFull { capacity: 64 }));
    assert_eq!(
        b.add(&[0xff; 32], b"x"),
        Err(Error::BufferFull { capacity: 64 })
    );
    assert_eq!(b.root(), Err(Error::BufferFull { capacity: 64 }));
}

#[test]
fn deep_keys_fit_the_default_stack() {
    // Every byte depth holds a branch value and 15 hashed children: keys 0^d ‖ n ‖ filler
    // for each depth d and nibble n, and the all-zero prefixes as values.
    let mut entries = Entries::new();
    for d in 0..30 {
        entries.insert(vec![0; d], vec![0xaa; MAX_VALUE_BYTES]);
        for n in 1..=255u8 {
            let mut k = vec![0; d];
            k.push(n);
            k.extend_from_slice(&[0xbb; 2]);
            entries.insert(k, vec![0xcc; 100]);
        }
    }
    assert_eq!(stream(&entries).unwrap(), trie_root(&entries));
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
