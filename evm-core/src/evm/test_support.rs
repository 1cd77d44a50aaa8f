//! Test support shared by the EVM's tests: an in-memory [`State`] and its builders.

use crate::primitives::keccak256;
use crate::state::{AccountInfo, Address, State, B256, KECCAK_EMPTY, U256};
use std::collections::BTreeMap;

/// The funded sender of the tests.
pub const SENDER: Address = [0xaa; 20];
/// The contract the tests call.
pub const CONTRACT: Address = [0xcc; 20];

/// Accounts and code in maps; every storage slot is zero, every block hash zero.
#[derive(Debug, Default, Clone)]
pub struct Mem {
    pub accounts: BTreeMap<Address, AccountInfo>,
    pub code: BTreeMap<B256, Vec<u8>>,
}

impl State for Mem {
    type Error = ();
    fn account(&self, a: &Address) -> Result<Option<AccountInfo>, ()> {
        Ok(self.accounts.get(a).copied())
    }
    fn code(&self, h: &B256) -> Result<&[u8], ()> {
        self.code.get(h).map(|c| c.as_slice()).ok_or(())
    }
    fn storage(&self, _: &Address, _: &U256) -> Result<U256, ()> {
        Ok(U256::ZERO)
    }
    fn block_hash(&self, _: u64) -> Result<B256, ()> {
        Ok([0; 32])
    }
}

impl Mem {
    /// Adds (or replaces) account `a` with `nonce`, `balance` and `code`.
    pub fn with(mut self, a: Address, nonce: u64, balance: u64, code: &[u8]) -> Self {
        let code_hash = if code.is_empty() {
            KECCAK_EMPTY
        } else {
            let h = keccak256(code);
            self.code.insert(h, code.to_vec());
            h
        };
        self.accounts.insert(
            a,
            AccountInfo {
                nonce,
                balance: U256::from(balance),
                code_hash,
            },
        );
        self
    }

    /// A funded sender (10^18 wei) at [`SENDER`] and `code` at [`CONTRACT`] (nonce 1).
    pub fn contract(code: &[u8]) -> Self {
        Mem::default()
            .with(SENDER, 0, 10u64.pow(18), &[])
            .with(CONTRACT, 1, 0, code)
    }
}
