//! BIP-32 hierarchical deterministic secp256k1 keys: master key from a seed, child derivation.

use core::cell::OnceCell;

use hmac::{Hmac, Mac};
use k256::elliptic_curve::ops::MulByGenerator;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{NonZeroScalar, ProjectivePoint, PublicKey, Scalar, SecretKey};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroize;

use crate::address::{address_of, Address};
use crate::error::{Error, Result};
use crate::path::{DerivationPath, HARDENED};

/// `xpub` version bytes of BIP-32 (main net).
const XPUB: [u8; 4] = [0x04, 0x88, 0xb2, 0x1e];

/// An extended private key: secret key, chain code and its place in the tree.
/// The chain code is zeroized on drop, the key by `k256` itself.
///
/// The public key (a point multiplication, the costly part) is computed
/// only when asked for, once.
pub struct ExtendedKey {
    secret: SecretKey,
    chain_code: [u8; 32],
    depth: u8,
    parent_fingerprint: [u8; 4],
    child_number: u32,
    public: OnceCell<PublicKey>,
}

impl Drop for ExtendedKey {
    fn drop(&mut self) {
        self.chain_code.zeroize();
    }
}

impl core::fmt::Debug for ExtendedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "ExtendedKey(depth {}, child {:#x}, ..)",
            self.depth, self.child_number
        )
    }
}

/// HMAC-SHA512 of `parts` under `key`, as (left, right) halves; the caller zeroizes.
fn hmac512(key: &[u8], parts: &[&[u8]]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // HMAC takes keys of any length: `new_from_slice` cannot fail.
    if let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(key) {
        for p in parts {
            mac.update(p);
        }
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// `secret · G`, by k256's generator multiplication (its precomputed
/// tables where the build enables them).
fn public_of(secret: &SecretKey) -> PublicKey {
    let point = ProjectivePoint::mul_by_generator(secret.to_nonzero_scalar().as_ref());
    // Only the identity is refused, and a nonzero scalar never gives it.
    PublicKey::from_affine(point.to_affine()).unwrap_or_else(|_| secret.public_key())
}

fn split(i: &[u8; 64]) -> ([u8; 32], [u8; 32]) {
    let mut l = [0u8; 32];
    let mut r = [0u8; 32];
    l.copy_from_slice(i.get(..32).unwrap_or(&[0; 32]));
    r.copy_from_slice(i.get(32..).unwrap_or(&[0; 32]));
    (l, r)
}

impl ExtendedKey {
    /// The master key of `seed` (16 to 64 bytes): HMAC-SHA512 keyed `"Bitcoin seed"`.
    pub fn master(seed: &[u8]) -> Result<Self> {
        if !(16..=64).contains(&seed.len()) {
            return Err(Error::SeedLength { got: seed.len() });
        }
        let mut i = hmac512(b"Bitcoin seed", &[seed]);
        let (mut il, chain_code) = split(&i);
        i.zeroize();
        let secret = SecretKey::from_bytes(&il.into()).map_err(|_| Error::InvalidChildKey);
        il.zeroize();
        Ok(Self {
            secret: secret?,
            chain_code,
            depth: 0,
            parent_fingerprint: [0; 4],
            child_number: 0,
            public: OnceCell::new(),
        })
    }

    /// The key at `path` below the master key of `seed`. Only the parents of
    /// normal (non-hardened) children and the last key's parent (its
    /// fingerprint) get their public keys computed: m/44'/60'/0'/0/0 takes
    /// two point multiplications.
    pub fn derive(seed: &[u8], path: &DerivationPath) -> Result<Self> {
        let key = Self::master(seed)?;
        let Some((last, parents)) = path.indices().split_last() else {
            return Ok(key);
        };
        let mut key = key;
        for index in parents {
            key = key.child_key(*index)?;
        }
        key.child(*last)
    }

    /// The child `index` (hardened if [`HARDENED`] is set): CKDpriv of BIP-32.
    pub fn child(&self, index: u32) -> Result<Self> {
        let mut child = self.child_key(index)?;
        child.parent_fingerprint = self.fingerprint();
        Ok(child)
    }

    /// [`Self::child`] without the parent fingerprint (left zero): for the
    /// keys on the way down a path, whose fingerprints nothing reads.
    fn child_key(&self, index: u32) -> Result<Self> {
        let index_bytes = index.to_be_bytes();
        let mut i = if index & HARDENED != 0 {
            let mut k = self.secret.to_bytes();
            let out = hmac512(&self.chain_code, &[&[0], &k, &index_bytes]);
            k.zeroize();
            out
        } else {
            hmac512(&self.chain_code, &[&self.public_key(), &index_bytes])
        };
        let (mut il, chain_code) = split(&i);
        i.zeroize();
        let tweak: Option<Scalar> = Scalar::from_repr(il.into()).into();
        il.zeroize();
        let tweak = tweak.ok_or(Error::InvalidChildKey)?;
        let child: Option<NonZeroScalar> =
            NonZeroScalar::new(tweak + self.secret.to_nonzero_scalar().as_ref()).into();
        let child = child.ok_or(Error::InvalidChildKey)?;
        Ok(Self {
            secret: SecretKey::from(child),
            chain_code,
            depth: self.depth.saturating_add(1),
            parent_fingerprint: [0; 4],
            child_number: index,
            public: OnceCell::new(),
        })
    }

    /// The public key (computed on the first call).
    pub fn public(&self) -> &PublicKey {
        self.public.get_or_init(|| public_of(&self.secret))
    }

    /// The compressed SEC1 public key (33 bytes).
    pub fn public_key(&self) -> [u8; 33] {
        let point = self.public().to_encoded_point(true);
        let mut out = [0u8; 33];
        if point.as_bytes().len() == 33 {
            out.copy_from_slice(point.as_bytes());
        }
        out
    }

    /// The uncompressed SEC1 public key (65 bytes, `0x04 ‖ x ‖ y`).
    pub fn public_key_uncompressed(&self) -> [u8; 65] {
        let point = self.public().to_encoded_point(false);
        let mut out = [0u8; 65];
        if point.as_bytes().len() == 65 {
            out.copy_from_slice(point.as_bytes());
        }
        out
    }

    /// The Ethereum address of this key.
    pub fn address(&self) -> Address {
        address_of(self.public())
    }

    /// The first four bytes of HASH160 (RIPEMD-160 of SHA-256) of the public key.
    pub fn fingerprint(&self) -> [u8; 4] {
        let h = Ripemd160::digest(Sha256::digest(self.public_key()));
        let mut out = [0u8; 4];
        out.copy_from_slice(h.get(..4).unwrap_or(&[0; 4]));
        out
    }

    /// The signing key (zeroized on drop by `k256`). Making one computes the
    /// public key again; [`Self::sign_hash`] signs without it.
    pub fn signing_key(&self) -> k256::ecdsa::SigningKey {
        k256::ecdsa::SigningKey::from(&self.secret)
    }

    /// Signs the 32-byte `hash` with this key: [`crate::sign::sign_hash`].
    pub fn sign_hash(&self, hash: &crate::B256) -> Result<crate::RecoverableSignature> {
        crate::sign::sign_hash_with_scalar(&self.secret.to_nonzero_scalar(), hash)
    }

    /// Depth in the tree (0 for the master key).
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// The 78-byte BIP-32 serialization of the extended *public* key
    /// (`xpub` version; base58check it to get the familiar string).
    pub fn xpub(&self) -> [u8; 78] {
        self.serialize(XPUB, &self.public_key())
    }

    fn serialize(&self, version: [u8; 4], key: &[u8; 33]) -> [u8; 78] {
        let mut out = [0u8; 78];
        let parts: [&[u8]; 6] = [
            &version,
            &[self.depth],
            &self.parent_fingerprint,
            &self.child_number.to_be_bytes(),
            &self.chain_code,
            key,
        ];
        let mut n = 0;
        for p in parts {
            if let Some(dst) = out.get_mut(n..n + p.len()) {
                dst.copy_from_slice(p);
            }
            n += p.len();
        }
        out
    }

    /// The `xprv` serialization (tests compare it with the BIP-32 vectors).
    #[cfg(test)]
    fn xprv(&self) -> [u8; 78] {
        let mut key = [0u8; 33];
        key[1..].copy_from_slice(&self.secret.to_bytes());
        self.serialize([0x04, 0x88, 0xad, 0xe4], &key)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::mnemonic::Mnemonic;

    /// (seed, path, xpub, xprv) from the BIP-32 test vectors 1–3.
    const VECTORS: &[(&str, &str, &str, &str)] = &[
        ("000102030405060708090a0b0c0d0e0f", "m",
         "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
         "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"),
        ("000102030405060708090a0b0c0d0e0f", "m/0'",
         "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
         "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7"),
        ("000102030405060708090a0b0c0d0e0f", "m/0'/1",
         "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ",
         "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs"),
        ("000102030405060708090a0b0c0d0e0f", "m/0'/1/2'/2/1000000000",
         "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
         "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76"),
        ("fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542",
         "m/0/2147483647'",
         "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a",
         "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9"),
        ("fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542",
         "m/0/2147483647'/1/2147483646'/2",
         "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt",
         "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j"),
        ("4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be",
         "m/0'",
         "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y",
         "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L"),
    ];

    fn unbase58(s: &str) -> Vec<u8> {
        bs58::decode(s).with_check(None).into_vec().unwrap()
    }

    #[test]
    fn bip32_test_vectors() {
        for (seed, path, xpub, xprv) in VECTORS {
            let seed = hex::decode(seed).unwrap();
            let key = ExtendedKey::derive(&seed, &DerivationPath::parse(path).unwrap()).unwrap();
            assert_eq!(key.xpub().to_vec(), unbase58(xpub), "xpub of {path}");
            assert_eq!(key.xprv().to_vec(), unbase58(xprv), "xprv of {path}");
        }
    }

    #[test]
    fn the_test_mnemonic_gives_the_well_known_address() {
        let m =
            Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
        let seed = m.to_seed("").unwrap();
        let path = DerivationPath::parse("m/44'/60'/0'/0/0").unwrap();
        let key = ExtendedKey::derive(seed.as_bytes(), &path).unwrap();
        assert_eq!(
            crate::address::checksummed(&key.address()).as_str(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        // The second account of the same mnemonic (Hardhat/Anvil account #1).
        let key1 =
            ExtendedKey::derive(seed.as_bytes(), &DerivationPath::bip44(1).unwrap()).unwrap();
        assert_eq!(
            crate::address::checksummed(&key1.address()).as_str(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        );
    }

    #[test]
    fn a_derived_key_is_the_chain_of_its_children_and_signs_alike() {
        let seed = [7u8; 64];
        let path = DerivationPath::parse("m/44'/60'/0'/0/3").unwrap();
        let derived = ExtendedKey::derive(&seed, &path).unwrap();
        let mut chained = ExtendedKey::master(&seed).unwrap();
        for index in path.indices() {
            chained = chained.child(*index).unwrap();
        }
        assert_eq!(derived.xprv(), chained.xprv());
        assert_eq!(derived.xpub(), chained.xpub());
        let hash = [0x42; 32];
        assert_eq!(
            derived.sign_hash(&hash).unwrap(),
            crate::sign::sign_hash(&chained.signing_key(), &hash).unwrap()
        );
        assert_eq!(
            derived.public(),
            &chained.signing_key().verifying_key().into()
        );
    }

    #[test]
    fn seed_length_is_checked() {
        assert_eq!(
            ExtendedKey::master(&[0; 15]).err(),
            Some(Error::SeedLength { got: 15 })
        );
        assert!(ExtendedKey::master(&[0; 65]).is_err());
        assert!(ExtendedKey::master(&[0; 16]).is_ok());
    }
}
