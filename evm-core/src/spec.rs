//! The fork whose rules a transaction follows (Cancun, Prague, Osaka) and what each fork sets.

use crate::opcode::{OpCheck, CHECKS_CANCUN, CHECKS_OSAKA};

/// A hard fork of Ethereum mainnet, the rules [`crate::Evm::transact`] applies.
///
/// Chosen once per transaction ([`crate::Evm::set_spec`]); the hot path reads
/// per-spec tables picked at the start of a frame, not the spec itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Spec {
    /// Cancun (March 2024): EIP-1153, 4844, 5656, 6780, 7516.
    Cancun,
    /// Prague (May 2025): EIP-7702, 7623, 2537, 7691, 7840, 2935.
    Prague,
    /// Osaka (December 2025): EIP-7939, 7951, 7823, 7883, 7825, 7918, 7594.
    #[default]
    Osaka,
}

/// Blob parameters of a fork (EIP-7840's `blobSchedule` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BlobParams {
    /// Target blobs per block.
    pub target: u64,
    /// Maximum blobs per block.
    pub max: u64,
    /// Blob base fee update fraction.
    pub update_fraction: u64,
}

/// Transaction gas limit cap from Osaka on (EIP-7825).
pub const TX_GAS_LIMIT_CAP: u64 = 1 << 24;
/// Blobs per transaction from Osaka on (EIP-7594).
pub const MAX_BLOBS_PER_TX_OSAKA: u64 = 6;

impl Spec {
    /// All specs, oldest first.
    pub const ALL: [Spec; 3] = [Spec::Cancun, Spec::Prague, Spec::Osaka];

    /// The fork's name as in state-test files (`"Cancun"`, `"Prague"`, `"Osaka"`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cancun => "Cancun",
            Self::Prague => "Prague",
            Self::Osaka => "Osaka",
        }
    }

    /// The spec called `name` (case-insensitive), if known.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }

    /// Whether Prague's rules apply (EIP-7702, 7623, 2537…).
    #[inline]
    pub const fn is_prague(self) -> bool {
        !matches!(self, Self::Cancun)
    }

    /// Whether Osaka's rules apply (EIP-7939, 7951, 7823, 7883, 7825, 7594).
    #[inline]
    pub const fn is_osaka(self) -> bool {
        matches!(self, Self::Osaka)
    }

    /// The per-instruction checks (static gas, stack bounds; undefined opcodes) of this fork.
    #[inline]
    pub fn checks(self) -> &'static [OpCheck; 256] {
        if self.is_osaka() {
            &CHECKS_OSAKA
        } else {
            &CHECKS_CANCUN
        }
    }

    /// The fork's default blob schedule (EIP-4844, 7691).
    pub const fn blob_params(self) -> BlobParams {
        match self {
            Self::Cancun => BlobParams {
                target: 3,
                max: 6,
                update_fraction: 3_338_477,
            },
            Self::Prague | Self::Osaka => BlobParams {
                target: 6,
                max: 9,
                update_fraction: 5_007_716,
            },
        }
    }

    /// The most blobs one transaction may carry, given the block maximum
    /// `block_max` (EIP-7594 caps it at 6 from Osaka on).
    pub const fn max_blobs_per_tx(self, block_max: u64) -> u64 {
        if self.is_osaka() && block_max > MAX_BLOBS_PER_TX_OSAKA {
            MAX_BLOBS_PER_TX_OSAKA
        } else {
            block_max
        }
    }

    /// Transaction gas limit cap (EIP-7825), `None` before Osaka.
    pub const fn tx_gas_limit_cap(self) -> Option<u64> {
        if self.is_osaka() {
            Some(TX_GAS_LIMIT_CAP)
        } else {
            None
        }
    }
}

impl core::fmt::Display for Spec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcode::op;

    #[test]
    fn names_and_order() {
        assert_eq!(Spec::default(), Spec::Osaka);
        for s in Spec::ALL {
            assert_eq!(Spec::from_name(s.name()), Some(s));
        }
        assert_eq!(Spec::from_name("prague"), Some(Spec::Prague));
        assert_eq!(Spec::from_name("Shanghai"), None);
        assert!(Spec::Cancun < Spec::Prague && Spec::Prague < Spec::Osaka);
        assert!(!Spec::Cancun.is_prague() && Spec::Prague.is_prague() && !Spec::Prague.is_osaka());
    }

    #[test]
    fn clz_only_in_osaka() {
        assert_eq!(Spec::Cancun.checks()[op::CLZ as usize].inputs, u16::MAX);
        assert_eq!(Spec::Prague.checks()[op::CLZ as usize].inputs, u16::MAX);
        assert_eq!(Spec::Osaka.checks()[op::CLZ as usize].inputs, 1);
        assert_eq!(Spec::Osaka.checks()[op::CLZ as usize].gas, 5);
        // Everything else is the same.
        for i in (0..256).filter(|i| *i != op::CLZ as usize) {
            assert_eq!(Spec::Cancun.checks()[i], Spec::Osaka.checks()[i]);
        }
    }

    #[test]
    fn blob_schedule() {
        assert_eq!(Spec::Cancun.blob_params().max, 6);
        assert_eq!(Spec::Prague.blob_params().target, 6);
        assert_eq!(Spec::Prague.max_blobs_per_tx(9), 9);
        assert_eq!(Spec::Osaka.max_blobs_per_tx(9), 6);
        assert_eq!(Spec::Osaka.max_blobs_per_tx(3), 3);
        assert_eq!(Spec::Prague.tx_gas_limit_cap(), None);
        assert_eq!(Spec::Osaka.tx_gas_limit_cap(), Some(1 << 24));
    }
}
