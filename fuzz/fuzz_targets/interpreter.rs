//! Fuzz target `interpreter`: evm-core on arbitrary code, calldata and tiny limits (memory, stack, frames, steps, modexp operands), and the precompiles on arbitrary input with a small budget: a result or a typed error, never a panic.
#![no_main]

use evm_core::buf::SliceVec;
use evm_core::precompile::{self, Budget};
use evm_core::{AccountInfo, BlockEnv, Error, Evm, HeapBuffers, Limits, TxEnv, U256};
use evm_state::InMemoryState;
use libfuzzer_sys::fuzz_target;
use zkevm_fuzz::{Reader, ADDRESSES};

fn limits(r: &mut Reader<'_>) -> Limits {
    Limits {
        memory_bytes: usize::from(r.u16() % 8192),
        stack_words: usize::from(r.u8()) * 4,
        code_bytes: 64 + usize::from(r.u16() % 4096),
        frames: 1 + usize::from(r.u8() % 8),
        accounts: 2 + usize::from(r.u8() % 8),
        slots: usize::from(r.u8() % 16),
        transient_slots: usize::from(r.u8() % 8),
        journal: 4 + usize::from(r.u8() % 64),
        logs: usize::from(r.u8() % 4),
        log_data_bytes: usize::from(r.u8()) * 4,
        return_data_bytes: usize::from(r.u8()) * 4,
        modexp_operand_bytes: usize::from(r.u8()) * 4,
        steps: u64::from(r.u16()) * 16,
    }
}

fn transact(r: &mut Reader<'_>) {
    let limits = limits(r);
    let mut state = InMemoryState::new();
    let caller = ADDRESSES[0];
    state.insert_account(
        caller,
        AccountInfo {
            nonce: 0,
            balance: U256::from(10u64).pow(U256::from(24)),
            ..AccountInfo::default()
        },
    );
    for address in &ADDRESSES[1..3] {
        let code = r.bytes(2048).to_vec();
        state.insert_account(
            *address,
            AccountInfo {
                nonce: 1,
                balance: U256::from(r.u8()),
                ..AccountInfo::default()
            },
        );
        state.set_code(*address, code);
        for _ in 0..r.u8() % 4 {
            state.set_storage(*address, r.word(), r.word());
        }
    }
    let to = match r.u8() % 8 {
        0 => None,
        1 => {
            let mut a = [0u8; 20];
            a[19] = 1 + r.u8() % 10;
            Some(a)
        }
        2 => Some(ADDRESSES[2]),
        _ => Some(ADDRESSES[1]),
    };
    let data = r.bytes(1024).to_vec();
    // A type-4 (EIP-7702) transaction one time in four: its authorities
    // (the fixed keys' accounts) are in the pre-state.
    let authorizations = (r.u8() % 4 == 0).then(|| zkevm_fuzz::authorizations(r));
    if authorizations.is_some() {
        for authority in zkevm_fuzz::authority_addresses() {
            state.insert_account(
                authority,
                AccountInfo {
                    nonce: u64::from(r.u8() % 2),
                    balance: U256::from(r.u8()),
                    ..AccountInfo::default()
                },
            );
        }
    }
    let tx = TxEnv {
        caller,
        to,
        value: U256::from(r.u8() % 4),
        data: &data,
        gas_limit: 21_000 + u64::from(r.u32() % 4_000_000),
        max_fee_per_gas: U256::from(r.u8() % 2),
        max_priority_fee_per_gas: authorizations.as_ref().map(|_| U256::ZERO),
        authorization_list: authorizations.as_deref(),
        ..TxEnv::default()
    };
    let block = BlockEnv {
        number: u64::from(r.u16()),
        ..BlockEnv::default()
    };
    let mut buffers = HeapBuffers::new(&limits);
    let mut evm = Evm::new(&state, buffers.buffers());
    match evm.transact(&block, &tx) {
        Ok(outcome) => {
            assert!(outcome.gas_used <= tx.gas_limit, "gas used above the limit");
            // Whatever the buffers held, the results are readable.
            let _ = evm.output().len()
                + evm.changes().count()
                + evm.storage_changes().count()
                + evm.logs().count();
        }
        // The in-memory state knows no block hashes; nothing else fails.
        Err(Error::State(evm_state::Error::UnknownBlockHash { .. })) => {}
        Err(Error::State(e)) => panic!("the in-memory state failed: {e:?}"),
        // Invalid transactions, device limits, missing precompiles, the step budget.
        Err(_) => {}
    }
}

fn precompiles(r: &mut Reader<'_>) {
    let id = r.u8() % 12;
    let gas = u64::from(r.u32());
    // At most 2^22 steps, as on the device (`Limits::DEVICE`): the gas may be
    // far larger, and a precompile's work is its gas.
    let mut budget = Budget {
        steps: u64::from(r.u32()) % (Limits::DEVICE.steps + 1),
        modexp_operand_bytes: usize::from(r.u16() % 2048),
    };
    let before = budget.steps;
    let mut out_buf = vec![0u8; usize::from(r.u16() % 512)];
    let input = r.rest();
    let mut out = SliceVec::new(&mut out_buf);
    if let Ok(used) = precompile::run(id, input, gas, &mut out, &mut budget) {
        assert!(used <= gas, "precompile {id} used {used} of {gas} gas");
        assert!(
            before - budget.steps <= used.max(1) * 2,
            "steps taken beyond gas"
        );
    }
    assert!(budget.steps <= before);
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    match r.u8() % 4 {
        0 => precompiles(&mut r),
        _ => transact(&mut r),
    }
});
