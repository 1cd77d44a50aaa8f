//! Decoded state-test cases as plain data, for tools that build their own state (the benchmark against revm).

use std::path::Path;

use evm_core::{Address, BlockEnv, U256};

use super::fixture::{
    fee_fields, hex_bytes, hex_fixed, hex_u256, hex_u64, strip, test_block, TestFile,
};

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
