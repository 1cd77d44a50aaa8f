//! Gas constants and cost formulas of Cancun, and what Prague and Osaka add.

/// Cost of a zero byte of calldata.
pub const TX_DATA_ZERO: u64 = 4;
/// Cost of a non-zero byte of calldata.
pub const TX_DATA_NONZERO: u64 = 16;
/// Base cost of a transaction.
pub const TX_BASE: u64 = 21_000;
/// Extra base cost of a contract-creation transaction.
pub const TX_CREATE: u64 = 32_000;
/// Access-list cost per address (EIP-2930).
pub const ACCESS_LIST_ADDRESS: u64 = 2400;
/// Access-list cost per storage key (EIP-2930).
pub const ACCESS_LIST_STORAGE_KEY: u64 = 1900;
/// Initcode cost per 32-byte word (EIP-3860).
pub const INITCODE_WORD: u64 = 2;
/// Warm access (EIP-2929).
pub const WARM_ACCESS: u64 = 100;
/// Cold account access (EIP-2929).
pub const COLD_ACCOUNT_ACCESS: u64 = 2600;
/// Cold SLOAD (EIP-2929).
pub const COLD_SLOAD: u64 = 2100;
/// SSTORE of a fresh non-zero value into a zero slot.
pub const SSTORE_SET: u64 = 20_000;
/// SSTORE changing a non-zero original value (5000 − cold SLOAD).
pub const SSTORE_RESET: u64 = 2900;
/// Refund for clearing a slot (EIP-3529).
pub const SSTORE_CLEARS_REFUND: i64 = 4800;
/// SSTORE fails when at most this much gas is left (EIP-2200).
pub const SSTORE_SENTRY: u64 = 2300;
/// Per-word cost of copies.
pub const COPY_WORD: u64 = 3;
/// KECCAK256 per-word cost.
pub const KECCAK_WORD: u64 = 6;
/// LOG base cost.
pub const LOG: u64 = 375;
/// LOG cost per topic.
pub const LOG_TOPIC: u64 = 375;
/// LOG cost per data byte.
pub const LOG_DATA: u64 = 8;
/// EXP cost per byte of exponent.
pub const EXP_BYTE: u64 = 50;
/// CREATE base cost.
pub const CREATE: u64 = 32_000;
/// Deposit cost per byte of deployed code.
pub const CODE_DEPOSIT: u64 = 200;
/// Extra cost of a value-carrying call.
pub const CALL_VALUE: u64 = 9000;
/// Gas given to the callee of a value-carrying call.
pub const CALL_STIPEND: u64 = 2300;
/// Cost of a call or selfdestruct that brings an account into existence.
pub const NEW_ACCOUNT: u64 = 25_000;
/// SELFDESTRUCT base cost.
pub const SELFDESTRUCT: u64 = 5000;
/// BLOCKHASH cost.
pub const BLOCKHASH: u64 = 20;
/// Gas per blob (EIP-4844).
pub const GAS_PER_BLOB: u64 = 1 << 17;
/// Minimum blob base fee (EIP-4844).
pub const MIN_BLOB_BASE_FEE: u64 = 1;
/// Blob base fee update fraction (EIP-4844, Cancun).
pub const BLOB_BASE_FEE_UPDATE_FRACTION: u64 = 3_338_477;
/// Intrinsic cost per authorization, refunded down to [`PER_AUTH_BASE_COST`]
/// when the authority exists (EIP-7702).
pub const PER_EMPTY_ACCOUNT_COST: u64 = 25_000;
/// Cost of an authorization whose authority exists (EIP-7702).
pub const PER_AUTH_BASE_COST: u64 = 12_500;
/// Floor cost per calldata token (EIP-7623; a zero byte is one token, another byte four).
pub const TOTAL_COST_FLOOR_PER_TOKEN: u64 = 10;
/// Blob base cost bound of EIP-7918 (Osaka).
pub const BLOB_BASE_COST: u64 = 1 << 13;
/// Maximum refund quotient (EIP-3529): refund ≤ gas used / 5.
pub const MAX_REFUND_QUOTIENT: u64 = 5;

/// Words needed for `len` bytes.
#[inline]
pub const fn words(len: u64) -> u64 {
    len.div_ceil(32)
}

/// Total memory cost of `words` words of memory.
#[inline]
pub const fn memory_cost(words: u64) -> u64 {
    3u64.saturating_mul(words)
        .saturating_add(words.saturating_mul(words) / 512)
}

/// Total memory cost of `words` words of memory, `None` when it exceeds `u64`.
#[inline]
pub const fn memory_cost_checked(words: u64) -> Option<u64> {
    let Some(sq) = words.checked_mul(words) else {
        return None;
    };
    let Some(lin) = words.checked_mul(3) else {
        return None;
    };
    lin.checked_add(sq / 512)
}

/// Cost of copying `len` bytes (per-word part only).
#[inline]
pub const fn copy_cost(len: u64) -> u64 {
    COPY_WORD.saturating_mul(words(len))
}

/// Intrinsic gas of calldata `data` and of the creation, access list and initcode parts.
pub fn intrinsic_gas(data: &[u8], is_create: bool, access_addresses: u64, access_keys: u64) -> u64 {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    let mut gas = TX_BASE + zeros * TX_DATA_ZERO + nonzeros * TX_DATA_NONZERO;
    if is_create {
        gas += TX_CREATE + INITCODE_WORD * words(data.len() as u64);
    }
    gas + access_addresses * ACCESS_LIST_ADDRESS + access_keys * ACCESS_LIST_STORAGE_KEY
}

/// The calldata floor cost of a transaction with calldata `data` (EIP-7623, Prague):
/// `21000 + 10 × tokens`, a zero byte one token and any other byte four.
pub fn calldata_floor(data: &[u8]) -> u64 {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    TX_BASE + TOTAL_COST_FLOOR_PER_TOKEN * (zeros + 4 * nonzeros)
}

/// `fake_exponential(factor, numerator, denominator)` of EIP-4844, in 128-bit
/// arithmetic with saturation (the result is a fee per blob gas).
pub fn fake_exponential(factor: u64, numerator: u64, denominator: u64) -> u128 {
    if denominator == 0 {
        return 0;
    }
    let factor = factor as u128;
    let numerator = numerator as u128;
    let denominator = denominator as u128;
    let mut i: u128 = 1;
    let mut output: u128 = 0;
    let mut acc = factor.saturating_mul(denominator);
    while acc > 0 {
        output = output.saturating_add(acc);
        acc = acc.saturating_mul(numerator) / denominator.saturating_mul(i);
        i += 1;
    }
    output / denominator
}

/// Blob base fee for `excess_blob_gas` (EIP-4844, Cancun's update fraction).
pub fn blob_base_fee(excess_blob_gas: u64) -> u128 {
    blob_base_fee_with(excess_blob_gas, BLOB_BASE_FEE_UPDATE_FRACTION)
}

/// Blob base fee for `excess_blob_gas` with a fork's `update_fraction` (EIP-7691, 7840).
pub fn blob_base_fee_with(excess_blob_gas: u64, update_fraction: u64) -> u128 {
    fake_exponential(MIN_BLOB_BASE_FEE, excess_blob_gas, update_fraction)
}

/// The excess blob gas of the block after a parent with `parent_excess`
/// excess blob gas, `parent_used` blob gas used and base fee `parent_base_fee`
/// (a block-level rule: EIP-4844, and from Osaka EIP-7918's bound: when the
/// execution cost `BLOB_BASE_COST × base fee` exceeds the blob cost, the
/// excess only grows, by `used × (max − target) / max`).
pub fn next_excess_blob_gas(
    spec: crate::Spec,
    params: &crate::BlobParams,
    parent_excess: u64,
    parent_used: u64,
    parent_base_fee: u64,
) -> u64 {
    let target = params.target.saturating_mul(GAS_PER_BLOB);
    let total = parent_excess.saturating_add(parent_used);
    if total < target {
        return 0;
    }
    if spec.is_osaka() && params.max > 0 {
        let exec = u128::from(BLOB_BASE_COST) * u128::from(parent_base_fee);
        let blob = u128::from(GAS_PER_BLOB)
            .saturating_mul(blob_base_fee_with(parent_excess, params.update_fraction));
        if exec > blob {
            let grow = u128::from(parent_used)
                * u128::from(params.max.saturating_sub(params.target))
                / u128::from(params.max);
            return parent_excess.saturating_add(u64::try_from(grow).unwrap_or(u64::MAX));
        }
    }
    total - target
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_cost_formula() {
        assert_eq!(memory_cost(0), 0);
        assert_eq!(memory_cost(1), 3);
        assert_eq!(memory_cost(32), 96 + 2);
        assert_eq!(memory_cost(u64::MAX), u64::MAX);
        assert_eq!(memory_cost_checked(32), Some(98));
        assert_eq!(memory_cost_checked(1 << 27), Some(3 << 27 | 1 << 45));
        assert_eq!(memory_cost_checked(1 << 32), None);
    }

    #[test]
    fn intrinsic() {
        assert_eq!(intrinsic_gas(&[], false, 0, 0), 21_000);
        assert_eq!(intrinsic_gas(&[0, 1], false, 0, 0), 21_020);
        assert_eq!(
            intrinsic_gas(&[1; 33], true, 1, 2),
            21_000 + 33 * 16 + 32_000 + 4 + 2400 + 3800
        );
    }

    #[test]
    fn calldata_floor_cost() {
        assert_eq!(calldata_floor(&[]), 21_000);
        assert_eq!(calldata_floor(&[0, 1]), 21_000 + 10 + 40);
        // 1000 non-zero bytes: intrinsic 37 000, floor 61 000.
        let d = [0xffu8; 1000];
        assert_eq!(intrinsic_gas(&d, false, 0, 0), 37_000);
        assert_eq!(calldata_floor(&d), 61_000);
    }

    #[test]
    fn excess_blob_gas_eip7918() {
        use crate::Spec;
        let p = Spec::Osaka.blob_params();
        let target = 6 * GAS_PER_BLOB;
        // Below target: zero.
        assert_eq!(next_excess_blob_gas(Spec::Osaka, &p, 0, target - 1, 7), 0);
        // Cheap execution (base fee 0): the EIP-4844 rule.
        let used = 9 * GAS_PER_BLOB;
        assert_eq!(
            next_excess_blob_gas(Spec::Osaka, &p, 0, used, 0),
            used - target
        );
        // Execution dearer than blobs (base fee 1 gwei, blob fee 1 wei): grows by used × 3/9.
        let fee = 1_000_000_000;
        assert_eq!(
            next_excess_blob_gas(Spec::Osaka, &p, 0, used, fee),
            used / 3
        );
        // Prague has no bound.
        let pp = Spec::Prague.blob_params();
        assert_eq!(
            next_excess_blob_gas(Spec::Prague, &pp, 0, used, fee),
            used - target
        );
    }

    #[test]
    fn blob_fee() {
        assert_eq!(blob_base_fee_with(5_007_716, 5_007_716), 2);
        assert_eq!(blob_base_fee(0), 1);
        assert_eq!(blob_base_fee(BLOB_BASE_FEE_UPDATE_FRACTION), 2);
    }
}
