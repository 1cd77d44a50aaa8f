//! The demo's two stories as state-test pre-states and unsigned transactions: an ERC-20 transfer, and a Safe-style proxy upgrade by chained DELEGATECALL.
//!
//! Each [`Story`] gives the `env` and `pre` of a state-test JSON file (what
//! `zkevm sign-tx --prestate F` reads), the unsigned transaction (EIP-1559,
//! chain 1) and its sender, so the demo, the QEMU tests and the host tests
//! tell the same stories.

use evm_state::rlp::{self, Encodable};
use serde_json::{json, Map, Value};

use crate::erc20::{self, ALICE, BOB, TOKEN};
use crate::Result;

/// One story: a pre-state, a transaction and who signs it.
#[derive(Debug, Clone)]
pub struct Story {
    /// Short name.
    pub name: &'static str,
    /// State-test JSON text: `{ name: { env, pre } }`.
    pub prestate: String,
    /// The unsigned transaction (`0x02 ‖ rlp(fields)`).
    pub tx: Vec<u8>,
    /// The sender.
    pub sender: [u8; 20],
}

/// Gas price values of both stories (wei): base fee, tip, fee cap.
pub const BASE_FEE: u64 = 7_000_000_000;
/// Priority fee per gas.
pub const TIP: u64 = 1_000_000_000;
/// Fee cap per gas.
pub const FEE_CAP: u64 = 20_000_000_000;

/// The fee recipient of both stories' block.
pub const COINBASE: [u8; 20] = [0xc0; 20];

/// The Safe (a proxy whose slot 0 holds its singleton).
pub const SAFE: [u8; 20] = [0x5a; 20];
/// The Safe's singleton (implementation): forwards by DELEGATECALL.
pub const SINGLETON: [u8; 20] = [0x51; 20];
/// The attacker's contract: its "transfer" writes its first argument to slot 0.
pub const ATTACKER: [u8; 20] = [0xba; 20];
/// The attacker's implementation, written into the Safe's slot 0.
pub const ATTACKER_IMPL: [u8; 20] = [0xbd; 20];
/// The Safe's owner who signs.
pub const OWNER: [u8; 20] = [0x0e; 20];

/// The proxy: copy calldata, DELEGATECALL `sload(0)` with all gas, return or revert its data.
pub const PROXY_CODE: &[u8] = &[
    0x36, 0x5f, 0x5f, 0x37, // CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY
    0x5f, 0x5f, 0x36, 0x5f, 0x5f, 0x54, 0x5a,
    0xf4, // DELEGATECALL(gas, sload(0), 0, cds, 0, 0)
    0x3d, 0x5f, 0x5f, 0x3e, // RETURNDATACOPY(0, 0, rds)
    0x60, 0x16, 0x57, // PUSH1 ok JUMPI
    0x3d, 0x5f, 0xfd, // REVERT(0, rds)
    0x5b, 0x3d, 0x5f, 0xf3, // ok: RETURN(0, rds)
];

/// The singleton's `execTransaction(to, data)` with operation = DELEGATECALL:
/// calldata `selector ‖ to ‖ data`; DELEGATECALLs `to` with `data`.
pub const SINGLETON_CODE: &[u8] = &[
    0x5f, 0x5f, // retSize, retOffset
    0x60, 0x24, 0x36, 0x03, // n = CALLDATASIZE - 36
    0x80, 0x60, 0x24, 0x5f, 0x37, // CALLDATACOPY(0, 36, n)
    0x5f, // argsOffset
    0x60, 0x04, 0x35, // to = CALLDATALOAD(4)
    0x5a, 0xf4, // DELEGATECALL(gas, to, 0, n, 0, 0)
    0x3d, 0x5f, 0x5f, 0x3e, // RETURNDATACOPY(0, 0, rds)
    0x60, 0x1b, 0x57, // PUSH1 ok JUMPI
    0x3d, 0x5f, 0xfd, // REVERT(0, rds)
    0x5b, 0x3d, 0x5f, 0xf3, // ok: RETURN(0, rds)
];

/// The attacker's "transfer(address,uint256)": `sstore(0, calldataload(4))`.
pub const ATTACKER_CODE: &[u8] = &[0x60, 0x04, 0x35, 0x5f, 0x55, 0x00];

/// `execTransaction(...)`'s selector in a real Safe.
pub const EXEC_TRANSACTION: [u8; 4] = [0x6a, 0x76, 0x12, 0x02];

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn word_hex(n: u128) -> String {
    format!("{n:#x}")
}

/// The unsigned EIP-1559 payload on chain 1 (empty access list).
pub fn eip1559(nonce: u64, to: &[u8; 20], value: u128, data: &[u8], gas: u64) -> Vec<u8> {
    let mut f: Vec<u8> = Vec::new();
    let value = evm_state::U256::from(value);
    let r: std::result::Result<(), evm_state::Error> = (|| {
        1u64.encode(&mut f)?;
        nonce.encode(&mut f)?;
        TIP.encode(&mut f)?;
        FEE_CAP.encode(&mut f)?;
        gas.encode(&mut f)?;
        to.encode(&mut f)?;
        value.encode(&mut f)?;
        data.encode(&mut f)?;
        rlp::put_list_header(&mut f, 0)
    })();
    debug_assert!(r.is_ok(), "writing into a Vec cannot fail");
    let mut out = vec![2u8];
    let _ = rlp::put_list_header(&mut out, f.len());
    out.extend_from_slice(&f);
    out
}

fn account(balance: u128, nonce: u64, code: &[u8], storage: &[([u8; 32], [u8; 32])]) -> Value {
    let storage: Map<String, Value> = storage
        .iter()
        .map(|(k, v)| (hex(k), Value::String(hex(v))))
        .collect();
    json!({"balance": word_hex(balance), "nonce": format!("{nonce:#x}"), "code": hex(code), "storage": storage})
}

fn prestate(name: &str, pre: Vec<([u8; 20], Value)>) -> String {
    let pre: Map<String, Value> = pre.into_iter().map(|(a, v)| (hex(&a), v)).collect();
    json!({ name: {
        "env": {
            "currentCoinbase": hex(&COINBASE),
            "currentNumber": "0x1312d00",
            "currentTimestamp": "0x6553f100",
            "currentGasLimit": "0x1c9c380",
            "currentBaseFee": word_hex(u128::from(BASE_FEE)),
            "currentRandom": hex(&[0x11; 32]),
            "currentExcessBlobGas": "0x0"
        },
        "pre": pre,
        "config": {"chainid": "0x1"}
    }})
    .to_string()
}

fn word(n: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

fn address_word(a: &[u8; 20]) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a);
    w
}

/// Tokens Alice sends Bob in the ERC-20 story.
pub const TRANSFER_AMOUNT: u64 = 1_000;

/// Alice (1 ether, nonce 7, 1,000,000 tokens) sends Bob (5 tokens) 1,000 tokens;
/// 30 other accounts (`[0x10 + i; 20]`) hold `i + 1` tokens and `i + 1` wei.
pub fn erc20_transfer() -> Result<Story> {
    erc20_transfer_from(ALICE)
}

/// [`erc20_transfer`] with `sender` in Alice's place (a device's account, in the demo).
pub fn erc20_transfer_from(sender: [u8; 20]) -> Result<Story> {
    let code = erc20::token_code()?;
    // Alice, Bob and 30 other holders, so that proofs are realistic (the
    // tries have full branches) and a key outside the witness is missing.
    let mut holdings = vec![
        (erc20::balance_slot(&sender), word(1_000_000)),
        (erc20::balance_slot(&BOB), word(5)),
    ];
    let mut pre = vec![
        (sender, account(1_000_000_000_000_000_000, 7, &[], &[])),
        (BOB, account(0, 0, &[], &[])),
    ];
    for i in 0..30u8 {
        let holder = [0x10 + i; 20];
        holdings.push((erc20::balance_slot(&holder), word(u64::from(i) + 1)));
        pre.push((holder, account(u128::from(i) + 1, 1, &[], &[])));
    }
    pre.push((TOKEN, account(0, 1, &code, &holdings)));
    Ok(Story {
        name: "erc20-transfer",
        prestate: prestate("erc20_transfer", pre),
        tx: eip1559(
            7,
            &TOKEN,
            0,
            &erc20::transfer_data(&BOB, TRANSFER_AMOUNT),
            100_000,
        ),
        sender,
    })
}

/// The Safe's owner calls `execTransaction(ATTACKER, transfer(ATTACKER_IMPL, 0))`
/// with operation DELEGATECALL: Safe → (DELEGATECALL) singleton →
/// (DELEGATECALL) attacker, which writes ATTACKER_IMPL into the Safe's slot 0.
pub fn safe_upgrade() -> Result<Story> {
    safe_upgrade_by(OWNER)
}

/// [`safe_upgrade`] signed by `owner` (a device's account, in the demo).
pub fn safe_upgrade_by(owner: [u8; 20]) -> Result<Story> {
    let mut data = EXEC_TRANSACTION.to_vec();
    data.extend_from_slice(&address_word(&ATTACKER));
    data.extend_from_slice(&erc20::TRANSFER);
    data.extend_from_slice(&address_word(&ATTACKER_IMPL));
    data.extend_from_slice(&word(0));
    let pre = vec![
        (
            SAFE,
            account(
                0,
                1,
                PROXY_CODE,
                &[(word(0), address_word(&SINGLETON)), (word(4), word(1))],
            ),
        ),
        (SINGLETON, account(0, 1, SINGLETON_CODE, &[])),
        (ATTACKER, account(0, 1, ATTACKER_CODE, &[])),
        (owner, account(1_000_000_000_000_000_000, 3, &[], &[])),
    ];
    Ok(Story {
        name: "safe-upgrade",
        prestate: prestate("safe_upgrade", pre),
        tx: eip1559(3, &SAFE, 0, &data, 200_000),
        sender: owner,
    })
}

/// The contract of [`memory_past_the_device`]: `mstore(limit, 1)`, a word
/// written just past `limit` bytes of EVM memory (`PUSH1 1 PUSH4 limit MSTORE
/// STOP`; a host's EVM takes it easily).
pub fn wide_memory_code(limit: u32) -> Vec<u8> {
    let mut code = vec![0x60, 0x01, 0x63];
    code.extend_from_slice(&limit.to_be_bytes());
    code.extend_from_slice(&[0x52, 0x00]);
    code
}

/// Where [`wide_memory_code`] lives.
pub const WIDE_MEMORY: [u8; 20] = [0x4e; 20];

/// `sender` calls a contract whose memory outgrows a device whose EVM has
/// `memory_bytes` of memory: the host builds a complete witness, the device
/// refuses with `cannot simulate: …`.
pub fn memory_past_the_device(sender: [u8; 20], memory_bytes: u32) -> Story {
    let pre = vec![
        (sender, account(1_000_000_000_000_000_000, 0, &[], &[])),
        (
            WIDE_MEMORY,
            account(0, 1, &wide_memory_code(memory_bytes), &[]),
        ),
    ];
    Story {
        name: "wide-memory",
        prestate: prestate("wide_memory", pre),
        tx: eip1559(0, &WIDE_MEMORY, 0, &[], 100_000),
        sender,
    }
}
