//! `zkevm --emulator` wallet commands against the QEMU firmware (each run boots it; the firmware is built once, then named by `ZKEVM_FIRMWARE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

use protocol::witness::Witness;
use protocol::{ErrorCode, WalletError, WalletReply, WalletRequest};
use wallet::{checksummed, SignedTransaction, Transaction};
use zkevm_fixtures::hex::{hex, unhex};
use zkevm_tests::stories::{self, Story};
use zkevm_tests::wallet::{eip1559, erc20_transfer, recover, ACCOUNT0, TEST_MNEMONIC};

const PATH: &str = "m/44'/60'/0'/0/0";

/// The test firmware: the ELF named by `ZKEVM_FIRMWARE` if set, else built
/// once per test process.
fn firmware() -> PathBuf {
    std::env::var_os("ZKEVM_FIRMWARE").map_or_else(
        || zkevm_tests::build_firmware().expect("firmware builds").elf,
        PathBuf::from,
    )
}

fn zkevm(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zkevm"))
        .env("ZKEVM_FIRMWARE", firmware())
        .args(["--emulator", "--mnemonic", TEST_MNEMONIC])
        .args(args)
        .output()
        .expect("zkevm runs");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn hex_of(s: &str) -> String {
    s.bytes().fold(String::from("0x"), |mut acc, b| {
        acc.push_str(&format!("{b:02x}"));
        acc
    })
}

#[test]
fn address_sign_tx_and_a_rejected_message() {
    let out = zkevm(&["address", "--path", PATH]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().last(), Some(ACCOUNT0));

    let tx = eip1559(Some([0x22; 20]), 0, &erc20_transfer([0x33; 20], 250));
    let tx_hex: String = tx.iter().map(|b| format!("{b:02x}")).collect();
    let out = zkevm(&[
        "sign-tx",
        "--path",
        PATH,
        "--tx",
        &format!("0x{tx_hex}"),
        "--yes",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("ERC-20 transfer of token"), "{stdout}");
    let sig = stdout
        .lines()
        .find(|l| l.starts_with("signature: "))
        .expect("a signature line");
    assert!(
        sig.starts_with("signature: v=0 r=0x") || sig.starts_with("signature: v=1 r=0x"),
        "{sig}"
    );
    let signed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("signed: 0x"))
        .expect("a signed line");
    let bytes: Vec<u8> = (0..signed.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&signed[i..i + 2], 16).unwrap())
        .collect();
    let decoded = SignedTransaction::decode(&bytes).unwrap();
    assert_eq!(checksummed(&decoded.sender().unwrap()).as_str(), ACCOUNT0);

    let out = zkevm(&[
        "sign-message",
        "--path",
        PATH,
        "--hex",
        &hex_of("hello"),
        "--reject",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("text: hello"), "{stdout}");
    assert!(!stdout.contains("signature:"), "{stdout}");
}

/// The story's pre-state in a file of its own.
fn prestate_file(story: &Story) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "zkevm-emulator-{}-{}-{n}.json",
        story.name,
        std::process::id()
    ));
    std::fs::write(&path, &story.prestate).unwrap();
    path
}

/// `zkevm sign-tx --path P --tx 0x.. --prestate F <answer>`: exit code and standard output.
fn sign_tx_with_prestate(story: &Story, answer: &str) -> (Option<i32>, String, String) {
    let file = prestate_file(story);
    let out = zkevm(&[
        "sign-tx",
        "--path",
        PATH,
        "--tx",
        &hex(&story.tx),
        "--prestate",
        file.to_str().unwrap(),
        answer,
    ]);
    let _ = std::fs::remove_file(file);
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The address `zkevm address` prints on its last line.
fn device_address() -> [u8; 20] {
    let out = zkevm(&["address", "--path", PATH]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    wallet::parse_address(stdout.lines().last().unwrap()).unwrap()
}

#[test]
fn sign_tx_with_a_prestate_signs_the_erc20_transfer_and_flags_the_safe_upgrade() {
    let address = device_address();
    let story = stories::erc20_transfer_from(address).unwrap();
    let (code, stdout, _) = sign_tx_with_prestate(&story, "--yes");
    assert_eq!(code, Some(0), "{stdout}");
    for line in [
        "outcome: success".to_string(),
        format!(
            "token {} transfer: from {} to {} amount 1000",
            hex(&zkevm_tests::erc20::TOKEN),
            hex(&address),
            hex(&zkevm_tests::erc20::BOB)
        ),
        "supplied by the host".to_string(),
    ] {
        assert!(stdout.contains(&line), "no {line:?} in\n{stdout}");
    }
    let sig = stdout
        .lines()
        .find_map(|l| l.strip_prefix("signature: v="))
        .expect("a signature line");
    let (v, rest) = sig.split_once(" r=0x").unwrap();
    let (r, s) = rest.split_once(" s=0x").unwrap();
    assert!(v == "0" || v == "1", "{sig}");
    assert_eq!((r.len(), s.len()), (64, 64), "{sig}");
    let signed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("signed: 0x"))
        .expect("a signed line");
    let signed = unhex(signed).unwrap();
    let decoded = SignedTransaction::decode(&signed).unwrap();
    assert_eq!(decoded.sender().unwrap(), address);
    // The printed r, s, v, checked with k256 against the story's unsigned payload.
    let hash = Transaction::decode_unsigned(&story.tx)
        .unwrap()
        .signing_hash();
    let r: [u8; 32] = unhex(r).unwrap().try_into().unwrap();
    let s: [u8; 32] = unhex(s).unwrap().try_into().unwrap();
    assert_eq!(recover(&hash, &r, &s, v.parse().unwrap()).unwrap(), address);

    let story = stories::safe_upgrade_by(address).unwrap();
    let (code, stdout, _) = sign_tx_with_prestate(&story, "--reject");
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("WARNING: proxy implementation changes: slot 0 of"),
        "{stdout}"
    );
    assert!(
        stdout.contains("WARNING: DELEGATECALL by delegated code"),
        "{stdout}"
    );
    assert!(stdout.contains("rejected: nothing signed"), "{stdout}");
    assert!(!stdout.contains("signature:"), "{stdout}");
    assert!(!stdout.contains("signed:"), "{stdout}");
}

#[test]
fn sign_tx_prints_the_device_limit_a_simulation_hit() {
    let address = device_address();
    // A word just past the QEMU board's EVM memory (`Limits::DEVICE`, not the
    // nRF52840's smaller profile).
    let limit = u32::try_from(firmware::limits::QEMU_EVM_LIMITS.memory_bytes).unwrap();
    let story = stories::memory_past_the_device(address, limit);
    let (code, stdout, stderr) = sign_tx_with_prestate(&story, "--yes");
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains("device refused: cannot simulate: EVM memory full"),
        "{stderr}"
    );
    assert!(!stdout.contains("signature:"), "{stdout}");
}

/// A witness the device refuses, the refusal the firmware library gives on
/// the host for it, and the line `zkevm` prints.
fn refused_on_the_device(
    device: &mut zkevm_tests::Device,
    tx: &[u8],
    sender: &[u8; 20],
    witness: &[u8],
) -> String {
    let decoded = Transaction::decode_unsigned(tx).unwrap();
    let host =
        firmware::check::simulate(&decoded, sender, witness).expect_err("the host refuses it too");
    let got = device
        .sign_transaction(zkevm_tests::wallet::bip44(0), tx, Some(witness))
        .unwrap();
    assert_eq!(got, Err(ErrorCode::Wallet(WalletError::from(host))));
    let line = zkevm_cli::device::describe(got.unwrap_err());
    println!("{line}");
    line
}

/// The witness with its proof nodes and state root changed by `change`.
fn altered(witness: &[u8], change: impl FnOnce(&mut Vec<Vec<u8>>, &mut [u8; 32])) -> Vec<u8> {
    let w = Witness::decode(witness).unwrap();
    let mut nodes: Vec<Vec<u8>> = w.nodes.iter().map(|n| n.to_vec()).collect();
    let mut root = w.block.state_root;
    change(&mut nodes, &mut root);
    let mut block = w.block;
    block.state_root = root;
    let refs: Vec<&[u8]> = nodes.iter().map(Vec::as_slice).collect();
    let w = Witness {
        block,
        nodes: heapless::Vec::from_slice(&refs).unwrap(),
        ..w
    };
    postcard::to_allocvec(&w).unwrap()
}

/// A freshly booted QEMU device with the test mnemonic loaded.
fn device_with_test_mnemonic() -> zkevm_tests::Device {
    let mut device = zkevm_tests::Device::boot(&zkevm_tests::Firmware { elf: firmware() }).unwrap();
    let loaded = device
        .wallet(WalletRequest::LoadMnemonic {
            words: TEST_MNEMONIC,
            passphrase: None,
        })
        .unwrap();
    assert!(matches!(loaded, Ok(WalletReply::Loaded { .. })));
    device
}

#[test]
fn an_incomplete_tampered_or_wrong_root_witness_is_refused_by_name() {
    let mut device = device_with_test_mnemonic();
    let sender = wallet::parse_address(ACCOUNT0).unwrap();
    let story = stories::erc20_transfer_from(sender).unwrap();
    let file = prestate_file(&story);
    let tx = Transaction::decode_unsigned(&story.tx).unwrap();
    let witness = zkevm_cli::witness::from_prestate(&file, &tx, &sender).unwrap();
    let _ = std::fs::remove_file(file);

    // The same witness for a transfer to a holder it does not prove.
    let missing = (0xc0..0xe0u8)
        .map(|k| {
            stories::eip1559(
                7,
                &zkevm_tests::erc20::TOKEN,
                0,
                &zkevm_tests::erc20::transfer_data(&[k; 20], 1),
                100_000,
            )
        })
        .find(|raw| {
            let t = Transaction::decode_unsigned(raw).unwrap();
            matches!(
                firmware::check::simulate(&t, &sender, &witness),
                Err(firmware::check::Refusal::Incomplete(_))
            )
        })
        .expect("a transfer the witness does not cover");
    let line = refused_on_the_device(&mut device, &missing, &sender, &witness);
    assert!(
        line.starts_with("device refused: witness incomplete: slot 0x")
            && line.ends_with(&format!("of {}", hex(&zkevm_tests::erc20::TOKEN))),
        "{line}"
    );

    // A changed node (the last one: a leaf or branch below the root).
    let tampered = altered(&witness, |nodes, _| {
        let node = nodes.last_mut().unwrap();
        let last = node.len() - 1;
        node[last] ^= 1;
    });
    let line = refused_on_the_device(&mut device, &story.tx, &sender, &tampered);
    assert!(
        line.starts_with("device refused: witness rejected: "),
        "{line}"
    );

    // Another state root.
    let wrong_root = altered(&witness, |_, root| root[0] ^= 1);
    let line = refused_on_the_device(&mut device, &story.tx, &sender, &wrong_root);
    assert!(
        line.starts_with("device refused: witness rejected: proof of ")
            && line.ends_with("(wrong root)"),
        "{line}"
    );

    // Nothing is pending after the refusals; the intact witness still goes through.
    assert_eq!(
        device.wallet(WalletRequest::Confirm { id: 1 }).unwrap(),
        Err(ErrorCode::Wallet(WalletError::NothingPending))
    );
    let shown = device
        .sign_transaction(zkevm_tests::wallet::bip44(0), &story.tx, Some(&witness))
        .unwrap();
    let Ok(WalletReply::Display { id, text, .. }) = shown else {
        panic!("{shown:?}");
    };
    assert!(text.contains("outcome: success"), "{text}");
    assert!(matches!(
        device.wallet(WalletRequest::Confirm { id }).unwrap(),
        Ok(WalletReply::Signature { .. })
    ));
}

/// Heap and stack peaks since boot (`Info`).
fn peaks(device: &mut zkevm_tests::Device) -> (u32, u32) {
    match device.call(&protocol::Request::Info).unwrap() {
        zkevm_tests::Reply::Info {
            heap_peak,
            stack_peak,
            ..
        } => (heap_peak, stack_peak),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_signing_request_with_a_witness_stays_within_the_stack_budget() {
    let mut device = device_with_test_mnemonic();
    let sender = wallet::parse_address(ACCOUNT0).unwrap();
    for story in [
        stories::erc20_transfer_from(sender).unwrap(),
        stories::safe_upgrade_by(sender).unwrap(),
    ] {
        let tx = Transaction::decode_unsigned(&story.tx).unwrap();
        let prestate = zkevm_cli::witness::Prestate::parse(&story.prestate).unwrap();
        let witness = zkevm_cli::witness::from_prestate_state(&prestate, &tx, &sender).unwrap();
        let shown = device
            .sign_transaction(zkevm_tests::wallet::bip44(0), &story.tx, Some(&witness))
            .unwrap();
        let Ok(WalletReply::Display { id, .. }) = shown else {
            panic!("{}: {shown:?}", story.name);
        };
        assert!(matches!(
            device.wallet(WalletRequest::Confirm { id }).unwrap(),
            Ok(WalletReply::Signature { .. })
        ));
        let (heap_peak, stack_peak) = peaks(&mut device);
        println!(
            "{} ({} B witness) signed: heap peak {heap_peak} B, stack peak {stack_peak} B",
            story.name,
            witness.len()
        );
        assert!(
            stack_peak as usize <= firmware::limits::STACK_BUDGET,
            "{}: stack peak {stack_peak} B above the budget of {} B",
            story.name,
            firmware::limits::STACK_BUDGET
        );
    }
}
