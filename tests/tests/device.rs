//! Integration tests: the firmware under QEMU, over its framed UART.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test support code: a failure fails the test

use protocol::limits::{EXIT_PANIC, MAX_ENCODED};
use protocol::{ErrorCode, FrameError, Rejection, Request, PROTOCOL_VERSION};
use rand::{Rng, SeedableRng};
use zkevm_tests::{build_firmware, Device, Reply};

fn boot() -> Device {
    let firmware = build_firmware().expect("firmware builds");
    Device::boot(&firmware).expect("QEMU boots the firmware")
}

/// The device still serves: it answers `Ping`, then exits cleanly.
fn answers_ping_then_exits(mut device: Device) {
    assert_eq!(
        device.call(&Request::Ping).unwrap(),
        Reply::Pong {
            version: PROTOCOL_VERSION
        }
    );
    assert_eq!(device.exit(0).unwrap().exit_code, Some(0));
}

#[test]
fn ping_gets_pong_and_info_reports_memory() {
    let mut device = boot();
    assert_eq!(
        device.call(&Request::Ping).unwrap(),
        Reply::Pong {
            version: PROTOCOL_VERSION
        }
    );
    match device.call(&Request::Info).unwrap() {
        Reply::Info {
            heap_size,
            heap_peak,
            stack_size,
            stack_peak,
            build_id,
            ..
        } => {
            assert_eq!(heap_size, 1024 * 1024);
            assert!(heap_peak <= heap_size);
            assert!(
                stack_peak > 0 && stack_peak < stack_size,
                "{stack_peak}/{stack_size}"
            );
            assert!(build_id.starts_with("0.1.0+"), "{build_id}");
        }
        other => panic!("expected Info, got {other:?}"),
    }
    let outcome = device.exit(0).unwrap();
    assert_eq!(outcome.exit_code, Some(0), "{}", outcome.stderr);
    assert!(
        outcome
            .logs
            .iter()
            .any(|l| l.contains("firmware") && l.contains("ready")),
        "{:?}",
        outcome.logs
    );
    let buffers = outcome
        .logs
        .iter()
        .find(|l| l.contains("EVM buffers"))
        .expect("the device logs its EVM buffer budget");
    println!("device: {buffers}");
}

/// A random frame body with no delimiter inside: exactly one frame.
fn random_frame(rng: &mut impl Rng) -> Vec<u8> {
    let len = match rng.random_range(0..10) {
        0 => rng.random_range(MAX_ENCODED - 8..MAX_ENCODED + 64),
        _ => rng.random_range(1..300),
    };
    (0..len).map(|_| rng.random_range(1..=255u8)).collect()
}

#[test]
fn a_thousand_malformed_frames_get_errors_and_the_device_keeps_serving() {
    let mut device = boot();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let mut errors = 0;
    for i in 0..1000 {
        let mut frame = random_frame(&mut rng);
        frame.push(0);
        device.send_raw(&frame).unwrap();
        match device.read_reply().unwrap() {
            Reply::Error(ErrorCode::Frame(e)) => {
                errors += 1;
                if frame.len() - 1 > MAX_ENCODED {
                    assert!(
                        matches!(e, FrameError::Oversized { .. }),
                        "frame {i}: {e:?}"
                    );
                }
            }
            other => panic!("frame {i} ({} bytes) was answered {other:?}", frame.len()),
        }
    }
    assert_eq!(errors, 1000);
    // Empty frames are resynchronisation padding: no answer, and no harm.
    device.send_raw(&[0, 0, 0]).unwrap();
    answers_ping_then_exits(device);
}

#[test]
fn a_panic_exits_with_the_panic_code() {
    let mut device = boot();
    let mut wire = vec![0u8; 16];
    let n = protocol::encode_frame(&Request::Panic, &mut wire).unwrap();
    device.send_raw(&wire[..n]).unwrap();
    let outcome = device.finish().unwrap();
    assert_eq!(outcome.exit_code, Some(EXIT_PANIC));
    assert!(
        outcome
            .logs
            .iter()
            .any(|l| l.starts_with("ERROR panic") && l.contains("test hook")),
        "{:?}",
        outcome.logs
    );
}

#[test]
fn keccak_instruction_count_is_deterministic_and_the_digest_is_right() {
    let data = [0xabu8; 136];
    let mut counts = Vec::new();
    for _ in 0..2 {
        let mut device = boot();
        let (first, digest) = device.measure_keccak(&data).unwrap();
        let (second, _) = device.measure_keccak(&data).unwrap();
        counts.push(first);
        counts.push(second);
        let mut expected = [0u8; 32];
        {
            use tiny_keccak::{Hasher, Keccak};
            let mut k = Keccak::v256();
            k.update(&data);
            k.finalize(&mut expected);
        }
        assert_eq!(digest, expected);
        device.exit(0).unwrap();
    }
    println!(
        "keccak256(136 bytes) on mps2-an386: {} instructions",
        counts[0]
    );
    assert!(counts.iter().all(|&c| c == counts[0]), "{counts:?}");
    assert!((5_000..200_000).contains(&counts[0]), "{}", counts[0]);
}

#[test]
fn eth_get_proof_samples_verify_on_the_device() {
    let cases = match zkevm_tests::proofs::eth_get_proof_cases() {
        Ok(cases) => cases,
        Err(e) => panic!("{e}: {}", zkevm_fixtures::HINT),
    };
    assert_eq!(cases.len(), 4);
    let mut device = boot();
    for case in &cases {
        let query = case.query_bytes().unwrap();
        match device.verify_proof(&query).unwrap() {
            Reply::ProofVerified(proven) => {
                assert!(proven.exists, "{}", case.name);
                assert_eq!(proven.nonce, case.nonce, "{}", case.name);
                assert_eq!(proven.balance, case.balance, "{}", case.name);
                assert_eq!(proven.code_hash, case.code_hash, "{}", case.name);
                assert_eq!(proven.storage_root, case.storage_root, "{}", case.name);
                assert_eq!(
                    proven.slots.as_slice(),
                    case.values.as_slice(),
                    "{}",
                    case.name
                );
                println!(
                    "{}: {} query bytes, {} account nodes, {} slots, {} instructions",
                    case.name,
                    query.len(),
                    case.account_proof.len(),
                    case.storage.len(),
                    proven.instructions
                );
            }
            other => panic!("{}: {other:?}", case.name),
        }
    }
    assert_eq!(device.exit(0).unwrap().exit_code, Some(0));
}

#[test]
fn tampered_proofs_are_rejected_on_the_device_and_it_keeps_serving() {
    let cases = zkevm_tests::proofs::eth_get_proof_cases()
        .unwrap_or_else(|e| panic!("{e}: {}", zkevm_fixtures::HINT));
    let case = cases
        .iter()
        .find(|c| !c.storage.is_empty())
        .expect("a case with storage");
    let mut device = boot();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for _ in 0..40 {
        let mut tampered = case.clone();
        // Flip one byte in one node of the account proof or of a storage proof.
        let node = if rng.random_bool(0.5) {
            let i = rng.random_range(0..tampered.account_proof.len());
            &mut tampered.account_proof[i]
        } else {
            let proof = &mut tampered.storage[0].1;
            let i = rng.random_range(0..proof.len());
            &mut proof[i]
        };
        let at = rng.random_range(0..node.len());
        node[at] ^= 1 << rng.random_range(0..8);
        match device
            .verify_proof(&tampered.query_bytes().unwrap())
            .unwrap()
        {
            Reply::Rejected { kind, reason } => {
                assert_eq!(kind, Rejection::InvalidProof);
                assert!(!reason.is_empty());
            }
            Reply::ProofVerified(proven) => {
                // Accepted only if it proves exactly what the original does.
                assert_eq!(proven.balance, case.balance);
                assert_eq!(proven.slots.as_slice(), case.values.as_slice());
            }
            other => panic!("{other:?}"),
        }
    }
    answers_ping_then_exits(device);
}

#[test]
fn signing_and_ecrecover_on_the_device_agree_with_the_host() {
    use k256::ecdsa::SigningKey;
    use protocol::limits::BENCH_SECRET_KEY;
    use protocol::Routine;

    let mut device = boot();
    let digest = [0x5a; 32];
    let (sign_instructions, signature) = device.measure(Routine::Sign { digest }).unwrap();
    let key = SigningKey::from_slice(&BENCH_SECRET_KEY).unwrap();
    let (expected, recovery) = key.sign_prehash_recoverable(&digest).unwrap();
    assert_eq!(&signature[..64], expected.to_bytes().as_slice());
    assert_eq!(signature[64], recovery.to_byte());

    let mut input = [0u8; 128];
    input[..32].copy_from_slice(&digest);
    input[63] = 27 + signature[64];
    input[64..].copy_from_slice(&signature[..64]);
    let (recover_instructions, address) = device
        .measure(Routine::EcRecover { input: &input })
        .unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let mut hash = [0u8; 32];
    {
        use tiny_keccak::{Hasher, Keccak};
        let mut k = Keccak::v256();
        k.update(&point.as_bytes()[1..]);
        k.finalize(&mut hash);
    }
    assert_eq!(address[12..], hash[12..]);
    println!(
        "secp256k1 on mps2-an386: sign {sign_instructions} instructions, ecrecover {recover_instructions} instructions"
    );
    assert_eq!(device.exit(0).unwrap().exit_code, Some(0));
}

#[test]
fn bls12_381_precompiles_on_the_device_agree_with_the_host() {
    use protocol::Routine;
    let mut device = boot();
    for (name, address, input) in zkevm_tests::bls::bench_inputs() {
        let want = zkevm_tests::bls::host_output(address, &input).expect("valid input");
        let (instructions, digest) = device
            .measure(Routine::Bls12 {
                address,
                input: &input,
            })
            .unwrap();
        assert_eq!(digest, evm_core::keccak256(&want).to_vec(), "{name}");
        println!("{name}: {instructions} instructions");
    }
    // The pairings answer 0 and 1.
    let inputs = zkevm_tests::bls::bench_inputs();
    assert_eq!(
        zkevm_tests::bls::host_output(0x0f, &inputs[0].2).unwrap()[31],
        0
    );
    assert_eq!(
        zkevm_tests::bls::host_output(0x0f, &inputs[1].2).unwrap()[31],
        1
    );
    // An invalid input: no output.
    let (_, out) = device
        .measure(Routine::Bls12 {
            address: 0x0f,
            input: &[1u8; 384],
        })
        .unwrap();
    assert!(out.is_empty());
    answers_ping_then_exits(device);
}

#[test]
fn p256verify_and_clz_on_the_device_agree_with_the_host() {
    use protocol::Routine;
    use zkevm_tests::osaka;
    let mut device = boot();
    let input = osaka::p256_valid_input();
    let want = osaka::p256_host_output(&input).expect("runs");
    assert_eq!(want.last(), Some(&1));
    let (instructions, out) = device
        .measure(Routine::P256Verify { input: &input })
        .unwrap();
    assert_eq!(out, want);
    println!("P256VERIFY (0x100), a valid signature: {instructions} instructions");
    // A signature that does not verify: no output, as on the host.
    let mut bad = input.clone();
    bad[0] ^= 1;
    let (_, out) = device.measure(Routine::P256Verify { input: &bad }).unwrap();
    assert_eq!(Some(out), osaka::p256_host_output(&bad));
    assert_eq!(osaka::p256_host_output(&bad), Some(Vec::new()));
    // CLZ in a loop, each run checked against the host's.
    let c = osaka::clz_loop_counts(&mut device, 1000).unwrap();
    assert!(c.with_clz > c.without_clz);
    println!(
        "CLZ loop of {} rounds: {} instructions ({:.1}/round), without CLZ {}: {:.1} instructions per CLZ",
        c.rounds,
        c.with_clz,
        c.per_round(),
        c.without_clz,
        c.per_clz()
    );
    answers_ping_then_exits(device);
}

#[test]
fn the_instruction_clock_stays_exact_past_the_32_bit_timer_wrap() {
    use protocol::Routine;
    let mut device = boot();
    let mut spin = |iterations| device.measure(Routine::Spin { iterations }).unwrap().0;
    let (small, double) = (spin(1_000_000), spin(2_000_000));
    let per_million = double - small;
    assert!(per_million >= 2_000_000, "{per_million}");
    // TIMER0 wraps every 2^32 ticks = 1.34 G instructions: go past it.
    let rounds = 1 + (1u64 << 32) * 40 / 128 / (per_million / 1_000_000);
    let millions = u32::try_from(rounds / 1_000_000 + 1).unwrap();
    let long = spin(millions * 1_000_000);
    assert!(long > 1 << 32 >> 2, "{long}");
    assert_eq!(long, small + u64::from(millions - 1) * per_million);
    println!("spin: {per_million} instructions per million rounds; {long} for {millions} M rounds");
    answers_ping_then_exits(device);
}
