//! Root of a set of entries without building a trie: sort, then stream through `StreamRoot`.

use crate::error::Error;
use crate::types::{keccak256, B256};

/// Root of the trie holding `entries` (later duplicates win; empty values are absent).
///
/// Sorts the entries by key (bytewise, which is nibble order) and streams them
/// through a [`StreamRoot`](crate::stream_root::StreamRoot); no trie is built.
pub fn root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<B256, Error> {
    sorted_root(entries.into_iter().collect())
}

/// Root of the "secure" trie: each key replaced by its keccak-256 hash.
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
fn key_order(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    match (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        (Some(x), Some(y)) => u64::from_be_bytes(*x)
            .cmp(&u64::from_be_bytes(*y))
            .then_with(|| a.cmp(b)),
        _ => a.cmp(b),
    }
}

/// Sorts `entries` by key, keeps the last of equal keys, drops empty values and streams the rest.
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
    use crate::types::EMPTY_ROOT;

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
}
