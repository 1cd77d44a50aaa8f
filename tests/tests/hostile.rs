//! The device under hostile input: well-framed requests with arbitrary bodies.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code: a failure fails the test

use protocol::limits::{MAX_TX_GAS, MAX_WIRE_FRAME};
use protocol::{
    encode_frame, AccountQuery, BlockQuery, ErrorCode, ExecOutcome, ExecQuery, Rejection, Reply,
    Request, TraceMode, TxQuery,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::ser::{Serialize, SerializeTuple, Serializer};
use zkevm_tests::{build_firmware, erc20, Device};

/// A postcard body given as its raw bytes: serialised as a tuple of bytes,
/// which postcard writes one byte each, with no length prefix.
struct RawBody<'a>(&'a [u8]);

impl Serialize for RawBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tuple = serializer.serialize_tuple(self.0.len())?;
        for byte in self.0 {
            tuple.serialize_element(byte)?;
        }
        tuple.end()
    }
}

/// `body` in a valid frame (COBS, CRC-32 and delimiter).
fn framed(body: &[u8]) -> Vec<u8> {
    let mut wire = vec![0u8; MAX_WIRE_FRAME];
    let n = encode_frame(&RawBody(body), &mut wire).expect("the body fits a frame");
    wire.truncate(n);
    wire
}

/// Request variant indices the test leaves out: `Panic` and `Exit` (test
/// hooks of this firmware build) and `Measure(Spin)` (a busy loop of the
/// host's choosing, also a test hook).
fn is_test_hook(body: &[u8]) -> bool {
    matches!(body, [3, ..] | [4, ..] | [2, 3, ..])
}

/// Random bytes, with a bias toward small numbers (postcard varints and
/// lengths) so that more bodies decode part of the way.
fn random_bytes(rng: &mut StdRng, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| match rng.random_range(0..4) {
            0 => 0,
            1 => rng.random_range(1..8),
            _ => rng.random(),
        })
        .collect()
}

/// A random request body: an arbitrary body after a known or unknown
/// variant, or a real request with one byte changed.
fn random_body(rng: &mut StdRng, valid_query: &[u8]) -> Vec<u8> {
    loop {
        let body = match rng.random_range(0..4) {
            0 => {
                let len = rng.random_range(0..64);
                let mut body = vec![rng.random_range(0..12u8)];
                body.extend(random_bytes(rng, len));
                body
            }
            1 => {
                // A Stage of random bytes at a random (often valid) offset.
                let len = rng.random_range(0..300);
                let data = random_bytes(rng, len);
                let offset = if rng.random_bool(0.5) {
                    0
                } else {
                    rng.random_range(0..4096)
                };
                postcard::to_allocvec(&Request::Stage {
                    offset,
                    data: &data,
                })
                .unwrap()
            }
            2 => {
                // Execute or VerifyProof of whatever is staged, any trace mode.
                let trace =
                    [TraceMode::Off, TraceMode::Commit, TraceMode::Stream][rng.random_range(0..3)];
                let request = if rng.random_bool(0.7) {
                    Request::Execute { trace }
                } else {
                    Request::VerifyProof
                };
                postcard::to_allocvec(&request).unwrap()
            }
            _ => {
                // The whole valid query staged with one byte changed.
                let mut data = valid_query.to_vec();
                let at = rng.random_range(0..data.len());
                data[at] = rng.random();
                postcard::to_allocvec(&Request::Stage {
                    offset: 0,
                    data: &data,
                })
                .unwrap()
            }
        };
        if !is_test_hook(&body) {
            return body;
        }
    }
}

fn heap_used(device: &mut Device) -> u32 {
    match device.call(&Request::Info).unwrap() {
        Reply::Info { heap_used, .. } => heap_used,
        other => panic!("expected Info, got {other:?}"),
    }
}

#[test]
fn a_thousand_well_framed_random_requests_are_all_answered_and_leak_nothing() {
    let code = erc20::token_code().expect("assembles");
    let query = erc20::transfer_query(&code, 250).expect("query");
    let mut device = Device::boot(&build_firmware().expect("firmware")).expect("boots");
    let baseline = heap_used(&mut device);
    let mut rng = StdRng::seed_from_u64(0x0bad_5eed);
    let (mut errors, mut rejected, mut executed, mut staged) = (0, 0, 0, 0);
    for i in 0..1000 {
        let body = random_body(&mut rng, &query);
        device.send_raw(&framed(&body)).unwrap();
        let mut reply = device
            .read_reply()
            .unwrap_or_else(|e| panic!("request {i} {body:02x?}: {e}"));
        while let Reply::TraceRows { .. } = reply {
            reply = device.read_reply().unwrap();
        }
        match reply {
            Reply::Error(ErrorCode::Unsupported) => panic!("request {i}: a test hook was sent"),
            Reply::Error(_) => errors += 1,
            Reply::Rejected { .. } => rejected += 1,
            Reply::Executed(_) | Reply::ProofVerified(_) => executed += 1,
            Reply::Staged { .. } => staged += 1,
            Reply::Pong { .. } | Reply::Info { .. } | Reply::Measured { .. } => {}
            other => panic!("request {i} {body:02x?} was answered {other:?}"),
        }
    }
    println!(
        "1000 requests: {errors} errors, {rejected} rejected, {executed} executed, {staged} staged"
    );
    assert!(executed > 0 && rejected + errors > 0 && staged > 0);
    // Still serving, and every allocation of the thousand requests was freed.
    assert_eq!(heap_used(&mut device), baseline);
    assert!(matches!(
        device.execute(&query).unwrap(),
        Reply::Executed(_)
    ));
    assert_eq!(heap_used(&mut device), baseline);
    assert_eq!(device.exit(0).unwrap().exit_code, Some(0));
}

/// A query calling `code` with zero fees and `gas`, the block allowing it.
fn contract_query(code: &[u8], gas: u64) -> Vec<u8> {
    let caller = [0xca; 20];
    let contract = [0xc0; 20];
    let mut balance = [0u8; 32];
    balance[16] = 1;
    let accounts = [
        AccountQuery {
            address: caller,
            nonce: 0,
            balance,
            code: &[],
            storage: &[],
        },
        AccountQuery {
            address: contract,
            nonce: 1,
            balance: [0; 32],
            code,
            storage: &[],
        },
    ];
    let query = ExecQuery {
        block: BlockQuery {
            number: 1,
            timestamp: 1,
            gas_limit: gas,
            base_fee: [0; 32],
            coinbase: [0xcb; 20],
            chain_id: 1,
        },
        accounts: heapless::Vec::from_slice(&accounts).unwrap(),
        tx: TxQuery {
            caller,
            to: Some(contract),
            value: [0; 32],
            data: &[],
            gas_limit: gas,
            nonce: 0,
            max_fee: [0; 32],
            max_priority_fee: None,
        },
    };
    postcard::to_allocvec(&query).unwrap()
}

/// `CALL(GAS, precompile, 0, 0, args, 0, ret)` then `STOP`.
fn call_precompile(setup: &[u8], precompile: u8, args: u8, ret: u8) -> Vec<u8> {
    let mut code = setup.to_vec();
    code.extend_from_slice(&[
        0x60, ret, 0x60, 0x00, 0x60, args, 0x60, 0x00, 0x60, 0x00, 0x60, precompile, 0x5a, 0xf1,
        0x00,
    ]);
    code
}

#[test]
fn hostile_contracts_end_in_results_or_typed_refusals_and_the_device_keeps_serving() {
    let mut device = Device::boot(&build_firmware().expect("firmware")).expect("boots");
    let baseline = heap_used(&mut device);
    let cases: [(&str, Vec<u8>, u64); 5] = [
        // KECCAK256 of 33 bytes at 0xffffffff: the memory end passes 2^32,
        // where a 32-bit usize wraps (issue 10, finding 2).
        (
            "keccak at 2^32",
            vec![0x60, 0x21, 0x63, 0xff, 0xff, 0xff, 0xff, 0x20, 0x00],
            MAX_TX_GAS,
        ),
        // The same with the gas to pay for 4 GiB of memory: over the cap.
        (
            "keccak at 2^32, 2^46 gas",
            vec![0x60, 0x21, 0x63, 0xff, 0xff, 0xff, 0xff, 0x20, 0x00],
            1 << 46,
        ),
        // modexp with an 800 KiB exponent (finding 1): ~2.2 M gas buys an
        // allocation larger than the heap.
        (
            "modexp el = 800 KiB",
            call_precompile(
                &[
                    0x62, 0x0c, 0x80, 0x00, 0x60, 0x20, 0x52, 0x60, 0x01, 0x60, 0x40, 0x52,
                ],
                0x05,
                0x60,
                0x20,
            ),
            MAX_TX_GAS,
        ),
        // An endless loop with all the gas a device allows (finding 4).
        ("JUMPDEST loop", vec![0x5b, 0x60, 0x00, 0x56], MAX_TX_GAS),
        // blake2f with 8 M rounds, paid for (finding 4): ~10^10 instructions.
        (
            "blake2f 8 M rounds",
            call_precompile(
                &[
                    0x63, 0x00, 0x80, 0x00, 0x00, 0x60, 0xe0, 0x1b, 0x60, 0x00, 0x52,
                ],
                0x09,
                0xd5,
                0x40,
            ),
            MAX_TX_GAS,
        ),
    ];
    for (name, code, gas) in cases {
        let reply = device.execute(&contract_query(&code, gas)).unwrap();
        println!("{name}: {reply:?}");
        match (name, &reply) {
            ("keccak at 2^32" | "JUMPDEST loop", Reply::Executed(s)) => {
                assert_eq!(s.status, ExecOutcome::Halt, "{name}");
                assert_eq!(s.gas_used, gas, "{name}");
            }
            (
                "keccak at 2^32, 2^46 gas",
                Reply::Rejected {
                    kind: Rejection::GasAboveCap { .. },
                    ..
                },
            ) => {}
            // Under Osaka (the device's rules) EIP-7823 fails an operand over
            // 1024 bytes before any allocation: the CALL fails with all its gas
            // (63/64 of the transaction's) and the transaction succeeds. Under
            // Cancun rules the device bound refuses it (`DeviceLimit`).
            ("modexp el = 800 KiB", Reply::Executed(s)) => {
                assert_eq!(s.status, ExecOutcome::Success, "{name}");
                assert!(s.gas_used > gas - gas / 64, "{name}: {}", s.gas_used);
                assert!(s.writes.is_empty(), "{name}");
            }
            (
                "JUMPDEST loop" | "blake2f 8 M rounds",
                Reply::Rejected {
                    kind: Rejection::TimeBudget,
                    ..
                },
            ) => {}
            _ => panic!("{name}: unexpected {reply:?}"),
        }
        assert_eq!(heap_used(&mut device), baseline, "after {name}");
    }
    assert_eq!(device.exit(0).unwrap().exit_code, Some(0));
}
