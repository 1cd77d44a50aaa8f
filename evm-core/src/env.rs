//! Block and transaction environment handed to [`crate::Evm::transact`].

use crate::state::{Address, B256, U256};

/// The block a transaction executes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockEnv {
    /// Block number.
    pub number: u64,
    /// Fee recipient.
    pub coinbase: Address,
    /// Unix timestamp.
    pub timestamp: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Base fee per gas (EIP-1559).
    pub base_fee: U256,
    /// PREVRANDAO (EIP-4399).
    pub prev_randao: B256,
    /// Excess blob gas (EIP-4844).
    pub excess_blob_gas: u64,
    /// Chain id (EIP-155).
    pub chain_id: u64,
}

impl Default for BlockEnv {
    fn default() -> Self {
        Self {
            number: 0,
            coinbase: [0; 20],
            timestamp: 0,
            gas_limit: 30_000_000,
            base_fee: U256::ZERO,
            prev_randao: [0; 32],
            excess_blob_gas: 0,
            chain_id: 1,
        }
    }
}

/// One access-list entry (EIP-2930).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessListItem<'t> {
    /// Pre-warmed address.
    pub address: Address,
    /// Pre-warmed storage keys of `address`.
    pub storage_keys: &'t [B256],
}

/// One EIP-7702 authorization tuple of a type-4 transaction, as signed by its
/// authority (who is recovered from the signature by [`crate::Evm::transact`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Authorization {
    /// Chain id the authorization is valid on (0: any chain).
    pub chain_id: U256,
    /// The account whose code the authority delegates to (zero: clear the delegation).
    pub address: Address,
    /// The authority's nonce the authorization is valid for.
    pub nonce: u64,
    /// Signature recovery bit (valid: 0 or 1).
    pub y_parity: u8,
    /// Signature `r`.
    pub r: U256,
    /// Signature `s`.
    pub s: U256,
}

/// A transaction, already decoded and with a recovered sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxEnv<'t> {
    /// Sender (recovered from the signature).
    pub caller: Address,
    /// Recipient, `None` for contract creation.
    pub to: Option<Address>,
    /// Value in wei.
    pub value: U256,
    /// Calldata or initcode.
    pub data: &'t [u8],
    /// Gas limit.
    pub gas_limit: u64,
    /// Sender nonce.
    pub nonce: u64,
    /// Gas price (legacy) or max fee per gas (EIP-1559).
    pub max_fee_per_gas: U256,
    /// Max priority fee per gas; `None` for legacy and EIP-2930 transactions.
    pub max_priority_fee_per_gas: Option<U256>,
    /// Access list.
    pub access_list: &'t [AccessListItem<'t>],
    /// Blob versioned hashes (EIP-4844); empty for other types.
    pub blob_hashes: &'t [B256],
    /// Max fee per blob gas; `Some` exactly for blob transactions.
    pub max_fee_per_blob_gas: Option<U256>,
    /// Authorization list (EIP-7702); `Some` exactly for type-4 transactions.
    pub authorization_list: Option<&'t [Authorization]>,
}

impl Default for TxEnv<'_> {
    fn default() -> Self {
        Self {
            caller: [0; 20],
            to: None,
            value: U256::ZERO,
            data: &[],
            gas_limit: 30_000_000,
            nonce: 0,
            max_fee_per_gas: U256::ZERO,
            max_priority_fee_per_gas: None,
            access_list: &[],
            blob_hashes: &[],
            max_fee_per_blob_gas: None,
            authorization_list: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let tx = TxEnv::default();
        assert!(tx.to.is_none());
        assert_eq!(BlockEnv::default().chain_id, 1);
    }
}
