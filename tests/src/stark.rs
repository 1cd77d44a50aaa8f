//! STARK proofs for the device: loop programs proved on the host, their proof files verified in QEMU.

use evm_core::state::{AccountInfo, KECCAK_EMPTY, U256};
use evm_core::{BlockEnv, TxEnv};
use evm_state::InMemoryState;
use protocol::{AccountQuery, BlockQuery, ExecQuery, Reply, TxQuery};
use verifier::{Proof, PublicInputs};

use crate::{Device, Result};

/// The called account of the loop programs.
pub const TO: [u8; 20] = [0xaa; 20];
/// Their sender.
pub const FROM: [u8; 20] = [0xbb; 20];
/// Gas limit of every loop run (below the device's 2^24 cap).
pub const GAS_LIMIT: u64 = 10_000_000;
/// The sender's balance.
const BALANCE: u64 = 1 << 60;

/// A count-down loop of `n` rounds: `PUSH4 n; loop: JUMPDEST PUSH1 1 SWAP1
/// SUB DUP1 PUSH1 loop JUMPI; POP STOP` — `1 + 7n + 2` instructions, all
/// constrained by the AIR.
pub fn countdown(n: u32) -> Vec<u8> {
    let mut code = vec![0x63];
    code.extend(n.to_be_bytes());
    code.extend([
        0x5b, // 5: JUMPDEST
        0x60, 0x01, // PUSH1 1
        0x90, // SWAP1
        0x03, // SUB
        0x80, // DUP1
        0x60, 0x05, // PUSH1 5
        0x57, // JUMPI
        0x50, // POP
        0x00, // STOP
    ]);
    code
}

/// Instructions [`countdown`]`(n)` executes.
pub fn countdown_steps(n: u32) -> u64 {
    1 + 7 * u64::from(n) + 2
}

/// The largest round count whose trace fits `2^log2` rows (one row per
/// instruction, and a final padding row).
pub fn rounds_for_rows(log2: u32) -> u32 {
    let rows = 1u64 << log2;
    u32::try_from((rows - 4) / 7).unwrap_or(u32::MAX)
}

/// Runs `code` as the callee of a plain call from [`FROM`] to [`TO`] with
/// `data`, recording it for the prover.
pub fn run(code: &[u8], data: &[u8]) -> Result<(PublicInputs, prover::Recorder)> {
    let mut state = InMemoryState::new();
    state.set_code(TO, code.to_vec());
    state.insert_account(
        FROM,
        AccountInfo {
            nonce: 0,
            balance: U256::from(BALANCE),
            code_hash: KECCAK_EMPTY,
        },
    );
    let tx = TxEnv {
        caller: FROM,
        to: Some(TO),
        data,
        gas_limit: GAS_LIMIT,
        ..TxEnv::default()
    };
    prover::run::execute(&state, &BlockEnv::default(), &tx).map_err(|e| e.to_string())
}

/// Proves `code` run with `data`.
pub fn prove(code: &[u8], data: &[u8]) -> Result<(Proof, prover::Figures)> {
    let (public, rec) = run(code, data)?;
    prover::prove(public, &rec).map_err(|e| e.to_string())
}

/// The same call as [`run`], as an [`ExecQuery`] for the device's EVM
/// (postcard-encoded): the re-execution that a proof replaces.
pub fn exec_query(code: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    let mut balance = [0u8; 32];
    balance[24..].copy_from_slice(&BALANCE.to_be_bytes());
    let accounts = [
        AccountQuery {
            address: TO,
            nonce: 0,
            balance: [0; 32],
            code,
            storage: &[],
        },
        AccountQuery {
            address: FROM,
            nonce: 0,
            balance,
            code: &[],
            storage: &[],
        },
    ];
    let query = ExecQuery {
        block: BlockQuery {
            number: 0,
            timestamp: 0,
            gas_limit: GAS_LIMIT,
            base_fee: [0; 32],
            coinbase: [0; 20],
            chain_id: 1,
        },
        accounts: heapless::Vec::from_slice(&accounts).map_err(|_| "too many accounts")?,
        tx: TxQuery {
            caller: FROM,
            to: Some(TO),
            value: [0; 32],
            data,
            gas_limit: GAS_LIMIT,
            nonce: 0,
            max_fee: [0; 32],
            max_priority_fee: None,
        },
    };
    postcard::to_allocvec(&query).map_err(|e| e.to_string())
}

/// Boots the QEMU device ([`Device::boot_default`]), has it verify the proof
/// file `file` and stops it: the device's answer.
pub fn verify_on_device(file: &[u8]) -> Result<Reply> {
    let mut device = Device::boot_default()?;
    let reply = device.verify_stark(file).map_err(|e| e.to_string())?;
    drop(device);
    Ok(reply)
}
