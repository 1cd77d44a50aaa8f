//! End to end: the real EVM (`evm-core`) runs a transaction on a witness-backed state,
//! and the post-state root computed from the witness equals the full state's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use evm_core::{AccountChange, BlockEnv, Evm, HeapBuffers, Limits, TxEnv};
use evm_state::store::VecStore;
use evm_state::{AccountInfo, Address, Error, InMemoryState, WitnessState, U256};

const SENDER: Address = [0xa1; 20];
const CONTRACT: Address = [0xc0; 20];
const COINBASE: Address = [0xcb; 20];

/// slot0 += 1; slot1 = 0 (a delete that collapses the storage trie); stop.
const CODE: [u8; 16] = [
    0x60, 0x01, 0x60, 0x00, 0x54, 0x01, 0x60, 0x00, 0x55, // sstore(0, sload(0) + 1)
    0x60, 0x00, 0x60, 0x01, 0x55, // sstore(1, 0)
    0x00, 0x00,
];

fn pre_state() -> InMemoryState {
    let mut s = InMemoryState::new();
    s.insert_account(
        SENDER,
        AccountInfo {
            balance: U256::from(10u64).pow(U256::from(18u64)),
            ..AccountInfo::default()
        },
    );
    s.insert_account(CONTRACT, AccountInfo::default());
    s.set_code(CONTRACT, CODE.to_vec());
    s.set_storage(CONTRACT, U256::from(0u64), U256::from(5u64));
    s.set_storage(CONTRACT, U256::from(1u64), U256::from(7u64));
    // Unrelated accounts so the state trie has real branches.
    for i in 0..50u8 {
        s.insert_account(
            [i; 20],
            AccountInfo {
                nonce: 1,
                ..AccountInfo::default()
            },
        );
    }
    s
}

fn block() -> BlockEnv {
    BlockEnv {
        number: 1,
        coinbase: COINBASE,
        timestamp: 1000,
        gas_limit: 30_000_000,
        base_fee: U256::from(7u64),
        prev_randao: [0; 32],
        excess_blob_gas: 0,
        chain_id: 1,
    }
}

fn tx() -> TxEnv<'static> {
    TxEnv {
        caller: SENDER,
        to: Some(CONTRACT),
        value: U256::from(3u64),
        data: &[],
        gas_limit: 100_000,
        nonce: 0,
        max_fee_per_gas: U256::from(10u64),
        max_priority_fee_per_gas: Some(U256::from(2u64)),
        access_list: &[],
        blob_hashes: &[],
        max_fee_per_blob_gas: None,
        authorization_list: None,
    }
}

type Changes = (Vec<AccountChange<'static>>, Vec<(Address, U256, U256)>);

/// Runs the transaction on `state`, returning its changes (deployed code dropped: none here).
fn run<S: evm_core::State>(state: S) -> Changes
where
    S::Error: core::fmt::Debug,
{
    let mut bufs = HeapBuffers::new(&Limits::HOST);
    let mut evm = Evm::new(state, bufs.buffers());
    let outcome = evm.transact(&block(), &tx()).unwrap();
    assert!(outcome.gas_used > 21_000, "{outcome:?}");
    let changes = evm
        .changes()
        .map(|c| match c {
            AccountChange::Deleted(a) => AccountChange::Deleted(a),
            AccountChange::Updated {
                address,
                info,
                storage_cleared,
                ..
            } => AccountChange::Updated {
                address,
                info,
                code: None,
                storage_cleared,
            },
        })
        .collect();
    (changes, evm.storage_changes().collect())
}

#[test]
fn evm_on_a_witness_gives_the_full_states_post_root() {
    let pre = pre_state();
    let pre_root = pre.state_root();

    // Host side: cut the witness (proofs of what the transaction touches).
    let slots = [U256::from(0u64), U256::from(1u64)];
    let mut nodes: Vec<Vec<u8>> = Vec::new();
    for (address, slots) in [
        (SENDER, &[][..]),
        (CONTRACT, &slots[..]),
        (COINBASE, &[][..]),
    ] {
        let p = pre.eip1186_proof(&address, slots).unwrap();
        nodes.extend(p.account_proof);
        nodes.extend(p.storage_proofs.into_iter().flatten());
    }

    // Device side: the witness state, the EVM on it, the post-state root.
    let mut witness = WitnessState::new(VecStore::new(), &pre_root).unwrap();
    for n in &nodes {
        witness.load_node(n).unwrap();
    }
    witness.add_code(&CODE).unwrap();
    let (changes, storage) = run(&witness);
    assert!(storage
        .iter()
        .any(|(a, k, v)| *a == CONTRACT && *k == U256::ZERO && *v == U256::from(6u64)));
    // Deleting slot 1 collapses the storage branch: the sibling (slot 0's leaf) is in the witness.
    let applied = witness.apply_changes(changes.iter().copied(), storage.iter().copied());
    if let Err(Error::MissingWitness { hash }) = applied {
        panic!("witness lacks node {hash:02x?}");
    }
    applied.unwrap();
    let witness_root = witness.state_root().unwrap();

    // Reference: the same transaction on the full state.
    let mut full = pre.clone();
    let (changes, storage) = run(&pre);
    full.apply_changes(changes, storage);
    assert_eq!(full.storage_value(&CONTRACT, &U256::ZERO), U256::from(6u64));
    assert_eq!(full.storage_value(&CONTRACT, &U256::from(1u64)), U256::ZERO);
    assert_ne!(full.state_root(), pre_root);
    assert_eq!(witness_root, full.state_root());
}

#[test]
fn evm_reading_outside_the_witness_fails_with_missing_witness() {
    let pre = pre_state();
    let mut witness = WitnessState::new(VecStore::new(), &pre.state_root()).unwrap();
    // Only the sender's proof: the contract's account is not covered.
    for n in pre.eip1186_proof(&SENDER, &[]).unwrap().account_proof {
        witness.load_node(&n).unwrap();
    }
    let mut bufs = HeapBuffers::new(&Limits::HOST);
    let mut evm = Evm::new(&witness, bufs.buffers());
    let err = evm.transact(&block(), &tx()).unwrap_err();
    assert!(format!("{err:?}").contains("MissingWitness"), "{err:?}");
}
