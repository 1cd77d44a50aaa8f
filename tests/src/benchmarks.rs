//! The ipsilon EVM benchmarks (state-test format) as device queries, with the
//! host's evm-core run of the same case for comparison.

use std::path::{Path, PathBuf};

use evm_core::{AccountInfo, Evm, ExecStatus, HeapBuffers, Limits, NoTracer, Tracer, TxEnv, U256};
use evm_state::InMemoryState;
use evm_trace::{Digest, TraceWriter};
use protocol::limits::MAX_TX_GAS;
use protocol::{AccountQuery, BlockQuery, ExecOutcome, ExecQuery, TxQuery};
use serde_json::Value;

use crate::Result;

/// One benchmark case: a pre-state of plain accounts and one call.
#[derive(Debug, Clone)]
pub struct BenchCase {
    /// `file/test[index]`.
    pub name: String,
    /// The pre-state accounts.
    pub accounts: Vec<PreAccount>,
    /// Block values.
    pub block: BlockQuery,
    /// Sender.
    pub caller: [u8; 20],
    /// Callee.
    pub to: [u8; 20],
    /// Sender nonce.
    pub nonce: u64,
    /// Call data.
    pub data: Vec<u8>,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas price, big-endian.
    pub gas_price: [u8; 32],
    /// Value, big-endian.
    pub value: [u8; 32],
}

/// A pre-state account: no storage in these benchmarks.
#[derive(Debug, Clone)]
pub struct PreAccount {
    /// Address.
    pub address: [u8; 20],
    /// Nonce.
    pub nonce: u64,
    /// Balance, big-endian.
    pub balance: [u8; 32],
    /// Code.
    pub code: Vec<u8>,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    /// How the transaction ended.
    pub status: ExecOutcome,
    /// Gas used.
    pub gas_used: u64,
    /// keccak256 of the output.
    pub output_hash: [u8; 32],
    /// Why the call halted, if it did.
    pub halt: Option<String>,
}

fn text(v: &Value) -> Result<&str> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, got {v}"))
}

fn bytes(v: &Value) -> Result<Vec<u8>> {
    let s = text(v)?;
    hex::decode(s.trim_start_matches("0x")).map_err(|e| format!("{s}: {e}"))
}

fn word(v: &Value) -> Result<[u8; 32]> {
    let s = text(v)?;
    let n =
        U256::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| format!("{s}: {e}"))?;
    Ok(n.to_be_bytes::<32>())
}

fn number(v: &Value) -> Result<u64> {
    let s = text(v)?;
    u64::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| format!("{s}: {e}"))
}

fn address(v: &Value) -> Result<[u8; 20]> {
    bytes(v)?
        .try_into()
        .map_err(|_| "expected 20 bytes".to_owned())
}

fn index(list: &Value, i: &Value) -> Result<Value> {
    let i = usize::try_from(i.as_u64().ok_or("bad index")?).map_err(|e| e.to_string())?;
    list.get(i)
        .cloned()
        .ok_or_else(|| format!("index {i} out of range"))
}

/// Every case (post index) of every benchmark file under `dir`.
pub fn load_dir(dir: &Path) -> Result<Vec<BenchCase>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        cases.extend(load_file(&file)?);
    }
    Ok(cases)
}

/// The main and micro benchmarks of the shared fixtures.
pub fn ipsilon_cases() -> Result<Vec<BenchCase>> {
    let base = zkevm_fixtures::dir().join("ipsilon-evm-benchmarks/benchmarks");
    let mut cases = load_dir(&base.join("main"))?;
    cases.extend(load_dir(&base.join("micro"))?);
    Ok(cases)
}

/// Every case of one benchmark file.
pub fn load_file(file: &Path) -> Result<Vec<BenchCase>> {
    let text_json =
        std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let json: Value = serde_json::from_str(&text_json).map_err(|e| e.to_string())?;
    let stem = file
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let mut cases = Vec::new();
    for (test, t) in json.as_object().ok_or("not an object")? {
        let env = &t["env"];
        let block = BlockQuery {
            number: number(&env["currentNumber"])?,
            timestamp: number(&env["currentTimestamp"])?,
            gas_limit: number(&env["currentGasLimit"])?,
            base_fee: word(&env["currentBaseFee"])?,
            coinbase: address(&env["currentCoinbase"])?,
            chain_id: 1,
        };
        let mut accounts = Vec::new();
        for (addr, a) in t["pre"].as_object().ok_or("no pre")? {
            accounts.push(PreAccount {
                address: address(&Value::String(addr.clone()))?,
                nonce: number(&a["nonce"])?,
                balance: word(&a["balance"])?,
                code: bytes(&a["code"])?,
            });
        }
        let tx = &t["transaction"];
        let posts = t["post"].as_object().ok_or("no post")?;
        for (fork, post) in posts {
            for (i, p) in post
                .as_array()
                .ok_or("post is not a list")?
                .iter()
                .enumerate()
            {
                let ix = &p["indexes"];
                cases.push(BenchCase {
                    name: format!("{stem}/{test}[{fork} {i}]"),
                    accounts: accounts.clone(),
                    block,
                    caller: address(&tx["sender"])?,
                    to: address(&tx["to"])?,
                    nonce: number(&tx["nonce"])?,
                    data: bytes(&index(&tx["data"], &ix["data"])?)?,
                    // The fixtures ask for 10^9 gas; a device runs at most
                    // MAX_TX_GAS (EIP-7825), so both sides run with the cap.
                    gas_limit: number(&index(&tx["gasLimit"], &ix["gas"])?)?.min(MAX_TX_GAS),
                    gas_price: word(&tx["gasPrice"])?,
                    value: word(&index(&tx["value"], &ix["value"])?)?,
                });
            }
        }
    }
    Ok(cases)
}

impl BenchCase {
    /// The postcard-encoded device query.
    pub fn query_bytes(&self) -> Result<Vec<u8>> {
        let accounts: Vec<AccountQuery<'_>> = self
            .accounts
            .iter()
            .map(|a| AccountQuery {
                address: a.address,
                nonce: a.nonce,
                balance: a.balance,
                code: &a.code,
                storage: &[],
            })
            .collect();
        let query = ExecQuery {
            block: self.block,
            accounts: heapless::Vec::from_slice(&accounts).map_err(|_| "too many accounts")?,
            tx: TxQuery {
                caller: self.caller,
                to: Some(self.to),
                value: self.value,
                data: &self.data,
                gas_limit: self.gas_limit,
                nonce: self.nonce,
                max_fee: self.gas_price,
                max_priority_fee: None,
            },
        };
        postcard::to_allocvec(&query).map_err(|e| e.to_string())
    }

    /// The same case on the host's evm-core with the device's buffer limits
    /// (`Err` when a device buffer is too small for it).
    pub fn run_on_host(&self) -> Result<RunResult> {
        self.run_on_host_with(NoTracer, |_| ()).map(|(run, ())| run)
    }

    /// [`BenchCase::run_on_host`] with evm-trace's row writer: the run, the
    /// encoded trace and its commitment (what the device must reproduce).
    pub fn trace_on_host(&self) -> Result<(RunResult, Vec<u8>, Digest)> {
        let mut rows = Vec::new();
        let (run, digest) = self.run_on_host_with(TraceWriter::new(&mut rows), |w| w.result())?;
        let digest = digest.map_err(|e| format!("host trace: {e}"))?;
        Ok((run, rows, digest))
    }

    /// Run on the host with `tracer`; `after` reads the tracer once the run ended.
    fn run_on_host_with<T: Tracer, A>(
        &self,
        tracer: T,
        after: impl FnOnce(&mut T) -> A,
    ) -> Result<(RunResult, A)> {
        let mut state = InMemoryState::new();
        for a in &self.accounts {
            let info = AccountInfo {
                nonce: a.nonce,
                balance: U256::from_be_bytes(a.balance),
                code_hash: state.add_code(a.code.clone()),
            };
            state.insert_account(a.address, info);
        }
        let block = crate::host::block_env(&self.block);
        let tx = TxEnv {
            caller: self.caller,
            to: Some(self.to),
            value: U256::from_be_bytes(self.value),
            data: &self.data,
            gas_limit: self.gas_limit,
            nonce: self.nonce,
            max_fee_per_gas: U256::from_be_bytes(self.gas_price),
            ..TxEnv::default()
        };
        let mut buffers = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::with_tracer(&state, buffers.buffers(), tracer);
        let outcome = evm.transact(&block, &tx).map_err(|e| e.to_string())?;
        let traced = after(evm.tracer_mut());
        let (status, halt) = match outcome.status {
            ExecStatus::Success => (ExecOutcome::Success, None),
            ExecStatus::Revert => (ExecOutcome::Revert, None),
            ExecStatus::Halt(h) => (ExecOutcome::Halt, Some(h.to_string())),
        };
        let run = RunResult {
            status,
            gas_used: outcome.gas_used,
            output_hash: evm_core::evm::keccak256(evm.output()),
            halt,
        };
        Ok((run, traced))
    }
}
