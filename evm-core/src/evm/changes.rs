//! What a transaction leaves: its output, logs, account changes and storage changes.

use super::Evm;
use crate::journal::{NEW_CODE, SELFDESTRUCTED, STORAGE_CLEARED, TOUCHED};
use crate::state::{u256_is_zero, Address, State, B256, U256};
use crate::tracer::Tracer;

/// A change of one account, produced after a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange<'a> {
    /// The account no longer exists (self-destructed or touched while empty).
    Deleted(Address),
    /// The account exists with these fields.
    Updated {
        /// Address.
        address: Address,
        /// New nonce, balance and code hash.
        info: crate::AccountInfo,
        /// New code, when the transaction deployed it.
        code: Option<&'a [u8]>,
        /// Whether all pre-existing storage must be dropped first (the account was created).
        storage_cleared: bool,
    },
}

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Output of the last transaction: RETURN or REVERT data, or the deployed
    /// code of a successful creation.
    pub fn output(&self) -> &[u8] {
        self.return_data.as_slice()
    }

    /// Logs of the last transaction (empty unless it succeeded).
    pub fn logs(&self) -> impl Iterator<Item = (&Address, &[B256], &[u8])> + '_ {
        let data = self.journal.log_data.as_slice();
        self.journal.logs.as_slice().iter().map(move |l| {
            let topics = l.topics.get(..l.topic_count as usize).unwrap_or(&[]);
            let s = l.data_off as usize;
            let d = data.get(s..s + l.data_len as usize).unwrap_or(&[]);
            (&l.address, topics, d)
        })
    }

    /// Account changes of the last transaction.
    pub fn changes(&self) -> impl Iterator<Item = AccountChange<'_>> + '_ {
        self.journal.accounts.as_slice().iter().filter_map(|a| {
            if a.flags & SELFDESTRUCTED != 0 || (a.flags & TOUCHED != 0 && a.info.is_empty()) {
                Some(AccountChange::Deleted(a.address))
            } else if a.flags & TOUCHED != 0 {
                let code = if a.flags & NEW_CODE != 0 {
                    Some(self.code.code(a.code))
                } else {
                    None
                };
                Some(AccountChange::Updated {
                    address: a.address,
                    info: a.info,
                    code,
                    storage_cleared: a.flags & STORAGE_CLEARED != 0,
                })
            } else {
                None
            }
        })
    }

    /// Storage writes of the last transaction: `(address, slot, value)` for every
    /// slot whose value differs from its pre-state value, on accounts not deleted.
    pub fn storage_changes(&self) -> impl Iterator<Item = (Address, U256, U256)> + '_ {
        let accounts = self.journal.accounts.as_slice();
        self.journal.slots.as_slice().iter().filter_map(move |s| {
            let a = accounts.get(s.account as usize)?;
            let deleted =
                a.flags & SELFDESTRUCTED != 0 || (a.flags & TOUCHED != 0 && a.info.is_empty());
            let cleared = a.flags & STORAGE_CLEARED != 0;
            // Unchanged, unless the account's storage was cleared under a
            // nonzero value (then the value must be written again).
            let unchanged = s.current == s.original && (!cleared || u256_is_zero(&s.current));
            if deleted || unchanged {
                None
            } else {
                Some((a.address, s.key, s.current))
            }
        })
    }

    /// Bytes of the code arena in use after the last transaction.
    pub fn code_arena_used(&self) -> usize {
        self.code.used()
    }

    /// Bytes of the code arena holding code kept for later transactions.
    pub fn code_arena_kept(&self) -> usize {
        self.code.kept()
    }
}
