//! Fuzz target `witness`: a witness-backed state loaded with arbitrary nodes and with (possibly incomplete) proofs of a small world; reads and writes agree with the in-memory state, and so does the post-state root.
#![no_main]

use evm_state::account::Account;
use evm_state::store::{ArrayStore, Store, VecStore};
use evm_state::{AccountInfo, Address, Error, InMemoryState, WitnessState, U256};
use libfuzzer_sys::fuzz_target;
use zkevm_fuzz::{world, Reader};

fn truth(state: &InMemoryState, address: &Address) -> Option<Account> {
    state.get_account(address).map(|a| {
        let storage_root = state.try_storage_root(address).expect("storage root");
        Account::from_info(&a.info, storage_root)
    })
}

fn run<S: Store>(r: &mut Reader<'_>, store: S, bounded: bool) {
    // Arbitrary nodes under an arbitrary root: nothing may panic.
    if r.u8().is_multiple_of(4) {
        let root: [u8; 32] = r.array();
        let Ok(mut witness) = WitnessState::new(store, &root) else {
            return;
        };
        for _ in 0..r.u8() % 8 {
            let _ = witness.load_node(r.bytes(600));
        }
        for _ in 0..r.u8() % 8 {
            let address: Address = r.array();
            let _ = witness.get_account(&address);
            let _ = witness.get_storage(&address, &r.word());
            let _ = witness.set_storage(&address, &r.word(), &r.word());
        }
        let _ = witness.state_root();
        return;
    }

    let w = world(r);
    let mut mem = w.state;
    let mut addresses = w.addresses;
    addresses.push(r.array()); // an account that does not exist
    let mut slots = w.slots;
    slots.push(r.word());
    let root = mem.state_root();

    // Every node of every account and slot: the whole trie.
    let mut nodes: Vec<Vec<u8>> = Vec::new();
    for address in &addresses {
        let proof = mem.eip1186_proof(address, &slots).expect("proof");
        nodes.extend(proof.account_proof);
        nodes.extend(proof.storage_proofs.into_iter().flatten());
    }
    // Sometimes drop a node, add a foreign one, or load them in another order.
    let mut foreign = None;
    let mut complete = match r.u8() % 4 {
        0 if !nodes.is_empty() => {
            let at = usize::from(r.u16()) % nodes.len();
            nodes.remove(at);
            false
        }
        1 => {
            foreign = Some(r.bytes(600));
            true
        }
        2 => {
            nodes.reverse();
            true
        }
        _ => true,
    };
    let mut witness = WitnessState::new(store, &root).expect("a witness");
    for node in &nodes {
        if let Err(e) = witness.load_node(node) {
            // Only a bounded arena may refuse a node of a valid proof.
            assert!(bounded, "{e:?} loading a proof node");
            complete = false;
        }
    }
    if let Some(node) = foreign {
        // A foreign node may be refused, or kept unreferenced.
        let _ = witness.load_node(node);
    }

    let mut poisoned = false;
    for _ in 0..1 + r.u8() % 12 {
        let address = addresses[usize::from(r.u8()) % addresses.len()];
        let slot = slots[usize::from(r.u8()) % slots.len()];
        let result: Result<(), Error> = match r.u8() % 5 {
            0 => witness.get_account(&address).map(|got| {
                assert_eq!(got, truth(&mem, &address), "account read");
            }),
            1 => witness.get_storage(&address, &slot).map(|got| {
                assert_eq!(got, mem.storage_value(&address, &slot), "storage read");
            }),
            2 => {
                let value = if r.u8().is_multiple_of(3) {
                    U256::ZERO
                } else {
                    r.word()
                };
                let result = witness.set_storage(&address, &slot, &value);
                if result.is_ok() {
                    mem.set_storage(address, slot, value);
                }
                result
            }
            3 => {
                let info = AccountInfo {
                    nonce: u64::from(r.u8()),
                    balance: U256::from(r.u32()),
                    code_hash: r.array(),
                };
                let result = witness.set_account(&address, Some(&info));
                if result.is_ok() {
                    mem.insert_account(address, info);
                }
                result
            }
            _ => {
                let result = witness.set_account(&address, None);
                if result.is_ok() {
                    mem.remove_account(&address);
                }
                result
            }
        };
        match result {
            Ok(()) => {}
            // A missing node fails before anything changes.
            Err(Error::MissingWitness { .. }) => {
                assert!(!complete, "missing node in a full witness")
            }
            Err(e) => {
                assert!(bounded, "{e:?} with an unbounded arena and a full witness");
                poisoned = true;
                break;
            }
        }
    }
    if !poisoned {
        match witness.state_root() {
            Ok(got) => assert_eq!(got, mem.try_state_root().expect("root"), "post-state root"),
            Err(Error::MissingWitness { .. }) => assert!(!complete),
            Err(e) => assert!(bounded, "{e:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    match r.u8() % 3 {
        0 => run(&mut r, ArrayStore::<24, 2048>::new(), true),
        1 => run(&mut r, ArrayStore::<256, 32768>::new(), true),
        _ => run(&mut r, VecStore::new(), false),
    }
});
