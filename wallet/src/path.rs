//! BIP-32 derivation paths: strict parsing of `m/44'/60'/0'/0/0`, at most ten levels.

use core::fmt;

use crate::error::{Error, Result};
use crate::limits::{MAX_PATH_CHARS, MAX_PATH_DEPTH};

/// The bit that marks a hardened index.
pub const HARDENED: u32 = 0x8000_0000;

/// A derivation path: up to [`MAX_PATH_DEPTH`] child indices, hardened ones with [`HARDENED`] set.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DerivationPath {
    indices: [u32; MAX_PATH_DEPTH],
    len: u8,
}

impl DerivationPath {
    /// The master key's path, `m`.
    pub const MASTER: Self = Self {
        indices: [0; MAX_PATH_DEPTH],
        len: 0,
    };

    /// The path of `indices` (hardened ones with [`HARDENED`] set).
    pub fn from_indices(indices: &[u32]) -> Result<Self> {
        let mut p = Self::MASTER;
        let dst = p
            .indices
            .get_mut(..indices.len())
            .ok_or(Error::PathTooDeep {
                limit: MAX_PATH_DEPTH,
            })?;
        dst.copy_from_slice(indices);
        p.len = indices.len() as u8; // at most MAX_PATH_DEPTH (10)
        Ok(p)
    }

    /// `m/44'/60'/0'/0/index`, the path of MetaMask, Trezor and most wallets.
    pub fn bip44(account_index: u32) -> Result<Self> {
        Self::from_indices(&[
            44 | HARDENED,
            60 | HARDENED,
            HARDENED,
            0,
            check(account_index)?,
        ])
    }

    /// `m/44'/60'/index'/0/0`, the Ledger Live path.
    pub fn ledger_live(account_index: u32) -> Result<Self> {
        Self::from_indices(&[
            44 | HARDENED,
            60 | HARDENED,
            check(account_index)? | HARDENED,
            0,
            0,
        ])
    }

    /// Parses `m` followed by levels `/N` (normal) or `/N'` / `/Nh` (hardened),
    /// `N` decimal without leading zeros and below 2^31. Nothing else is accepted:
    /// no spaces, no trailing `/`, no `M`, no empty level.
    pub fn parse(s: &str) -> Result<Self> {
        if s.len() > MAX_PATH_CHARS {
            return Err(Error::TooLong {
                got: s.len(),
                limit: MAX_PATH_CHARS,
            });
        }
        let b = s.as_bytes();
        if b.first() != Some(&b'm') {
            return Err(Error::PathSyntax { at: 0 });
        }
        let mut p = Self::MASTER;
        let mut pos = 1;
        while pos < b.len() {
            if b.get(pos) != Some(&b'/') {
                return Err(Error::PathSyntax { at: pos });
            }
            pos += 1;
            let start = pos;
            let mut value: u32 = 0;
            while let Some(d) = b.get(pos).filter(|c| c.is_ascii_digit()) {
                if pos > start && value == 0 {
                    return Err(Error::PathSyntax { at: start }); // leading zero
                }
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u32::from(d - b'0')))
                    .filter(|v| *v < HARDENED)
                    .ok_or(Error::PathSyntax { at: start })?;
                pos += 1;
            }
            if pos == start {
                return Err(Error::PathSyntax { at: pos });
            }
            if matches!(b.get(pos), Some(b'\'' | b'h')) {
                value |= HARDENED;
                pos += 1;
            }
            let len = usize::from(p.len);
            let slot = p.indices.get_mut(len).ok_or(Error::PathTooDeep {
                limit: MAX_PATH_DEPTH,
            })?;
            *slot = value;
            p.len += 1;
        }
        Ok(p)
    }

    /// The child indices, root first.
    pub fn indices(&self) -> &[u32] {
        self.indices.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of levels (0 for `m`).
    pub fn depth(&self) -> usize {
        usize::from(self.len)
    }
}

fn check(index: u32) -> Result<u32> {
    if index < HARDENED {
        Ok(index)
    } else {
        Err(Error::PathSyntax { at: 0 })
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for i in self.indices() {
            if i & HARDENED != 0 {
                write!(f, "/{}'", i & !HARDENED)?;
            } else {
                write!(f, "/{i}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerivationPath({self})")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_usual_paths() {
        let p = DerivationPath::parse("m/44'/60'/0'/0/0").unwrap();
        assert_eq!(p.indices(), &[44 | HARDENED, 60 | HARDENED, HARDENED, 0, 0]);
        assert_eq!(p, DerivationPath::bip44(0).unwrap());
        assert_eq!(
            DerivationPath::parse("m/44h/60h/3h/0/0").unwrap(),
            DerivationPath::ledger_live(3).unwrap()
        );
        assert_eq!(DerivationPath::parse("m").unwrap().depth(), 0);
        let max = DerivationPath::parse("m/2147483647'/2147483647").unwrap();
        assert_eq!(max.indices(), &[u32::MAX, HARDENED - 1]);
        let ten = "m".to_string() + &"/1'".repeat(10);
        assert_eq!(DerivationPath::parse(&ten).unwrap().depth(), 10);
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "M/0",
            "m/",
            "m//0",
            "m/0/",
            "m/01",
            "m/00",
            "m/-1",
            "m/+1",
            "m/ 0",
            "m/0 ",
            "m/2147483648",
            "m/4294967296",
            "m/0''",
            "m/0'h",
            "m/0x1",
            "/0",
            "m0",
            "m/1H",
        ] {
            assert!(DerivationPath::parse(bad).is_err(), "accepted {bad:?}");
        }
        let eleven = "m".to_string() + &"/1".repeat(11);
        assert_eq!(
            DerivationPath::parse(&eleven),
            Err(Error::PathTooDeep { limit: 10 })
        );
        assert!(DerivationPath::from_indices(&[0; 11]).is_err());
        assert!(DerivationPath::bip44(HARDENED).is_err());
    }

    proptest! {
        #[test]
        fn display_round_trips(indices in proptest::collection::vec(any::<u32>(), 0..=10)) {
            let p = DerivationPath::from_indices(&indices).unwrap();
            let s = p.to_string();
            prop_assert_eq!(DerivationPath::parse(&s).unwrap(), p);
        }

        #[test]
        fn parse_never_panics(s in "[m0-9/'h ]{0,40}") {
            if let Ok(p) = DerivationPath::parse(&s) {
                prop_assert_eq!(p.to_string().replace('\'', "h"), s.replace('\'', "h"));
            }
        }
    }
}
