//! The EVM on the device: an ERC-20 transfer executed in QEMU, checked against the host.
#![allow(clippy::expect_used)] // test support code: a failed boot fails the test

use evm_core::{AccountInfo, BlockEnv, Evm, ExecStatus, HeapBuffers, Limits, TxEnv, U256};
use evm_state::InMemoryState;
use protocol::ExecOutcome;
use zkevm_tests::erc20::{self, ALICE, BOB, TOKEN};
use zkevm_tests::{build_firmware, Device, Reply};

/// A storage write: (account, slot, new value).
type Write = ([u8; 20], [u8; 32], [u8; 32]);

/// The same transfer on the host's evm-core: (status, gas used, output, writes, logs).
fn host_transfer(code: &[u8], amount: u64) -> (ExecOutcome, u64, Vec<u8>, Vec<Write>, usize) {
    let mut state = InMemoryState::new();
    state.set_code(TOKEN, code.to_vec());
    let token = state.get_account(&TOKEN).expect("token").info;
    state.insert_account(TOKEN, AccountInfo { nonce: 1, ..token });
    let slot = |a: &[u8; 20]| U256::from_be_bytes(erc20::balance_slot(a));
    state.set_storage(TOKEN, slot(&ALICE), U256::from(1_000_000u64));
    state.set_storage(TOKEN, slot(&BOB), U256::from(5u64));
    let alice = AccountInfo {
        nonce: 7,
        balance: U256::from(10u64).pow(U256::from(18u64)),
        code_hash: evm_core::KECCAK_EMPTY,
    };
    state.insert_account(ALICE, alice);
    let block = BlockEnv {
        number: 20_000_000,
        timestamp: 1_700_000_000,
        base_fee: U256::from(7u64),
        coinbase: [0xc0; 20],
        ..BlockEnv::default()
    };
    let data = erc20::transfer_data(&BOB, amount);
    let tx = TxEnv {
        caller: ALICE,
        to: Some(TOKEN),
        data: &data,
        gas_limit: 100_000,
        nonce: 7,
        max_fee_per_gas: U256::from(10u64),
        max_priority_fee_per_gas: Some(U256::from(2u64)),
        ..TxEnv::default()
    };
    let mut buffers = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, buffers.buffers());
    let outcome = evm.transact(&block, &tx).expect("valid transaction");
    let status = match outcome.status {
        ExecStatus::Success => ExecOutcome::Success,
        ExecStatus::Revert => ExecOutcome::Revert,
        ExecStatus::Halt(_) => ExecOutcome::Halt,
    };
    let writes = evm
        .storage_changes()
        .map(|(a, s, v)| (a, s.to_be_bytes::<32>(), v.to_be_bytes::<32>()))
        .collect();
    (
        status,
        outcome.gas_used,
        evm.output().to_vec(),
        writes,
        evm.logs().count(),
    )
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes::<32>()
}

#[test]
fn erc20_transfer_on_the_device_matches_the_host() {
    let code = erc20::token_code().expect("assembles");
    let mut device = Device::boot(&build_firmware().expect("firmware")).expect("boots");
    for (amount, expect_success) in [(250u64, true), (2_000_000, false)] {
        let query = erc20::transfer_query(&code, amount).expect("query");
        let summary = match device.execute(&query).expect("device answers") {
            Reply::Executed(summary) => summary,
            other => panic!("amount {amount}: {other:?}"),
        };
        let (status, gas, output, mut writes, logs) = host_transfer(&code, amount);
        assert_eq!(summary.status, status, "amount {amount}");
        assert_eq!(summary.gas_used, gas, "amount {amount}");
        assert_eq!(
            summary.output.as_slice(),
            output.as_slice(),
            "amount {amount}"
        );
        assert_eq!(summary.logs as usize, logs, "amount {amount}");
        let mut device_writes = summary.writes.to_vec();
        device_writes.sort();
        writes.sort();
        assert_eq!(device_writes, writes, "amount {amount}");
        if expect_success {
            assert_eq!(status, ExecOutcome::Success);
            assert_eq!(output, word(1));
            assert_eq!(logs, 1);
            let mut expected = vec![
                (TOKEN, erc20::balance_slot(&ALICE), word(1_000_000 - amount)),
                (TOKEN, erc20::balance_slot(&BOB), word(5 + amount)),
            ];
            expected.sort();
            assert_eq!(device_writes, expected);
            println!(
                "ERC-20 transfer on mps2-an386: gas {gas}, {} instructions",
                summary.instructions.expect("an untraced run is measured")
            );
        } else {
            assert_eq!(status, ExecOutcome::Revert, "an overdraft reverts");
            assert!(device_writes.is_empty());
        }
    }
    match device.call(&protocol::Request::Info).expect("info") {
        Reply::Info {
            heap_peak,
            stack_peak,
            ..
        } => {
            println!("after the transfers: heap peak {heap_peak} B, stack peak {stack_peak} B");
            assert!(heap_peak > 0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(device.exit(0).expect("exit").exit_code, Some(0));
}

#[test]
fn the_evm_benchmarks_run_on_the_device_as_on_the_host() {
    let cases = match zkevm_tests::benchmarks::ipsilon_cases() {
        Ok(cases) => cases,
        Err(e) => panic!("{e}: {}", zkevm_fixtures::HINT),
    };
    assert!(cases.len() >= 20, "{}", cases.len());
    let firmware = build_firmware().expect("firmware");
    let mut device = Device::boot(&firmware).expect("boots");
    let mut ran = 0;
    for case in &cases {
        let query = case.query_bytes().expect("query");
        let reply = device.execute(&query).expect("device answers");
        match (case.run_on_host(), reply) {
            (Ok(host), Reply::Executed(s)) => {
                assert_eq!(
                    (s.status, s.gas_used, s.output_hash),
                    (host.status, host.gas_used, host.output_hash),
                    "{}",
                    case.name
                );
                ran += 1;
            }
            // A device buffer too small for the case: the same refusal on both.
            (Err(host), Reply::Rejected { reason, .. }) => {
                assert_eq!(host, reason, "{}", case.name)
            }
            (host, device) => panic!("{}: host {host:?}, device {device:?}", case.name),
        }
    }
    println!(
        "{ran} of {} benchmark cases ran on the device, same as the host",
        cases.len()
    );
    // The rest are refused, on both sides alike, by a device limit (EVM
    // memory, storage slots, the time budget): since device limits end the
    // transaction instead of halting one frame, 19 of 27 run to a result.
    assert!(ran >= 19, "{ran}");
    assert_eq!(device.exit(0).expect("exit").exit_code, Some(0));
}
