//! Tests of the simulation on witnesses cut from full in-memory states.

use alloc::string::String;
use alloc::vec::Vec;

use evm_core::{AccountInfo, Address, U256};
use evm_state::rlp::{self, Encodable};
use evm_state::{InMemoryState, KECCAK_EMPTY};
use proptest::prelude::*;
use protocol::witness::{AccountProof, SlotProof, Witness, WitnessBlock};
use wallet::Transaction;

use super::*;

const SENDER: Address = [0xaa; 20];
const CONTRACT: Address = [0xc0; 20];
const COINBASE: Address = [0xcb; 20];
const GWEI: u64 = 1_000_000_000;

fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(1_000_000_000_000_000_000u64)
}

/// The unsigned EIP-1559 payload `0x02 ‖ rlp([chain, nonce, tip, cap, gas, to, value, data, []])`.
pub(crate) fn eip1559(nonce: u64, to: &Address, value: U256, data: &[u8], gas: u64) -> Vec<u8> {
    eip1559_to(nonce, Some(to), value, data, gas)
}

/// [`eip1559`] with an optional recipient (`None`: a creation).
fn eip1559_to(nonce: u64, to: Option<&Address>, value: U256, data: &[u8], gas: u64) -> Vec<u8> {
    let mut fields = Vec::new();
    let put = |f: &mut Vec<u8>, e: &dyn Fn(&mut Vec<u8>)| e(f);
    put(&mut fields, &|f| 1u64.encode(f).unwrap());
    put(&mut fields, &|f| nonce.encode(f).unwrap());
    put(&mut fields, &|f| GWEI.encode(f).unwrap());
    put(&mut fields, &|f| (10 * GWEI).encode(f).unwrap());
    put(&mut fields, &|f| gas.encode(f).unwrap());
    put(&mut fields, &|f| match to {
        Some(to) => to.encode(f).unwrap(),
        None => f.push(0x80),
    });
    put(&mut fields, &|f| value.encode(f).unwrap());
    put(&mut fields, &|f| data.encode(f).unwrap());
    rlp::put_list_header(&mut fields, 0).unwrap();
    let mut out = alloc::vec![2u8];
    rlp::put_list_header(&mut out, fields.len()).unwrap();
    out.extend_from_slice(&fields);
    out
}

/// A contract that stores its first calldata word in slot 0.
fn state() -> InMemoryState {
    // PUSH0 CALLDATALOAD PUSH0 SSTORE STOP
    state_with(&[0x5f, 0x35, 0x5f, 0x55, 0x00])
}

/// The test state with `code` at `CONTRACT`.
fn state_with(code: &[u8]) -> InMemoryState {
    let mut s = InMemoryState::new();
    s.insert_account(
        SENDER,
        AccountInfo {
            nonce: 3,
            balance: eth(10),
            code_hash: KECCAK_EMPTY,
        },
    );
    s.insert_account(
        CONTRACT,
        AccountInfo {
            nonce: 1,
            balance: eth(2),
            code_hash: KECCAK_EMPTY,
        },
    );
    s.set_code(CONTRACT, code.to_vec());
    s.set_storage(CONTRACT, U256::ZERO, U256::from(1u64));
    s.set_storage(CONTRACT, U256::from(5u64), U256::from(7u64));
    for i in 1..=20u8 {
        s.insert_account(
            [i; 20],
            AccountInfo {
                balance: U256::from(i),
                ..AccountInfo::default()
            },
        );
    }
    s
}

fn block(s: &InMemoryState) -> WitnessBlock {
    let mut base_fee = [0u8; 32];
    base_fee[24..].copy_from_slice(&(7 * GWEI).to_be_bytes());
    WitnessBlock {
        state_root: s.state_root(),
        number: 21_000_000,
        timestamp: 1_750_000_000,
        gas_limit: 30_000_000,
        base_fee,
        coinbase: COINBASE,
        prev_randao: [0x11; 32],
        excess_blob_gas: 0,
        chain_id: 1,
    }
}

/// Owned parts of a witness (encode with [`Parts::encode`]).
struct Parts {
    block: WitnessBlock,
    nodes: Vec<Vec<u8>>,
    accounts: Vec<(Address, Vec<u8>)>,
    slots: Vec<(u8, [u8; 32], Vec<u8>)>,
    codes: Vec<Vec<u8>>,
}

impl Parts {
    fn cut(s: &InMemoryState, keys: &[(Address, &[U256])]) -> Self {
        let mut p = Parts {
            block: block(s),
            nodes: Vec::new(),
            accounts: Vec::new(),
            slots: Vec::new(),
            codes: Vec::new(),
        };
        let index = |nodes: &mut Vec<Vec<u8>>, proof: Vec<Vec<u8>>| -> Vec<u8> {
            proof
                .into_iter()
                .map(|n| {
                    let i = nodes.iter().position(|m| *m == n).unwrap_or_else(|| {
                        nodes.push(n);
                        nodes.len() - 1
                    });
                    u8::try_from(i).unwrap()
                })
                .collect()
        };
        for (a, slots) in keys {
            let proof = s.eip1186_proof(a, slots).unwrap();
            let account = u8::try_from(p.accounts.len()).unwrap();
            let ix = index(&mut p.nodes, proof.account_proof);
            p.accounts.push((*a, ix));
            for (slot, sp) in slots.iter().zip(proof.storage_proofs) {
                let ix = index(&mut p.nodes, sp);
                p.slots.push((account, slot.to_be_bytes(), ix));
            }
            if let Some(acct) = s.get_account(a) {
                if let Some(code) = s
                    .code_by_hash(&acct.info.code_hash)
                    .filter(|c| !c.is_empty())
                {
                    p.codes.push(code.to_vec());
                }
            }
        }
        p
    }

    fn encode(&self) -> Vec<u8> {
        let w = Witness {
            block: self.block,
            nodes: self.nodes.iter().map(Vec::as_slice).collect(),
            accounts: self
                .accounts
                .iter()
                .map(|(address, proof)| AccountProof {
                    address: *address,
                    proof,
                })
                .collect(),
            slots: self
                .slots
                .iter()
                .map(|(account, slot, proof)| SlotProof {
                    account: *account,
                    slot: *slot,
                    proof,
                })
                .collect(),
            codes: self.codes.iter().map(Vec::as_slice).collect(),
        };
        postcard::to_allocvec(&w).unwrap()
    }
}

fn honest_parts() -> Parts {
    let s = state();
    Parts::cut(
        &s,
        &[(SENDER, &[]), (CONTRACT, &[U256::ZERO]), (COINBASE, &[])],
    )
}

fn tx_bytes() -> Vec<u8> {
    let mut word = [0u8; 32];
    word[31] = 0x42;
    eip1559(3, &CONTRACT, eth(1), &word, 100_000)
}

/// The honest transaction and its witness with `sender` as the signer (a
/// wallet test's derived account): the unsigned transaction and the witness bytes.
pub(crate) fn tx_and_witness_for(sender: Address) -> (Vec<u8>, Vec<u8>) {
    let mut s = state();
    s.insert_account(
        sender,
        AccountInfo {
            nonce: 3,
            balance: eth(10),
            code_hash: KECCAK_EMPTY,
        },
    );
    let parts = Parts::cut(
        &s,
        &[(sender, &[]), (CONTRACT, &[U256::ZERO]), (COINBASE, &[])],
    );
    (tx_bytes(), parts.encode())
}

fn run(witness: &[u8]) -> Result<Boxed<Report>, Refusal> {
    let raw = tx_bytes();
    let tx = Transaction::decode_unsigned(&raw).unwrap();
    simulate(&tx, &SENDER, witness)
}

fn lines(r: &Report) -> String {
    let mut s = String::new();
    r.render(&mut s).unwrap();
    s
}

#[test]
fn honest_witness_gives_the_full_report() {
    let r = run(&honest_parts().encode()).unwrap();
    assert_eq!(r.outcome, Outcome::Success);
    // 21000 + 16·1 + 4·31 calldata + 2100 cold SLOAD part of SSTORE + 2900 reset
    let price = U256::from(8 * GWEI);
    assert_eq!(r.fee, price * U256::from(r.gas_used));
    assert_eq!(
        r.storage.as_slice(),
        &[StorageChange {
            address: CONTRACT,
            slot: U256::ZERO,
            old: U256::from(1u64),
            new: U256::from(0x42u64)
        }]
    );
    assert_eq!(
        r.warnings.as_slice(),
        &[Warning::ProxySlotWrite {
            address: CONTRACT,
            slot: ProxySlot::Zero,
            old: U256::from(1u64),
            new: U256::from(0x42u64)
        }]
    );
    let sender = r.balances.iter().find(|b| b.address == SENDER).unwrap();
    assert_eq!(sender.before - sender.after, eth(1) + r.fee);
    let contract = r.balances.iter().find(|b| b.address == CONTRACT).unwrap();
    assert_eq!(contract.after - contract.before, eth(1));
    let tip = r.balances.iter().find(|b| b.address == COINBASE).unwrap();
    assert_eq!(tip.after, U256::from(GWEI) * U256::from(r.gas_used));
    assert!(r.calls.is_empty() && r.tokens.is_empty());
    let text = lines(&r);
    assert!(text.starts_with("state: block 21000000 root 0x"), "{text}");
    assert!(
        text.contains("(supplied by the host)\noutcome: success\n"),
        "{text}"
    );
    assert!(text.contains("WARNING: proxy implementation changes: slot 0 of 0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0: 0x1 -> 0x42\n"), "{text}");
    assert!(
        text.contains(
            "balance 0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0: +1 ETH (2 ETH -> 3 ETH)\n"
        ),
        "{text}"
    );
    assert!(text.lines().all(|l| l.len() <= render::MAX_LINE));
}

#[test]
fn a_wrong_root_is_refused() {
    let mut p = honest_parts();
    p.block.state_root[0] ^= 1;
    assert!(matches!(
        run(&p.encode()),
        Err(Refusal::BadWitness(BadWitness::AccountProof {
            address: SENDER,
            ..
        }))
    ));
    let msg = alloc::format!("{}", run(&p.encode()).unwrap_err());
    assert!(
        msg.starts_with("witness rejected: proof of 0xaaaa"),
        "{msg}"
    );
}

#[test]
fn a_tampered_node_is_refused() {
    let honest = honest_parts();
    for n in 0..honest.nodes.len() {
        let mut p = honest_parts();
        let last = p.nodes[n].len() - 1;
        p.nodes[n][last] ^= 0x01;
        match run(&p.encode()) {
            Err(Refusal::BadWitness(
                BadWitness::AccountProof { .. } | BadWitness::SlotProof { .. },
            )) => {}
            other => panic!("node {n}: {other:?}"),
        }
    }
}

#[test]
fn an_incomplete_witness_names_the_key() {
    let s = state();
    let p = Parts::cut(&s, &[(SENDER, &[]), (CONTRACT, &[]), (COINBASE, &[])]);
    let err = run(&p.encode()).unwrap_err();
    assert_eq!(
        err,
        Refusal::Incomplete(Missing::Slot(CONTRACT, U256::ZERO))
    );
    assert_eq!(
        alloc::format!("{err}"),
        "witness incomplete: slot 0x0 of 0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"
    );
    let p = Parts::cut(&s, &[(SENDER, &[]), (COINBASE, &[])]);
    assert_eq!(
        run(&p.encode()).unwrap_err(),
        Refusal::Incomplete(Missing::Account(CONTRACT))
    );
    // The contract's code left out.
    let mut p = honest_parts();
    p.codes.clear();
    assert!(matches!(
        run(&p.encode()),
        Err(Refusal::Incomplete(Missing::Code(_)))
    ));
}

#[test]
fn unused_nodes_foreign_codes_and_repeats_are_refused() {
    let mut p = honest_parts();
    p.nodes.push(alloc::vec![0xc0]);
    assert!(matches!(
        run(&p.encode()),
        Err(Refusal::BadWitness(BadWitness::UnusedNode { .. }))
    ));
    let mut p = honest_parts();
    p.codes.push(alloc::vec![0x00]);
    assert!(matches!(
        run(&p.encode()),
        Err(Refusal::BadWitness(BadWitness::UnusedCode { index: 1 }))
    ));
    let mut p = honest_parts();
    let first = p.accounts[0].clone();
    p.accounts.push(first);
    assert_eq!(
        run(&p.encode()).unwrap_err(),
        Refusal::BadWitness(BadWitness::Repeated)
    );
    let mut p = honest_parts();
    p.block.chain_id = 5;
    assert_eq!(
        run(&p.encode()).unwrap_err(),
        Refusal::BadWitness(BadWitness::ChainId { witness: 5 })
    );
}

#[test]
fn gas_above_the_cap_cannot_be_simulated() {
    let raw = eip1559(3, &CONTRACT, eth(1), &[], MAX_TX_GAS + 1);
    let tx = Transaction::decode_unsigned(&raw).unwrap();
    let err = simulate(&tx, &SENDER, &honest_parts().encode()).unwrap_err();
    assert_eq!(
        err,
        Refusal::CannotSimulate(Limit::GasCap {
            got: MAX_TX_GAS + 1
        })
    );
    assert!(alloc::format!("{err}").starts_with("cannot simulate: gas limit"));
}

#[test]
fn a_creation_reports_the_new_contract_without_reading_its_storage() {
    // Initcode: SSTORE(0, 42) STOP. The new account is proven absent; its slot is not asked for.
    let created = evm_core::evm::create_address(&SENDER, 3);
    let s = state();
    let p = Parts::cut(&s, &[(SENDER, &[]), (created, &[]), (COINBASE, &[])]);
    let raw = eip1559_to(
        3,
        None,
        U256::ZERO,
        &[0x60, 0x2a, 0x5f, 0x55, 0x00],
        100_000,
    );
    let tx = Transaction::decode_unsigned(&raw).unwrap();
    let r = simulate(&tx, &SENDER, &p.encode()).unwrap();
    assert_eq!(r.created, Some(created));
    assert_eq!(
        r.storage.as_slice(),
        &[StorageChange {
            address: created,
            slot: U256::ZERO,
            old: U256::ZERO,
            new: U256::from(42u64)
        }]
    );
}

fn run_code(code: &[u8]) -> Boxed<Report> {
    let s = state_with(code);
    let p = Parts::cut(&s, &[(SENDER, &[]), (CONTRACT, &[]), (COINBASE, &[])]);
    run(&p.encode()).unwrap()
}

#[test]
fn an_unlimited_approval_is_decoded_and_warned() {
    let spender = [0x5e; 20];
    let mut code = alloc::vec![0x7f];
    code.extend_from_slice(&[0xff; 32]); // PUSH32 2^256-1
    code.extend_from_slice(&[0x5f, 0x52, 0x73]); // PUSH0 MSTORE PUSH20
    code.extend_from_slice(&spender);
    code.extend_from_slice(&[0x33, 0x7f]); // CALLER PUSH32
    code.extend_from_slice(&report::APPROVAL_TOPIC);
    code.extend_from_slice(&[0x60, 0x20, 0x5f, 0xa3, 0x00]); // LOG3(0, 32, ..) STOP
    let r = run_code(&code);
    assert_eq!(
        r.tokens.as_slice(),
        &[TokenEvent {
            kind: TokenEventKind::Approval,
            token: CONTRACT,
            from: SENDER,
            to: spender,
            amount: U256::MAX
        }]
    );
    assert_eq!(
        r.warnings.as_slice(),
        &[Warning::UnlimitedApproval {
            token: CONTRACT,
            owner: SENDER,
            spender
        }]
    );
    assert!(lines(&r).contains("WARNING: unlimited approval: 0x5e5e"));
}

#[test]
fn a_revert_reason_is_decoded() {
    // CODECOPY(0, 10, 100) REVERT(0, 100), then Error("no").
    let mut code = alloc::vec![0x60, 0x64, 0x60, 0x0a, 0x5f, 0x39, 0x60, 0x64, 0x5f, 0xfd];
    code.extend_from_slice(&[0x08, 0xc3, 0x79, 0xa0]);
    code.extend_from_slice(&U256::from(32u64).to_be_bytes::<32>());
    code.extend_from_slice(&U256::from(2u64).to_be_bytes::<32>());
    let mut text = [0u8; 32];
    text[..2].copy_from_slice(b"no");
    code.extend_from_slice(&text);
    let r = run_code(&code);
    assert!(
        matches!(&r.outcome, Outcome::Revert(RevertReason::Error { text, cut: false }) if text.as_str() == "no"),
        "{:?}",
        r.outcome
    );
    // The value went back; only the fee left the sender.
    assert!(r.storage.is_empty() && r.tokens.is_empty());
    let sender = r.balances.iter().find(|b| b.address == SENDER).unwrap();
    assert_eq!(sender.before - sender.after, r.fee);
    assert!(lines(&r).contains("outcome: reverted: Error(\"no\")\n"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// A single changed byte of the witness: refused, or the honest report, or
    /// a report whose (host-supplied, displayed) block values differ.
    #[test]
    fn a_changed_byte_never_changes_the_report_silently(at in any::<usize>(), delta in 1u8..=255) {
        let honest_bytes = honest_parts().encode();
        let honest = run(&honest_bytes).unwrap();
        let mut bytes = honest_bytes.clone();
        let i = at % bytes.len();
        bytes[i] ^= delta;
        if let Ok(r) = run(&bytes) {
            prop_assert!(*r == *honest || r.block != honest.block, "byte {}: {:?}", i, r);
        }
    }
}
