//! Differential property test against `revm` at Osaka: random bytecode, pre-state and authorization lists, same results.
//!
//! Both sides run [`SPEC`] (revm at the matching `SpecId`). The generators
//! draw contracts `A` and `B` from random opcodes and snippets (calls with
//! full arguments to every kind of account, EXTCODE* probes, CLZ, calls of
//! P256VERIFY, the BLS12-381 precompiles and modexp with valid and broken
//! inputs), EOAs that are absent, plain, delegated (EIP-7702) or contracts,
//! a sender that may itself be delegated, and type-4 transactions whose
//! authorization lists mix valid tuples with every way a tuple can be wrong.
//! Compared: status, gas used, output, logs and the post-state of every
//! account (nonce, balance, code, storage).

mod auth;
mod cases;
mod edges;
mod inputs;

use std::collections::BTreeMap;

use proptest::prelude::*;
use revm::context::result::{EVMError, ExecutionResult};
use revm::{ExecuteEvm, MainBuilder};

use self::auth::AuthSpec;
use self::cases::*;
use crate::evm::authorization::designator;
use crate::evm::keccak256;
use crate::precompile::P256VERIFY;
use crate::revm_bridge::{from_ru, insert_account, revm_context, Db};
use crate::{
    AccountChange, AccountInfo, Address, Authorization, BlockEnv, Evm, ExecStatus, HeapBuffers,
    Limits, Spec, State, TxEnv, B256, KECCAK_EMPTY, U256,
};

/// The fork both sides run.
const SPEC: Spec = Spec::Osaka;

const A: Address = [0xaa; 20];
const B: Address = [0xbb; 20];
const COINBASE: Address = [0xc0; 20];
/// An address no pre-state has.
const NOBODY: Address = [0x77; 20];
/// The generated EOAs (signers 1–3).
const EOAS: usize = 3;

/// The sender (signer 0, so that it can authorize itself).
fn caller() -> Address {
    auth::address(0)
}

/// EOA `i` (signer `i + 1`).
fn eoa(i: usize) -> Address {
    auth::address(i + 1)
}

/// A precompile's address.
fn pc(id: u16) -> Address {
    let mut a = [0u8; 20];
    a[18..].copy_from_slice(&id.to_be_bytes());
    a
}

/// What a delegation points at: the contracts, EOAs (a delegated one: the
/// chain is not followed), the sender, nothing (zero: clear), precompiles,
/// an account that does not exist.
fn targets() -> Vec<Address> {
    vec![
        A,
        B,
        eoa(0),
        eoa(1),
        caller(),
        [0; 20],
        pc(1),
        pc(4),
        pc(P256VERIFY),
        pc(0x0b),
        NOBODY,
    ]
}

/// Addresses the generated code pushes, calls and probes.
fn addresses() -> Vec<Address> {
    vec![
        A,
        B,
        caller(),
        eoa(0),
        eoa(1),
        eoa(2),
        [0; 20],
        pc(4),
        NOBODY,
    ]
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Acct {
    nonce: u64,
    balance: U256,
    code: Vec<u8>,
    storage: BTreeMap<U256, U256>,
}

#[derive(Debug, Clone, Default)]
struct World {
    accounts: BTreeMap<Address, Acct>,
    code: BTreeMap<B256, Vec<u8>>,
}

impl World {
    fn put(&mut self, a: Address, acct: Acct) {
        self.code.insert(keccak256(&acct.code), acct.code.clone());
        self.accounts.insert(a, acct);
    }
}

impl State for World {
    type Error = ();
    fn account(&self, a: &Address) -> Result<Option<AccountInfo>, ()> {
        Ok(self.accounts.get(a).map(|x| AccountInfo {
            nonce: x.nonce,
            balance: x.balance,
            code_hash: keccak256(&x.code),
        }))
    }
    fn code(&self, h: &B256) -> Result<&[u8], ()> {
        if *h == KECCAK_EMPTY {
            return Ok(&[]);
        }
        self.code.get(h).map(|c| c.as_slice()).ok_or(())
    }
    fn storage(&self, a: &Address, k: &U256) -> Result<U256, ()> {
        Ok(self
            .accounts
            .get(a)
            .and_then(|x| x.storage.get(k).copied())
            .unwrap_or_default())
    }
    fn block_hash(&self, n: u64) -> Result<B256, ()> {
        Ok(keccak256(n.to_string().as_bytes()))
    }
    fn has_storage(&self, a: &Address) -> Result<bool, ()> {
        Ok(self.accounts.get(a).is_some_and(|x| !x.storage.is_empty()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Result_ {
    status: u8,
    gas_used: u64,
    output: Vec<u8>,
    logs: Vec<(Address, Vec<B256>, Vec<u8>)>,
    post: BTreeMap<Address, Acct>,
}

/// Large enough for any generated case (a `Capacity` error fails the test).
const LIMITS: Limits = Limits {
    memory_bytes: 1 << 24,
    stack_words: 1 << 16,
    code_bytes: 1 << 20,
    frames: crate::limits::CALL_DEPTH_LIMIT + 1,
    accounts: 1 << 12,
    slots: 1 << 16,
    journal: 1 << 18,
    log_data_bytes: 1 << 24,
    return_data_bytes: 1 << 24,
    modexp_operand_bytes: Limits::HOST.modexp_operand_bytes,
    steps: Limits::HOST.steps,
    ..Limits::DEVICE
};

/// `Ok(None)` when the transaction is rejected as invalid; `Err(())` when
/// the case calls a precompile left out of the test build (BLS12-381 and
/// KZG without their features).
fn run_ours(
    spec: Spec,
    w: &World,
    tx: &TxEnv<'_>,
    block: &BlockEnv,
) -> Result<Option<Result_>, ()> {
    let mut bufs = HeapBuffers::new(&LIMITS);
    let mut evm = Evm::new(w, bufs.buffers());
    evm.set_spec(spec);
    let out = match evm.transact(block, tx) {
        Ok(o) => o,
        Err(crate::Error::InvalidTx(_)) => return Ok(None),
        Err(crate::Error::PrecompileUnavailable(_)) => return Err(()),
        Err(e) => panic!("unexpected error {e:?}"),
    };
    let status = match out.status {
        ExecStatus::Success => 0,
        ExecStatus::Revert => 1,
        ExecStatus::Halt(_) => 2,
    };
    let mut post = w.accounts.clone();
    for c in evm.changes() {
        match c {
            AccountChange::Deleted(a) => {
                post.remove(&a);
            }
            AccountChange::Updated {
                address,
                info,
                code,
                storage_cleared,
            } => {
                let e = post.entry(address).or_default();
                e.nonce = info.nonce;
                e.balance = info.balance;
                if let Some(c) = code {
                    e.code = c.to_vec();
                }
                // A code change must come with its code.
                if keccak256(&e.code) != info.code_hash {
                    e.code = b"code hash without its code".to_vec();
                }
                if storage_cleared {
                    e.storage.clear();
                }
            }
        }
    }
    for (a, k, v) in evm.storage_changes() {
        if let Some(e) = post.get_mut(&a) {
            if v.is_zero() {
                e.storage.remove(&k);
            } else {
                e.storage.insert(k, v);
            }
        }
    }
    Ok(Some(Result_ {
        status,
        gas_used: out.gas_used,
        output: if status == 2 {
            Vec::new()
        } else {
            evm.output().to_vec()
        },
        logs: evm
            .logs()
            .map(|(a, t, d)| (*a, t.to_vec(), d.to_vec()))
            .collect(),
        post,
    }))
}

/// `Ok(None)` when revm rejects the transaction; `Err` with revm's error when
/// it cannot run it at all.
fn run_revm(
    spec: Spec,
    w: &World,
    tx: &TxEnv<'_>,
    block: &BlockEnv,
) -> Result<Option<Result_>, String> {
    let mut db = Db::default();
    for (a, x) in &w.accounts {
        insert_account(&mut db, spec, a, x.nonce, &x.balance, &x.code, &x.storage);
    }
    let (ctx, rtx) = revm_context(spec, db, block, tx);
    let mut evm = ctx.build_mainnet();
    let res = match evm.transact(rtx) {
        Ok(r) => r,
        Err(EVMError::Transaction(_)) => return Ok(None),
        Err(e) => return Err(format!("{e:?}")),
    };
    let gas_used = res.result.tx_gas_used();
    let (status, output, logs) = match res.result {
        ExecutionResult::Success { logs, output, .. } => (0, output.data().to_vec(), logs),
        // Logs of a failed transaction are not kept (on either side).
        ExecutionResult::Revert { output, .. } => (1, output.to_vec(), vec![]),
        ExecutionResult::Halt { .. } => (2, vec![], vec![]),
    };
    let mut post = w.accounts.clone();
    for (a, acct) in res.state {
        let addr: Address = a.into_array();
        if !acct.is_touched() {
            continue;
        }
        if acct.is_selfdestructed() || acct.is_empty() {
            post.remove(&addr);
            continue;
        }
        let e = post.entry(addr).or_default();
        e.nonce = acct.info.nonce;
        e.balance = from_ru(&acct.info.balance);
        if let Some(c) = &acct.info.code {
            e.code = c.original_bytes().to_vec();
        }
        if acct.is_created() {
            e.storage.clear();
        }
        for (k, slot) in acct.storage {
            let v = from_ru(&slot.present_value);
            if v.is_zero() {
                e.storage.remove(&from_ru(&k));
            } else {
                e.storage.insert(from_ru(&k), v);
            }
        }
    }
    Ok(Some(Result_ {
        status,
        gas_used,
        output,
        logs: logs
            .into_iter()
            .map(|l| {
                (
                    l.address.into_array(),
                    l.data.topics().iter().map(|t| t.0).collect(),
                    l.data.data.to_vec(),
                )
            })
            .collect(),
        post,
    }))
}

/// Runs `tx` on both sides and compares; a case calling a precompile left
/// out of the test build is skipped. Returns our result (`None`: rejected).
fn same(w: &World, tx: &TxEnv<'_>, block: &BlockEnv) -> Result<Option<Result_>, TestCaseError> {
    let ours = run_ours(SPEC, w, tx, block);
    prop_assume!(ours.is_ok());
    let theirs = run_revm(SPEC, w, tx, block).unwrap_or_else(|e| panic!("revm failed: {e}"));
    prop_assert_eq!(&ours, &Ok(theirs));
    Ok(ours.unwrap_or_default())
}

/// Runs case `c` on both sides.
fn check(c: &Case) -> Result<(), TestCaseError> {
    let w = world(c);
    with_tx(c, &w, |tx, block| same(&w, tx, block).map(|_| ()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn same_as_revm(c in case()) {
        check(&c)?;
    }

    #[test]
    fn same_as_revm_create_tx(
        initcode in code(),
        code_a in code(),
        value in 0u64..100,
        gas_limit in 60_000u64..400_000,
    ) {
        let mut w = World::default();
        w.put(caller(), Acct { balance: U256::from(10u64.pow(18)), ..Acct::default() });
        w.put(A, Acct { nonce: 1, balance: U256::from(5), code: code_a, storage: BTreeMap::new() });
        let block = BlockEnv {
            number: 300,
            coinbase: COINBASE,
            base_fee: U256::from(7),
            ..BlockEnv::default()
        };
        let tx = TxEnv {
            caller: caller(),
            to: None,
            value: U256::from(value),
            data: &initcode,
            gas_limit,
            nonce: 0,
            max_fee_per_gas: U256::from(10),
            ..TxEnv::default()
        };
        same(&w, &tx, &block)?;
    }

    /// Tiny buffers: random programs end in a result or a `Capacity` error, never a panic.
    #[test]
    fn tiny_buffers_never_panic(
        code_a in code(),
        code_b in code(),
        data in prop::collection::vec(any::<u8>(), 0..40),
        sizes in (
            (0usize..2048, 0usize..80, 100usize..1200, 0usize..6),
            (2usize..6, 0usize..8, 0usize..8, 4usize..64),
            (0usize..4, 0usize..64, 0usize..64),
        ),
    ) {
        let mut w = World::default();
        w.put(caller(), Acct { balance: U256::from(10u64.pow(18)), ..Acct::default() });
        w.put(A, Acct { nonce: 1, balance: U256::from(9), code: code_a, storage: BTreeMap::new() });
        w.put(B, Acct { nonce: 1, balance: U256::from(7), code: code_b, storage: BTreeMap::new() });
        w.put(eoa(0), Acct { nonce: 1, code: designator(&B).to_vec(), ..Acct::default() });
        let ((memory_bytes, stack_words, code_bytes, frames), (accounts, slots, transient_slots, journal), (logs, log_data_bytes, return_data_bytes)) = sizes;
        let limits = Limits {
            memory_bytes,
            stack_words,
            code_bytes,
            frames,
            accounts,
            slots,
            transient_slots,
            journal,
            logs,
            log_data_bytes,
            return_data_bytes,
            ..Limits::DEVICE
        };
        let mut bufs = HeapBuffers::new(&limits);
        let mut evm = Evm::new(&w, bufs.buffers());
        evm.set_spec(SPEC);
        let tx = TxEnv {
            caller: caller(),
            to: Some(A),
            data: &data,
            gas_limit: 200_000,
            max_fee_per_gas: U256::from(10),
            ..TxEnv::default()
        };
        match evm.transact(&BlockEnv::default(), &tx) {
            Ok(_) => {
                // The results are readable whatever the buffers held.
                let _ = evm.changes().count() + evm.storage_changes().count() + evm.logs().count();
            }
            // Device limits (and a precompile left out of the build).
            Err(crate::Error::Capacity(_) | crate::Error::PrecompileUnavailable(_)) => {}
            Err(e) => prop_assert!(false, "unexpected {:?}", e),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// The long sweep (`cargo test --release -p evm-core --all-features
    /// same_as_revm_sweep -- --ignored`).
    #[test]
    #[ignore = "long sweep: minutes; run by hand"]
    fn same_as_revm_sweep(c in case()) {
        check(&c)?;
    }
}

/// The benchmarks' fork: their transactions' 10^9 gas limit is above
/// Osaka's 2^24 cap (EIP-7825).
const BENCH_SPEC: Spec = Spec::Cancun;

/// Same-machine timing against revm on the ipsilon benchmarks (run with
/// `cargo test --release -p evm-core bench_vs_revm -- --ignored --nocapture`).
#[test]
#[ignore = "timing run, needs ../shared/fixtures and a release build"]
fn bench_vs_revm() {
    let dir = std::env::var("ZKEVM_FIXTURES")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures").into());
    for name in ["snailtracer", "blake2b_huff", "sha1_divs", "weierstrudel"] {
        let path = format!("{dir}/ipsilon-evm-benchmarks/benchmarks/main/{name}.json");
        // Missing fixtures fail the run with how to get them (evm-core cannot
        // use zkevm-fixtures, which depends on evm-state, hence the copy of its hint).
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{path}: {e}: the shared fixtures are missing: put them at ../shared/fixtures \
                 next to the workspace root or set ZKEVM_FIXTURES to their directory; \
                 scripts/fetch-fixtures.sh [DEST] fetches the pinned upstream files"
            )
        });
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let test = json.as_object().unwrap().values().next().unwrap();
        let hexb = |s: &str| -> Vec<u8> {
            let s = s.trim_start_matches("0x");
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let hexu = |s: &str| U256::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
        let addr = |s: &str| -> Address { hexb(s).try_into().unwrap() };
        let mut w = World::default();
        for (a, acct) in test["pre"].as_object().unwrap() {
            let code = hexb(acct["code"].as_str().unwrap());
            w.code.insert(keccak256(&code), code.clone());
            let storage = acct["storage"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (hexu(k), hexu(v.as_str().unwrap())))
                .filter(|(_, v)| !v.is_zero())
                .collect();
            w.accounts.insert(
                addr(a),
                Acct {
                    nonce: hexu(acct["nonce"].as_str().unwrap()).to::<u64>(),
                    balance: hexu(acct["balance"].as_str().unwrap()),
                    code,
                    storage,
                },
            );
        }
        let t = &test["transaction"];
        let env = &test["env"];
        let block = BlockEnv {
            number: hexu(env["currentNumber"].as_str().unwrap()).to::<u64>(),
            coinbase: addr(env["currentCoinbase"].as_str().unwrap()),
            timestamp: hexu(env["currentTimestamp"].as_str().unwrap()).to::<u64>(),
            gas_limit: hexu(env["currentGasLimit"].as_str().unwrap()).to::<u64>(),
            base_fee: hexu(env["currentBaseFee"].as_str().unwrap()),
            ..BlockEnv::default()
        };
        let datas = t["data"].as_array().unwrap();
        let data = hexb(datas.last().unwrap().as_str().unwrap());
        let tx = TxEnv {
            caller: addr(t["sender"].as_str().unwrap()),
            to: Some(addr(t["to"].as_str().unwrap())),
            data: &data,
            gas_limit: hexu(t["gasLimit"][0].as_str().unwrap()).to::<u64>(),
            nonce: hexu(t["nonce"].as_str().unwrap()).to::<u64>(),
            max_fee_per_gas: hexu(t["gasPrice"].as_str().unwrap()),
            ..TxEnv::default()
        };
        let mut bufs = HeapBuffers::new(&LIMITS);
        // Interleaved runs, so that load from other processes hits both alike.
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut gas = 0;
        for _ in 0..9 {
            let mut evm = Evm::new(&w, bufs.buffers());
            evm.set_spec(BENCH_SPEC);
            let start = std::time::Instant::now();
            let out = evm.transact(&block, &tx).unwrap();
            ours.push(start.elapsed().as_secs_f64() * 1e3);
            let start = std::time::Instant::now();
            let r = run_revm(BENCH_SPEC, &w, &tx, &block).unwrap().unwrap();
            theirs.push(start.elapsed().as_secs_f64() * 1e3);
            assert_eq!(r.gas_used, out.gas_used, "{name}: gas differs from revm");
            gas = out.gas_used;
        }
        ours.sort_by(f64::total_cmp);
        theirs.sort_by(f64::total_cmp);
        println!(
            "{name}: evm-core {:.2} ms, revm {:.2} ms (median of 9, interleaved; revm time includes building its in-memory DB), gas {gas}",
            ours[4], theirs[4]
        );
    }
}
