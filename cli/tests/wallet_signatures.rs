//! Signatures checked against k256: the TransactionTests senders recovered from the wallet's signing payloads, and the QEMU device's signatures over every transaction type.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use protocol::{WalletReply, WalletRequest};
use serde_json::Value;
use wallet::tx::rules::Fork;
use wallet::{SignedTransaction, Transaction, TxType};
use zkevm_cli::txtest::{check_tx, device_limit, newest_fork, SUITE};
use zkevm_fixtures::hex::{address, unhex};
use zkevm_fixtures::runner::json_files;
use zkevm_tests::wallet::{bip44, recover, TEST_MNEMONIC};

/// A valid TransactionTests case: its signed bytes and the fixture's sender.
struct Case {
    name: String,
    bytes: Vec<u8>,
    sender: [u8; 20],
}

/// Every valid case the wallet decodes under its newest fork.
fn valid_cases() -> Vec<Case> {
    let dir = zkevm_fixtures::require(SUITE).unwrap_or_else(|e| panic!("{e}"));
    let mut cases = Vec::new();
    for file in json_files(&[dir]).unwrap() {
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for (name, test) in json.as_object().unwrap() {
            let Some(bytes) = test["txbytes"].as_str().and_then(|t| unhex(t).ok()) else {
                continue;
            };
            let Some((fork, expected)) = newest_fork(test) else {
                continue;
            };
            let Some(sender) = expected.get("sender").and_then(Value::as_str) else {
                continue;
            };
            if device_limit(&bytes).is_some() || check_tx(&bytes, fork).is_err() {
                continue;
            }
            cases.push(Case {
                name: name.clone(),
                bytes,
                sender: address(sender).unwrap(),
            });
        }
    }
    cases
}

/// The unsigned signing payload of a signed transaction, as the wallet writes it.
fn payload(tx: &Transaction<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    tx.write_signing_payload(&mut out).unwrap();
    out
}

#[test]
fn transaction_tests_senders_recover_with_k256_from_the_signing_payload() {
    let cases = valid_cases();
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let signed = SignedTransaction::decode(&case.bytes).unwrap();
        let unsigned = payload(&signed.tx);
        // The payload decodes as the same unsigned transaction.
        let again = Transaction::decode_unsigned(&unsigned)
            .unwrap_or_else(|e| panic!("{}: payload does not decode: {e}", case.name));
        assert_eq!(
            again.signing_hash(),
            signed.tx.signing_hash(),
            "{}",
            case.name
        );
        let hash = evm_core::keccak256(&unsigned);
        let sig = signed.signature;
        let got = recover(&hash, &sig.r, &sig.s, sig.y_parity)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(
            got, case.sender,
            "{}: k256 recovers another sender",
            case.name
        );
        *per_type
            .entry(format!("{:?}", signed.tx.tx_type))
            .or_default() += 1;
    }
    println!(
        "k256 recovered the fixture sender of {} cases: {per_type:?}",
        cases.len()
    );
    // The suite holds 50 valid cases the wallet decodes under its newest
    // fork (48 legacy, one EIP-2930, one EIP-1559).
    assert!(cases.len() >= 50, "too few valid cases: {}", cases.len());
    assert!(per_type.len() >= 3, "{per_type:?}");
}

/// Up to `n` small valid cases of each transaction type (Osaka rules, chain 1).
fn sample(cases: &[Case], n: usize) -> BTreeMap<String, Vec<&Case>> {
    let mut by_type: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for case in cases.iter().filter(|c| c.bytes.len() < 400) {
        let signed = SignedTransaction::decode(&case.bytes).unwrap();
        if check_tx(&case.bytes, Fork::Osaka).is_err() {
            continue;
        }
        let list = by_type
            .entry(format!("{:?}", signed.tx.tx_type))
            .or_default();
        if list.len() < n {
            list.push(case);
        }
    }
    by_type
}

#[test]
fn device_signatures_over_every_transaction_type_recover_to_the_device_address() {
    let cases = valid_cases();
    let by_type = sample(&cases, 2);
    let firmware = zkevm_tests::build_firmware().expect("firmware builds");
    let mut device = zkevm_tests::Device::boot(&firmware).expect("QEMU boots");
    let loaded = device
        .wallet(WalletRequest::LoadMnemonic {
            words: TEST_MNEMONIC,
            passphrase: None,
        })
        .unwrap();
    assert!(
        matches!(loaded, Ok(WalletReply::Loaded { .. })),
        "{loaded:?}"
    );
    let Ok(WalletReply::Address { address, .. }) = device
        .wallet(WalletRequest::GetAddress { path: bip44(0) })
        .unwrap()
    else {
        panic!("no address");
    };
    let mut signed_types = Vec::new();
    for (kind, list) in &by_type {
        for case in list {
            let fixture = SignedTransaction::decode(&case.bytes).unwrap();
            let unsigned = payload(&fixture.tx);
            let id = match device.sign_transaction(bip44(0), &unsigned, None).unwrap() {
                Ok(WalletReply::Display { id, .. }) => id,
                other => {
                    println!("{kind} {}: not shown: {other:?}", case.name);
                    continue;
                }
            };
            let Ok(WalletReply::Signature { r, s, y_parity, .. }) =
                device.wallet(WalletRequest::Confirm { id }).unwrap()
            else {
                panic!("{}: no signature", case.name);
            };
            let tx = Transaction::decode_unsigned(&unsigned).unwrap();
            assert_eq!(
                recover(&tx.signing_hash(), &r, &s, y_parity).unwrap(),
                address,
                "{kind} {}",
                case.name
            );
            // The signed form the companion would print recovers the same.
            let sig = wallet::RecoverableSignature::new(r, s, y_parity).unwrap();
            let mut raw = Vec::new();
            tx.write_signed(&sig, &mut raw).unwrap();
            let back = SignedTransaction::decode(&raw).unwrap();
            assert_eq!(back.sender().unwrap(), address, "{kind} {}", case.name);
            if tx.tx_type == TxType::Legacy {
                assert_eq!(back.tx.chain_id, fixture.tx.chain_id, "{}", case.name);
            }
            signed_types.push(format!("{kind} {}", case.name));
        }
    }
    println!("device signatures recovered to its address: {signed_types:#?}");
    for kind in by_type.keys() {
        assert!(
            signed_types
                .iter()
                .any(|s| s.starts_with(&format!("{kind} "))),
            "no {kind} transaction signed"
        );
    }
    assert!(by_type.len() >= 3, "{:?}", by_type.keys());
    assert!(matches!(
        device.call(&protocol::Request::Ping).unwrap(),
        zkevm_tests::Reply::Pong { .. }
    ));
}
