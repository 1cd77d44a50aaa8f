//! The witness from an Ethereum JSON-RPC node: a blocking HTTP/1.1 client, state fetched lazily while the host run discovers what the transaction reads.
//!
//! Calls: `eth_getBlockByNumber` (block values and state root), `eth_getProof`
//! (accounts with their nonce, balance and code hash, slots, and the final
//! proofs), `eth_getCode`. The host runs the transaction on what it fetched
//! so far; a read of a key not fetched yet stops the run, the key is fetched
//! and the run starts again, until a run reads nothing new. Only `http://`
//! URLs (a local node, or a tunnel); the proofs make the node's answers
//! checkable, the state root itself is the node's word.
//!
//! The witness is for a transaction in the block after `block`: its state
//! root is `block`'s, its number `block + 1`, its timestamp 12 s later, its
//! base fee the EIP-1559 successor of `block`'s; coinbase, PREVRANDAO and
//! excess blob gas are `block`'s.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use evm_core::{AccountInfo, Address, State, B256, U256};
use evm_state::{InMemoryState, KECCAK_EMPTY};
use protocol::witness::WitnessBlock;
use serde_json::{json, Value};
use wallet::Transaction;
use zkevm_fixtures::hex::{address, b256, hex, u256, unhex};

use super::{assemble, block_env, discover, OwnedProof};

/// A JSON-RPC endpoint reached over plain HTTP/1.1 (one connection per call).
pub struct Client {
    host: String,
    path: String,
    id: u64,
}

impl Client {
    /// A client for `url` (`http://host[:port][/path]`).
    pub fn new(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let host = if host.contains(':') {
            host.to_string()
        } else {
            format!("{host}:80")
        };
        Ok(Self {
            host,
            path: path.to_string(),
            id: 0,
        })
    }

    /// Calls `method` with `params`; the `result`, or the node's error as text.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.id += 1;
        let body = json!({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
            .to_string();
        let mut stream =
            TcpStream::connect(&self.host).map_err(|e| format!("{}: {e}", self.host))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.path,
            self.host,
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let text = read_response(stream)?;
        let reply: Value = serde_json::from_str(&text).map_err(|e| format!("{method}: {e}"))?;
        if let Some(err) = reply.get("error") {
            return Err(format!("{method}: {err}"));
        }
        reply
            .get("result")
            .cloned()
            .ok_or_else(|| format!("{method}: no result"))
    }
}

/// Reads one HTTP/1.1 response: status 200, a body by `Content-Length`, chunked, or to the end.
fn read_response(stream: TcpStream) -> Result<String, String> {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| e.to_string())?;
    if !line.starts_with("HTTP/1.") || line.split_whitespace().nth(1) != Some("200") {
        return Err(format!("HTTP: {}", line.trim_end()));
    }
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        r.read_line(&mut line).map_err(|e| e.to_string())?;
        let h = line.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').unwrap_or((h, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(value.trim().parse::<usize>().map_err(|e| e.to_string())?)
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line).map_err(|e| e.to_string())?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|e| format!("chunk size: {e}"))?;
            if size == 0 {
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            r.read_exact(&mut body[start..])
                .map_err(|e| e.to_string())?;
            line.clear();
            r.read_line(&mut line).map_err(|e| e.to_string())?;
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).map_err(|e| e.to_string())?;
    } else {
        r.read_to_end(&mut body).map_err(|e| e.to_string())?;
    }
    String::from_utf8(body).map_err(|e| e.to_string())
}

fn get<'v>(v: &'v Value, name: &str) -> Result<&'v Value, String> {
    v.get(name).ok_or_else(|| format!("no `{name}` in {v}"))
}

fn get_str<'v>(v: &'v Value, name: &str) -> Result<&'v str, String> {
    get(v, name)?
        .as_str()
        .ok_or_else(|| format!("`{name}` is not a string"))
}

fn quantity(v: &Value, name: &str) -> Result<u64, String> {
    u64::try_from(u256(get(v, name)?)?).map_err(|_| format!("`{name}` exceeds 64 bits"))
}

fn nodes(v: &Value) -> Result<Vec<Vec<u8>>, String> {
    v.as_array()
        .ok_or("a proof is not an array")?
        .iter()
        .map(|n| unhex(n.as_str().ok_or("a proof node is not a string")?))
        .collect()
}

/// The base fee of the block after one with these values (EIP-1559).
pub fn next_base_fee(base_fee: U256, gas_used: u64, gas_limit: u64) -> U256 {
    let target = gas_limit / 2;
    if target == 0 || gas_used == target {
        return base_fee;
    }
    let (diff, up) = if gas_used > target {
        (gas_used - target, true)
    } else {
        (target - gas_used, false)
    };
    let delta = base_fee * U256::from(diff) / U256::from(target) / U256::from(8u64);
    if up {
        base_fee + delta.max(U256::from(1u64))
    } else {
        base_fee.saturating_sub(delta)
    }
}

/// The block values for a transaction after block `tag` (`"latest"` or a number).
pub fn block_values(
    c: &mut Client,
    tag: &str,
    chain_id: Option<u64>,
) -> Result<(WitnessBlock, String), String> {
    let b = c.call("eth_getBlockByNumber", json!([tag, false]))?;
    if b.is_null() {
        return Err(format!("no block {tag}"));
    }
    let number = quantity(&b, "number")?;
    let gas_limit = quantity(&b, "gasLimit")?;
    let base_fee = b
        .get("baseFeePerGas")
        .map(u256)
        .transpose()?
        .unwrap_or_default();
    let chain_id = match chain_id {
        Some(c) => c,
        None => u64::try_from(u256(&c.call("eth_chainId", json!([]))?)?)
            .map_err(|_| "chain id exceeds 64 bits")?,
    };
    let block = WitnessBlock {
        state_root: b256(get_str(&b, "stateRoot")?)?,
        number: number + 1,
        timestamp: quantity(&b, "timestamp")? + 12,
        gas_limit,
        base_fee: next_base_fee(base_fee, quantity(&b, "gasUsed")?, gas_limit).to_be_bytes(),
        coinbase: address(get_str(&b, "miner")?)?,
        prev_randao: b
            .get("mixHash")
            .and_then(Value::as_str)
            .map(b256)
            .transpose()?
            .unwrap_or_default(),
        excess_blob_gas: b
            .get("excessBlobGas")
            .map(|_| quantity(&b, "excessBlobGas"))
            .transpose()?
            .unwrap_or(0),
        chain_id,
    };
    Ok((block, format!("{number:#x}")))
}

/// A key the host run needed and had not fetched yet.
#[derive(Debug, Clone, Copy)]
pub enum Miss {
    /// An account.
    Account(Address),
    /// A storage slot.
    Slot(Address, U256),
}

/// What has been fetched so far: a partial state whose unknown keys are [`Miss`].
#[derive(Default)]
struct Fetched {
    state: InMemoryState,
    accounts: BTreeSet<Address>,
    slots: BTreeMap<Address, BTreeSet<U256>>,
}

impl State for Fetched {
    type Error = Miss;
    fn account(&self, a: &Address) -> Result<Option<AccountInfo>, Miss> {
        if !self.accounts.contains(a) {
            return Err(Miss::Account(*a));
        }
        self.state.account(a).map_err(|_| Miss::Account(*a))
    }
    fn code(&self, h: &B256) -> Result<&[u8], Miss> {
        self.state.code(h).map_err(|_| Miss::Account([0; 20]))
    }
    fn storage(&self, a: &Address, slot: &U256) -> Result<U256, Miss> {
        if !self.slots.get(a).is_some_and(|s| s.contains(slot)) {
            return Err(Miss::Slot(*a, *slot));
        }
        self.state
            .storage(a, slot)
            .map_err(|_| Miss::Slot(*a, *slot))
    }
    fn block_hash(&self, n: u64) -> Result<B256, Miss> {
        self.state.block_hash(n).map_err(|_| Miss::Account([0; 20]))
    }
    fn has_storage(&self, a: &Address) -> Result<bool, Miss> {
        self.account(a)?;
        self.state.has_storage(a).map_err(|_| Miss::Account(*a))
    }
}

/// `eth_getProof` of `a` and `slots` at `tag`.
fn get_proof(c: &mut Client, a: &Address, slots: &[U256], tag: &str) -> Result<Value, String> {
    let keys: Vec<String> = slots.iter().map(|s| hex(&s.to_be_bytes::<32>())).collect();
    c.call("eth_getProof", json!([hex(a), keys, tag]))
}

impl Fetched {
    fn fetch(&mut self, c: &mut Client, miss: Miss, tag: &str) -> Result<(), String> {
        match miss {
            Miss::Account(a) => {
                let p = get_proof(c, &a, &[], tag)?;
                let info = AccountInfo {
                    nonce: quantity(&p, "nonce")?,
                    balance: u256(get(&p, "balance")?)?,
                    code_hash: b256(get_str(&p, "codeHash")?)?,
                };
                let exists = info.nonce != 0
                    || !info.balance.is_zero()
                    || info.code_hash != KECCAK_EMPTY
                    || get_str(&p, "storageHash").map(b256)?? != evm_state::EMPTY_ROOT;
                if exists {
                    self.state.insert_account(
                        a,
                        AccountInfo {
                            code_hash: KECCAK_EMPTY,
                            ..info
                        },
                    );
                    if info.code_hash != KECCAK_EMPTY {
                        let code = unhex(
                            c.call("eth_getCode", json!([hex(&a), tag]))?
                                .as_str()
                                .ok_or("eth_getCode: not a string")?,
                        )?;
                        if self.state.set_code(a, code) != info.code_hash {
                            return Err(format!(
                                "eth_getCode of {}: not the code of its code hash",
                                hex(&a)
                            ));
                        }
                    }
                }
                self.accounts.insert(a);
            }
            Miss::Slot(a, slot) => {
                let p = get_proof(c, &a, &[slot], tag)?;
                let sp = get(&p, "storageProof")?
                    .get(0)
                    .ok_or("eth_getProof: no storage proof")?;
                let value = u256(get(sp, "value")?)?;
                if self.accounts.contains(&a) && self.state.get_account(&a).is_some() {
                    self.state.set_storage(a, slot, value);
                }
                self.slots.entry(a).or_default().insert(slot);
            }
        }
        Ok(())
    }
}

/// Most host runs of one discovery (each fetches one key).
const MAX_ROUNDS: usize = 4096;

/// The witness of `tx` from `sender` after block `block` (`None`: latest) of the node at `url`.
pub fn witness(
    url: &str,
    block: Option<u64>,
    tx: &Transaction<'_>,
    sender: &Address,
) -> Result<Vec<u8>, String> {
    let mut c = Client::new(url)?;
    let tag = block.map_or_else(|| "latest".to_string(), |n| format!("{n:#x}"));
    let chain = tx
        .chain_id
        .map(u64::try_from)
        .transpose()
        .map_err(|_| "chain id exceeds 64 bits")?;
    let (values, tag) = block_values(&mut c, &tag, chain)?;
    let env = block_env(&values);
    let mut fetched = Fetched::default();
    let mut touched = None;
    for _ in 0..MAX_ROUNDS {
        match discover(&fetched, &env, tx, sender) {
            Ok(t) => {
                touched = Some(t);
                break;
            }
            Err(evm_core::Error::State(miss)) => fetched.fetch(&mut c, miss, &tag)?,
            Err(e) => return Err(format!("host run: {e:?}")),
        }
    }
    let touched = touched.ok_or("discovery did not settle")?;
    let mut proofs = Vec::new();
    let mut codes = Vec::new();
    for (a, slots) in &touched {
        let slots: Vec<U256> = slots.iter().copied().collect();
        let p = get_proof(&mut c, a, &slots, &tag)?;
        let storage = get(&p, "storageProof")?
            .as_array()
            .ok_or("storageProof is not an array")?;
        if storage.len() != slots.len() {
            return Err(format!(
                "eth_getProof of {}: {} storage proofs for {} slots",
                hex(a),
                storage.len(),
                slots.len()
            ));
        }
        let storage = slots
            .iter()
            .zip(storage)
            .map(|(s, sp)| Ok((*s, nodes(get(sp, "proof")?)?)))
            .collect::<Result<_, String>>()?;
        proofs.push(OwnedProof {
            address: *a,
            account_proof: nodes(get(&p, "accountProof")?)?,
            storage,
        });
        if let Some(acct) = fetched.state.get_account(a) {
            if let Some(code) = fetched.state.code_by_hash(&acct.info.code_hash) {
                codes.push(code.to_vec());
            }
        }
    }
    assemble(values, &proofs, &codes)
}
