//! The witness end to end: the stories' pre-states → host discovery and proofs → the device's `firmware::check::simulate`; and the same witness over JSON-RPC from a local node.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use evm_core::{State, U256};
use evm_state::{InMemoryState, EMPTY_ROOT, KECCAK_EMPTY};
use firmware::check::{
    simulate, Boxed, CallKind, Missing, Outcome, ProxySlot, Refusal, Report, TokenEventKind,
    Warning,
};
use serde_json::{json, Value};
use wallet::Transaction;
use zkevm_cli::witness::{from_prestate, from_prestate_state, from_rpc, Prestate};
use zkevm_fixtures::hex::{address, hex, u256, unhex};
use zkevm_tests::erc20::{balance_slot, ALICE, BOB, TOKEN};
use zkevm_tests::stories::{self, Story, ATTACKER, ATTACKER_IMPL, COINBASE, SAFE, SINGLETON, TIP};

/// The story's pre-state in a file of its own (tests run in parallel: one
/// name per call, not per process).
fn file(story: &Story) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "zkevm-witness-{}-{}-{n}.json",
        story.name,
        std::process::id()
    ));
    std::fs::write(&path, &story.prestate).unwrap();
    path
}

fn report(story: &Story) -> (Vec<u8>, Boxed<Report>) {
    let tx = Transaction::decode_unsigned(&story.tx).unwrap();
    let path = file(story);
    let witness = from_prestate(&path, &tx, &story.sender).unwrap();
    let _ = std::fs::remove_file(path);
    let report = simulate(&tx, &story.sender, &witness).unwrap();
    (witness, report)
}

fn render(r: &Report) -> String {
    let mut s = String::new();
    r.render(&mut s).unwrap();
    s
}

fn addr_word(a: &[u8; 20]) -> U256 {
    U256::from_be_slice(a)
}

#[test]
fn witness_erc20_transfer_story() {
    let story = stories::erc20_transfer().unwrap();
    let (witness, r) = report(&story);
    assert_eq!(r.outcome, Outcome::Success);
    assert_eq!(r.tokens.len(), 1);
    let t = r.tokens[0];
    assert_eq!(
        (t.kind, t.token, t.from, t.to, t.amount),
        (
            TokenEventKind::Transfer,
            TOKEN,
            ALICE,
            BOB,
            U256::from(stories::TRANSFER_AMOUNT)
        )
    );
    assert_eq!(r.storage.len(), 2);
    let bob = r
        .storage
        .iter()
        .find(|s| s.slot == U256::from_be_bytes(balance_slot(&BOB)))
        .unwrap();
    assert_eq!((bob.old, bob.new), (U256::from(5u64), U256::from(1005u64)));
    assert!(r.warnings.is_empty() && r.calls.is_empty(), "{r:?}");
    // Alice pays the fee; the coinbase gets the tip.
    let alice = r.balances.iter().find(|b| b.address == ALICE).unwrap();
    assert_eq!(alice.before - alice.after, r.fee);
    assert_eq!(
        r.fee,
        U256::from(stories::BASE_FEE + TIP) * U256::from(r.gas_used)
    );
    let tip = r.balances.iter().find(|b| b.address == COINBASE).unwrap();
    assert_eq!(tip.after, U256::from(TIP) * U256::from(r.gas_used));
    let text = render(&r);
    println!("{text}witness: {} bytes", witness.len());
    assert!(
        text.contains(&format!(
            "token {} transfer: from {} to {} amount 1000\n",
            hex(&TOKEN),
            hex(&ALICE),
            hex(&BOB)
        )),
        "{text}"
    );
    assert!(text.contains("outcome: success\n"));
}

#[test]
fn witness_safe_upgrade_story_is_flagged() {
    let story = stories::safe_upgrade().unwrap();
    let (witness, r) = report(&story);
    assert_eq!(r.outcome, Outcome::Success);
    let kinds: Vec<_> = r
        .calls
        .iter()
        .map(|c| (c.kind, c.depth, c.from, c.target))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (CallKind::DelegateCall, 0, SAFE, Some(SINGLETON)),
            (CallKind::DelegateCall, 1, SAFE, Some(ATTACKER))
        ]
    );
    assert_eq!(
        r.warnings.as_slice(),
        &[
            Warning::ProxySlotWrite {
                address: SAFE,
                slot: ProxySlot::Zero,
                old: addr_word(&SINGLETON),
                new: addr_word(&ATTACKER_IMPL)
            },
            Warning::ChainedDelegateCall {
                account: SAFE,
                code: SINGLETON,
                target: ATTACKER
            },
        ]
    );
    let text = render(&r);
    println!("{text}witness: {} bytes", witness.len());
    assert!(text.contains(&format!(
        "WARNING: DELEGATECALL by delegated code {} hands the storage of {} to {}\n",
        hex(&SINGLETON),
        hex(&SAFE),
        hex(&ATTACKER)
    )));
    assert!(text.contains(&format!(
        "WARNING: proxy implementation changes: slot 0 of {}",
        hex(&SAFE)
    )));
    // The plain proxy hop is listed, not warned about.
    assert!(text.contains(&format!(
        "call 0: DELEGATECALL {} -> {}\n",
        hex(&SAFE),
        hex(&SINGLETON)
    )));
    assert_eq!(text.matches("WARNING").count(), 2);
}

#[test]
fn witness_for_another_transaction_is_incomplete_never_guessed() {
    // The ERC-20 witness, but the transfer goes to someone else, or another
    // account sends it: the new key is either proven absent by the nodes the
    // witness has anyway (then the report is right), or refused by name.
    let story = stories::erc20_transfer().unwrap();
    let (witness, _) = report(&story);
    let mut refused = 0;
    for k in 0xc0..0xe0u8 {
        let other = [k; 20];
        let raw = stories::eip1559(
            7,
            &TOKEN,
            0,
            &zkevm_tests::erc20::transfer_data(&other, 1),
            100_000,
        );
        let tx = Transaction::decode_unsigned(&raw).unwrap();
        match simulate(&tx, &story.sender, &witness) {
            Err(err) => {
                assert_eq!(
                    err,
                    Refusal::Incomplete(Missing::Slot(
                        TOKEN,
                        U256::from_be_bytes(balance_slot(&other))
                    ))
                );
                assert!(
                    err.to_string().starts_with("witness incomplete: slot 0x"),
                    "{err}"
                );
                refused += 1;
            }
            Ok(r) => {
                let to = r
                    .storage
                    .iter()
                    .find(|s| s.slot == U256::from_be_bytes(balance_slot(&other)))
                    .unwrap();
                assert_eq!((to.old, to.new), (U256::ZERO, U256::from(1u64)));
            }
        }
        // `other` as the sender: its account is not in the witness, or
        // proven absent by the nodes there (then its nonce is 0, not 7).
        match simulate(&tx, &other, &witness) {
            Err(Refusal::Incomplete(m)) => assert_eq!(m, Missing::Account(other)),
            Err(Refusal::InvalidTx(evm_core::InvalidTx::NonceMismatch {
                got: 7,
                expected: 0,
            })) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(refused > 16, "{refused} of 32 refused");
}

/// A JSON-RPC node on 127.0.0.1 serving `state` as block `number - 1` of a prestate.
fn serve(p: Prestate) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut r = BufReader::new(conn.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                r.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            r.read_exact(&mut body).unwrap();
            let req: Value = serde_json::from_slice(&body).unwrap();
            let result = answer(&p, &req["method"], &req["params"]);
            let reply = json!({"jsonrpc": "2.0", "id": req["id"], "result": result}).to_string();
            let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{reply}", reply.len());
        }
    });
    url
}

fn q(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

fn answer(p: &Prestate, method: &Value, params: &Value) -> Value {
    let s: &InMemoryState = &p.state;
    let b = &p.block;
    match method.as_str().unwrap() {
        "eth_chainId" => q(b.chain_id),
        "eth_getBlockByNumber" => json!({
            "number": q(b.number - 1),
            "timestamp": q(b.timestamp - 12),
            "gasLimit": q(b.gas_limit),
            "gasUsed": q(b.gas_limit / 2),
            "baseFeePerGas": hex(&b.base_fee),
            "miner": hex(&b.coinbase),
            "mixHash": hex(&b.prev_randao),
            "excessBlobGas": q(b.excess_blob_gas),
            "stateRoot": hex(&b.state_root),
        }),
        "eth_getCode" => {
            let a = address(params[0].as_str().unwrap()).unwrap();
            let info = s.account(&a).unwrap().unwrap_or_default();
            Value::String(hex(s.code(&info.code_hash).unwrap()))
        }
        "eth_getProof" => {
            assert_eq!(
                params[2],
                q(b.number - 1),
                "proofs asked at the served block"
            );
            let a = address(params[0].as_str().unwrap()).unwrap();
            let slots: Vec<U256> = params[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| u256(k).unwrap())
                .collect();
            let proof = s.eip1186_proof(&a, &slots).unwrap();
            let info = s.account(&a).unwrap();
            let nodes = |n: &[Vec<u8>]| n.iter().map(|x| Value::String(hex(x))).collect::<Vec<_>>();
            let storage: Vec<Value> = slots
                .iter()
                .zip(&proof.storage_proofs)
                .map(|(k, sp)| json!({"key": hex(&k.to_be_bytes::<32>()), "value": format!("{:#x}", s.storage_value(&a, k)), "proof": nodes(sp)}))
                .collect();
            json!({
                "address": hex(&a),
                "balance": format!("{:#x}", info.map_or(U256::ZERO, |i| i.balance)),
                "nonce": q(info.map_or(0, |i| i.nonce)),
                "codeHash": hex(&info.map_or(KECCAK_EMPTY, |i| i.code_hash)),
                "storageHash": hex(&info.map_or(EMPTY_ROOT, |_| s.try_storage_root(&a).unwrap())),
                "accountProof": nodes(&proof.account_proof),
                "storageProof": storage,
            })
        }
        other => panic!("unexpected method {other}"),
    }
}

#[test]
fn witness_over_rpc_equals_the_prestate_witness() {
    for story in [
        stories::erc20_transfer().unwrap(),
        stories::safe_upgrade().unwrap(),
    ] {
        let tx = Transaction::decode_unsigned(&story.tx).unwrap();
        let p = Prestate::parse(&story.prestate).unwrap();
        let expected = from_prestate_state(&p, &tx, &story.sender).unwrap();
        let number = p.block.number;
        let url = serve(p);
        let got = from_rpc(&url, Some(number - 1), &tx, &story.sender).unwrap();
        assert_eq!(got, expected, "{}", story.name);
        let latest = from_rpc(&url, None, &tx, &story.sender).unwrap();
        assert_eq!(latest, expected, "{}", story.name);
        assert!(simulate(&tx, &story.sender, &got).is_ok());
    }
    assert!(from_rpc(
        "https://example.invalid",
        None,
        &Transaction::decode_unsigned(&stories::erc20_transfer().unwrap().tx).unwrap(),
        &ALICE
    )
    .is_err());
    let _ = unhex("0x");
}
