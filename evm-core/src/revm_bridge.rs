//! evm-core's fork, environment and pre-state in revm's types, for the differential tests against revm (dev only).
//!
//! Compiled for evm-core's own tests and, behind the `revm-bridge` feature,
//! for other crates' tests (zkevm-cli's trace test enables it as a
//! dev-dependency feature); never in a device build.
#![allow(clippy::expect_used, reason = "test support")]

use std::vec::Vec;

use revm::context::transaction::{AccessList, AccessListItem as RAccessListItem};
use revm::context::{BlockEnv as RBlockEnv, CfgEnv, TxEnv as RTxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::context_interface::transaction::{
    Authorization as RAuthorization, SignedAuthorization as RSignedAuthorization,
};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::MainnetContext;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, B256 as RB256, U256 as RU256};
use revm::state::{AccountInfo as RAccountInfo, Bytecode};
use revm::{Context, MainContext};

use crate::keccak::keccak256;
use crate::{Address, BlockEnv, Spec, TxEnv, U256};

/// revm's database of a pre-state.
pub type Db = CacheDB<EmptyDB>;

/// revm's fork for ours.
pub const fn spec_id(spec: Spec) -> SpecId {
    match spec {
        Spec::Cancun => SpecId::CANCUN,
        Spec::Prague => SpecId::PRAGUE,
        Spec::Osaka => SpecId::OSAKA,
    }
}

/// Our word as revm's.
pub fn ru(v: &U256) -> RU256 {
    RU256::from_be_bytes(v.to_be_bytes::<32>())
}

/// revm's word as ours.
pub fn from_ru(v: &RU256) -> U256 {
    U256::from_be_bytes(v.to_be_bytes::<32>())
}

/// revm's code object for `code` at `spec`: legacy bytecode before Prague;
/// from Prague on, a `0xef0100 ‖ address` designator is a delegation.
pub fn revm_code(spec: Spec, code: &[u8]) -> Bytecode {
    let raw = Bytes::from(code.to_vec());
    if spec.is_prague() {
        Bytecode::new_raw_checked(raw.clone()).unwrap_or_else(|_| Bytecode::new_legacy(raw))
    } else {
        Bytecode::new_legacy(raw)
    }
}

/// Puts one account of the pre-state into `db`.
pub fn insert_account<'a>(
    db: &mut Db,
    spec: Spec,
    address: &Address,
    nonce: u64,
    balance: &U256,
    code: &[u8],
    storage: impl IntoIterator<Item = (&'a U256, &'a U256)>,
) {
    let a = RAddress::from(*address);
    db.insert_account_info(
        a,
        RAccountInfo::new(
            ru(balance),
            nonce,
            RB256::from(keccak256(code)),
            revm_code(spec, code),
        ),
    );
    for (k, v) in storage {
        db.insert_account_storage(a, ru(k), ru(v))
            .expect("an in-memory database does not fail");
    }
}

/// revm's configuration, block and transaction for ours.
pub fn revm_env(spec: Spec, block: &BlockEnv, tx: &TxEnv<'_>) -> (CfgEnv, RBlockEnv, RTxEnv) {
    let id = spec_id(spec);
    let cfg = CfgEnv::new_with_spec(id).with_chain_id(block.chain_id);
    let rblock = RBlockEnv {
        number: RU256::from(block.number),
        beneficiary: RAddress::from(block.coinbase),
        timestamp: RU256::from(block.timestamp),
        gas_limit: block.gas_limit,
        basefee: block.base_fee.saturating_to(),
        difficulty: RU256::ZERO,
        prevrandao: Some(RB256::from(block.prev_randao)),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new_with_spec(
            block.excess_blob_gas,
            id,
        )),
        slot_num: 0,
    };
    let mut rtx = RTxEnv::builder()
        .caller(RAddress::from(tx.caller))
        .gas_limit(tx.gas_limit)
        .gas_price(tx.max_fee_per_gas.saturating_to())
        .kind(match tx.to {
            Some(a) => TxKind::Call(RAddress::from(a)),
            None => TxKind::Create,
        })
        .value(ru(&tx.value))
        .data(Bytes::from(tx.data.to_vec()))
        .nonce(tx.nonce)
        .chain_id(Some(block.chain_id))
        .gas_priority_fee(tx.max_priority_fee_per_gas.map(|p| p.saturating_to()))
        .access_list(AccessList(
            tx.access_list
                .iter()
                .map(|i| RAccessListItem {
                    address: RAddress::from(i.address),
                    storage_keys: i.storage_keys.iter().map(|k| RB256::from(*k)).collect(),
                })
                .collect(),
        ))
        .blob_hashes(tx.blob_hashes.iter().map(|h| RB256::from(*h)).collect())
        .max_fee_per_blob_gas(tx.max_fee_per_blob_gas.map_or(0, |f| f.saturating_to()));
    if let Some(list) = tx.authorization_list {
        // Signed tuples: revm recovers each authority itself (k256, as ours).
        // An empty list cannot be said: revm's builder then makes the
        // transaction type 2 (or, typed 4, adds a dummy tuple), where evm-core
        // rejects it (`EmptyAuthorizationList`); callers leave it out.
        rtx = rtx.authorization_list_signed(
            list.iter()
                .map(|a| {
                    RSignedAuthorization::new_unchecked(
                        RAuthorization {
                            chain_id: ru(&a.chain_id),
                            address: RAddress::from(a.address),
                            nonce: a.nonce,
                        },
                        a.y_parity,
                        ru(&a.r),
                        ru(&a.s),
                    )
                })
                .collect::<Vec<_>>(),
        );
    }
    // The type follows from the fields, as evm-core decides it.
    (cfg, rblock, rtx.build_fill())
}

/// revm's mainnet context over `db` for `block` at `spec`, and the transaction to run in it.
pub fn revm_context(
    spec: Spec,
    db: Db,
    block: &BlockEnv,
    tx: &TxEnv<'_>,
) -> (MainnetContext<Db>, RTxEnv) {
    let (cfg, rblock, rtx) = revm_env(spec, block, tx);
    let ctx = Context::mainnet()
        .with_db(db)
        .with_cfg(cfg)
        .with_block(rblock);
    (ctx, rtx)
}
