//! secp256k1 signatures as Ethereum uses them: RFC 6979, low-s, recovery id, `v` conventions, EIP-191.

use k256::ecdsa::hazmat::SignPrimitive;
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use k256::{NonZeroScalar, PublicKey};

use crate::address::{address_of, Address};
use crate::error::{Error, Result};
use crate::{B256, U256};

/// A recoverable signature: `r`, `s` (low, EIP-2) and the parity of the nonce point's `y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RecoverableSignature {
    /// `r`, big-endian.
    pub r: B256,
    /// `s`, big-endian, at most half the curve order.
    pub s: B256,
    /// 0 or 1: `yParity` of typed transactions and authorizations.
    pub y_parity: u8,
}

/// Signs the 32-byte `hash` with `key`: RFC 6979 deterministic nonce, `s`
/// normalized to the lower half (k256 does both), with the recovery parity.
pub fn sign_hash(key: &SigningKey, hash: &B256) -> Result<RecoverableSignature> {
    sign_hash_with_scalar(key.as_nonzero_scalar(), hash)
}

/// [`sign_hash`] with the secret scalar itself: what `SigningKey` does, without
/// the public key a `SigningKey` computes when it is made.
pub fn sign_hash_with_scalar(secret: &NonZeroScalar, hash: &B256) -> Result<RecoverableSignature> {
    let (sig, recid) = secret
        .as_ref()
        .try_sign_prehashed_rfc6979::<sha2::Sha256>(&(*hash).into(), &[])
        .map_err(|_| Error::InvalidSignature)?;
    let recid = recid.ok_or(Error::InvalidSignature)?;
    if recid.is_x_reduced() {
        return Err(Error::UnrepresentableSignature);
    }
    let (r, s) = sig.split_bytes();
    Ok(RecoverableSignature {
        r: r.into(),
        s: s.into(),
        y_parity: u8::from(recid.is_y_odd()),
    })
}

impl RecoverableSignature {
    /// Checks the values a valid Ethereum signature has: `r` and `s` in
    /// `1..n`, `s <= n/2`, `y_parity` 0 or 1.
    pub fn new(r: B256, s: B256, y_parity: u8) -> Result<Self> {
        let sig = Signature::from_scalars(r, s).map_err(|_| Error::InvalidSignature)?;
        if sig.normalize_s().is_some() {
            return Err(Error::HighS);
        }
        if y_parity > 1 {
            return Err(Error::Field {
                field: "yParity",
                error: crate::error::FieldError::OutOfRange,
            });
        }
        Ok(Self { r, s, y_parity })
    }

    /// The public key that made this signature over `hash`.
    pub fn recover_key(&self, hash: &B256) -> Result<VerifyingKey> {
        let sig = Signature::from_scalars(self.r, self.s).map_err(|_| Error::InvalidSignature)?;
        let recid = RecoveryId::new(self.y_parity == 1, false);
        VerifyingKey::recover_from_prehash(hash, &sig, recid).map_err(|_| Error::RecoveryFailed)
    }

    /// The address that made this signature over `hash`.
    pub fn recover_address(&self, hash: &B256) -> Result<Address> {
        let key = self.recover_key(hash)?;
        Ok(address_of(&PublicKey::from(&key)))
    }

    /// The legacy transaction `v`: `27 + y` without a chain id (pre-EIP-155),
    /// `chain_id * 2 + 35 + y` with one (EIP-155; any chain id whose `v` fits 256 bits).
    pub fn legacy_v(&self, chain_id: Option<&U256>) -> Result<U256> {
        let y = U256::from(self.y_parity);
        match chain_id {
            None => Ok(U256::from(27u8) + y),
            Some(id) => id
                .checked_mul(U256::from(2u8))
                .and_then(|v| v.checked_add(U256::from(35u8) + y))
                .ok_or(Error::ChainIdTooLarge),
        }
    }

    /// `r ‖ s ‖ v` with `v = 27 + y`: the 65-byte form of EIP-191 and EIP-712 signatures.
    pub fn to_rsv(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r);
        out[32..64].copy_from_slice(&self.s);
        out[64] = 27 + self.y_parity;
        out
    }
}

/// The EIP-191 (version `0x45`) hash of a personal message:
/// `keccak256("\x19Ethereum Signed Message:\n" ‖ decimal(len) ‖ message)`.
pub fn personal_message_hash(message: &[u8]) -> B256 {
    let mut h = evm_core::keccak::Keccak256::new();
    h.update(b"\x19Ethereum Signed Message:\n");
    let mut digits = [0u8; 20];
    let mut n = message.len() as u64;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    h.update(digits.get(i..).unwrap_or(&[]));
    h.update(message);
    h.finalize()
}

/// Signs `message` as an EIP-191 personal message; returns `r ‖ s ‖ v` (v = 27/28).
pub fn sign_personal_message(key: &SigningKey, message: &[u8]) -> Result<[u8; 65]> {
    Ok(sign_hash(key, &personal_message_hash(message))?.to_rsv())
}

/// Signs the EIP-7702 authorization `(chain_id, address, nonce)`: the tuple
/// then carries this signature's `yParity, r, s`.
pub fn sign_authorization(
    key: &SigningKey,
    chain_id: &U256,
    address: &Address,
    nonce: u64,
) -> Result<RecoverableSignature> {
    sign_hash(
        key,
        &crate::tx::encode::authorization_hash(chain_id, address, nonce),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    use proptest::prelude::*;

    /// The Hardhat/Anvil account #0 key (of the "test … junk" mnemonic).
    const ANVIL0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    fn key(hex_key: &str) -> SigningKey {
        SigningKey::from_slice(&hex::decode(hex_key).unwrap()).unwrap()
    }

    #[test]
    fn eip191_known_vector() {
        // viem's `signMessage` documentation: account 0xf39F…2266, message "hello world".
        let k = key(ANVIL0);
        let sig = sign_personal_message(&k, b"hello world").unwrap();
        assert_eq!(
            hex::encode(sig),
            "a461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf15fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b"
        );
        // The hash of "hello world" as `hashMessage` gives it.
        assert_eq!(
            hex::encode(personal_message_hash(b"hello world")),
            "d9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68"
        );
    }

    #[test]
    fn eip155_v_past_u64() {
        let sig = RecoverableSignature {
            r: [1; 32],
            s: [1; 32],
            y_parity: 1,
        };
        let id = U256::from(u64::MAX) + U256::from(1u8); // 2^64
        let v = sig.legacy_v(Some(&id)).unwrap();
        assert_eq!(
            v,
            U256::from(u64::MAX) * U256::from(2u8) + U256::from(2u8 + 35 + 1)
        );
        assert_eq!(sig.legacy_v(None).unwrap(), U256::from(28u8));
        assert_eq!(
            sig.legacy_v(Some(&U256::from(1u8))).unwrap(),
            U256::from(38u8)
        );
        assert_eq!(sig.legacy_v(Some(&U256::MAX)), Err(Error::ChainIdTooLarge));
    }

    #[test]
    fn rejects_bad_signature_values() {
        let n_half_plus =
            hex::decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1")
                .unwrap();
        let high: B256 = n_half_plus.try_into().unwrap();
        assert_eq!(
            RecoverableSignature::new([1; 32], high, 0),
            Err(Error::HighS)
        );
        assert_eq!(
            RecoverableSignature::new([0; 32], [1; 32], 0),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            RecoverableSignature::new([0xff; 32], [1; 32], 0),
            Err(Error::InvalidSignature)
        );
        assert!(RecoverableSignature::new([1; 32], [1; 32], 2).is_err());
        let n_half =
            hex::decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")
                .unwrap();
        assert!(RecoverableSignature::new([1; 32], n_half.try_into().unwrap(), 0).is_ok());
    }

    proptest! {
        #[test]
        fn signatures_verify_recover_and_are_low_s(secret in any::<[u8; 32]>(), hash in any::<[u8; 32]>()) {
            let Ok(k) = SigningKey::from_slice(&secret) else { return Ok(()); };
            let sig = sign_hash(&k, &hash).unwrap();
            // Deterministic (RFC 6979).
            prop_assert_eq!(sign_hash(&k, &hash).unwrap(), sig);
            // The same as k256's own recoverable signing.
            let (ksig, krecid) = k.sign_prehash_recoverable(&hash).unwrap();
            prop_assert_eq!(ksig.to_bytes().to_vec(), [sig.r, sig.s].concat());
            prop_assert_eq!(u8::from(krecid.is_y_odd()), sig.y_parity);
            // Low s, accepted by the strict constructor.
            prop_assert_eq!(RecoverableSignature::new(sig.r, sig.s, sig.y_parity).unwrap(), sig);
            // k256 verifies it and recovery gives the signer.
            let ks = Signature::from_scalars(sig.r, sig.s).unwrap();
            prop_assert!(k.verifying_key().verify_prehash(&hash, &ks).is_ok());
            prop_assert_eq!(&sig.recover_key(&hash).unwrap(), k.verifying_key());
            // The other parity recovers someone else.
            let flipped = RecoverableSignature { y_parity: 1 - sig.y_parity, ..sig };
            let other = flipped.recover_key(&hash).ok();
            prop_assert_ne!(other.as_ref(), Some(k.verifying_key()));
        }
    }
}
