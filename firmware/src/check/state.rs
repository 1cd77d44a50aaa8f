//! The proven pre-state the EVM reads: a `WitnessState` whose missing reads name the account or slot.

use evm_core::{AccountInfo, Address, State, B256, U256};
use evm_state::store::VecStore;
use evm_state::WitnessState;

use super::Boxed;

/// What the transaction needed that the witness does not prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An account (its proof, or a node on its path).
    Account(Address),
    /// A storage slot of an account.
    Slot(Address, U256),
    /// The code with this hash.
    Code(B256),
    /// The hash of this block (`BLOCKHASH`; witnesses carry none).
    BlockHash(u64),
}

/// Why a read of the proven state failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The witness does not cover the key.
    Missing(Missing),
    /// Any other state error (a full arena, a malformed leaf).
    State(evm_state::Error),
}

/// The pre-state proven by a witness (proof nodes and codes borrowed from the witness bytes).
pub struct Proven<'w> {
    inner: WitnessState<'w, VecStore>,
}

impl<'w> Proven<'w> {
    /// Wraps a witness state whose nodes and codes are loaded.
    pub fn new(inner: WitnessState<'w, VecStore>) -> Self {
        Self { inner }
    }

    /// An empty state under `root`, on the heap (a `WitnessState` holds its
    /// bounded tables inline, ~13 KiB on 32-bit); `None` if the heap cannot
    /// hold it. Load it with [`Proven::witness_mut`].
    #[inline(never)]
    pub fn boxed(root: &B256) -> Result<Option<Boxed<Self>>, evm_state::Error> {
        let inner = WitnessState::new(VecStore::new(), root)?;
        // Built in the heap block (inlined): no second ~13 KiB on the stack.
        Ok(Boxed::try_with(|| Self::new(inner)))
    }

    /// The witness state, to load nodes and codes into.
    pub fn witness_mut(&mut self) -> &mut WitnessState<'w, VecStore> {
        &mut self.inner
    }
}

fn map(e: evm_state::Error, missing: Missing) -> ReadError {
    match e {
        evm_state::Error::MissingWitness { .. } | evm_state::Error::MissingCode { .. } => {
            ReadError::Missing(missing)
        }
        evm_state::Error::UnknownBlockHash { number } => {
            ReadError::Missing(Missing::BlockHash(number))
        }
        other => ReadError::State(other),
    }
}

impl State for Proven<'_> {
    type Error = ReadError;

    fn account(&self, address: &Address) -> Result<Option<AccountInfo>, ReadError> {
        self.inner
            .account(address)
            .map_err(|e| map(e, Missing::Account(*address)))
    }

    fn code(&self, code_hash: &B256) -> Result<&[u8], ReadError> {
        self.inner
            .code(code_hash)
            .map_err(|e| map(e, Missing::Code(*code_hash)))
    }

    fn storage(&self, address: &Address, slot: &U256) -> Result<U256, ReadError> {
        // The account first: a missing account is named as such, not as its slot.
        self.account(address)?;
        self.inner
            .storage(address, slot)
            .map_err(|e| map(e, Missing::Slot(*address, *slot)))
    }

    fn block_hash(&self, number: u64) -> Result<B256, ReadError> {
        self.inner
            .block_hash(number)
            .map_err(|e| map(e, Missing::BlockHash(number)))
    }

    fn has_storage(&self, address: &Address) -> Result<bool, ReadError> {
        self.inner
            .has_storage(address)
            .map_err(|e| map(e, Missing::Account(*address)))
    }
}
