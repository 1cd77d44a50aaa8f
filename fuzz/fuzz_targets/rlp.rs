//! Fuzz target `rlp`: strict RLP decoding of arbitrary bytes; whatever decodes re-encodes to the same bytes, and its scalars round-trip.
#![no_main]

use evm_state::rlp::{self, Encodable, Item};
use libfuzzer_sys::fuzz_target;

/// Re-encode a decoded item from its parts (recursion is bounded by the
/// decoder's depth limit, `MAX_RLP_DEPTH`).
fn reencode(item: &Item<'_>, out: &mut Vec<u8>) {
    if item.is_list() {
        let mut payload = Vec::new();
        for child in item.list().expect("a list") {
            reencode(
                &child.expect("validated lists have valid items"),
                &mut payload,
            );
        }
        rlp::put_list_header(out, payload.len()).expect("a Vec sink");
        out.extend_from_slice(&payload);
    } else {
        rlp::put_bytes(out, item.bytes().expect("a string")).expect("a Vec sink");
    }
}

/// Scalars that decode must re-encode to the item.
fn check_scalars(item: &Item<'_>) {
    if let Ok(v) = item.u64() {
        assert_eq!(rlp::to_vec(&v), item.raw(), "u64 {v}");
    }
    if let Ok(v) = item.u256() {
        assert_eq!(rlp::to_vec(&v), item.raw(), "u256 {v}");
    }
    if let Ok(bytes) = item.bytes() {
        assert_eq!(rlp::to_vec(bytes), item.raw());
        assert_eq!(rlp::bytes_len(bytes), item.raw().len());
        assert!(bytes.encoded_len() == item.raw().len());
    }
}

fuzz_target!(|data: &[u8]| {
    let strict = rlp::decode(data);
    assert_eq!(strict.is_ok(), rlp::validate(data).is_ok());
    // The shallow decoders never panic and agree with the strict one where it succeeds.
    let shallow = rlp::decode_shallow(data);
    let _ = rlp::decode_prefix(data);
    if let Ok(item) = strict {
        assert_eq!(shallow, Ok(item));
        assert_eq!(item.raw(), data);
        let mut again = Vec::new();
        reencode(&item, &mut again);
        assert_eq!(again, data, "re-encoding differs");
        check_scalars(&item);
        if let Ok(list) = item.list() {
            for child in list {
                check_scalars(&child.expect("validated"));
            }
        }
    }
    // Walking a list whose items were not validated must not panic either.
    if let Ok(item) = shallow {
        if let Ok(list) = item.list() {
            let mut items = [Item::default(); 17];
            let _ = list.clone().collect_into(&mut items);
            for child in list.take(64).flatten() {
                let _ = (
                    child.u64(),
                    child.u256(),
                    child.array::<32>(),
                    rlp::validate(child.raw()),
                );
            }
        }
    }
});
