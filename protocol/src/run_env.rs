//! The EVM environments a witness' transaction runs in, shared by the host's discovery run and the device's check.

use evm_core::{AccessListItem, Address, Authorization, BlockEnv, TxEnv, B256, U256};
use wallet::tx::TxType;
use wallet::Transaction;

use crate::witness::WitnessBlock;

/// The block environment of a witness' block values.
pub fn block_env(b: &WitnessBlock) -> BlockEnv {
    BlockEnv {
        number: b.number,
        coinbase: b.coinbase,
        timestamp: b.timestamp,
        gas_limit: b.gas_limit,
        base_fee: U256::from_be_bytes(b.base_fee),
        prev_randao: b.prev_randao,
        excess_blob_gas: b.excess_blob_gas,
        chain_id: b.chain_id,
    }
}

/// The transaction environment of `tx` sent by `sender`, with its lists
/// already converted: the priority fee only for typed fee-market
/// transactions, the blob fee only for EIP-4844, the authorizations only for
/// EIP-7702.
pub fn tx_env<'t>(
    tx: &Transaction<'t>,
    sender: &Address,
    access_list: &'t [AccessListItem<'t>],
    blob_hashes: &'t [B256],
    authorizations: &'t [Authorization],
) -> TxEnv<'t> {
    let typed = !matches!(tx.tx_type, TxType::Legacy | TxType::Eip2930);
    TxEnv {
        caller: *sender,
        to: tx.to,
        value: tx.value,
        data: tx.input,
        gas_limit: tx.gas_limit,
        nonce: tx.nonce,
        max_fee_per_gas: tx.max_fee_per_gas,
        max_priority_fee_per_gas: typed.then_some(tx.max_priority_fee_per_gas),
        access_list,
        blob_hashes,
        max_fee_per_blob_gas: (tx.tx_type == TxType::Eip4844).then_some(tx.max_fee_per_blob_gas),
        authorization_list: (tx.tx_type == TxType::Eip7702).then_some(authorizations),
    }
}

/// A decoded EIP-7702 authorization in `evm-core`'s shape.
pub fn authorization(a: &wallet::tx::Authorization) -> Authorization {
    Authorization {
        chain_id: a.chain_id,
        address: a.address,
        nonce: a.nonce,
        y_parity: a.y_parity,
        r: a.r,
        s: a.s,
    }
}
