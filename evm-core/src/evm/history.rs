//! EIP-2935 (Prague): the block-hash history contract and the system call that feeds it.

use super::{CallInput, CallKind, Evm, Input, Started, R};
use crate::env::{BlockEnv, TxEnv};
use crate::result::{ExecStatus, Outcome};
use crate::state::{Address, State, B256, KECCAK_EMPTY, U256};
use crate::tracer::Tracer;

/// The history storage contract (EIP-2935).
pub const HISTORY_STORAGE_ADDRESS: Address = [
    0x00, 0x00, 0xf9, 0x08, 0x27, 0xf1, 0xc5, 0x3a, 0x10, 0xcb, 0x7a, 0x02, 0x33, 0x5b, 0x17, 0x53,
    0x20, 0x00, 0x29, 0x35,
];

/// The caller of system calls (EIP-4788, 2935).
pub const SYSTEM_ADDRESS: Address = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xfe,
];

/// Blocks whose hashes the history contract serves (its ring buffer length).
pub const HISTORY_SERVE_WINDOW: u64 = 8191;

/// Gas of a system call.
pub const SYSTEM_CALL_GAS: u64 = 30_000_000;

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Runs a system call: `SYSTEM_ADDRESS` calls `address` with `data` and
    /// 30 M gas, outside any transaction (no validation, no fee, no nonce).
    /// `Ok(None)` when `address` has no code (the call does nothing). Its
    /// changes are then available as after [`Evm::transact`].
    pub fn system_call(
        &mut self,
        block: &BlockEnv,
        address: &Address,
        data: &[u8],
    ) -> R<Option<Outcome>, S::Error> {
        self.code.start_tx(false);
        self.budget.steps = self.step_limit;
        self.journal.clear();
        self.frames.clear();
        self.return_data.clear();
        self.journal.spec = self.spec;
        self.ctx = self.tx_ctx(block, SYSTEM_ADDRESS, U256::ZERO);
        let r = self.system_call_inner(address, data);
        self.journal.clear_indexes();
        r
    }

    fn system_call_inner(
        &mut self,
        address: &Address,
        data: &[u8],
    ) -> R<Option<Outcome>, S::Error> {
        let i = self.journal.load(&self.state, address)?;
        if self.journal.account(i).info.code_hash == KECCAK_EMPTY {
            return Ok(None);
        }
        let tx = TxEnv {
            caller: SYSTEM_ADDRESS,
            to: Some(*address),
            data,
            gas_limit: SYSTEM_CALL_GAS,
            ..TxEnv::default()
        };
        let started = self.start_call(CallInput {
            kind: CallKind::Call,
            gas: SYSTEM_CALL_GAS,
            caller: SYSTEM_ADDRESS,
            address: *address,
            code_address: *address,
            delegated: false,
            value: U256::ZERO,
            is_static: false,
            input: Input::Tx,
            tx_data: data,
            ret_off: 0,
            ret_len: 0,
            depth: 0,
        })?;
        let (status, gas_left) = match started {
            Started::Done { status, gas_left } => (status, gas_left),
            Started::Frame => {
                let (status, gas_left, _, _) = self.execute(&tx)?;
                (status, gas_left)
            }
        };
        if status != ExecStatus::Success {
            self.journal.logs.clear();
            self.journal.log_data.clear();
        }
        Ok(Some(Outcome {
            status,
            gas_used: SYSTEM_CALL_GAS - gas_left,
            gas_refunded: 0,
            created: None,
        }))
    }

    /// EIP-2935, at the start of a Prague block: stores `parent_hash` in the
    /// history contract (slot `(number − 1) mod 8191`) by a system call.
    /// `Ok(None)` when the contract is not deployed.
    pub fn apply_history_storage(
        &mut self,
        block: &BlockEnv,
        parent_hash: &B256,
    ) -> R<Option<Outcome>, S::Error> {
        self.system_call(block, &HISTORY_STORAGE_ADDRESS, parent_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Mem;
    use super::*;
    use crate::{HeapBuffers, Limits};

    /// The history contract's runtime code (EIP-2935).
    const HISTORY_CODE: &str = "3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500";

    #[test]
    fn parent_hash_lands_in_its_ring_slot() {
        let code: Vec<u8> = (0..HISTORY_CODE.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&HISTORY_CODE[i..i + 2], 16).unwrap())
            .collect();
        let m = Mem::default().with(HISTORY_STORAGE_ADDRESS, 1, 0, &code);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = crate::Evm::new(&m, hb.buffers());
        let block = BlockEnv {
            number: 8192 + 5,
            ..BlockEnv::default()
        };
        let parent = [0x5a; 32];
        let out = evm.apply_history_storage(&block, &parent).unwrap().unwrap();
        assert_eq!(out.status, ExecStatus::Success);
        let writes: Vec<_> = evm.storage_changes().collect();
        assert_eq!(
            writes,
            vec![(
                HISTORY_STORAGE_ADDRESS,
                U256::from((8192 + 5 - 1) % HISTORY_SERVE_WINDOW),
                U256::from_be_bytes(parent)
            )]
        );
        // Without the contract, nothing happens.
        let empty = Mem::default();
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = crate::Evm::new(&empty, hb.buffers());
        assert_eq!(evm.apply_history_storage(&block, &parent), Ok(None));
    }
}
