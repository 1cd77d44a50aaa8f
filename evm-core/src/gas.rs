//! Gas constants and cost formulas of the Cancun fork.

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

/// Blob base fee for `excess_blob_gas` (EIP-4844).
pub fn blob_base_fee(excess_blob_gas: u64) -> u128 {
    fake_exponential(
        MIN_BLOB_BASE_FEE,
        excess_blob_gas,
        BLOB_BASE_FEE_UPDATE_FRACTION,
    )
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
    fn blob_fee() {
        assert_eq!(blob_base_fee(0), 1);
        assert_eq!(blob_base_fee(BLOB_BASE_FEE_UPDATE_FRACTION), 2);
    }
}
