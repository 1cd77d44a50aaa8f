//! Runner for Ethereum state tests (GeneralStateTests and execution-spec-tests fixtures): JSON model, case execution, checks.
//!
//! `zkevm statetest [--fork F] <files|dirs>` runs every `post.<F>` case of
//! every file (default: per test, the newest of Cancun, Prague and Osaka it
//! has), prints one line per failure and skip and closes with
//! `N passed, M failed, K skipped`. Each case is run under that fork's rules
//! ([`Spec`]) with the file's `config.blobSchedule` and `config.chainid`, and
//! checks the post-state root, the logs hash and the kind of rejection. The
//! same functions back `cli/tests/statetests.rs`, which runs the shared
//! fixtures under `cargo test`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use evm_core::{
    AccessListItem, AccountInfo, Address, Authorization, BlobParams, BlockEnv, Error, Evm,
    HeapBuffers, InvalidTx, Limits, Spec, State, TxEnv, B256, U256,
};
use evm_state::memory::InMemoryState;
use serde::Deserialize;

/// Test-suite directories (relative to the fixtures directory) run by default (fork Cancun).
pub const SUITES: &[&str] = &[
    "ethereum-legacytests/Cancun/GeneralStateTests",
    "ethereum-tests/GeneralStateTests",
];

/// The execution-spec-tests state tests, filled for fork Osaka (relative to the fixtures directory).
pub const EEST_SUITES: &[&str] = &["eest/state_tests"];

/// Cases not run, each with its reason: `(file stem or test name, reason)`.
/// A pattern matches a test when it equals the test name or the file stem.
pub const SKIPS: &[(&str, &str)] = &[(
    "static_Call1MB1024Calldepth",
    "device limit: case d=1 keeps 1024 nested frames with 1 MB of EVM memory each \
     (about 1 GiB at once, 882 G gas); the host configuration caps the shared memory \
     arena at 256 MiB, so the transaction ends in a memory capacity error",
)];

#[derive(Debug, Deserialize)]
struct TestFile(BTreeMap<String, Test>);

#[derive(Debug, Deserialize)]
struct Test {
    env: Env,
    pre: BTreeMap<String, PreAccount>,
    transaction: Tx,
    post: BTreeMap<String, Vec<PostCase>>,
    config: Option<Config>,
}

/// `config` of an execution-spec-tests fixture.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    blob_schedule: Option<BTreeMap<String, BlobEntry>>,
    chainid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlobEntry {
    target: String,
    max: String,
    base_fee_update_fraction: String,
}

/// One `authorizationList` entry (EIP-7702); `signer` is ignored (evm-core recovers it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthEntry {
    chain_id: String,
    address: String,
    nonce: String,
    y_parity: Option<String>,
    v: Option<String>,
    r: String,
    s: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Env {
    current_base_fee: Option<String>,
    current_coinbase: String,
    current_excess_blob_gas: Option<String>,
    current_gas_limit: String,
    current_number: String,
    current_random: Option<String>,
    current_timestamp: String,
}

#[derive(Debug, Deserialize)]
struct PreAccount {
    balance: String,
    code: String,
    nonce: String,
    storage: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessListEntry {
    address: String,
    storage_keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tx {
    data: Vec<String>,
    gas_limit: Vec<String>,
    value: Vec<String>,
    nonce: String,
    sender: String,
    to: String,
    gas_price: Option<String>,
    max_fee_per_gas: Option<String>,
    max_priority_fee_per_gas: Option<String>,
    access_lists: Option<Vec<Option<Vec<AccessListEntry>>>>,
    blob_versioned_hashes: Option<Vec<String>>,
    max_fee_per_blob_gas: Option<String>,
    authorization_list: Option<Vec<AuthEntry>>,
}

/// The fee fields of a fixture transaction: (gas price or max fee per gas,
/// max priority fee per gas for EIP-1559 transactions).
fn fee_fields(t: &Tx) -> Result<(U256, Option<U256>), String> {
    match (&t.gas_price, &t.max_fee_per_gas) {
        (Some(gp), _) => Ok((hex_u256(gp)?, None)),
        (None, Some(mf)) => Ok((
            hex_u256(mf)?,
            Some(hex_u256(
                t.max_priority_fee_per_gas.as_deref().unwrap_or("0x0"),
            )?),
        )),
        (None, None) => Err("no gas price".into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostCase {
    hash: String,
    logs: String,
    indexes: Indexes,
    expect_exception: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Indexes {
    data: usize,
    gas: usize,
    value: usize,
}

fn strip(s: &str) -> &str {
    s.strip_prefix("0x").unwrap_or(s)
}

/// Decodes a `0x` hex string.
pub fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    let s = strip(s);
    let padded;
    let s = if s.len() % 2 == 1 {
        padded = format!("0{s}");
        &padded
    } else {
        s
    };
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("bad hex {s:?}: {e}")))
        .collect()
}

fn hex_u256(s: &str) -> Result<U256, String> {
    let s = strip(s);
    if s.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(s, 16).map_err(|e| format!("bad number {s:?}: {e}"))
}

fn hex_u64(s: &str) -> Result<u64, String> {
    let v = hex_u256(s)?;
    u64::try_from(v).map_err(|_| format!("{s} exceeds 64 bits"))
}

fn hex_fixed<const N: usize>(s: &str) -> Result<[u8; N], String> {
    let b = hex_bytes(s)?;
    if b.len() > N {
        return Err(format!("{s} longer than {N} bytes"));
    }
    let mut out = [0u8; N];
    out[N - b.len()..].copy_from_slice(&b);
    Ok(out)
}

fn to_hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// keccak256(rlp([[address, [topics...], data], ...])) of the logs of the last transaction.
pub fn logs_hash<S: State, T: evm_core::Tracer>(evm: &Evm<'_, S, T>) -> B256 {
    use evm_state::rlp::{put_bytes, put_list_header};
    let mut items = Vec::new();
    for (a, topics, data) in evm.logs() {
        let mut t = Vec::new();
        for topic in topics {
            let _ = put_bytes(&mut t, topic);
        }
        let mut item = Vec::new();
        let _ = put_bytes(&mut item, a);
        let _ = put_list_header(&mut item, t.len());
        item.extend_from_slice(&t);
        let _ = put_bytes(&mut item, data);
        let _ = put_list_header(&mut items, item.len());
        items.extend_from_slice(&item);
    }
    let mut out = Vec::new();
    let _ = put_list_header(&mut out, items.len());
    out.extend_from_slice(&items);
    evm_core::evm::keccak256(&out)
}

/// Computes the post-state root of a state.
pub type RootFn = fn(&InMemoryState) -> Result<B256, String>;

/// Post-state root with evm-state's trie.
pub fn state_root(state: &InMemoryState) -> Result<B256, String> {
    state
        .try_state_root()
        .map_err(|e| format!("state root: {e:?}"))
}

/// Outcome counts of a run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Cases that matched.
    pub passed: usize,
    /// Cases that did not match (one line each in `failures`).
    pub failed: usize,
    /// Cases skipped (see [`SKIPS`]).
    pub skipped: usize,
    /// One line per failure.
    pub failures: Vec<String>,
    /// One line per skipped test, with its reason.
    pub skips: Vec<String>,
}

/// The reason `test` of `file` is skipped, if it is.
pub fn skip_reason(file: &Path, test: &str) -> Option<&'static str> {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    SKIPS
        .iter()
        .find(|(p, _)| *p == test || *p == stem)
        .map(|(_, r)| *r)
}

/// Collects `.json` files under `paths` (files or directories), sorted.
pub fn collect_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                for e in rd.flatten() {
                    stack.push(e.path());
                }
            }
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The fork a test runs under and its cases: `fork` when given (none if the
/// test lacks it), else the newest of Cancun, Prague and Osaka the test has.
fn pick_fork(test: &Test, fork: Option<Spec>) -> Option<(Spec, &[PostCase])> {
    match fork {
        Some(f) => test.post.get(f.name()).map(|c| (f, c.as_slice())),
        None => Spec::ALL
            .iter()
            .rev()
            .find_map(|f| test.post.get(f.name()).map(|c| (*f, c.as_slice()))),
    }
}

/// The blob schedule of `spec` from the test's `config.blobSchedule`, else the spec's own.
fn blob_params(test: &Test, spec: Spec) -> Result<BlobParams, String> {
    let entry = test
        .config
        .as_ref()
        .and_then(|c| c.blob_schedule.as_ref())
        .and_then(|b| b.get(spec.name()));
    match entry {
        Some(e) => Ok(BlobParams {
            target: hex_u64(&e.target)?,
            max: hex_u64(&e.max)?,
            update_fraction: hex_u64(&e.base_fee_update_fraction)?,
        }),
        None => Ok(spec.blob_params()),
    }
}

/// Runs every case of `file` for `fork` (see [`pick_fork`]), adding to `summary`.
pub fn run_file(
    file: &Path,
    fork: Option<Spec>,
    root: Option<RootFn>,
    bufs: &mut HeapBuffers,
    summary: &mut Summary,
) {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            summary.failed += 1;
            summary.failures.push(format!("{name}: cannot read: {e}"));
            return;
        }
    };
    let parsed: TestFile = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            summary.failed += 1;
            summary.failures.push(format!("{name}: cannot parse: {e}"));
            return;
        }
    };
    for (test_name, test) in &parsed.0 {
        let Some((spec, cases)) = pick_fork(test, fork) else {
            continue;
        };
        if let Some(reason) = skip_reason(file, test_name) {
            summary.skipped += cases.len();
            summary.skips.push(format!(
                "skip {name} {test_name} ({} cases): {reason}",
                cases.len()
            ));
            continue;
        }
        let pre = match build_pre(test).and_then(|p| Ok((p, blob_params(test, spec)?))) {
            Ok(p) => p,
            Err(e) => {
                summary.failed += cases.len();
                summary
                    .failures
                    .push(format!("{name} {test_name}: bad pre-state: {e}"));
                continue;
            }
        };
        let (pre, blob) = pre;
        for case in cases {
            let ix = &case.indexes;
            let label = format!(
                "{name} {test_name} [d={} g={} v={}]",
                ix.data, ix.gas, ix.value
            );
            match run_case(test, &pre, case, (spec, blob), root, bufs) {
                Ok(()) => summary.passed += 1,
                Err(msg) => {
                    summary.failed += 1;
                    summary.failures.push(format!("{label}: {msg}"));
                }
            }
        }
    }
}

fn build_pre(test: &Test) -> Result<InMemoryState, String> {
    let mut st = InMemoryState::new();
    for (addr, a) in &test.pre {
        let address = hex_fixed::<20>(addr)?;
        let code_hash = st.add_code(hex_bytes(&a.code)?);
        st.insert_account(
            address,
            AccountInfo {
                nonce: hex_u64(&a.nonce)?,
                balance: hex_u256(&a.balance)?,
                code_hash,
            },
        );
        for (k, v) in &a.storage {
            st.set_storage(address, hex_u256(k)?, hex_u256(v)?);
        }
    }
    // The state-test convention (as in geth): the hash of block n is keccak256 of its decimal.
    let number = hex_u64(&test.env.current_number)?;
    for n in number.saturating_sub(256)..number {
        st.set_block_hash(n, evm_core::evm::keccak256(n.to_string().as_bytes()));
    }
    Ok(st)
}

/// Whether rejection `got` is one the fixture's `expectException` names
/// (alternatives separated by `|`). Execution-spec-tests names
/// (`TransactionException.*`) must be known and match; an unknown
/// GeneralStateTests name matches anything.
pub fn exception_matches(expected: &str, got: &InvalidTx) -> bool {
    use InvalidTx as I;
    expected.split('|').any(|name| {
        let name = name.trim();
        let strict = name.starts_with("TransactionException.");
        let name = name.trim_start_matches("TransactionException.");
        match name {
            "INTRINSIC_GAS_TOO_LOW" | "IntrinsicGas" | "TR_IntrinsicGas" => {
                matches!(got, I::IntrinsicGasTooLow { .. })
            }
            "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST" => matches!(got, I::FloorGasTooLow { .. }),
            "TR_NoFunds" | "TR_NoFundsX" | "INSUFFICIENT_ACCOUNT_FUNDS" => {
                matches!(got, I::InsufficientFunds | I::FeeOverflow)
            }
            "TR_NoFundsOrGas" => matches!(
                got,
                I::InsufficientFunds
                    | I::FeeOverflow
                    | I::IntrinsicGasTooLow { .. }
                    | I::GasLimitAboveBlock
            ),
            "SenderNotEOA" | "SENDER_NOT_EOA" => matches!(got, I::SenderHasCode),
            "TR_FeeCapLessThanBlocks" | "INSUFFICIENT_MAX_FEE_PER_GAS" => {
                matches!(got, I::FeeCapBelowBaseFee)
            }
            "TR_NonceHasMaxValue" | "NONCE_IS_MAX" => matches!(got, I::NonceOverflow),
            "NONCE_MISMATCH_TOO_LOW" | "NONCE_MISMATCH_TOO_HIGH" => {
                matches!(got, I::NonceMismatch { .. })
            }
            "TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH" | "TR_BLOBVERSION_INVALID" => {
                matches!(got, I::BlobVersion)
            }
            "INITCODE_SIZE_EXCEEDED" | "TR_InitCodeLimitExceeded" => {
                matches!(got, I::InitcodeTooLarge)
            }
            "TR_TipGtFeeCap" | "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS" => {
                matches!(got, I::PriorityFeeAboveFeeCap)
            }
            "TR_GasLimitReached" | "GAS_ALLOWANCE_EXCEEDED" => {
                matches!(got, I::GasLimitAboveBlock)
            }
            "GAS_LIMIT_EXCEEDS_MAXIMUM" => matches!(got, I::GasLimitAboveCap),
            "INSUFFICIENT_MAX_FEE_PER_BLOB_GAS" => matches!(got, I::BlobFeeCapTooLow),
            "TYPE_3_TX_ZERO_BLOBS"
            | "TR_EMPTYBLOB"
            | "TYPE_3_TX_BLOB_COUNT_EXCEEDED"
            | "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED"
            | "TR_BLOBLIST_OVERSIZE" => matches!(got, I::BlobCount),
            "TR_BLOBCREATE" | "TYPE_3_TX_CONTRACT_CREATION" => matches!(got, I::BlobCreate),
            "TYPE_4_TX_CONTRACT_CREATION" => matches!(got, I::SetCodeCreate),
            "TYPE_4_EMPTY_AUTHORIZATION_LIST" => matches!(got, I::EmptyAuthorizationList),
            "TYPE_4_TX_PRE_FORK" => matches!(got, I::TypeNotSupported),
            _ => !strict,
        }
    })
}

/// Numeric transaction fields: value, gas limit, nonce, max fee, priority fee, blob fee.
type ParsedFields = (U256, u64, u64, U256, Option<U256>, Option<U256>);

/// The block of a test's `env`.
fn block_env(env: &Env) -> Result<BlockEnv, String> {
    Ok(BlockEnv {
        number: hex_u64(&env.current_number)?,
        coinbase: hex_fixed(&env.current_coinbase)?,
        timestamp: hex_u64(&env.current_timestamp)?,
        gas_limit: hex_u64(&env.current_gas_limit)?,
        base_fee: env
            .current_base_fee
            .as_deref()
            .map(hex_u256)
            .transpose()?
            .unwrap_or(U256::ZERO),
        prev_randao: env
            .current_random
            .as_deref()
            .map(hex_fixed)
            .transpose()?
            .unwrap_or([0; 32]),
        excess_blob_gas: env
            .current_excess_blob_gas
            .as_deref()
            .map(hex_u64)
            .transpose()?
            .unwrap_or(0),
        chain_id: 1,
    })
}

/// The block of a test: its `env`, with `config.chainid` when present.
fn test_block(test: &Test) -> Result<BlockEnv, String> {
    let mut b = block_env(&test.env)?;
    if let Some(id) = test.config.as_ref().and_then(|c| c.chainid.as_deref()) {
        b.chain_id = hex_u64(id)?;
    }
    Ok(b)
}

/// The authorization list of a type-4 transaction; `Err` when a field does not fit its type.
fn authorizations(list: &[AuthEntry]) -> Result<Vec<Authorization>, String> {
    list.iter()
        .map(|a| {
            let parity = a.y_parity.as_deref().or(a.v.as_deref()).unwrap_or("0x0");
            Ok(Authorization {
                chain_id: hex_u256(&a.chain_id)?,
                address: hex_fixed(&a.address)?,
                nonce: hex_u64(&a.nonce)?,
                // Any parity above 1 is invalid; keep it invalid in a byte.
                y_parity: u8::try_from(hex_u256(parity)?).unwrap_or(u8::MAX),
                r: hex_u256(&a.r)?,
                s: hex_u256(&a.s)?,
            })
        })
        .collect()
}

/// Builds the block and transaction of case `ix` of `test` and hands them to
/// `f`. `Ok(Err(reason))` when a field does not fit its type (the transaction
/// is then invalid and `f` is not called).
fn with_tx<X>(
    test: &Test,
    ix: &Indexes,
    f: impl FnOnce(&BlockEnv, &TxEnv<'_>) -> X,
) -> Result<Result<X, String>, String> {
    let block = test_block(test)?;
    let t = &test.transaction;
    let data = hex_bytes(t.data.get(ix.data).ok_or("data index out of range")?)?;
    let value_s = t.value.get(ix.value).ok_or("value index out of range")?;
    let gas_s = t.gas_limit.get(ix.gas).ok_or("gas index out of range")?;
    // Fields that do not fit their type make the transaction invalid.
    let parsed = (|| -> Result<ParsedFields, String> {
        let value = hex_u256(value_s)?;
        let gas_limit = hex_u64(gas_s)?;
        let nonce = hex_u64(&t.nonce)?;
        let (max_fee, prio) = fee_fields(t)?;
        let blob_fee = t
            .max_fee_per_blob_gas
            .as_deref()
            .map(hex_u256)
            .transpose()?;
        Ok((value, gas_limit, nonce, max_fee, prio, blob_fee))
    })();
    let (value, gas_limit, nonce, max_fee, prio, blob_fee) = match parsed {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let auths = match t
        .authorization_list
        .as_deref()
        .map(authorizations)
        .transpose()
    {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    let to = if strip(&t.to).is_empty() {
        None
    } else {
        Some(hex_fixed::<20>(&t.to)?)
    };
    let access_keys: Vec<(Address, Vec<B256>)> = match t
        .access_lists
        .as_ref()
        .and_then(|l| l.get(ix.data))
        .and_then(|l| l.as_ref())
    {
        Some(list) => list
            .iter()
            .map(|e| {
                Ok((
                    hex_fixed::<20>(&e.address)?,
                    e.storage_keys
                        .iter()
                        .map(|k| hex_fixed::<32>(k))
                        .collect::<Result<Vec<_>, String>>()?,
                ))
            })
            .collect::<Result<_, String>>()?,
        None => Vec::new(),
    };
    let access_list: Vec<AccessListItem<'_>> = access_keys
        .iter()
        .map(|(a, k)| AccessListItem {
            address: *a,
            storage_keys: k,
        })
        .collect();
    let blob_hashes: Vec<B256> = t
        .blob_versioned_hashes
        .iter()
        .flatten()
        .map(|h| hex_fixed::<32>(h))
        .collect::<Result<_, String>>()?;
    let tx = TxEnv {
        caller: hex_fixed(&t.sender)?,
        to,
        value,
        data: &data,
        gas_limit,
        nonce,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: prio,
        access_list: &access_list,
        blob_hashes: &blob_hashes,
        max_fee_per_blob_gas: blob_fee,
        authorization_list: auths.as_deref(),
    };
    Ok(Ok(f(&block, &tx)))
}

fn run_case(
    test: &Test,
    pre: &InMemoryState,
    case: &PostCase,
    rules: (Spec, BlobParams),
    root: Option<RootFn>,
    bufs: &mut HeapBuffers,
) -> Result<(), String> {
    let expect_exc = case.expect_exception.as_deref();
    let checked = with_tx(test, &case.indexes, |block, tx| {
        check_case(pre, case, rules, root, bufs, block, tx)
    })?;
    match checked {
        Ok(r) => r,
        Err(e) => match expect_exc {
            Some(_) => Ok(()),
            None => Err(format!("unparsable transaction: {e}")),
        },
    }
}

fn check_case(
    pre: &InMemoryState,
    case: &PostCase,
    (spec, blob): (Spec, BlobParams),
    root: Option<RootFn>,
    bufs: &mut HeapBuffers,
    block: &BlockEnv,
    tx: &TxEnv<'_>,
) -> Result<(), String> {
    let expect_exc = case.expect_exception.as_deref();
    let mut evm = Evm::new(pre, bufs.buffers());
    evm.set_spec(spec);
    evm.set_blob_params(blob);
    let start = std::time::Instant::now();
    let result = evm.transact(block, tx);
    if std::env::var_os("ZKEVM_TIME").is_some() {
        let ix = &case.indexes;
        println!(
            "time [d={} g={} v={}]: {:.3} ms",
            ix.data,
            ix.gas,
            ix.value,
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    match (result, expect_exc) {
        (Err(Error::InvalidTx(e)), Some(exc)) => {
            return if exception_matches(exc, &e) {
                Ok(())
            } else {
                Err(format!("expected exception {exc}, rejected with: {e:?}"))
            };
        }
        (Err(Error::InvalidTx(e)), None) => return Err(format!("rejected: {e}")),
        (Err(e), _) => return Err(format!("error: {e}")),
        (Ok(out), Some(exc)) => {
            return Err(format!(
                "expected exception {exc}, got {:?} (gas {})",
                out.status, out.gas_used
            ))
        }
        (Ok(_), None) => {}
    }
    let got_logs = logs_hash(&evm);
    let want_logs = hex_fixed::<32>(&case.logs)?;
    let mut post = pre.clone();
    post.apply_changes(evm.changes(), evm.storage_changes());
    if got_logs != want_logs {
        return Err(format!(
            "logs hash: expected {}, got {}",
            case.logs,
            to_hex(&got_logs)
        ));
    }
    if let Some(root_fn) = root {
        let got = root_fn(&post)?;
        let want = hex_fixed::<32>(&case.hash)?;
        if got != want {
            return Err(format!(
                "state root: expected {}, got {}",
                case.hash,
                to_hex(&got)
            ));
        }
    }
    Ok(())
}

/// One case of a state-test file, as handed to [`for_each_case`].
#[derive(Debug, Clone, Copy)]
pub struct CaseInfo<'a> {
    /// Test name (the key in the file).
    pub test: &'a str,
    /// `[data, gas, value]` indexes.
    pub index: [usize; 3],
    /// The exception the fixture expects, if the transaction is invalid.
    pub expect_exception: Option<&'a str>,
    /// The expected post-state root (hex).
    pub post_hash: &'a str,
}

/// Calls `f` with the pre-state, block and transaction of every Cancun case
/// of `file` (only the cases with indexes `index` when given), skipping cases
/// listed in [`SKIPS`] and transactions whose fields do not fit their types.
/// Returns how many cases `f` saw.
pub fn for_each_case(
    file: &Path,
    index: Option<[usize; 3]>,
    mut f: impl FnMut(&CaseInfo<'_>, &InMemoryState, &BlockEnv, &TxEnv<'_>),
) -> Result<usize, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let parsed: TestFile =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut seen = 0;
    for (test_name, test) in &parsed.0 {
        let Some(cases) = test.post.get(Spec::Cancun.name()) else {
            continue;
        };
        if skip_reason(file, test_name).is_some() {
            continue;
        }
        let pre = build_pre(test)?;
        for case in cases {
            let ix = &case.indexes;
            let i = [ix.data, ix.gas, ix.value];
            if index.is_some_and(|want| want != i) {
                continue;
            }
            let info = CaseInfo {
                test: test_name,
                index: i,
                expect_exception: case.expect_exception.as_deref(),
                post_hash: &case.hash,
            };
            if with_tx(test, ix, |block, tx| f(&info, &pre, block, tx))?.is_ok() {
                seen += 1;
            }
        }
    }
    Ok(seen)
}

/// The post-state root function in use.
pub fn default_root() -> Option<RootFn> {
    Some(state_root)
}

/// Runs all files under `paths` on `threads` worker threads (files dealt
/// round-robin), each test under the newest fork it has.
pub fn run_paths(paths: &[PathBuf], threads: usize) -> Summary {
    run_paths_fork(paths, None, threads)
}

/// Runs all files under `paths` for `fork` (`None`: each test's newest) on `threads` threads.
pub fn run_paths_fork(paths: &[PathBuf], fork: Option<Spec>, threads: usize) -> Summary {
    let files = collect_files(paths);
    let threads = threads.clamp(1, 16);
    let root = default_root();
    let parts: Vec<Summary> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let files = &files;
                std::thread::Builder::new()
                    .stack_size(16 << 20)
                    .spawn_scoped(scope, move || {
                        let mut bufs = HeapBuffers::new(&Limits::HOST);
                        let mut summary = Summary::default();
                        for f in files.iter().skip(t).step_by(threads) {
                            run_file(f, fork, root, &mut bufs, &mut summary);
                        }
                        summary
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| Summary {
                    failed: 1,
                    failures: vec!["a runner thread panicked".into()],
                    ..Summary::default()
                }),
                Err(e) => Summary {
                    failed: 1,
                    failures: vec![format!("cannot spawn a runner thread: {e}")],
                    ..Summary::default()
                },
            })
            .collect()
    });
    let mut total = Summary::default();
    for p in parts {
        total.passed += p.passed;
        total.failed += p.failed;
        total.skipped += p.skipped;
        total.failures.extend(p.failures);
        total.skips.extend(p.skips);
    }
    total.failures.sort();
    total.skips.sort();
    total
}

/// Worker threads: `$ZKEVM_THREADS`, else the available parallelism.
pub fn default_threads() -> usize {
    std::env::var("ZKEVM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}

/// `zkevm statetest` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The fork to run each test under: Cancun, Prague or Osaka
    /// (case-insensitive; default: each test's newest).
    #[arg(long, value_parser = parse_fork)]
    pub fork: Option<Spec>,
    /// State-test files or directories (default: the shared GeneralStateTests suites).
    #[arg(value_name = "files|dirs")]
    pub paths: Vec<PathBuf>,
}

fn parse_fork(v: &str) -> Result<Spec, String> {
    Spec::from_name(v).ok_or_else(|| format!("unknown fork {v:?} (known: Cancun, Prague, Osaka)"))
}

/// `zkevm statetest` on string arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match crate::args::parse::<Args>("statetest", args)? {
        Ok(a) => run_args(a),
        Err(code) => Ok(code),
    }
}

/// `zkevm statetest [--fork F] <files|dirs>`: runs the state tests and prints
/// failures, skips and totals. Without paths, the GeneralStateTests suites
/// ([`SUITES`]) of the shared fixtures.
pub fn run_args(args: Args) -> Result<ExitCode, String> {
    let fork = args.fork;
    let rest = args.paths;
    let paths: Vec<PathBuf> = if rest.is_empty() {
        let dir = zkevm_fixtures::dir();
        if !dir.exists() {
            return Err(format!(
                "no paths given and fixtures not found at {} (set {} or run scripts/fetch-fixtures.sh)",
                dir.display(),
                zkevm_fixtures::ENV
            ));
        }
        SUITES.iter().map(|s| dir.join(s)).collect()
    } else {
        rest
    };
    let summary = run_paths_fork(&paths, fork, default_threads());
    print_summary(&summary);
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Prints a run's failures, skips (each with its reason) and the closing
/// `N passed, M failed, K skipped` line.
pub fn print_summary(summary: &Summary) {
    for line in &summary.failures {
        println!("{line}");
    }
    for line in &summary.skips {
        println!("{line}");
    }
    println!(
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    );
}

/// One account of a decoded pre-state (for runners other than this one, e.g. benchmarks).
#[derive(Debug, Clone)]
pub struct DecodedAccount {
    /// Address.
    pub address: Address,
    /// Nonce.
    pub nonce: u64,
    /// Balance.
    pub balance: U256,
    /// Code (empty for none).
    pub code: Vec<u8>,
    /// Non-zero storage slots.
    pub storage: Vec<(U256, U256)>,
}

/// One `post.<fork>` case of a state test, decoded: pre-state, block and transaction fields.
#[derive(Debug, Clone)]
pub struct DecodedCase {
    /// `test name [d=.. g=.. v=..]`.
    pub label: String,
    /// The pre-state.
    pub pre: Vec<DecodedAccount>,
    /// The block.
    pub block: BlockEnv,
    /// Sender.
    pub caller: Address,
    /// Recipient, `None` for creation.
    pub to: Option<Address>,
    /// Value.
    pub value: U256,
    /// Calldata.
    pub data: Vec<u8>,
    /// Gas limit.
    pub gas_limit: u64,
    /// Sender nonce.
    pub nonce: u64,
    /// Gas price (legacy) or max fee per gas.
    pub max_fee_per_gas: U256,
    /// Priority fee, `None` for legacy transactions.
    pub max_priority_fee_per_gas: Option<U256>,
    /// Whether the case expects the transaction to be rejected.
    pub expect_exception: bool,
}

/// Decodes every `post.<fork>` case of `file` (access lists and blob fields are not carried).
pub fn decode_cases(file: &Path, fork: &str) -> Result<Vec<DecodedCase>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let parsed: TestFile =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut out = Vec::new();
    for (test_name, test) in &parsed.0 {
        let Some(cases) = test.post.get(fork) else {
            continue;
        };
        let mut pre = Vec::with_capacity(test.pre.len());
        for (addr, a) in &test.pre {
            let mut storage = Vec::new();
            for (k, v) in &a.storage {
                let v = hex_u256(v)?;
                if !v.is_zero() {
                    storage.push((hex_u256(k)?, v));
                }
            }
            pre.push(DecodedAccount {
                address: hex_fixed(addr)?,
                nonce: hex_u64(&a.nonce)?,
                balance: hex_u256(&a.balance)?,
                code: hex_bytes(&a.code)?,
                storage,
            });
        }
        let block = test_block(test)?;
        let t = &test.transaction;
        for case in cases {
            let ix = &case.indexes;
            let (max_fee, prio) = fee_fields(t)?;
            out.push(DecodedCase {
                label: format!("{test_name} [d={} g={} v={}]", ix.data, ix.gas, ix.value),
                pre: pre.clone(),
                block,
                caller: hex_fixed(&t.sender)?,
                to: if strip(&t.to).is_empty() {
                    None
                } else {
                    Some(hex_fixed(&t.to)?)
                },
                value: hex_u256(t.value.get(ix.value).ok_or("value index out of range")?)?,
                data: hex_bytes(t.data.get(ix.data).ok_or("data index out of range")?)?,
                gas_limit: hex_u64(t.gas_limit.get(ix.gas).ok_or("gas index out of range")?)?,
                nonce: hex_u64(&t.nonce)?,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: prio,
                expect_exception: case.expect_exception.is_some(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parsing() {
        assert_eq!(hex_bytes("0x").unwrap(), Vec::<u8>::new());
        assert_eq!(hex_bytes("0x1").unwrap(), vec![1]);
        assert_eq!(hex_u256("0x0100").unwrap(), U256::from(256));
        assert!(hex_u64("0x10000000000000000").is_err());
        assert_eq!(hex_fixed::<2>("0x01").unwrap(), [0, 1]);
    }

    #[test]
    fn exception_names() {
        assert!(exception_matches(
            "TransactionException.INTRINSIC_GAS_TOO_LOW",
            &InvalidTx::IntrinsicGasTooLow {
                got: 1,
                expected: 2
            }
        ));
        assert!(!exception_matches("TR_NoFunds", &InvalidTx::SenderHasCode));
        assert!(exception_matches(
            "TransactionException.TYPE_3_TX_PRE_FORK|TransactionException.TYPE_3_TX_ZERO_BLOBS",
            &InvalidTx::BlobCount
        ));
        assert!(exception_matches("SomethingNew", &InvalidTx::BlobCount));
        // Execution-spec-tests names are strict: unknown or other kinds do not match.
        assert!(!exception_matches(
            "TransactionException.SOMETHING_NEW",
            &InvalidTx::BlobCount
        ));
        assert!(!exception_matches(
            "TransactionException.INTRINSIC_GAS_TOO_LOW",
            &InvalidTx::FloorGasTooLow {
                got: 1,
                expected: 2
            }
        ));
        assert!(exception_matches(
            "TransactionException.INTRINSIC_GAS_BELOW_FLOOR_GAS_COST",
            &InvalidTx::FloorGasTooLow {
                got: 1,
                expected: 2
            }
        ));
        assert!(exception_matches(
            "TransactionException.GAS_LIMIT_EXCEEDS_MAXIMUM",
            &InvalidTx::GasLimitAboveCap
        ));
        assert!(exception_matches(
            "TransactionException.TYPE_4_EMPTY_AUTHORIZATION_LIST",
            &InvalidTx::EmptyAuthorizationList
        ));
    }

    #[test]
    fn fork_flag() {
        assert!(run(&["--fork".into(), "Shanghai".into()]).is_err());
        assert!(run(&["--fork".into()]).is_err());
    }

    #[test]
    fn empty_logs_hash() {
        assert_eq!(
            to_hex(&evm_core::evm::keccak256(&[0xc0])),
            "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
        );
    }
}
