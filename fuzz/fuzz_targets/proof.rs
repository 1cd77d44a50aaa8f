//! Fuzz target `proof`: EIP-1186 proof verification on arbitrary roots, keys and nodes, and on mutations of valid proofs of a small world (a mutated proof fails or proves the same thing).
#![no_main]

use evm_state::account::Account;
use evm_state::proof::{verify, verify_account, verify_eip1186, verify_storage, StorageProof};
use evm_state::{Address, U256};
use libfuzzer_sys::fuzz_target;
use zkevm_fuzz::{world, Reader};

/// Whether `value` lies inside one of the proof's nodes.
fn borrowed_from(value: &[u8], nodes: &[&[u8]]) -> bool {
    let (start, end) = (
        value.as_ptr() as usize,
        value.as_ptr() as usize + value.len(),
    );
    nodes.iter().any(|n| {
        let (ns, ne) = (n.as_ptr() as usize, n.as_ptr() as usize + n.len());
        ns <= start && end <= ne
    })
}

fn arbitrary_proofs(r: &mut Reader<'_>) {
    let root: [u8; 32] = r.array();
    let key = r.bytes(40);
    let count = r.u8() % 12;
    let nodes: Vec<&[u8]> = (0..count).map(|_| r.bytes(700)).collect();
    if let Ok(Some(value)) = verify(&root, key, &nodes) {
        assert!(borrowed_from(value, &nodes), "value not from the proof");
        assert_eq!(
            evm_state::keccak256(nodes[0]),
            root,
            "root node not checked"
        );
    }
    let address: Address = r.array();
    let _ = verify_account(&root, &address, &nodes);
    let slot = r.word();
    let _ = verify_storage(&root, &slot, &nodes);
    let split = usize::from(r.u8()) % (nodes.len() + 1);
    let storage = [
        StorageProof {
            slot,
            proof: &nodes[split..],
        },
        StorageProof {
            slot: r.word(),
            proof: &nodes[..split],
        },
    ];
    let mut values = [U256::ZERO; 2];
    let _ = verify_eip1186(&root, &address, &nodes[..split], &storage, &mut values);
    // Too few value slots is an error, not a panic.
    let _ = verify_eip1186(&root, &address, &nodes, &storage, &mut values[..1]);
}

fn mutate(r: &mut Reader<'_>, proof: &mut Vec<Vec<u8>>) {
    let len = proof.len();
    let at = |r: &mut Reader<'_>, n: usize| usize::from(r.u8()) % n.max(1);
    match r.u8() % 7 {
        0 if len > 0 => {
            let i = at(r, len);
            if !proof[i].is_empty() {
                let j = usize::from(r.u16()) % proof[i].len();
                proof[i][j] ^= r.u8() | 1;
            }
        }
        1 if len > 0 => {
            let i = at(r, len);
            let keep = usize::from(r.u16()) % (proof[i].len() + 1);
            proof[i].truncate(keep);
        }
        2 if len > 0 => {
            proof.remove(at(r, len));
        }
        3 if len > 0 => {
            let i = at(r, len);
            let node = proof[i].clone();
            proof.insert(at(r, len + 1), node);
        }
        4 if len > 1 => {
            let (i, j) = (at(r, len), at(r, len));
            proof.swap(i, j);
        }
        5 if len > 0 => {
            let i = at(r, len);
            proof[i].extend_from_slice(r.bytes(40));
        }
        _ => {
            let node = r.bytes(600).to_vec();
            proof.insert(at(r, len + 1), node);
        }
    }
}

type Proven = (Option<Account>, Vec<U256>);

fn run(
    root: &[u8; 32],
    address: &Address,
    account_proof: &[Vec<u8>],
    slots: &[U256],
    storage_proofs: &[Vec<Vec<u8>>],
) -> Result<Proven, evm_state::Error> {
    let account_refs: Vec<&[u8]> = account_proof.iter().map(Vec::as_slice).collect();
    let slot_refs: Vec<Vec<&[u8]>> = storage_proofs
        .iter()
        .map(|p| p.iter().map(Vec::as_slice).collect())
        .collect();
    let storage: Vec<StorageProof<'_>> = slots
        .iter()
        .zip(&slot_refs)
        .map(|(slot, proof)| StorageProof { slot: *slot, proof })
        .collect();
    let mut values = vec![U256::ZERO; storage.len()];
    let account = verify_eip1186(root, address, &account_refs, &storage, &mut values)?;
    Ok((account, values))
}

fn valid_and_mutated(r: &mut Reader<'_>) {
    let w = world(r);
    let address = match r.u8() % 4 {
        0 => r.array(),
        i => w.addresses[usize::from(i) % w.addresses.len()],
    };
    let mut slots: Vec<U256> = w.slots.iter().take(3).copied().collect();
    slots.push(r.word());
    let root = w.state.state_root();
    let proof = w
        .state
        .eip1186_proof(&address, &slots)
        .expect("a proof of a small world");

    // The valid proof proves exactly the world.
    let proven = run(
        &root,
        &address,
        &proof.account_proof,
        &slots,
        &proof.storage_proofs,
    )
    .expect("a valid proof verifies");
    let truth = w.state.get_account(&address).map(|a| {
        let storage_root = w.state.try_storage_root(&address).expect("storage root");
        Account::from_info(&a.info, storage_root)
    });
    assert_eq!(proven.0, truth, "proven account");
    let values: Vec<U256> = slots
        .iter()
        .map(|s| w.state.storage_value(&address, s))
        .collect();
    assert_eq!(proven.1, values, "proven slots");

    // Mutations: whatever still verifies proves the same.
    let mut account_proof = proof.account_proof.clone();
    let mut storage_proofs = proof.storage_proofs.clone();
    for _ in 0..1 + r.u8() % 3 {
        match r.u8() % 2 {
            0 => mutate(r, &mut account_proof),
            _ => {
                let i = usize::from(r.u8()) % storage_proofs.len();
                mutate(r, &mut storage_proofs[i]);
            }
        }
    }
    if let Ok(again) = run(&root, &address, &account_proof, &slots, &storage_proofs) {
        assert_eq!(again, proven, "a mutated proof proved something else");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    match r.u8() % 2 {
        0 => arbitrary_proofs(&mut r),
        _ => valid_and_mutated(&mut r),
    }
});
