//! `zkevm --emulator` wallet commands against the QEMU firmware (each run boots it; the first builds it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

use wallet::{checksummed, SignedTransaction};
use zkevm_tests::wallet::{eip1559, erc20_transfer, ACCOUNT0, TEST_MNEMONIC};

const PATH: &str = "m/44'/60'/0'/0/0";

fn zkevm(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zkevm"))
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
