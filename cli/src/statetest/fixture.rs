//! The state-test JSON model and what is built from it: hex fields, the pre-state, the block and the transaction of a case.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use evm_core::{AccessListItem, AccountInfo, Address, Authorization, BlockEnv, TxEnv, B256, U256};
use evm_state::memory::InMemoryState;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct TestFile(pub(crate) BTreeMap<String, Test>);

#[derive(Debug, Deserialize)]
pub(crate) struct Test {
    pub(crate) env: Env,
    pub(crate) pre: BTreeMap<String, PreAccount>,
    pub(crate) transaction: Tx,
    pub(crate) post: BTreeMap<String, Vec<PostCase>>,
    pub(crate) config: Option<Config>,
}

/// `config` of an execution-spec-tests fixture.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Config {
    pub(crate) blob_schedule: Option<BTreeMap<String, BlobEntry>>,
    pub(crate) chainid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BlobEntry {
    pub(crate) target: String,
    pub(crate) max: String,
    pub(crate) base_fee_update_fraction: String,
}

/// One `authorizationList` entry (EIP-7702); `signer` is ignored (evm-core recovers it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthEntry {
    pub(crate) chain_id: String,
    pub(crate) address: String,
    pub(crate) nonce: String,
    pub(crate) y_parity: Option<String>,
    pub(crate) v: Option<String>,
    pub(crate) r: String,
    pub(crate) s: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Env {
    pub(crate) current_base_fee: Option<String>,
    pub(crate) current_coinbase: String,
    pub(crate) current_excess_blob_gas: Option<String>,
    pub(crate) current_gas_limit: String,
    pub(crate) current_number: String,
    pub(crate) current_random: Option<String>,
    pub(crate) current_timestamp: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PreAccount {
    pub(crate) balance: String,
    pub(crate) code: String,
    pub(crate) nonce: String,
    pub(crate) storage: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccessListEntry {
    pub(crate) address: String,
    pub(crate) storage_keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tx {
    pub(crate) data: Vec<String>,
    pub(crate) gas_limit: Vec<String>,
    pub(crate) value: Vec<String>,
    pub(crate) nonce: String,
    pub(crate) sender: String,
    pub(crate) to: String,
    pub(crate) gas_price: Option<String>,
    pub(crate) max_fee_per_gas: Option<String>,
    pub(crate) max_priority_fee_per_gas: Option<String>,
    pub(crate) access_lists: Option<Vec<Option<Vec<AccessListEntry>>>>,
    pub(crate) blob_versioned_hashes: Option<Vec<String>>,
    pub(crate) max_fee_per_blob_gas: Option<String>,
    pub(crate) authorization_list: Option<Vec<AuthEntry>>,
}

/// The fee fields of a fixture transaction: (gas price or max fee per gas,
/// max priority fee per gas for EIP-1559 transactions).
pub(crate) fn fee_fields(t: &Tx) -> Result<(U256, Option<U256>), String> {
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
pub(crate) struct PostCase {
    pub(crate) hash: String,
    pub(crate) logs: String,
    pub(crate) indexes: Indexes,
    pub(crate) expect_exception: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Indexes {
    pub(crate) data: usize,
    pub(crate) gas: usize,
    pub(crate) value: usize,
}

pub(crate) fn strip(s: &str) -> &str {
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

pub(crate) fn hex_u256(s: &str) -> Result<U256, String> {
    let s = strip(s);
    if s.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(s, 16).map_err(|e| format!("bad number {s:?}: {e}"))
}

pub(crate) fn hex_u64(s: &str) -> Result<u64, String> {
    let v = hex_u256(s)?;
    u64::try_from(v).map_err(|_| format!("{s} exceeds 64 bits"))
}

pub(crate) fn hex_fixed<const N: usize>(s: &str) -> Result<[u8; N], String> {
    let b = hex_bytes(s)?;
    if b.len() > N {
        return Err(format!("{s} longer than {N} bytes"));
    }
    let mut out = [0u8; N];
    out[N - b.len()..].copy_from_slice(&b);
    Ok(out)
}

pub(crate) fn to_hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

pub(crate) fn build_pre(test: &Test) -> Result<InMemoryState, String> {
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

/// Numeric transaction fields: value, gas limit, nonce, max fee, priority fee, blob fee.
pub(crate) type ParsedFields = (U256, u64, u64, U256, Option<U256>, Option<U256>);

/// The block of a test's `env`.
pub(crate) fn block_env(env: &Env) -> Result<BlockEnv, String> {
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
pub(crate) fn test_block(test: &Test) -> Result<BlockEnv, String> {
    let mut b = block_env(&test.env)?;
    if let Some(id) = test.config.as_ref().and_then(|c| c.chainid.as_deref()) {
        b.chain_id = hex_u64(id)?;
    }
    Ok(b)
}

/// The authorization list of a type-4 transaction; `Err` when a field does not fit its type.
pub(crate) fn authorizations(list: &[AuthEntry]) -> Result<Vec<Authorization>, String> {
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
pub(crate) fn with_tx<X>(
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
