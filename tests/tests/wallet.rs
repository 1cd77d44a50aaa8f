//! The wallet on the device under QEMU: keys, every signing request and every refusal, signatures checked with k256.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a failure fails the test

use protocol::limits::{MAX_MESSAGE, MAX_STAGED};
use protocol::{ErrorCode, Request, WalletError, WalletReply, WalletRequest};
use wallet::{checksummed, Transaction};
use zkevm_tests::wallet::{
    bip44, eip1559, erc20_transfer, recover, ACCOUNT0, MAIL_TYPED_DATA, TEST_MNEMONIC,
};
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
            ..
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
    println!("  ERC-20 transfer: derive + parse + check + display: {display_instructions}");
    println!("  ERC-20 transfer: sign on Confirm: {sign_instructions}");
    println!("  heap peak {heap_peak}, stack peak {stack_peak}");
    still_serves(device);
}

#[test]
fn messages_typed_data_and_authorizations_recover_to_the_device_address() {
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

    // EIP-712: staged JSON, shown field by field, signed over its digest.
    device.stage(MAIL_TYPED_DATA.as_bytes()).unwrap();
    let (id, text, _) = shown(
        device
            .wallet(WalletRequest::SignTypedData { path: bip44(0) })
            .unwrap(),
    );
    assert!(text.contains("Hello, Bob!"), "{text}");
    let digest = wallet::typed_data::TypedData::parse(MAIL_TYPED_DATA.as_bytes())
        .unwrap()
        .digest();
    assert!(
        text.contains(&zkevm_fixtures::hex::hex(&digest)[2..]),
        "no digest in {text}"
    );
    let (r, s, y, _) = signature(device.wallet(WalletRequest::Confirm { id }).unwrap(), id);
    assert_eq!(recover(&digest, &r, &s, y).unwrap(), account0);
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

/// On the device: seeded random sequences of requests (signing requests,
/// confirms and rejects for the shown id or another, other requests, bad
/// frames). A signature only ever answers a `Confirm` whose id is that of
/// the display that was the answer just before; every signature recovers
/// (k256) to the device's address over the hash of what was shown.
#[test]
fn random_request_sequences_never_sign_without_display_and_confirm() {
    use rand::{Rng, SeedableRng};
    let (mut device, _) = boot_with_seed();
    let account0 = wallet::parse_address(ACCOUNT0).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x13);
    // The display just before (its id and the hash it signs), if the last answer was one.
    let mut shown: Option<(u32, [u8; 32])> = None;
    let mut signatures = 0;
    for step in 0..300 {
        let op = rng.random_range(0..10u8);
        let n: u32 = rng.random();
        let mut pending_hash = None;
        let answer = match op {
            0 => device.wallet(WalletRequest::GetAddress { path: bip44(0) }),
            1 => {
                let message = n.to_be_bytes();
                pending_hash = Some(wallet::sign::personal_message_hash(&message));
                device.wallet(WalletRequest::SignPersonalMessage {
                    path: bip44(0),
                    message: &message,
                })
            }
            2 | 3 => {
                let tx = eip1559(Some([0x22; 20]), u128::from(n), &[]);
                pending_hash = Some(Transaction::decode_unsigned(&tx).unwrap().signing_hash());
                device.sign_transaction(bip44(0), &tx, None)
            }
            4 | 5 => {
                let id = shown.map_or(n, |(id, _)| id);
                device.wallet(WalletRequest::Confirm { id })
            }
            6 => device.wallet(WalletRequest::Confirm { id: n % 8 }),
            7 => device.wallet(WalletRequest::Reject {
                id: shown.map_or(n, |(id, _)| id),
            }),
            8 => {
                device.call(&Request::Ping).unwrap();
                Ok(Err(ErrorCode::Unsupported))
            }
            _ => {
                // A frame that is no request: answered with an error, drops the pending request.
                device.send_raw(&[0x05, 0x11, 0x22, 0x00]).unwrap();
                device.read_reply().unwrap();
                Ok(Err(ErrorCode::Unsupported))
            }
        }
        .unwrap();
        if let Ok(WalletReply::Signature {
            id, r, s, y_parity, ..
        }) = &answer
        {
            let (shown_id, hash) = shown.expect("a signature with no display just before");
            assert!(matches!(op, 4..=6), "step {step}: op {op} signed");
            assert_eq!(*id, shown_id, "step {step}");
            assert_eq!(recover(&hash, r, s, *y_parity).unwrap(), account0);
            signatures += 1;
        }
        shown = match answer {
            Ok(WalletReply::Display { id, .. }) => Some((id, pending_hash.unwrap())),
            _ => None,
        };
    }
    println!("{signatures} signatures in 300 random requests, each after its display and confirm");
    assert!(signatures > 5, "{signatures}");
    still_serves(device);
}
