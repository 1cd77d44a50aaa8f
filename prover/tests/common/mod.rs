//! Shared helpers of the prover's integration tests: run hand-written bytecode.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use evm_core::state::U256;
use evm_core::{BlockEnv, TxEnv};
use evm_state::InMemoryState;
use prover::Recorder;
use verifier::PublicInputs;

/// The callee.
pub const TO: [u8; 20] = [0xaa; 20];
/// The sender.
pub const FROM: [u8; 20] = [0xbb; 20];

/// Runs `code` as the callee of a plain call with `data`.
pub fn run(code: &[u8], data: &[u8], value: u64) -> (PublicInputs, Recorder) {
    let mut st = InMemoryState::new();
    st.set_code(TO, code.to_vec());
    st.insert_account(
        FROM,
        evm_core::state::AccountInfo {
            nonce: 0,
            balance: U256::from(1u64 << 60),
            code_hash: evm_core::state::KECCAK_EMPTY,
        },
    );
    let block = BlockEnv::default();
    let tx = TxEnv {
        caller: FROM,
        to: Some(TO),
        value: U256::from(value),
        data,
        gas_limit: 1_000_000,
        ..TxEnv::default()
    };
    prover::run::execute(&st, &block, &tx).expect("execute")
}

/// Count-down loop: `n` iterations of PUSH1 1, SWAP1, SUB, DUP1, PUSH1 2, JUMPI.
pub fn countdown(n: u8) -> Vec<u8> {
    vec![
        0x60, n,    // PUSH1 n
        0x5b, // 2: JUMPDEST
        0x60, 0x01, // PUSH1 1
        0x90, // SWAP1
        0x03, // SUB
        0x80, // DUP1
        0x60, 0x02, // PUSH1 2
        0x57, // JUMPI
        0x50, // POP
        0x00, // STOP
    ]
}

/// Uses every constrained class once or more.
pub fn mixed() -> Vec<u8> {
    let mut c = vec![
        0x60, 0x01, // PUSH1 1
        0x35, // CALLDATALOAD (offset 1 of 3 bytes: zero-padded)
        0x33, // CALLER
        0x30, // ADDRESS
        0x14, // EQ -> 0
        0x15, // ISZERO -> 1
        0x19, // NOT
        0x19, // NOT
        0x34, // CALLVALUE
        0x36, // CALLDATASIZE
        0x01, // ADD
        0x58, // PC
        0x11, // GT
        0x5f, // PUSH0
        0x10, // LT
        0x5a, // GAS
        0x32, // ORIGIN
        0x38, // CODESIZE
        0x3d, // RETURNDATASIZE
        0x7f, // PUSH32
    ];
    c.extend((1..=32u8).map(|x| x.wrapping_mul(37)));
    c.extend([
        0x7f, // PUSH32 0xff..ff
    ]);
    c.extend([0xffu8; 32]);
    c.extend([
        0x01, // ADD (wraps)
        0x81, 0x16, // DUP2, AND
        0x81, 0x17, // DUP2, OR
        0x81, 0x18, // DUP2, XOR
        0x80, 0x60, 0x05, 0x1a, 0x50, // DUP1, PUSH1 5, BYTE, POP
        0x80, 0x60, 0x1f, 0x1a, 0x50, // DUP1, PUSH1 31, BYTE, POP
        0x80, 0x60, 0x20, 0x1a, 0x50, // DUP1, PUSH1 32, BYTE (0), POP
        0x80, 0x5f, 0x19, 0x1a, 0x50, // DUP1, PUSH0, NOT, BYTE (index 2^256 - 1: 0), POP
        0x81, 0x81, 0x12, 0x50, // DUP2, DUP2, SLT, POP
        0x81, 0x81, 0x13, 0x50, // DUP2, DUP2, SGT, POP
        0x80, 0x60, 0x07, 0x12, 0x50, // DUP1, PUSH1 7, SLT (7 < top), POP
        0x80, 0x60, 0x07, 0x13, 0x50, // DUP1, PUSH1 7, SGT (7 > top), POP
        0x60, 0x01, 0x5f, 0x19, 0x12, 0x50, // PUSH1 1, PUSH0, NOT, SLT (-1 < 1), POP
        0x5f, 0x19, 0x60, 0x01, 0x13, 0x50, // PUSH0, NOT, PUSH1 1, SGT (1 > -1), POP
        0x80, 0x5f, 0x1b, 0x50, // DUP1, PUSH0, SHL (by 0), POP
        0x80, 0x60, 0x09, 0x1b, 0x50, // DUP1, PUSH1 9, SHL, POP
        0x80, 0x60, 0xff, 0x1b, 0x50, // DUP1, PUSH1 255, SHL, POP
        0x80, 0x61, 0x01, 0x00, 0x1b, 0x50, // DUP1, PUSH2 256, SHL (0), POP
        0x80, 0x60, 0x11, 0x1c, 0x50, // DUP1, PUSH1 17, SHR, POP
        0x80, 0x5f, 0x19, 0x1c, 0x50, // DUP1, PUSH0, NOT, SHR (by 2^256 - 1: 0), POP
        0x80, 0x60, 0x0c, 0x1d, 0x50, // DUP1, PUSH1 12, SAR, POP
        0x5f, 0x19, 0x60, 0x04, 0x1b, // PUSH0, NOT, PUSH1 4, SHL (-16)
        0x60, 0x02, 0x1d, 0x50, // PUSH1 2, SAR (-4), POP
        0x5f, 0x19, 0x61, 0x01, 0x00, 0x1d, 0x50, // PUSH0, NOT, PUSH2 256, SAR (-1), POP
        0x60, 0x01, 0x5f, 0x19, 0x13, 0x50, // PUSH1 1, PUSH0, NOT, SGT (-1 > 1: 0), POP
        0x86, // DUP7
        0x96, // SWAP7
        0x03, // SUB
    ]);
    // jump over an unconstrained opcode
    let target = c.len() as u8 + 4;
    c.extend([0x60, target, 0x56, 0xfe, 0x5b]);
    // JUMPI not taken, then taken over an unconstrained opcode
    c.extend([0x5f, 0x60, 0x00, 0x57]);
    let target = c.len() as u8 + 6;
    c.extend([0x60, 0x01, 0x60, target, 0x57, 0xfe, 0x5b]);
    // memory: a store that expands to 3 words, loads, MSIZE, a store
    // without expansion, a load of a never-written word
    c.extend([0x60, 0x77, 0x60, 0x40, 0x52]); // MSTORE mem[0x40] = 0x77
    c.extend([0x60, 0x40, 0x51, 0x59, 0x01, 0x50]); // MLOAD 0x40, MSIZE, ADD, POP
    c.extend([0x60, 0x05, 0x5f, 0x52]); // MSTORE mem[0] = 5
    c.extend([0x60, 0x20, 0x51, 0x50, 0x5f, 0x51, 0x50]); // MLOAD 0x20, POP, MLOAD 0, POP
                                                          // two POPs; the rest stays for the final-stack rows
    c.extend([0x50, 0x50, 0x00]);
    c
}
