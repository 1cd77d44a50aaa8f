//! Conformance runs over the shared Ethereum fixtures (RLPTests, TrieTests, mainnet genesis, eth_getProof).
//!
//! The readers are `zkevm-fixtures`', the same code behind `zkevm trietest`,
//! `zkevm rlptest`, `state-root` and `verify-proof`. The fixtures are read
//! from `../shared/fixtures` (or `$ZKEVM_FIXTURES`); when they are absent each
//! test fails with how to get them.

// Test helpers outside `#[test]` functions: a failed fixture read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use zkevm_fixtures::get_proof::{proof_fixtures, verify_response, ProofFixture};
use zkevm_fixtures::hex::{hex, unhex};
use zkevm_fixtures::runner::{json_files, run_files, Tally};
use zkevm_fixtures::{genesis, rlp, trie};

/// `relative` under the fixtures directory; missing, the test fails with how to get it.
fn fixture(relative: &str) -> PathBuf {
    zkevm_fixtures::require(relative).unwrap_or_else(|e| panic!("{e}"))
}

fn check(tally: &Tally, at_least: usize) {
    println!("{}", tally.summary());
    for f in &tally.failures {
        println!("FAIL {f}");
    }
    assert_eq!(tally.failed, 0, "{:#?}", tally.failures);
    assert!(tally.passed >= at_least, "only {} cases ran", tally.passed);
}

#[test]
fn rlp_tests_pass() {
    let tally = run_files(&[fixture("ethereum-tests/RLPTests")], rlp::rlp_file).unwrap();
    check(&tally, 55);
}

#[test]
fn trie_tests_pass() {
    let trie_dir = fixture("ethereum-tests/TrieTests");
    let files = json_files(std::slice::from_ref(&trie_dir)).unwrap();
    assert_eq!(files.len(), 6, "expected the six TrieTests files");
    let tally = run_files(&[trie_dir], trie::trie_file).unwrap();
    check(&tally, 26);
}

#[test]
fn mainnet_genesis_state_root() {
    let text = std::fs::read_to_string(fixture("execution-specs/mainnet.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let state = genesis::state_from_alloc(&json).unwrap();
    assert_eq!(state.accounts().count(), 8893);
    assert_eq!(
        hex(&state.state_root()),
        "0xd7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"
    );
}

fn proof_fixtures_54() -> Vec<ProofFixture> {
    proof_fixtures(&fixture("execution-apis/eth_getProof")).unwrap()
}

/// Block 54's state root, read from chain.rlp with our decoder, cross-checked
/// against the block hash one of the requests names.
fn block_54_root() -> [u8; 32] {
    let header = zkevm_fixtures::chain::header(&fixture("execution-apis/chain.rlp"), 54).unwrap();
    let request = std::fs::read_to_string(fixture(
        "execution-apis/eth_getProof/get-account-proof-blockhash.io",
    ))
    .unwrap();
    assert!(
        request.contains(&hex(&header.hash)),
        "block 54's hash is not the one the blockhash request names"
    );
    header.state_root
}

#[test]
fn eth_get_proof_responses_verify_against_block_54() {
    let root = block_54_root();
    let fixtures = proof_fixtures_54();
    assert_eq!(fixtures.len(), 4);
    for f in &fixtures {
        let summary =
            verify_response(&f.result, &root).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        let account = summary.account.expect("the account exists");
        assert_eq!(
            account.balance,
            evm_state::U256::from(0x76u64),
            "{}",
            f.name
        );
        if f.name.contains("with-storage") {
            assert_eq!(
                summary.slots,
                vec![(evm_state::U256::ZERO, evm_state::U256::from(0x38u64))]
            );
        }
        // Against any other root the same proof fails.
        let mut wrong = root;
        wrong[31] ^= 1;
        assert!(verify_response(&f.result, &wrong).is_err());
    }
}

fn flip_every_byte(
    result: &serde_json::Value,
    field: &mut dyn FnMut(&mut serde_json::Value) -> Option<&mut Vec<serde_json::Value>>,
    mut check: impl FnMut(serde_json::Value),
) -> usize {
    let mut count = 0;
    let mut probe = result.clone();
    let n_nodes = field(&mut probe).map_or(0, |v| v.len());
    for node in 0..n_nodes {
        let original = field(&mut probe).unwrap()[node]
            .as_str()
            .unwrap()
            .to_string();
        let bytes = unhex(&original).unwrap();
        for i in 0..bytes.len() {
            for delta in [0x01u8, 0x80] {
                let mut altered = bytes.clone();
                altered[i] ^= delta;
                let mut r = result.clone();
                field(&mut r).unwrap()[node] = serde_json::Value::String(hex(&altered));
                check(r);
                count += 1;
            }
        }
    }
    count
}

#[test]
fn every_altered_proof_byte_is_rejected() {
    let root = block_54_root();
    let mut total = 0;
    for f in proof_fixtures_54() {
        let good = verify_response(&f.result, &root).unwrap();
        let mut check = |r: serde_json::Value| match verify_response(&r, &root) {
            Err(_) => {}
            Ok(s) => assert_eq!(
                s, good,
                "{}: an altered proof proved something else",
                f.name
            ),
        };
        total += flip_every_byte(
            &f.result,
            &mut |r| r["accountProof"].as_array_mut(),
            &mut check,
        );
        total += flip_every_byte(
            &f.result,
            &mut |r| {
                r["storageProof"]
                    .get_mut(0)
                    .and_then(|s| s["proof"].as_array_mut())
            },
            &mut check,
        );
        // Claims that differ from what the proof shows are rejected.
        for (field, value) in [("balance", "0x77"), ("nonce", "0x1")] {
            let mut r = f.result.clone();
            r[field] = serde_json::Value::String(value.into());
            assert!(
                verify_response(&r, &root).is_err(),
                "{}: false {field} accepted",
                f.name
            );
        }
        if f.name.contains("with-storage") {
            let mut r = f.result.clone();
            r["storageProof"][0]["value"] = serde_json::Value::String("0x39".into());
            assert!(verify_response(&r, &root).is_err());
        }
    }
    println!("{total} altered proofs checked");
    assert!(total > 5000, "{total}");
}

#[test]
fn witness_state_from_a_real_eth_get_proof() {
    use evm_state::limits::{witness_bytes, witness_slots, witness_slots_at_depth};
    use evm_state::store::ArrayStore;
    use evm_state::{Error, WitnessState, U256};

    let root = block_54_root();
    let f = proof_fixtures_54()
        .into_iter()
        .find(|f| f.name.contains("with-storage"))
        .unwrap();
    let node_list = |v: &serde_json::Value| -> Vec<Vec<u8>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| unhex(n.as_str().unwrap()).unwrap())
            .collect()
    };
    let mut nodes = node_list(&f.result["accountProof"]);
    nodes.extend(node_list(&f.result["storageProof"][0]["proof"]));
    let address: [u8; 20] = unhex(f.result["address"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let proof_bytes: usize = nodes.iter().map(Vec::len).sum();

    // The arena sized by the documented bound for these nodes and 4 writes.
    const NODES: usize = 6;
    const SLOTS: usize = witness_slots(NODES, 0, 4);
    // The tighter bound for paths of at most 3 + 2*4 nodes must also hold.
    const SLOTS_AT_DEPTH: usize = witness_slots_at_depth(NODES, 0, 4, 3 + 2 * 4);
    const BYTES: usize = witness_bytes(2048, 4);
    assert!(nodes.len() <= NODES && proof_bytes <= 2048);
    let mut w: Box<WitnessState<'_, ArrayStore<SLOTS, BYTES>>> =
        Box::new(WitnessState::new(ArrayStore::new(), &root).unwrap());
    for n in &nodes {
        w.load_node(n).unwrap();
    }
    let (slots_loaded, bytes_loaded) = w.arena_usage();
    let account = w.get_account(&address).unwrap().unwrap();
    assert_eq!(account.balance, U256::from(0x76u64));
    assert_eq!(
        w.get_storage(&address, &U256::ZERO).unwrap(),
        U256::from(0x38u64)
    );
    // Other accounts: proven absent or a typed miss, never a made-up account.
    let mut misses = 0;
    for i in 0..64u8 {
        match w.get_account(&[i; 20]) {
            Err(Error::MissingWitness { .. }) => misses += 1,
            Ok(None) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(misses > 0);
    // Writing the same value keeps the root; a change and its undo return to it.
    w.set_storage(&address, &U256::ZERO, &U256::from(0x38u64))
        .unwrap();
    assert_eq!(w.state_root().unwrap(), root);
    w.set_storage(&address, &U256::ZERO, &U256::from(0x39u64))
        .unwrap();
    let changed = w.state_root().unwrap();
    assert_ne!(changed, root);
    assert_eq!(
        w.get_storage(&address, &U256::ZERO).unwrap(),
        U256::from(0x39u64)
    );
    w.set_storage(&address, &U256::ZERO, &U256::from(0x38u64))
        .unwrap();
    assert_eq!(w.state_root().unwrap(), root);
    w.set_account(&address, Some(&account.info())).unwrap();
    assert_eq!(w.state_root().unwrap(), root);
    let (slots_after, bytes_after) = w.arena_usage();
    assert!(slots_after <= SLOTS_AT_DEPTH && bytes_after <= BYTES);
    println!(
        "witness: {} nodes, {proof_bytes} proof bytes -> {slots_loaded} slots, {bytes_loaded} pool bytes; \
         after 4 writes {slots_after} slots, {bytes_after} pool bytes; arena {SLOTS} slots x {} B + {BYTES} B",
        nodes.len(),
        std::mem::size_of::<evm_state::trie::Slot>()
    );
}
