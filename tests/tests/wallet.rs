//! The wallet on the device under QEMU: keys, every signing request and every refusal, signatures checked with k256.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a failure fails the test

use protocol::limits::{MAX_MESSAGE, MAX_STAGED};
use protocol::{ErrorCode, Request, WalletError, WalletReply, WalletRequest};
use wallet::{checksummed, Transaction};
use zkevm_tests::wallet::{bip44, eip1559, erc20_transfer, recover, ACCOUNT0, TEST_MNEMONIC};
use zkevm_tests::{build_firmware, Device, Reply};

fn boot() -> Device {
    let firmware = build_firmware().expect("firmware builds");
    Device::boot(&firmware).expect("QEMU boots the firmware")
}

/// Boot and load the test mnemonic; the instructions mnemonic → seed took.
fn boot_with_seed() -> (Device, u64) {
    let mut device = boot();
    match device
        .wallet(WalletRequest::LoadMnemonic {
            words: TEST_MNEMONIC,
            passphrase: None,
        })
        .unwrap()
    {
        Ok(WalletReply::Loaded { instructions }) => (device, instructions),
        other => panic!("LoadMnemonic: {other:?}"),
    }
}

fn refused(e: WalletError) -> Result<WalletReply, ErrorCode> {
    Err(ErrorCode::Wallet(e))
}

/// The display's id and text.
fn shown(answer: Result<WalletReply, ErrorCode>) -> (u32, String, u64) {
    match answer {
        Ok(WalletReply::Display {
            id,
            text,
            instructions,
        }) => (id, text, instructions),
        other => panic!("expected a display, got {other:?}"),
    }
}

/// `(r, s, y_parity, instructions)` of a signature answer.
fn signature(
    answer: Result<WalletReply, ErrorCode>,
    want_id: u32,
) -> ([u8; 32], [u8; 32], u8, u64) {
    match answer {
        Ok(WalletReply::Signature {
            id,
            r,
            s,
            y_parity,
            instructions,
        }) => {
            assert_eq!(id, want_id);
            (r, s, y_parity, instructions)
        }
        other => panic!("expected a signature, got {other:?}"),
    }
}

fn peaks(device: &mut Device) -> (u32, u32) {
    match device.call(&Request::Info).unwrap() {
        Reply::Info {
            heap_peak,
            stack_peak,
            ..
        } => (heap_peak, stack_peak),
        other => panic!("{other:?}"),
    }
}

fn still_serves(mut device: Device) {
    assert!(matches!(
        device.call(&Request::Ping).unwrap(),
        Reply::Pong { .. }
    ));
    assert_eq!(device.exit(0).unwrap().exit_code, Some(0));
}

#[test]
fn keys_addresses_and_a_transaction_signed_after_its_display_and_confirm() {
    let mut device = boot();
    // No seed yet.
    assert_eq!(
        device
            .wallet(WalletRequest::GetAddress { path: bip44(0) })
            .unwrap(),
        refused(WalletError::NoSeed)
    );
    let (mut device, seed_instructions) = {
        drop(device);
        boot_with_seed()
    };
    let (address, public_key, derive, shown_address) = match device
        .wallet(WalletRequest::GetAddress { path: bip44(0) })
        .unwrap()
    {
        Ok(WalletReply::Address {
            address,
            checksummed: text,
            public_key,
            derive_instructions,
            address_instructions,
        }) => {
            assert_eq!(text, ACCOUNT0);
            assert_eq!(checksummed(&address).as_str(), ACCOUNT0);
            (
                address,
                public_key,
                derive_instructions,
                address_instructions,
            )
        }
        other => panic!("{other:?}"),
    };
    let key = k256::PublicKey::from_sec1_bytes(&public_key).unwrap();
    assert_eq!(wallet::address::address_of(&key), address);
    let (heap_after_keys, stack_after_keys) = peaks(&mut device);

    let tx = eip1559(Some([0x22; 20]), 0, &erc20_transfer([0x33; 20], 250));
    let (id, text, display_instructions) =
        shown(device.sign_transaction(bip44(0), &tx, None).unwrap());
    println!("{text}");
    assert!(text.contains(&format!("from: {ACCOUNT0}")), "{text}");
    assert!(text.contains("ERC-20 transfer of token 0x2222"), "{text}");
    assert!(text.contains("  amount: 250 (token base units)"), "{text}");
    let (r, s, y, sign_instructions) =
        signature(device.wallet(WalletRequest::Confirm { id }).unwrap(), id);
    let hash = Transaction::decode_unsigned(&tx).unwrap().signing_hash();
    assert_eq!(recover(&hash, &r, &s, y).unwrap(), address);
    let (heap_peak, stack_peak) = peaks(&mut device);
    println!("wallet on mps2-an386 (instructions, heap/stack peaks in bytes after each):");
    println!("  mnemonic -> seed (PBKDF2-HMAC-SHA512, 2048 rounds): {seed_instructions}");
    println!("  path derivation m/44'/60'/0'/0/0: {derive}");
    println!("  address (public key + keccak): {shown_address}");
    println!("  heap peak {heap_after_keys}, stack peak {stack_after_keys}");
    println!("  ERC-20 transfer: parse + check + derive + display: {display_instructions}");
    println!("  ERC-20 transfer: derive + sign on Confirm: {sign_instructions}");
    println!("  heap peak {heap_peak}, stack peak {stack_peak}");
    still_serves(device);
}

#[test]
fn messages_and_authorizations_recover_to_the_device_address() {
    let (mut device, _) = boot_with_seed();
    let (id, text, _) = shown(
        device
            .wallet(WalletRequest::SignPersonalMessage {
                path: bip44(0),
                message: b"hello world",
            })
            .unwrap(),
    );
    assert!(text.contains("text: hello world"), "{text}");
    let (r, s, y, _) = signature(device.wallet(WalletRequest::Confirm { id }).unwrap(), id);
    let hash = wallet::sign::personal_message_hash(b"hello world");
    let account0 = wallet::parse_address(ACCOUNT0).unwrap();
    assert_eq!(recover(&hash, &r, &s, y).unwrap(), account0);

    let mut chain = [0u8; 32];
    let (id, text, _) = shown(
        device
            .wallet(WalletRequest::SignAuthorization {
                path: bip44(0),
                chain_id: chain,
                address: [0x42; 20],
                nonce: 0,
            })
            .unwrap(),
    );
    assert!(
        text.contains("WARNING: authorization with chain id 0"),
        "{text}"
    );
    assert_eq!(
        device.wallet(WalletRequest::Reject { id }).unwrap(),
        Ok(WalletReply::Rejected { id })
    );
    chain[31] = 1;
    let (id, _, _) = shown(
        device
            .wallet(WalletRequest::SignAuthorization {
                path: bip44(0),
                chain_id: chain,
                address: [0x42; 20],
                nonce: 5,
            })
            .unwrap(),
    );
    let (r, s, y, _) = signature(device.wallet(WalletRequest::Confirm { id }).unwrap(), id);
    let hash = wallet::tx::encode::authorization_hash(&wallet::U256::from(1u8), &[0x42; 20], 5);
    assert_eq!(recover(&hash, &r, &s, y).unwrap(), account0);
    still_serves(device);
}

#[test]
fn every_refusal_leaves_nothing_signed_and_the_device_serving() {
    let (mut device, _) = boot_with_seed();
    let tx = eip1559(Some([0x22; 20]), 1, &[]);
    // Reject, then a Confirm for it.
    let (id, _, _) = shown(device.sign_transaction(bip44(0), &tx, None).unwrap());
    assert_eq!(
        device.wallet(WalletRequest::Reject { id }).unwrap(),
        Ok(WalletReply::Rejected { id })
    );
    assert_eq!(
        device.wallet(WalletRequest::Confirm { id }).unwrap(),
        refused(WalletError::NothingPending)
    );
    // A confirm with nothing pending at all, and one with a made-up id.
    assert_eq!(
        device.wallet(WalletRequest::Confirm { id: 12345 }).unwrap(),
        refused(WalletError::NothingPending)
    );
    // A signature request without confirmation: anything else comes next.
    let (id, _, _) = shown(device.sign_transaction(bip44(0), &tx, None).unwrap());
    assert!(matches!(
        device.call(&Request::Info).unwrap(),
        Reply::Info { .. }
    ));
    assert_eq!(
        device.wallet(WalletRequest::Confirm { id }).unwrap(),
        refused(WalletError::NothingPending)
    );
    // A second request while one is pending.
    let (first, _, _) = shown(device.sign_transaction(bip44(0), &tx, None).unwrap());
    let (second, _, _) = shown(
        device
            .wallet(WalletRequest::SignPersonalMessage {
                path: bip44(0),
                message: b"second",
            })
            .unwrap(),
    );
    assert_eq!(
        device.wallet(WalletRequest::Confirm { id: first }).unwrap(),
        refused(WalletError::WrongId {
            got: first,
            expected: second
        })
    );
    assert_eq!(
        device
            .wallet(WalletRequest::Confirm { id: second })
            .unwrap(),
        refused(WalletError::NothingPending)
    );
    // Malformed and invalid transactions.
    let mut trailing = tx.clone();
    trailing.push(0x80);
    assert_eq!(
        device.sign_transaction(bip44(0), &trailing, None).unwrap(),
        refused(WalletError::MalformedTransaction)
    );
    assert_eq!(
        device
            .sign_transaction(bip44(0), &[0x02, 0xc0], None)
            .unwrap(),
        refused(WalletError::MalformedTransaction)
    );
    // Oversized inputs: a transaction past the staging area, a long message.
    let huge = vec![0u8; MAX_STAGED + 1];
    assert!(matches!(
        device.sign_transaction(bip44(0), &huge, None).unwrap(),
        Err(ErrorCode::InputTooLarge { .. })
    ));
    let long = vec![b'a'; MAX_MESSAGE + 1];
    assert!(matches!(
        device
            .wallet(WalletRequest::SignPersonalMessage {
                path: bip44(0),
                message: &long,
            })
            .unwrap(),
        Err(ErrorCode::InputTooLarge { .. })
    ));
    // A witness that is no witness; typed data that is no JSON (nothing staged).
    assert!(matches!(
        device
            .sign_transaction(bip44(0), &tx, Some(&[1, 2, 3]))
            .unwrap(),
        Err(ErrorCode::Wallet(WalletError::WitnessRejected(
            protocol::WitnessFault::Decode(_)
        )))
    ));
    assert_eq!(
        device
            .wallet(WalletRequest::SignTypedData { path: bip44(0) })
            .unwrap(),
        refused(WalletError::MalformedTypedData)
    );
    // After all that, a request still goes through to its signature.
    let (id, _, _) = shown(device.sign_transaction(bip44(0), &tx, None).unwrap());
    signature(device.wallet(WalletRequest::Confirm { id }).unwrap(), id);
    still_serves(device);
}
