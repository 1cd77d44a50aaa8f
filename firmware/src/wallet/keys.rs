//! Keys: the seed in the board's key storage, a path's key derived from it, and the test builds' mnemonic loading.

use protocol::{ErrorCode, WalletError};
use wallet::{DerivationPath, ExtendedKey};
use zeroize::Zeroize;

use crate::service::Platform;

/// Bytes of a BIP-39 seed.
pub const SEED_BYTES: usize = 64;

/// The stored seed, read for one request and wiped when dropped.
pub struct StoredSeed([u8; SEED_BYTES]);

impl StoredSeed {
    /// Read the seed from `platform`'s key storage.
    pub fn load<P: Platform>(platform: &P) -> Result<Self, WalletError> {
        let mut seed = Self([0; SEED_BYTES]);
        if platform.load_seed(&mut seed.0) {
            Ok(seed)
        } else {
            Err(WalletError::NoSeed)
        }
    }

    /// The key at `path` (BIP-32).
    pub fn derive(&self, path: &DerivationPath) -> Result<ExtendedKey, WalletError> {
        ExtendedKey::derive(&self.0, path).map_err(|_| WalletError::Derivation)
    }
}

impl Drop for StoredSeed {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The path of a request's indices.
pub fn path_of(indices: &[u32]) -> Result<DerivationPath, WalletError> {
    DerivationPath::from_indices(indices).map_err(|_| WalletError::Derivation)
}

/// Test builds (`test-hooks`): the seed of `words` and `passphrase` (BIP-39,
/// on the device) into the key storage; the instructions mnemonic → seed took.
#[cfg(feature = "test-hooks")]
#[inline(never)]
pub fn load_mnemonic<P: Platform>(
    platform: &mut P,
    words: &str,
    passphrase: Option<&str>,
) -> Result<u64, ErrorCode> {
    use protocol::limits::{MAX_MNEMONIC_CHARS, MAX_PASSPHRASE_BYTES};
    let passphrase = passphrase.unwrap_or("");
    for (len, limit) in [
        (words.len(), MAX_MNEMONIC_CHARS),
        (passphrase.len(), MAX_PASSPHRASE_BYTES),
    ] {
        if len > limit {
            return Err(ErrorCode::InputTooLarge {
                got: u32::try_from(len).unwrap_or(u32::MAX),
                limit: limit as u32,
            });
        }
    }
    let mut seed = None;
    let m = platform.measure(&mut || {
        seed = Some(wallet::Mnemonic::parse(words).and_then(|m| m.to_seed(passphrase)));
    });
    let invalid = ErrorCode::Wallet(WalletError::InvalidMnemonic);
    let seed = seed.ok_or(invalid)?.map_err(|_| invalid)?;
    if platform.store_seed(seed.as_bytes()) {
        Ok(m.instructions)
    } else {
        Err(ErrorCode::Wallet(WalletError::Storage))
    }
}

/// Production builds never load a mnemonic the host sends.
#[cfg(not(feature = "test-hooks"))]
pub fn load_mnemonic<P: Platform>(
    _platform: &mut P,
    _words: &str,
    _passphrase: Option<&str>,
) -> Result<u64, ErrorCode> {
    Err(ErrorCode::Wallet(WalletError::LoadRefused))
}
