//! Matching a fixture's `expectException` names against evm-core's transaction rejections.

use evm_core::InvalidTx;

/// Whether rejection `got` is one the fixture's `expectException` names
/// (alternatives separated by `|`). Execution-spec-tests names
/// (`TransactionException.*`) must be known and match; an unknown
/// GeneralStateTests name matches anything.
pub fn exception_matches(expected: &str, got: &InvalidTx) -> bool {
    use InvalidTx as I;
    expected.split('|').any(|name| {
        let name = name.trim();
        let strict = name.starts_with("TransactionException.");
        let name = name.trim_start_matches("TransactionException.");
        match name {
            "INTRINSIC_GAS_TOO_LOW" | "IntrinsicGas" | "TR_IntrinsicGas" => {
                matches!(got, I::IntrinsicGasTooLow { .. })
            }
            "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST" => matches!(got, I::FloorGasTooLow { .. }),
            "TR_NoFunds" | "TR_NoFundsX" | "INSUFFICIENT_ACCOUNT_FUNDS" => {
                matches!(got, I::InsufficientFunds | I::FeeOverflow)
            }
            "TR_NoFundsOrGas" => matches!(
                got,
                I::InsufficientFunds
                    | I::FeeOverflow
                    | I::IntrinsicGasTooLow { .. }
                    | I::GasLimitAboveBlock
            ),
            "SenderNotEOA" | "SENDER_NOT_EOA" => matches!(got, I::SenderHasCode),
            "TR_FeeCapLessThanBlocks" | "INSUFFICIENT_MAX_FEE_PER_GAS" => {
                matches!(got, I::FeeCapBelowBaseFee)
            }
            "TR_NonceHasMaxValue" | "NONCE_IS_MAX" => matches!(got, I::NonceOverflow),
            "NONCE_MISMATCH_TOO_LOW" | "NONCE_MISMATCH_TOO_HIGH" => {
                matches!(got, I::NonceMismatch { .. })
            }
            "TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH" | "TR_BLOBVERSION_INVALID" => {
                matches!(got, I::BlobVersion)
            }
            "INITCODE_SIZE_EXCEEDED" | "TR_InitCodeLimitExceeded" => {
                matches!(got, I::InitcodeTooLarge)
            }
            "TR_TipGtFeeCap" | "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS" => {
                matches!(got, I::PriorityFeeAboveFeeCap)
            }
            "TR_GasLimitReached" | "GAS_ALLOWANCE_EXCEEDED" => {
                matches!(got, I::GasLimitAboveBlock)
            }
            "GAS_LIMIT_EXCEEDS_MAXIMUM" => matches!(got, I::GasLimitAboveCap),
            "INSUFFICIENT_MAX_FEE_PER_BLOB_GAS" => matches!(got, I::BlobFeeCapTooLow),
            "TYPE_3_TX_ZERO_BLOBS"
            | "TR_EMPTYBLOB"
            | "TYPE_3_TX_BLOB_COUNT_EXCEEDED"
            | "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED"
            | "TR_BLOBLIST_OVERSIZE" => matches!(got, I::BlobCount),
            "TR_BLOBCREATE" | "TYPE_3_TX_CONTRACT_CREATION" => matches!(got, I::BlobCreate),
            "TYPE_4_TX_CONTRACT_CREATION" => matches!(got, I::SetCodeCreate),
            "TYPE_4_EMPTY_AUTHORIZATION_LIST" => matches!(got, I::EmptyAuthorizationList),
            "TYPE_4_TX_PRE_FORK" => matches!(got, I::TypeNotSupported),
            _ => !strict,
        }
    })
}
