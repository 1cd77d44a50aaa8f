//! `zkevm` state subcommands: `trietest`, `rlptest`, `state-root`, `verify-proof` (fixture runners and checks).
//!
//! Also compiled into `evm-state`'s integration tests (`#[path]` include), so
//! `cargo test` runs exactly the code behind `zkevm trietest` and `zkevm rlptest`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use evm_state::proof::{verify_eip1186, StorageProof};
use evm_state::rlp;
use evm_state::trie::MemTrie;
use evm_state::{keccak256, AccountInfo, InMemoryState, B256, U256};
use serde_json::Value;

/// Runs one state subcommand; `Err` for an unknown command or bad arguments.
pub fn run(command: &str, args: &[String]) -> Result<ExitCode, String> {
    match command {
        "trietest" | "rlptest" => {
            if args.is_empty() {
                return Err(format!("usage: zkevm {command} <files|dirs>..."));
            }
            let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
            let tally = if command == "trietest" {
                run_files(&paths, trie_file)?
            } else {
                run_files(&paths, rlp_file)?
            };
            for f in &tally.failures {
                println!("FAIL {f}");
            }
            println!("{}", tally.summary());
            Ok(exit(tally.failed == 0))
        }
        "state-root" => {
            let [path] = args else {
                return Err("usage: zkevm state-root <alloc.json>".into());
            };
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let json: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            let state = state_from_alloc(&json)?;
            println!("{}", hex(&state.state_root()));
            Ok(ExitCode::SUCCESS)
        }
        "verify-proof" => verify_proof_command(args),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Counts of a fixture run.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases not run (with a reason in `failures`' sibling `skips`).
    pub skipped: usize,
    /// `file: case: why` for each failure.
    pub failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, file: &Path, case: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed += 1,
            Err(why) => {
                self.failed += 1;
                self.failures
                    .push(format!("{}: {case}: {why}", file.display()));
            }
        }
    }

    /// The closing line: `N passed, M failed, K skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// All `.json` files under `paths` (directories walked), sorted.
pub fn json_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut todo: Vec<PathBuf> = paths.to_vec();
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            let entries = std::fs::read_dir(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            for e in entries {
                todo.push(e.map_err(|e| format!("{}: {e}", p.display()))?.path());
            }
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        } else if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    out.sort();
    Ok(out)
}

/// Runs `per_file` over every JSON file under `paths`.
pub fn run_files(
    paths: &[PathBuf],
    per_file: fn(&Path, &Value, &mut Tally),
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for file in json_files(paths)? {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        match serde_json::from_str::<Value>(&text) {
            Ok(json) => per_file(&file, &json, &mut tally),
            Err(e) => tally.record(&file, "<file>", Err(format!("bad JSON: {e}"))),
        }
    }
    Ok(tally)
}

/// Decodes `0x…` hex (odd length allowed, as in some fixtures).
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    let padded;
    let s = if s.len() % 2 == 1 {
        padded = format!("0{s}");
        padded.as_str()
    } else {
        s
    };
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or_else(|| format!("bad hex `{s}`"))
        })
        .collect()
}

/// `0x`-prefixed lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn b256(s: &str) -> Result<B256, String> {
    unhex(s)?
        .try_into()
        .map_err(|_| format!("`{s}` is not 32 bytes"))
}

fn u256(v: &Value) -> Result<U256, String> {
    match v {
        Value::String(s) if s.starts_with("0x") => {
            let bytes = unhex(s)?;
            U256::try_from_be_slice(&bytes).ok_or_else(|| format!("`{s}` exceeds 256 bits"))
        }
        Value::String(s) => s.parse::<U256>().map_err(|e| format!("`{s}`: {e}")),
        Value::Number(n) => n
            .as_u64()
            .map(U256::from)
            .ok_or_else(|| format!("bad number {n}")),
        other => Err(format!("expected a number, got {other}")),
    }
}

/// A trie-test string: `0x…` is hex, anything else its UTF-8 bytes; `null` is "delete".
fn trie_bytes(v: &Value) -> Result<Option<Vec<u8>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.starts_with("0x") => unhex(s).map(Some),
        Value::String(s) => Ok(Some(s.as_bytes().to_vec())),
        other => Err(format!("unexpected trie input {other}")),
    }
}

/// One file of `ethereum-tests/TrieTests`.
pub fn trie_file(file: &Path, json: &Value, tally: &mut Tally) {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let secure = name.to_ascii_lowercase().contains("secure");
    let Some(cases) = json.as_object() else {
        tally.record(file, "<file>", Err("not an object".into()));
        return;
    };
    for (case, body) in cases {
        let result = if name.contains("nextprev") {
            trie_nextprev_case(body)
        } else {
            trie_root_case(body, secure)
        };
        tally.record(file, case, result);
    }
}

fn trie_root_case(body: &Value, secure: bool) -> Result<(), String> {
    let expected = b256(body["root"].as_str().ok_or("no root")?)?;
    let pairs: Vec<(Vec<u8>, Option<Vec<u8>>)> = match &body["in"] {
        Value::Array(items) => items
            .iter()
            .map(|p| Ok((trie_bytes(&p[0])?.unwrap_or_default(), trie_bytes(&p[1])?)))
            .collect::<Result<_, String>>()?,
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                Ok((
                    trie_bytes(&Value::String(k.clone()))?.unwrap_or_default(),
                    trie_bytes(v)?,
                ))
            })
            .collect::<Result<_, String>>()?,
        _ => return Err("bad `in`".into()),
    };
    let any_order = body["in"].is_object();
    // Object inputs are order-free: check the root in both directions.
    let orders: &[bool] = if any_order { &[false, true] } else { &[false] };
    for &reverse in orders {
        let mut t = MemTrie::new();
        let mut ordered: Vec<&(Vec<u8>, Option<Vec<u8>>)> = pairs.iter().collect();
        if reverse {
            ordered.reverse();
        }
        for (k, v) in ordered {
            let key = if secure {
                keccak256(k).to_vec()
            } else {
                k.clone()
            };
            match v {
                Some(v) => t.insert(&key, v),
                None => t.remove(&key),
            }
            .map_err(|e| e.to_string())?;
        }
        let got = t.root_hash().map_err(|e| e.to_string())?;
        if got != expected {
            return Err(format!(
                "root {} expected {}{}",
                hex(&got),
                hex(&expected),
                if reverse { " (reverse order)" } else { "" }
            ));
        }
    }
    Ok(())
}

fn trie_nextprev_case(body: &Value) -> Result<(), String> {
    let mut t = MemTrie::new();
    for k in body["in"].as_array().ok_or("bad `in`")? {
        let k = k.as_str().ok_or("bad key")?;
        t.insert(k.as_bytes(), k.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    // The trie's own in-order walk gives the key order.
    let keys: Vec<Vec<u8>> = t
        .entries()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for test in body["tests"].as_array().ok_or("bad `tests`")? {
        let [probe, prev, next] =
            [0, 1, 2].map(|i| test[i].as_str().unwrap_or("").as_bytes().to_vec());
        let got_prev = keys
            .iter()
            .rev()
            .find(|k| **k < probe)
            .cloned()
            .unwrap_or_default();
        let got_next = keys
            .iter()
            .find(|k| **k > probe)
            .cloned()
            .unwrap_or_default();
        if got_prev != prev || got_next != next {
            return Err(format!(
                "around {:?}: got ({:?}, {:?})",
                String::from_utf8_lossy(&probe),
                String::from_utf8_lossy(&got_prev),
                String::from_utf8_lossy(&got_next)
            ));
        }
    }
    Ok(())
}

/// Big-endian minimal bytes of a decimal string (any size).
fn decimal_to_be(s: &str) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8> = Vec::new();
    for c in s.chars() {
        let d = c.to_digit(10).ok_or_else(|| format!("bad decimal `{s}`"))?;
        let mut carry = d;
        for b in out.iter_mut().rev() {
            let v = u32::from(*b) * 10 + carry;
            *b = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    Ok(out)
}

/// RLP of an RLP-test `in` value: strings, integers, `#bignum`, nested lists.
fn rlp_of_json(v: &Value) -> Result<Vec<u8>, String> {
    match v {
        Value::String(s) => match s.strip_prefix('#') {
            Some(dec) => Ok(rlp::to_vec(&decimal_to_be(dec)?[..])),
            None => Ok(rlp::to_vec(s.as_bytes())),
        },
        Value::Number(n) => Ok(rlp::to_vec(&n.as_u64().ok_or("integer out of range")?)),
        Value::Array(items) => {
            let mut payload = Vec::new();
            for i in items {
                payload.extend(rlp_of_json(i)?);
            }
            let mut out = Vec::new();
            rlp::put_list_header(&mut out, payload.len()).map_err(|e| e.to_string())?;
            out.extend(payload);
            Ok(out)
        }
        other => Err(format!("unexpected RLP input {other}")),
    }
}

/// Whether the decoded `item` is what the JSON `v` describes.
fn rlp_matches(item: rlp::Item<'_>, v: &Value) -> Result<bool, String> {
    Ok(match v {
        Value::Array(items) => {
            let Ok(list) = item.list() else {
                return Ok(false);
            };
            let decoded: Vec<_> = list.collect::<Result<_, _>>().map_err(|e| e.to_string())?;
            decoded.len() == items.len()
                && decoded
                    .into_iter()
                    .zip(items)
                    .map(|(d, v)| rlp_matches(d, v))
                    .collect::<Result<Vec<bool>, String>>()?
                    .into_iter()
                    .all(|b| b)
        }
        Value::String(s) => {
            let want = match s.strip_prefix('#') {
                Some(dec) => decimal_to_be(dec)?,
                None => s.as_bytes().to_vec(),
            };
            item.bytes().is_ok_and(|b| b == want)
        }
        Value::Number(n) => {
            let n = n.as_u64().ok_or("integer out of range")?;
            item.u64().is_ok_and(|x| x == n)
        }
        _ => false,
    })
}

/// One file of `ethereum-tests/RLPTests`.
pub fn rlp_file(file: &Path, json: &Value, tally: &mut Tally) {
    let Some(cases) = json.as_object() else {
        tally.record(file, "<file>", Err("not an object".into()));
        return;
    };
    for (case, body) in cases {
        tally.record(file, case, rlp_case(body));
    }
}

fn rlp_case(body: &Value) -> Result<(), String> {
    let out = unhex(body["out"].as_str().ok_or("no `out`")?)?;
    match &body["in"] {
        Value::String(s) if s == "INVALID" => match rlp::decode(&out) {
            Ok(_) => Err("invalid RLP was accepted".into()),
            Err(_) => Ok(()),
        },
        Value::String(s) if s == "VALID" => rlp::decode(&out)
            .map(|_| ())
            .map_err(|e| format!("valid RLP rejected: {e}")),
        input => {
            let encoded = rlp_of_json(input)?;
            if encoded != out {
                return Err(format!("encoded {} expected {}", hex(&encoded), hex(&out)));
            }
            let item = rlp::decode(&out).map_err(|e| format!("decode: {e}"))?;
            if !rlp_matches(item, input)? {
                return Err("decoded value differs from `in`".into());
            }
            Ok(())
        }
    }
}

/// Builds a state from a genesis file (`{"alloc": {...}}`) or a bare alloc map.
pub fn state_from_alloc(json: &Value) -> Result<InMemoryState, String> {
    let alloc = json.get("alloc").unwrap_or(json);
    let map = alloc.as_object().ok_or("alloc is not an object")?;
    let mut state = InMemoryState::new();
    for (addr, acct) in map {
        let address: [u8; 20] = unhex(addr)?
            .try_into()
            .map_err(|_| format!("`{addr}` is not an address"))?;
        let mut info = AccountInfo::default();
        if let Some(b) = acct.get("balance") {
            info.balance = u256(b)?;
        }
        if let Some(n) = acct.get("nonce") {
            info.nonce = u64::try_from(u256(n)?).map_err(|_| "nonce over 64 bits")?;
        }
        state.insert_account(address, info);
        if let Some(code) = acct.get("code").and_then(Value::as_str) {
            state.set_code(address, unhex(code)?);
        }
        if let Some(storage) = acct.get("storage").and_then(Value::as_object) {
            for (slot, value) in storage {
                state.set_storage(address, u256(&Value::String(slot.clone()))?, u256(value)?);
            }
        }
    }
    Ok(state)
}

/// The `result` object of an `eth_getProof` response: a JSON file, or an `.io` file's `<<` line.
pub fn proof_response(text: &str) -> Result<Value, String> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("<<"))
        .unwrap_or(text);
    let json: Value = serde_json::from_str(line.trim()).map_err(|e| e.to_string())?;
    Ok(json.get("result").cloned().unwrap_or(json))
}

/// What a verified `eth_getProof` response showed.
#[derive(Debug, PartialEq, Eq)]
pub struct ProofSummary {
    /// Proven account (`None`: proven absent).
    pub account: Option<evm_state::Account>,
    /// Proven storage values, in response order.
    pub slots: Vec<(U256, U256)>,
}

/// Verifies a response against `root` and checks that its claimed fields are the proven ones.
pub fn verify_response(result: &Value, root: &B256) -> Result<ProofSummary, String> {
    let address: [u8; 20] = unhex(result["address"].as_str().ok_or("no address")?)?
        .try_into()
        .map_err(|_| "bad address")?;
    let nodes = |v: &Value| -> Result<Vec<Vec<u8>>, String> {
        v.as_array()
            .ok_or("proof is not a list")?
            .iter()
            .map(|n| unhex(n.as_str().ok_or("proof node is not a string")?))
            .collect()
    };
    let account_proof = nodes(&result["accountProof"])?;
    let account_refs: Vec<&[u8]> = account_proof.iter().map(Vec::as_slice).collect();
    let mut storage = Vec::new();
    let mut claimed = Vec::new();
    for sp in result["storageProof"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        storage.push((u256(&sp["key"])?, nodes(&sp["proof"])?));
        claimed.push(u256(&sp["value"])?);
    }
    let storage_refs: Vec<Vec<&[u8]>> = storage
        .iter()
        .map(|(_, p)| p.iter().map(Vec::as_slice).collect())
        .collect();
    let proofs: Vec<StorageProof<'_>> = storage
        .iter()
        .zip(&storage_refs)
        .map(|((slot, _), proof)| StorageProof { slot: *slot, proof })
        .collect();
    let mut values = vec![U256::ZERO; proofs.len()];
    let account = verify_eip1186(root, &address, &account_refs, &proofs, &mut values)
        .map_err(|e| format!("proof rejected: {e}"))?;
    // The response's own claims must be what the proof proves.
    let a = account.unwrap_or_default();
    let claims = [
        ("nonce", U256::from(a.nonce), u256(&result["nonce"])?),
        ("balance", a.balance, u256(&result["balance"])?),
    ];
    for (what, proven, claim) in claims {
        if proven != claim {
            return Err(format!(
                "claimed {what} {claim} but the proof shows {proven}"
            ));
        }
    }
    if let Some(h) = result["codeHash"].as_str() {
        if account.is_some() && b256(h)? != a.code_hash {
            return Err("claimed codeHash differs from the proven one".into());
        }
    }
    if let Some(h) = result["storageHash"].as_str() {
        if account.is_some() && b256(h)? != a.storage_root {
            return Err("claimed storageHash differs from the proven one".into());
        }
    }
    for (i, (proven, claim)) in values.iter().zip(&claimed).enumerate() {
        if proven != claim {
            return Err(format!(
                "storage proof {i}: claimed {claim} but the proof shows {proven}"
            ));
        }
    }
    Ok(ProofSummary {
        account,
        slots: storage.iter().map(|(s, _)| *s).zip(values).collect(),
    })
}

fn verify_proof_command(args: &[String]) -> Result<ExitCode, String> {
    let usage =
        "usage: zkevm verify-proof <response.json|.io> (--root 0x… | --chain chain.rlp --block N)";
    let mut file = None;
    let mut root = None;
    let mut chain = None;
    let mut block = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--root" => root = Some(b256(it.next().ok_or(usage)?)?),
            "--chain" => chain = Some(it.next().ok_or(usage)?.clone()),
            "--block" => {
                block = Some(
                    it.next()
                        .ok_or(usage)?
                        .parse::<u64>()
                        .map_err(|e| e.to_string())?,
                );
            }
            f if file.is_none() => file = Some(f.to_string()),
            _ => return Err(usage.into()),
        }
    }
    let file = file.ok_or(usage)?;
    let root = match (root, chain, block) {
        (Some(r), None, None) => r,
        (None, Some(c), Some(n)) => {
            let bytes = std::fs::read(&c).map_err(|e| format!("{c}: {e}"))?;
            let h = evm_state::block::find_header(&bytes, n)
                .map_err(|e| format!("{c}: {e}"))?
                .ok_or_else(|| format!("{c}: no block {n}"))?;
            println!(
                "block {n}: hash {} stateRoot {}",
                hex(&h.hash),
                hex(&h.state_root)
            );
            h.state_root
        }
        _ => return Err(usage.into()),
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let result = proof_response(&text)?;
    match verify_response(&result, &root) {
        Ok(s) => {
            match s.account {
                Some(a) => println!(
                    "account: nonce {} balance {} storageRoot {} codeHash {}",
                    a.nonce,
                    a.balance,
                    hex(&a.storage_root),
                    hex(&a.code_hash)
                ),
                None => println!("account: proven absent"),
            }
            for (slot, value) in &s.slots {
                println!("slot {slot}: {value}");
            }
            println!("proof OK");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("proof FAILED: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
