//! Tests of transactions, frames, buffers and the step budget.

use super::test_support::Mem;
use super::*;
use crate::error::InvalidTx;
use crate::limits;
use crate::result::{ExecStatus, Halt};
use crate::state::AccountInfo;
use crate::Limits;

fn tx() -> TxEnv<'static> {
    TxEnv {
        caller: [0xaa; 20],
        to: Some([0xcc; 20]),
        gas_limit: 100_000,
        max_fee_per_gas: U256::from(10),
        ..TxEnv::default()
    }
}

// PUSH1 4 JUMP INVALID JUMPDEST PUSH1 0x2a PUSH1 0 SSTORE PUSH1 0x2a PUSH1 0 MSTORE
// PUSH1 32 PUSH1 0 RETURN: returns 0x2a.
const CODE_A: [u8; 20] = [
    0x60, 4, 0x56, 0xfe, 0x5b, 0x60, 0x2a, 0x60, 0, 0x55, 0x60, 0x2a, 0x60, 0, 0x52, 0x60, 32,
    0x60, 0, 0xf3,
];
// PUSH1 5 JUMP INVALID INVALID JUMPDEST PUSH1 7 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN:
// returns 7; byte 4 is not a JUMPDEST here (A's bitmap would be wrong).
const CODE_B: [u8; 16] = [
    0x60, 5, 0x56, 0xfe, 0xfe, 0x5b, 0x60, 7, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3,
];

/// `CODE_A` at 0xcc, `CODE_B` at 0xbb, a funded sender at 0xaa.
fn two_contracts() -> Mem {
    let mut m = Mem::contract(&CODE_A);
    let h = keccak256(&CODE_B);
    m.code.insert(h, CODE_B.to_vec());
    m.accounts.insert(
        [0xbb; 20],
        AccountInfo {
            nonce: 1,
            balance: U256::ZERO,
            code_hash: h,
        },
    );
    m
}

type Summary = Result<(ExecStatus, u64, Vec<u8>, Vec<(Address, U256, U256)>), Error<()>>;

fn summary(evm: &mut Evm<'_, &Mem>, t: &TxEnv<'_>) -> Summary {
    let out = evm.transact(&BlockEnv::default(), t)?;
    Ok((
        out.status,
        out.gas_used,
        evm.output().to_vec(),
        evm.storage_changes().collect(),
    ))
}

fn fresh(state: &Mem, l: &Limits, t: &TxEnv<'_>) -> Summary {
    fresh_in(Spec::default(), state, l, t)
}

fn fresh_in(spec: Spec, state: &Mem, l: &Limits, t: &TxEnv<'_>) -> Summary {
    let mut hb = HeapBuffers::new(l);
    let mut evm = Evm::new(state, hb.buffers());
    evm.set_spec(spec);
    summary(&mut evm, t)
}

fn call_to(to: u8) -> TxEnv<'static> {
    TxEnv {
        to: Some([to; 20]),
        ..tx()
    }
}

#[test]
fn code_is_kept_across_transactions() {
    let state = two_contracts();
    let l = Limits::DEVICE;
    let mut hb = HeapBuffers::new(&l);
    let mut evm = Evm::new(&state, hb.buffers());
    let first = summary(&mut evm, &call_to(0xcc));
    assert!(first.as_ref().is_ok_and(|s| s.0 == ExecStatus::Success));
    assert_eq!(first, fresh(&state, &l, &call_to(0xcc)));
    let used = evm.code_arena_used();
    assert!(evm.code_arena_kept() > 0);
    // The second run reuses the analysed code: nothing new in the arena.
    assert_eq!(summary(&mut evm, &call_to(0xcc)), first);
    assert_eq!(evm.code_arena_used(), used);
    // Other code is added next to it, and both stay.
    let b = summary(&mut evm, &call_to(0xbb));
    assert_eq!(b, fresh(&state, &l, &call_to(0xbb)));
    assert_eq!(b.as_ref().map(|s| s.2[31]), Ok(7));
    assert_eq!(summary(&mut evm, &call_to(0xcc)), first);
    assert_eq!(summary(&mut evm, &call_to(0xbb)), b);
}

#[test]
fn transactions_after_a_create_are_correct() {
    // Initcode: CALL 0xbb with no data, POP, JUMPDEST, STOP (deploys empty code).
    let mut init = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
    init.extend_from_slice(&[0xbb; 20]);
    init.extend_from_slice(&[0x5a, 0xf1, 0x50, 0x5b, 0x00]);
    // Initcode returning CODE_B as the deployed code: CODECOPY it from the end, RETURN.
    let mut deploy = vec![
        0x60,
        CODE_B.len() as u8,
        0x60,
        12,
        0x60,
        0,
        0x39,
        0x60,
        CODE_B.len() as u8,
        0x60,
        0,
        0xf3,
    ];
    deploy.extend_from_slice(&CODE_B);
    let state = two_contracts();
    let l = Limits::DEVICE;
    let mut hb = HeapBuffers::new(&l);
    let mut evm = Evm::new(&state, hb.buffers());
    let a = summary(&mut evm, &call_to(0xcc));
    for data in [&init[..], &deploy[..]] {
        let create = TxEnv {
            to: None,
            data,
            gas_limit: 1_000_000,
            ..tx()
        };
        let c = summary(&mut evm, &create);
        assert!(c.as_ref().is_ok_and(|s| s.0 == ExecStatus::Success));
        assert_eq!(c, fresh(&state, &l, &create));
        assert_eq!(summary(&mut evm, &call_to(0xcc)), a);
        assert_eq!(
            summary(&mut evm, &call_to(0xbb)),
            fresh(&state, &l, &call_to(0xbb))
        );
        assert_eq!(summary(&mut evm, &create), c);
    }
}

#[test]
fn a_code_arena_too_small_for_two_contracts_runs_both() {
    let state = two_contracts();
    // Room for one contract with its cache header, not for two.
    let l = Limits {
        code_bytes: 100,
        ..Limits::DEVICE
    };
    let mut hb = HeapBuffers::new(&l);
    let mut evm = Evm::new(&state, hb.buffers());
    let a = fresh(&state, &l, &call_to(0xcc));
    let b = fresh(&state, &l, &call_to(0xbb));
    assert!(a.is_ok() && b.is_ok());
    for _ in 0..3 {
        assert_eq!(summary(&mut evm, &call_to(0xcc)), a);
        assert_eq!(summary(&mut evm, &call_to(0xbb)), b);
        assert_eq!(summary(&mut evm, &call_to(0xbb)), b);
    }
    // Too small for either: the same error as a fresh `Evm`.
    let l = Limits {
        code_bytes: 40,
        ..Limits::DEVICE
    };
    let mut hb = HeapBuffers::new(&l);
    let mut evm = Evm::new(&state, hb.buffers());
    assert_eq!(
        summary(&mut evm, &call_to(0xcc)),
        Err(Error::Capacity(Resource::Code))
    );
    assert_eq!(
        fresh(&state, &l, &call_to(0xcc)),
        Err(Error::Capacity(Resource::Code))
    );
}

#[test]
fn add_and_sstore() {
    // PUSH1 1 PUSH1 2 ADD PUSH1 0 SSTORE
    let state = Mem::contract(&[0x60, 1, 0x60, 2, 0x01, 0x60, 0, 0x55]);
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, hb.buffers());
    let out = evm.transact(&BlockEnv::default(), &tx()).unwrap();
    assert_eq!(out.status, ExecStatus::Success);
    assert_eq!(out.gas_used, 21_000 + 12 + 22_100);
    let writes: Vec<_> = evm.storage_changes().collect();
    assert_eq!(writes, vec![([0xcc; 20], U256::ZERO, U256::from(3))]);
}

/// A hostile host sends any gas limit with zero fees.
fn free_tx(gas_limit: u64) -> (BlockEnv, TxEnv<'static>) {
    let block = BlockEnv {
        gas_limit: u64::MAX,
        ..BlockEnv::default()
    };
    let t = TxEnv {
        gas_limit,
        max_fee_per_gas: U256::ZERO,
        ..tx()
    };
    (block, t)
}

/// `code` at 0xcc calling 0xbb (`child`) with all its gas, storing the
/// CALL's success flag in slot 0 and stopping.
fn caller_of(child: &[u8]) -> Mem {
    // PUSH1 0 x5 (ret len/off, in len/off, value), PUSH20 0xbb.., GAS, CALL,
    // PUSH1 0, SSTORE, STOP
    let mut code = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
    code.extend_from_slice(&[0xbb; 20]);
    code.extend_from_slice(&[0x5a, 0xf1, 0x60, 0, 0x55, 0x00]);
    let mut m = Mem::contract(&code);
    let h = keccak256(child);
    m.code.insert(h, child.to_vec());
    m.accounts.insert(
        [0xbb; 20],
        AccountInfo {
            nonce: 1,
            balance: U256::ZERO,
            code_hash: h,
        },
    );
    m
}

#[test]
fn memory_limit_ends_the_transaction() {
    // PUSH3 0x020000 MLOAD (128 KiB > 64 KiB device arena)
    let mload = [0x62, 0x02, 0x00, 0x00, 0x51];
    let mut t = tx();
    t.gas_limit = 1_000_000;
    let memory = Err(Error::Capacity(Resource::Memory));
    assert_eq!(fresh(&Mem::contract(&mload), &Limits::DEVICE, &t), memory);
    // In a nested frame too: the caller does not see a failed CALL.
    assert_eq!(fresh(&caller_of(&mload), &Limits::DEVICE, &t), memory);
    // Unpaid (16 MiB, ≈ 539 M gas), an expansion is an EVM out-of-gas halt of
    // the child: the CALL fails (slot 0 stays 0) and the caller goes on.
    let mload_16m = [0x63, 0x01, 0x00, 0x00, 0x00, 0x51];
    let out = fresh(&caller_of(&mload_16m), &Limits::DEVICE, &t);
    assert!(out.is_ok_and(|s| s.0 == ExecStatus::Success && s.3.is_empty()));
}

#[test]
fn keccak_at_4_gib_is_a_memory_capacity_error() {
    // PUSH1 0x21 PUSH4 0xffffffff KECCAK256: memory end 2^32 + 32, paid by 2^46 gas.
    // (On a 32-bit target the old expansion wrapped here and sliced out of bounds.)
    let state = Mem::contract(&[0x60, 0x21, 0x63, 0xff, 0xff, 0xff, 0xff, 0x20]);
    let (block, t) = free_tx(1 << 46);
    for l in [Limits::DEVICE, Limits::HOST] {
        assert_eq!(
            transact_cancun(&state, &l, &block, &t),
            Err(Error::Capacity(Resource::Memory))
        );
    }
    // With less gas than the expansion costs it is out of gas, as in any EVM.
    let (block, t) = free_tx(1 << 40);
    let out = transact_cancun(&state, &Limits::DEVICE, &block, &t).unwrap();
    assert_eq!(out.status, ExecStatus::Halt(Halt::OutOfGas));
}

/// `t` in fresh buffers of `l` under Cancun (gas limits beyond the Osaka cap).
fn transact_cancun(
    state: &Mem,
    l: &Limits,
    block: &BlockEnv,
    t: &TxEnv<'_>,
) -> Result<Outcome, Error<()>> {
    let mut hb = HeapBuffers::new(l);
    let mut evm = Evm::new(state, hb.buffers());
    evm.set_spec(Spec::Cancun);
    evm.transact(block, t)
}

/// `tx()` with 1 wei of value.
fn value_tx() -> TxEnv<'static> {
    TxEnv {
        value: U256::from(1),
        ..tx()
    }
}

#[test]
fn value_call_to_precompile_succeeds() {
    // PUSH1 0 x4, PUSH1 1, PUSH1 5, PUSH1 0, CALL, PUSH1 0, STOP
    let code = [
        0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 1, 0x60, 5, 0x60, 0, 0xf1, 0x60, 0, 0,
    ];
    let out = fresh(&Mem::contract(&code), &Limits::DEVICE, &value_tx());
    assert_eq!(out.map(|s| s.0), Ok(ExecStatus::Success));
}

/// KZG (0x0a) is built only with the `kzg` feature (the tests build
/// every other precompile): a call to it ends the transaction.
#[cfg(not(feature = "kzg"))]
#[test]
fn call_to_unavailable_precompile_ends_the_transaction() {
    // PUSH1 0 x4, PUSH1 1 (value), PUSH1 0x0a, GAS, CALL, PUSH1 0, SSTORE, STOP
    let code = [
        0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 1, 0x60, 0x0a, 0x5a, 0xf1, 0x60, 0, 0x55, 0,
    ];
    let state = Mem::contract(&code);
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, hb.buffers());
    assert_eq!(
        evm.transact(&BlockEnv::default(), &value_tx()),
        Err(Error::PrecompileUnavailable(0x0a))
    );
    // As the transaction's recipient too.
    let t = call_to(0);
    let t = TxEnv {
        to: Some({
            let mut a = [0u8; 20];
            a[19] = 0x0a;
            a
        }),
        ..t
    };
    assert_eq!(
        evm.transact(&BlockEnv::default(), &t),
        Err(Error::PrecompileUnavailable(0x0a))
    );
}

#[test]
fn endless_loop_ends_in_the_step_budget() {
    // JUMPDEST PUSH1 0 JUMP, with 2^60 gas for free.
    let state = Mem::contract(&[0x5b, 0x60, 0, 0x56]);
    let (block, t) = free_tx(1 << 60);
    let mut hb = HeapBuffers::new(&Limits {
        steps: 100_000,
        ..Limits::DEVICE
    });
    let mut evm = Evm::new(&state, hb.buffers());
    evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
    assert_eq!(evm.transact(&block, &t), Err(Error::StepBudget));
    // The budget is per transaction: a short one (≈ 8300 iterations of
    // 4 code bytes) still runs out of gas.
    let (block, t) = free_tx(100_000);
    let out = evm.transact(&block, &t).unwrap();
    assert_eq!(out.status, ExecStatus::Halt(Halt::OutOfGas));
    // The same loop in a child frame ends the whole transaction.
    let state = caller_of(&[0x5b, 0x60, 0, 0x56]);
    let (block, t) = free_tx(1 << 60);
    let mut evm = Evm::new(&state, hb.buffers());
    evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
    assert_eq!(evm.transact(&block, &t), Err(Error::StepBudget));
}

#[test]
fn step_budget_counts_straight_code_and_calls() {
    // 1000 JUMPDESTs and STOP: one segment of 1001 bytes, counted at the exit.
    let mut code = vec![0x5b; 1000];
    code.push(0x00);
    let state = Mem::contract(&code);
    let (block, t) = free_tx(100_000);
    let run = |steps| {
        let mut hb = HeapBuffers::new(&Limits {
            steps,
            ..Limits::DEVICE
        });
        let mut evm = Evm::new(&state, hb.buffers());
        evm.transact(&block, &t).map(|o| o.status)
    };
    // The call (1), loading 32 words of code (32) and 1001 bytes of code run.
    assert_eq!(run(1034), Ok(ExecStatus::Success));
    assert_eq!(run(1033), Err(Error::StepBudget));
    assert_eq!(run(32), Err(Error::StepBudget));
}

#[test]
fn blake2f_beyond_the_step_budget_does_not_run() {
    // CALLDATACOPY the input to 0, CALL 0x09 with it (4 billion rounds, paid for), STOP.
    let code = [
        0x36, 0x60, 0, 0x60, 0, 0x37, 0x60, 64, 0x60, 0, 0x36, 0x60, 0, 0x60, 0, 0x60, 9, 0x5a,
        0xf1, 0x00,
    ];
    let state = Mem::contract(&code);
    let mut input = vec![0xff, 0xff, 0xff, 0xff];
    input.resize(213, 0);
    input[212] = 1;
    let (block, mut t) = free_tx(1 << 40);
    t.data = input.leak();
    let mut hb = HeapBuffers::new(&Limits {
        steps: 100_000,
        ..Limits::DEVICE
    });
    let mut evm = Evm::new(&state, hb.buffers());
    evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
    assert_eq!(evm.transact(&block, &t), Err(Error::StepBudget));
    // With 12 rounds it runs.
    let mut input = vec![0, 0, 0, 12];
    input.resize(213, 0);
    input[212] = 1;
    t.data = input.leak();
    assert!(evm
        .transact(&block, &t)
        .is_ok_and(|o| o.status == ExecStatus::Success));
}

#[test]
fn modexp_operand_over_the_device_bound_ends_the_transaction() {
    // bl = 0, el = 800 KiB, ml = 1 at 0..96 of memory; CALL 0x05; STOP.
    // ≈ 2.2 M gas: paid, but the exponent is beyond the 1 KiB device bound.
    let mut code = vec![
        0x62, 0x0c, 0x80, 0x00, 0x60, 32, 0x52, 0x60, 1, 0x60, 64, 0x52,
    ];
    // PUSH1 1 (ret len) PUSH1 0 (ret off) PUSH1 97 (in len) PUSH1 0 (in off) PUSH1 0 (value)
    // PUSH1 5 GAS CALL PUSH1 0 SSTORE STOP
    code.extend_from_slice(&[
        0x60, 1, 0x60, 0, 0x60, 97, 0x60, 0, 0x60, 0, 0x60, 5, 0x5a, 0xf1, 0x60, 0, 0x55, 0,
    ]);
    let state = Mem::contract(&code);
    let (block, t) = free_tx(10_000_000);
    assert_eq!(
        fresh_in(Spec::Cancun, &state, &Limits::DEVICE, &t),
        Err(Error::Capacity(Resource::ModexpOperand))
    );
    // Unpaid it is a failed CALL (out of gas in the precompile), as in any EVM.
    let (_, t2) = free_tx(1_000_000);
    let out = fresh_in(Spec::Cancun, &state, &Limits::DEVICE, &t2);
    assert!(out.is_ok_and(|s| s.0 == ExecStatus::Success && s.3.is_empty()));
    // The host bound computes it (0^e mod 1 = 0, CALL succeeds: slot 0 = 1).
    let out = fresh_in(Spec::Cancun, &state, &Limits::HOST, &t);
    assert!(out.is_ok_and(|s| s.3 == vec![([0xcc; 20], U256::ZERO, U256::from(1))]));
    let _ = block;
}

#[test]
fn frame_buffer_exhaustion_is_a_capacity_error() {
    // PUSH1 0 x5, ADDRESS, GAS, CALL, STOP: unbounded self-recursion.
    let code = [
        0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x30, 0x5a, 0xf1, 0x00,
    ];
    let state = Mem::contract(&code);
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, hb.buffers());
    let mut t = tx();
    t.gas_limit = 10_000_000;
    assert_eq!(
        evm.transact(&BlockEnv::default(), &t),
        Err(Error::Capacity(Resource::Frames))
    );
    // With room for 1025 frames the 63/64 rule ends the recursion first.
    let mut hb = HeapBuffers::new(&Limits {
        frames: limits::CALL_DEPTH_LIMIT + 1,
        stack_words: 1 << 14,
        ..Limits::DEVICE
    });
    let mut evm = Evm::new(&state, hb.buffers());
    let out = evm.transact(&BlockEnv::default(), &t).unwrap();
    assert_eq!(out.status, ExecStatus::Success);
}

/// The hooks are compiled out with `no-trace-hooks`: tracers then see nothing.
#[cfg(not(feature = "no-trace-hooks"))]
#[test]
fn tracer_sees_every_step() {
    struct Count(usize);
    impl Tracer for Count {
        fn step(&mut self, _: &crate::tracer::Step<'_>) {
            self.0 += 1;
        }
    }
    let state = Mem::contract(&[0x60, 1, 0x60, 2, 0x01, 0x60, 0, 0x55]);
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::with_tracer(&state, hb.buffers(), Count(0));
    evm.transact(&BlockEnv::default(), &tx()).unwrap();
    // Five instructions plus the implicit STOP at the end of the code.
    assert_eq!(evm.tracer_mut().0, 6);
}

#[test]
fn invalid_nonce_is_rejected() {
    let state = Mem::contract(&[0x00]);
    let mut hb = HeapBuffers::new(&Limits::DEVICE);
    let mut evm = Evm::new(&state, hb.buffers());
    let mut t = tx();
    t.nonce = 5;
    assert_eq!(
        evm.transact(&BlockEnv::default(), &t),
        Err(Error::InvalidTx(InvalidTx::NonceMismatch {
            got: 5,
            expected: 0
        }))
    );
}
