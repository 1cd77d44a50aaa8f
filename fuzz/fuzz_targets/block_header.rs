//! Fuzz target `block_header`: block-header decoding (`header_info`, `find_header`) on arbitrary chain bytes and on headers built from arbitrary fields.
#![no_main]

use evm_state::block::{find_header, header_info};
use evm_state::rlp;
use libfuzzer_sys::fuzz_target;
use zkevm_fuzz::Reader;

fn list(items: &[Vec<u8>]) -> Vec<u8> {
    let payload = items.concat();
    let mut out = Vec::new();
    rlp::put_list_header(&mut out, payload.len()).expect("a Vec sink");
    out.extend_from_slice(&payload);
    out
}

fn raw(data: &[u8]) {
    let mut r = Reader::new(data);
    let number = r.u64();
    let chain = r.rest();
    if let Ok(item) = rlp::decode(chain) {
        if let Ok(info) = header_info(item) {
            assert_eq!(info.hash, evm_state::keccak256(chain));
        }
    }
    if let Ok(Some(info)) = find_header(chain, number) {
        assert_eq!(info.number, number);
    }
}

fn built(data: &[u8]) {
    let mut r = Reader::new(data);
    let count = 9 + usize::from(r.u8() % 8);
    let mut fields = Vec::new();
    let mut state_root = None;
    let mut number = None;
    for i in 0..count {
        let field = match (i, r.u8() % 8) {
            // A nested list where a field should be.
            (_, 0) => list(&[rlp::to_vec(r.bytes(40))]),
            (3, _) => {
                let root: [u8; 32] = r.array();
                state_root = Some(root);
                rlp::to_vec(&root)
            }
            (8, _) => {
                let n = r.u64();
                number = Some(n);
                rlp::to_vec(&n)
            }
            _ => rlp::to_vec(r.bytes(300)),
        };
        fields.push(field);
    }
    let header = list(&fields);
    let item = rlp::decode(&header).expect("a built header is canonical RLP");
    let info = header_info(item);
    if let (Some(state_root), Some(number)) = (state_root, number) {
        let info = info.expect("a well-formed header decodes");
        assert_eq!((info.state_root, info.number), (state_root, number));
        assert_eq!(info.hash, evm_state::keccak256(&header));
        // The same header in a chain of blocks `[header, txs, uncles]`.
        let block = list(&[header.clone(), vec![0xc0], vec![0xc0]]);
        let mut chain = block.clone();
        chain.extend_from_slice(&block);
        assert_eq!(find_header(&chain, number), Ok(Some(info)));
    }
}

fuzz_target!(|data: &[u8]| match data.split_first() {
    Some((mode, rest)) if mode % 2 == 1 => built(rest),
    _ => raw(data),
});
