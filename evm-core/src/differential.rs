//! Differential property test against `revm`: random bytecode and pre-state, same results.

use std::collections::BTreeMap;

use proptest::prelude::*;
use revm::context::result::{EVMError, ExecutionResult};
use revm::context::transaction::{AccessList, AccessListItem as RAccessListItem};
use revm::context::{BlockEnv as RBlockEnv, CfgEnv, TxEnv as RTxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, B256 as RB256, U256 as RU256};
use revm::state::{AccountInfo as RAccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};

use crate::evm::keccak256;
use crate::{
    AccountChange, AccountInfo, Address, BlockEnv, Evm, ExecStatus, HeapBuffers, Limits, State,
    TxEnv, B256, KECCAK_EMPTY, U256,
};

const CALLER: Address = [0xca; 20];
const A: Address = [0xaa; 20];
const B: Address = [0xbb; 20];
const COINBASE: Address = [0xc0; 20];

/// The fork revm runs, the one evm-core implements: switch both together.
const REVM_SPEC: SpecId = SpecId::CANCUN;

fn ru(v: &U256) -> RU256 {
    RU256::from_be_bytes(v.to_be_bytes::<32>())
}
fn from_ru(v: &RU256) -> U256 {
    U256::from_be_bytes(v.to_be_bytes::<32>())
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

/// `Ok(None)` when the transaction is rejected as invalid; `Err(())` when
/// the case calls a precompile left out of the test build (KZG).
fn run_ours(w: &World, tx: &TxEnv<'_>, block: &BlockEnv) -> Result<Option<Result_>, ()> {
    let mut bufs = HeapBuffers::new(&Limits {
        memory_bytes: 1 << 24,
        stack_words: 1 << 16,
        code_bytes: 1 << 20,
        frames: crate::limits::CALL_DEPTH_LIMIT + 1,
        log_data_bytes: 1 << 24,
        return_data_bytes: 1 << 24,
        modexp_operand_bytes: Limits::HOST.modexp_operand_bytes,
        steps: Limits::HOST.steps,
        ..Limits::DEVICE
    });
    let mut evm = Evm::new(w, bufs.buffers());
    evm.set_spec(crate::Spec::Cancun); // revm runs at SpecId::CANCUN here
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

/// revm's code object for `code` at [`REVM_SPEC`]: legacy bytecode before
/// Prague; from Prague on, a `0xef0100 ‖ address` designator is a delegation.
fn revm_code(code: &[u8]) -> Bytecode {
    let raw = Bytes::from(code.to_vec());
    if REVM_SPEC.is_enabled_in(SpecId::PRAGUE) {
        Bytecode::new_raw_checked(raw.clone()).unwrap_or_else(|_| Bytecode::new_legacy(raw))
    } else {
        Bytecode::new_legacy(raw)
    }
}

/// revm's configuration, block and transaction for ours.
fn revm_env(tx: &TxEnv<'_>, block: &BlockEnv) -> (CfgEnv, RBlockEnv, RTxEnv) {
    let cfg = CfgEnv::new_with_spec(REVM_SPEC).with_chain_id(block.chain_id);
    let rblock = RBlockEnv {
        number: RU256::from(block.number),
        beneficiary: RAddress::from(block.coinbase),
        timestamp: RU256::from(block.timestamp),
        gas_limit: block.gas_limit,
        basefee: block.base_fee.saturating_to(),
        difficulty: RU256::ZERO,
        prevrandao: Some(RB256::from(block.prev_randao)),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new_with_spec(
            block.excess_blob_gas,
            REVM_SPEC,
        )),
        slot_num: 0,
    };
    let rtx = RTxEnv::builder()
        .caller(RAddress::from(tx.caller))
        .gas_limit(tx.gas_limit)
        .gas_price(tx.max_fee_per_gas.saturating_to())
        .kind(match tx.to {
            Some(a) => TxKind::Call(RAddress::from(a)),
            None => TxKind::Create,
        })
        .value(ru(&tx.value))
        .data(Bytes::from(tx.data.to_vec()))
        .nonce(tx.nonce)
        .chain_id(Some(block.chain_id))
        .gas_priority_fee(tx.max_priority_fee_per_gas.map(|p| p.saturating_to()))
        .access_list(AccessList(
            tx.access_list
                .iter()
                .map(|i| RAccessListItem {
                    address: RAddress::from(i.address),
                    storage_keys: i.storage_keys.iter().map(|k| RB256::from(*k)).collect(),
                })
                .collect(),
        ))
        .blob_hashes(tx.blob_hashes.iter().map(|h| RB256::from(*h)).collect())
        .max_fee_per_blob_gas(tx.max_fee_per_blob_gas.map_or(0, |f| f.saturating_to()))
        // The type follows from the fields, as evm-core decides it.
        .build_fill();
    (cfg, rblock, rtx)
}

/// `Ok(None)` when revm rejects the transaction; `Err` with revm's error when
/// it cannot run it at all.
fn run_revm(w: &World, tx: &TxEnv<'_>, block: &BlockEnv) -> Result<Option<Result_>, String> {
    let mut db = CacheDB::new(EmptyDB::default());
    for (a, x) in &w.accounts {
        db.insert_account_info(
            RAddress::from(*a),
            RAccountInfo::new(
                ru(&x.balance),
                x.nonce,
                RB256::from(keccak256(&x.code)),
                revm_code(&x.code),
            ),
        );
        for (k, v) in &x.storage {
            db.insert_account_storage(RAddress::from(*a), ru(k), ru(v))
                .expect("insert storage");
        }
    }
    let (cfg, rblock, rtx) = revm_env(tx, block);
    let mut evm = Context::mainnet()
        .with_db(db)
        .with_cfg(cfg)
        .with_block(rblock)
        .build_mainnet();
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

/// Opcodes the generator draws from (all Cancun families plus garbage bytes).
const POOL: &[u8] = &[
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13,
    0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34,
    0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44,
    0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
    0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x80, 0x81, 0x82, 0x83, 0x90, 0x91, 0x92, 0xa0, 0xa1, 0xa2,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xfa, 0xfd, 0xfe, 0xff, 0x0c, 0xef,
];

fn op() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (0usize..POOL.len()).prop_map(|i| vec![POOL[i]]),
        4 => (0u8..40).prop_map(|v| vec![0x60, v]),
        // MSTORE a random word at 0, then CREATE or CREATE2 from it.
        1 => (any::<[u8; 32]>(), any::<bool>()).prop_map(|(w, two)| {
            let mut v = vec![0x7f];
            v.extend_from_slice(&w);
            v.extend_from_slice(&[0x60, 0, 0x52]);
            if two {
                v.extend_from_slice(&[0x60, 7, 0x60, 32, 0x60, 0, 0x60, 0, 0xf5]);
            } else {
                v.extend_from_slice(&[0x60, 32, 0x60, 0, 0x60, 0, 0xf0]);
            }
            v
        }),
        1 => any::<u16>().prop_map(|v| vec![0x61, (v >> 8) as u8, v as u8]),
        1 => prop_oneof![Just(A), Just(B), Just(CALLER), Just([0; 20]), Just({
            let mut p = [0u8; 20];
            p[19] = 4;
            p
        })]
        .prop_map(|a| {
            let mut v = vec![0x73];
            v.extend_from_slice(&a);
            v
        }),
        1 => any::<[u8; 32]>().prop_map(|w| {
            let mut v = vec![0x7f];
            v.extend_from_slice(&w);
            v
        }),
    ]
}

/// Random code that starts with a few small pushes, so that most programs get
/// past their first instructions instead of underflowing at once.
fn code() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(0u8..8, 0..8),
        prop::collection::vec(op(), 0..60),
    )
        .prop_map(|(pre, body)| {
            let mut c: Vec<u8> = pre.iter().flat_map(|v| [0x60, *v]).collect();
            c.extend(body.concat());
            c
        })
}

fn storage() -> impl Strategy<Value = BTreeMap<U256, U256>> {
    prop::collection::btree_map(
        (0u64..6).prop_map(U256::from),
        (1u64..4).prop_map(U256::from),
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn same_as_revm(
        code_a in code(),
        code_b in code(),
        st_a in storage(),
        st_b in storage(),
        bal_a in 0u64..1000,
        value in 0u64..100,
        data in prop::collection::vec(any::<u8>(), 0..40),
        gas_limit in 30_000u64..400_000,
        prio in prop::option::of(0u64..12),
        list in prop::collection::vec(
            (prop_oneof![Just(A), Just(B), Just(COINBASE)], prop::collection::vec(0u8..6, 0..3)),
            0..3,
        ),
        (number, timestamp, base_fee) in (1u64..1000, any::<u32>(), 0u64..11),
    ) {
        let keys: Vec<(Address, Vec<B256>)> = list
            .iter()
            .map(|(a, ks)| {
                (*a, ks.iter().map(|k| {
                    let mut b = [0u8; 32];
                    b[31] = *k;
                    b
                }).collect())
            })
            .collect();
        let access_list: Vec<crate::AccessListItem<'_>> = keys
            .iter()
            .map(|(a, k)| crate::AccessListItem { address: *a, storage_keys: k })
            .collect();
        let mut w = World::default();
        for c in [&code_a, &code_b] {
            w.code.insert(keccak256(c), c.clone());
        }
        w.accounts.insert(CALLER, Acct { balance: U256::from(10u64.pow(18)), ..Acct::default() });
        w.accounts.insert(A, Acct { nonce: 1, balance: U256::from(bal_a), code: code_a, storage: st_a });
        w.accounts.insert(B, Acct { nonce: 1, balance: U256::from(7), code: code_b, storage: st_b });
        let block = BlockEnv {
            number,
            coinbase: COINBASE,
            timestamp: timestamp as u64,
            gas_limit: 30_000_000,
            base_fee: U256::from(base_fee),
            prev_randao: [3; 32],
            excess_blob_gas: 0,
            chain_id: 1,
        };
        let tx = TxEnv {
            caller: CALLER,
            to: Some(A),
            value: U256::from(value),
            data: &data,
            gas_limit,
            nonce: 0,
            max_fee_per_gas: U256::from(10),
            max_priority_fee_per_gas: prio.map(U256::from),
            access_list: &access_list,
            ..TxEnv::default()
        };
        // A case calling KZG (not in evm-core's test build; revm has it) is skipped.
        let ours = run_ours(&w, &tx, &block);
        prop_assume!(ours.is_ok());
        let theirs = run_revm(&w, &tx, &block).unwrap_or_else(|e| panic!("revm failed: {e}"));
        prop_assert_eq!(ours, Ok(theirs));
    }

    #[test]
    fn same_as_revm_create_tx(
        initcode in code(),
        code_a in code(),
        value in 0u64..100,
        gas_limit in 60_000u64..400_000,
    ) {
        let mut w = World::default();
        w.code.insert(keccak256(&code_a), code_a.clone());
        w.accounts.insert(CALLER, Acct { balance: U256::from(10u64.pow(18)), ..Acct::default() });
        w.accounts.insert(A, Acct { nonce: 1, balance: U256::from(5), code: code_a, storage: BTreeMap::new() });
        let block = BlockEnv {
            number: 300,
            coinbase: COINBASE,
            base_fee: U256::from(7),
            ..BlockEnv::default()
        };
        let tx = TxEnv {
            caller: CALLER,
            to: None,
            value: U256::from(value),
            data: &initcode,
            gas_limit,
            nonce: 0,
            max_fee_per_gas: U256::from(10),
            ..TxEnv::default()
        };
        // A case calling KZG (not in evm-core's test build; revm has it) is skipped.
        let ours = run_ours(&w, &tx, &block);
        prop_assume!(ours.is_ok());
        let theirs = run_revm(&w, &tx, &block).unwrap_or_else(|e| panic!("revm failed: {e}"));
        prop_assert_eq!(ours, Ok(theirs));
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
        for c in [&code_a, &code_b] {
            w.code.insert(keccak256(c), c.clone());
        }
        w.accounts.insert(CALLER, Acct { balance: U256::from(10u64.pow(18)), ..Acct::default() });
        w.accounts.insert(A, Acct { nonce: 1, balance: U256::from(9), code: code_a, storage: BTreeMap::new() });
        w.accounts.insert(B, Acct { nonce: 1, balance: U256::from(7), code: code_b, storage: BTreeMap::new() });
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
        evm.set_spec(crate::Spec::Cancun); // revm runs at SpecId::CANCUN here
        let tx = TxEnv {
            caller: CALLER,
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
            // Device limits (KZG is not in the test build).
            Err(crate::Error::Capacity(_) | crate::Error::PrecompileUnavailable(_)) => {}
            Err(e) => prop_assert!(false, "unexpected {:?}", e),
        }
    }
}

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
        let mut bufs = HeapBuffers::new(&Limits {
            memory_bytes: 1 << 24,
            stack_words: 1 << 16,
            code_bytes: 1 << 20,
            frames: crate::limits::CALL_DEPTH_LIMIT + 1,
            slots: 1 << 14,
            journal: 1 << 16,
            log_data_bytes: 1 << 20,
            return_data_bytes: 1 << 20,
            steps: Limits::HOST.steps,
            ..Limits::DEVICE
        });
        // Interleaved runs, so that load from other processes hits both alike.
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut gas = 0;
        for _ in 0..9 {
            let mut evm = Evm::new(&w, bufs.buffers());
            evm.set_spec(crate::Spec::Cancun); // revm runs at SpecId::CANCUN here
            let start = std::time::Instant::now();
            let out = evm.transact(&block, &tx).unwrap();
            ours.push(start.elapsed().as_secs_f64() * 1e3);
            let start = std::time::Instant::now();
            let r = run_revm(&w, &tx, &block).unwrap().unwrap();
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
