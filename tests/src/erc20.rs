//! A minimal ERC-20 (`transfer`, `balanceOf`, Solidity storage layout) in
//! hand-assembled EVM bytecode, and the device query for a transfer.

use evm_state::keccak256;
use protocol::{AccountQuery, BlockQuery, ExecQuery, TxQuery};

use crate::Result;

/// `transfer(address,uint256)`.
pub const TRANSFER: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];
/// `balanceOf(address)`.
pub const BALANCE_OF: [u8; 4] = [0x70, 0xa0, 0x82, 0x31];
/// keccak256("Transfer(address,address,uint256)").
const TRANSFER_TOPIC: &str = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/// One assembly item: an opcode byte, a push of bytes, a label or a jump target.
enum Item {
    Op(u8),
    Push(Vec<u8>),
    Label(&'static str),
    PushLabel(&'static str),
}

/// Assemble items: labels become JUMPDESTs, label pushes 2-byte PUSH2s.
fn assemble(items: &[Item]) -> Result<Vec<u8>> {
    let mut code = Vec::new();
    let mut labels = std::collections::HashMap::new();
    let mut fixups = Vec::new();
    for item in items {
        match item {
            Item::Op(op) => code.push(*op),
            Item::Push(bytes) => {
                let n = u8::try_from(bytes.len()).map_err(|e| e.to_string())?;
                if !(1..=32).contains(&n) {
                    return Err(format!("bad push of {n} bytes"));
                }
                code.push(0x5f + n);
                code.extend_from_slice(bytes);
            }
            Item::Label(name) => {
                labels.insert(*name, code.len());
                code.push(0x5b);
            }
            Item::PushLabel(name) => {
                code.push(0x61);
                fixups.push((code.len(), *name));
                code.extend_from_slice(&[0, 0]);
            }
        }
    }
    for (at, name) in fixups {
        let target = *labels.get(name).ok_or_else(|| format!("no label {name}"))?;
        let bytes = u16::try_from(target)
            .map_err(|e| e.to_string())?
            .to_be_bytes();
        code[at..at + 2].copy_from_slice(&bytes);
    }
    Ok(code)
}

/// The token's runtime code.
pub fn token_code() -> Result<Vec<u8>> {
    use Item::{Label, Op, Push, PushLabel};
    let p = |b: &[u8]| Push(b.to_vec());
    // Opcodes used.
    const CALLDATALOAD: u8 = 0x35;
    const SHR: u8 = 0x1c;
    const DUP1: u8 = 0x80;
    const DUP2: u8 = 0x81;
    const DUP3: u8 = 0x82;
    const SWAP1: u8 = 0x90;
    const EQ: u8 = 0x14;
    const LT: u8 = 0x10;
    const ADD: u8 = 0x01;
    const SUB: u8 = 0x03;
    const JUMPI: u8 = 0x57;
    const MSTORE: u8 = 0x52;
    const KECCAK256: u8 = 0x20;
    const SLOAD: u8 = 0x54;
    const SSTORE: u8 = 0x55;
    const CALLER: u8 = 0x33;
    const LOG3: u8 = 0xa3;
    const RETURN: u8 = 0xf3;
    const REVERT: u8 = 0xfd;
    let topic = hex::decode(TRANSFER_TOPIC).map_err(|e| e.to_string())?;
    // balances[account] lives at keccak256(account ‖ 0): mem[0..32] = account, mem[32..64] = 0.
    #[rustfmt::skip]
    let items = vec![
        // selector = calldata[0..4]
        p(&[0]), Op(CALLDATALOAD), p(&[0xe0]), Op(SHR),
        Op(DUP1), p(&TRANSFER), Op(EQ), PushLabel("transfer"), Op(JUMPI),
        Op(DUP1), p(&BALANCE_OF), Op(EQ), PushLabel("balance_of"), Op(JUMPI),
        Label("fail"), p(&[0]), Op(DUP1), Op(REVERT),
        // balanceOf(account) -> balances[account]
        Label("balance_of"),
        p(&[4]), Op(CALLDATALOAD), p(&[0]), Op(MSTORE),
        p(&[0x40]), p(&[0]), Op(KECCAK256), Op(SLOAD),
        p(&[0]), Op(MSTORE), p(&[0x20]), p(&[0]), Op(RETURN),
        // transfer(to, amount)
        Label("transfer"),
        Op(CALLER), p(&[0]), Op(MSTORE), p(&[0x40]), p(&[0]), Op(KECCAK256), // [sel, from_slot]
        Op(DUP1), Op(SLOAD),                                                // [.., from_bal]
        p(&[0x24]), Op(CALLDATALOAD),                                       // [.., from_bal, amount]
        Op(DUP1), Op(DUP3), Op(LT), PushLabel("fail"), Op(JUMPI),            // from_bal < amount
        Op(SWAP1), Op(DUP2), Op(SWAP1), Op(SUB),                            // [.., from_slot, amount, from_bal - amount]
        Op(DUP3), Op(SSTORE),                                               // [sel, from_slot, amount]
        p(&[4]), Op(CALLDATALOAD), p(&[0]), Op(MSTORE), p(&[0x40]), p(&[0]), Op(KECCAK256), // [.., amount, to_slot]
        Op(DUP1), Op(SLOAD), Op(DUP3), Op(ADD),                             // [.., amount, to_slot, to_bal + amount]
        Op(SWAP1), Op(SSTORE),                                              // [sel, from_slot, amount]
        p(&[0]), Op(MSTORE),                                                // mem[0] = amount
        p(&[4]), Op(CALLDATALOAD), Op(CALLER), Push(topic), p(&[0x20]), p(&[0]), Op(LOG3),
        p(&[1]), p(&[0]), Op(MSTORE), p(&[0x20]), p(&[0]), Op(RETURN),
    ];
    assemble(&items)
}

/// The storage slot of `account`'s balance.
pub fn balance_slot(account: &[u8; 20]) -> [u8; 32] {
    let mut key = [0u8; 64];
    key[12..32].copy_from_slice(account);
    keccak256(&key)
}

/// Call data of `transfer(to, amount)`.
pub fn transfer_data(to: &[u8; 20], amount: u64) -> Vec<u8> {
    let mut data = TRANSFER.to_vec();
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(to);
    data.extend_from_slice(&word);
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&amount.to_be_bytes());
    data.extend_from_slice(&word);
    data
}

/// Fixed actors of the transfer scenario.
pub const TOKEN: [u8; 20] = [0x70; 20];
/// The sender (holds 1,000,000 tokens and 1 ether).
pub const ALICE: [u8; 20] = [0xa1; 20];
/// The recipient (holds 5 tokens).
pub const BOB: [u8; 20] = [0xb0; 20];

fn word(n: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

/// The postcard-encoded query: Alice sends `amount` tokens to Bob.
pub fn transfer_query(code: &[u8], amount: u64) -> Result<Vec<u8>> {
    let token_storage: Vec<u8> = [
        (balance_slot(&ALICE), word(1_000_000)),
        (balance_slot(&BOB), word(5)),
    ]
    .iter()
    .flat_map(|(slot, value)| slot.iter().chain(value).copied())
    .collect();
    let accounts = [
        AccountQuery {
            address: TOKEN,
            nonce: 1,
            balance: [0; 32],
            code,
            storage: &token_storage,
        },
        AccountQuery {
            address: ALICE,
            nonce: 7,
            balance: word(1_000_000_000_000_000_000),
            code: &[],
            storage: &[],
        },
    ];
    let data = transfer_data(&BOB, amount);
    let query = ExecQuery {
        block: BlockQuery {
            number: 20_000_000,
            timestamp: 1_700_000_000,
            gas_limit: 30_000_000,
            base_fee: word(7),
            coinbase: [0xc0; 20],
            chain_id: 1,
        },
        accounts: heapless::Vec::from_slice(&accounts).map_err(|_| "too many accounts")?,
        tx: TxQuery {
            caller: ALICE,
            to: Some(TOKEN),
            value: [0; 32],
            data: &data,
            gas_limit: 100_000,
            nonce: 7,
            max_fee: word(10),
            max_priority_fee: Some(word(2)),
        },
    };
    postcard::to_allocvec(&query).map_err(|e| e.to_string())
}
