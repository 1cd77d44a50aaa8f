//! Transaction validation (fork rules, fees, the sender's account) and the settlement of fees and refunds.

use super::{BlockEnvLite, Ctx, Evm, R};
use crate::env::{BlockEnv, TxEnv};
use crate::error::InvalidTx;
use crate::gas;
use crate::limits;
use crate::state::{Address, State, KECCAK_EMPTY, U256};
use crate::tracer::Tracer;

/// What validation found: the gas and fees of a valid transaction.
#[derive(Debug, Clone, Copy)]
pub(super) struct Validated {
    /// Intrinsic gas.
    pub intrinsic: u64,
    /// The calldata floor (EIP-7623; zero before Prague).
    pub floor: u64,
    /// The effective gas price.
    pub gas_price: U256,
    /// The blob fee paid (EIP-4844).
    pub blob_fee: U256,
}

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Checks `tx` against the fork's rules and the sender's account.
    pub(super) fn validate(&mut self, block: &BlockEnv, tx: &TxEnv<'_>) -> R<Validated, S::Error> {
        let spec = self.spec;
        let is_create = tx.to.is_none();
        if tx.authorization_list.is_some() && !spec.is_prague() {
            return Err(InvalidTx::TypeNotSupported.into());
        }
        if is_create && tx.data.len() > limits::MAX_INITCODE_SIZE {
            return Err(InvalidTx::InitcodeTooLarge.into());
        }
        let keys: usize = tx.access_list.iter().map(|i| i.storage_keys.len()).sum();
        let auths = tx.authorization_list.map_or(0, |l| l.len()) as u64;
        let intrinsic =
            gas::intrinsic_gas(tx.data, is_create, tx.access_list.len() as u64, keys as u64)
                .saturating_add(auths.saturating_mul(gas::PER_EMPTY_ACCOUNT_COST));
        let floor = if spec.is_prague() {
            gas::calldata_floor(tx.data)
        } else {
            0
        };
        if tx.gas_limit < intrinsic && intrinsic >= floor {
            return Err(InvalidTx::IntrinsicGasTooLow {
                got: tx.gas_limit,
                expected: intrinsic,
            }
            .into());
        }
        if tx.gas_limit < floor {
            return Err(InvalidTx::FloorGasTooLow {
                got: tx.gas_limit,
                expected: floor,
            }
            .into());
        }
        if self.tx_gas_limit_cap.is_some_and(|cap| tx.gas_limit > cap) {
            return Err(InvalidTx::GasLimitAboveCap.into());
        }
        if tx.gas_limit > block.gas_limit {
            return Err(InvalidTx::GasLimitAboveBlock.into());
        }
        let max_fee = tx.max_fee_per_gas;
        let u128_max = U256::from(u128::MAX);
        if max_fee > u128_max {
            return Err(InvalidTx::FeeOverflow.into());
        }
        let gas_price = match tx.max_priority_fee_per_gas {
            Some(prio) => {
                if prio > u128_max {
                    return Err(InvalidTx::FeeOverflow.into());
                }
                if prio > max_fee {
                    return Err(InvalidTx::PriorityFeeAboveFeeCap.into());
                }
                if max_fee < block.base_fee {
                    return Err(InvalidTx::FeeCapBelowBaseFee.into());
                }
                (block.base_fee + prio).min(max_fee)
            }
            None => {
                if max_fee < block.base_fee {
                    return Err(InvalidTx::FeeCapBelowBaseFee.into());
                }
                max_fee
            }
        };
        let blob_base_fee = U256::from(gas::blob_base_fee_with(
            block.excess_blob_gas,
            self.blob.update_fraction,
        ));
        let mut blob_fee_max = U256::ZERO;
        let mut blob_fee = U256::ZERO;
        if let Some(max_blob_fee) = tx.max_fee_per_blob_gas {
            if is_create {
                return Err(InvalidTx::BlobCreate.into());
            }
            let max_blobs = spec.max_blobs_per_tx(self.blob.max);
            if tx.blob_hashes.is_empty() || tx.blob_hashes.len() as u64 > max_blobs {
                return Err(InvalidTx::BlobCount.into());
            }
            if tx.blob_hashes.iter().any(|h| h[0] != 0x01) {
                return Err(InvalidTx::BlobVersion.into());
            }
            if max_blob_fee < blob_base_fee {
                return Err(InvalidTx::BlobFeeCapTooLow.into());
            }
            let blob_gas = U256::from(gas::GAS_PER_BLOB * tx.blob_hashes.len() as u64);
            blob_fee_max = blob_gas.saturating_mul(max_blob_fee);
            blob_fee = blob_gas * blob_base_fee;
        } else if !tx.blob_hashes.is_empty() {
            return Err(InvalidTx::TypeFields.into());
        }
        if let Some(list) = tx.authorization_list {
            if is_create {
                return Err(InvalidTx::SetCodeCreate.into());
            }
            if list.is_empty() {
                return Err(InvalidTx::EmptyAuthorizationList.into());
            }
        }
        let sender = self.journal.load(&self.state, &tx.caller)?;
        let acct = self.journal.account(sender).info;
        if acct.code_hash != KECCAK_EMPTY && self.delegate_of(sender)?.is_none() {
            return Err(InvalidTx::SenderHasCode.into());
        }
        if acct.nonce == u64::MAX {
            return Err(InvalidTx::NonceOverflow.into());
        }
        if acct.nonce != tx.nonce {
            return Err(InvalidTx::NonceMismatch {
                got: tx.nonce,
                expected: acct.nonce,
            }
            .into());
        }
        let max_cost = U256::from(tx.gas_limit)
            .checked_mul(max_fee)
            .and_then(|c| c.checked_add(tx.value))
            .and_then(|c| c.checked_add(blob_fee_max))
            .ok_or(InvalidTx::InsufficientFunds)?;
        if acct.balance < max_cost {
            return Err(InvalidTx::InsufficientFunds.into());
        }
        Ok(Validated {
            intrinsic,
            floor,
            gas_price,
            blob_fee,
        })
    }

    /// The context of a transaction from `origin` at `gas_price` in `block`.
    pub(super) fn tx_ctx(&self, block: &BlockEnv, origin: Address, gas_price: U256) -> Ctx {
        Ctx {
            spec: self.spec,
            origin,
            gas_price,
            block: BlockEnvLite {
                number: block.number,
                coinbase: block.coinbase,
                timestamp: block.timestamp,
                gas_limit: block.gas_limit,
                base_fee: block.base_fee,
                prev_randao: block.prev_randao,
                chain_id: block.chain_id,
            },
            blob_base_fee: U256::from(gas::blob_base_fee_with(
                block.excess_blob_gas,
                self.blob.update_fraction,
            )),
        }
    }

    /// Settles a run that left `gas_left` with `refund` (execution's and the
    /// authorizations'): the refund cap, the calldata floor, the sender's
    /// unused gas back and the coinbase's tip; returns (gas used, refund).
    pub(super) fn settle(
        &mut self,
        block: &BlockEnv,
        tx: &TxEnv<'_>,
        v: &Validated,
        gas_left: u64,
        refund: u64,
    ) -> R<(u64, u64), S::Error> {
        let (floor, gas_price) = (v.floor, v.gas_price);
        let mut gas_used = tx.gas_limit - gas_left;
        let refund = refund.min(gas_used / gas::MAX_REFUND_QUOTIENT);
        gas_used -= refund;
        gas_used = gas_used.max(floor);
        let sender = self.journal.load(&self.state, &tx.caller)?;
        let bal = self.journal.account(sender).info.balance;
        self.journal.set_balance(
            sender,
            bal.saturating_add(U256::from(tx.gas_limit - gas_used) * gas_price),
        )?;
        let coinbase = self.journal.load(&self.state, &block.coinbase)?;
        let tip = gas_price.saturating_sub(block.base_fee);
        let bal = self.journal.account(coinbase).info.balance;
        self.journal
            .set_balance(coinbase, bal.saturating_add(U256::from(gas_used) * tip))?;
        Ok((gas_used, refund))
    }
}
