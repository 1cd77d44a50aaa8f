//! EIP-7702 authorizations for the differential test: signing keys and the ways a tuple can be wrong.

use k256::ecdsa::SigningKey;
use proptest::prelude::*;

use crate::evm::authorization::signing_hash;
use crate::keccak::keccak256;
use crate::{Address, Authorization, U256};

/// Signers: 0 is the sender, 1–3 the generated EOAs, 4 a key no pre-state account has.
pub const SIGNERS: usize = 5;

/// secp256k1's group order n, big-endian.
const N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

fn n() -> U256 {
    U256::from_str_radix(N, 16).expect("hex")
}

/// The secret key of signer `i`.
pub fn key(i: usize) -> SigningKey {
    let mut b = [0u8; 32];
    b[0] = 0x42;
    b[31] = i as u8 + 1;
    SigningKey::from_bytes(&b.into()).expect("below n")
}

/// The address of signer `i`.
pub fn address(i: usize) -> Address {
    let point = key(i).verifying_key().to_encoded_point(false);
    let h = keccak256(&point.as_bytes()[1..]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

/// Ways to pick a chain id (0–5: the block's; 6: zero, valid anywhere; 7–9 wrong).
pub const CHAINS: u8 = 10;
/// Ways to pick a nonce (0–5: the authority's; 6–8 wrong).
pub const NONCES: u8 = 9;
/// Ways to sign (0–9: valid; 10–18 broken).
pub const SIGS: u8 = 19;

/// Whether a tuple applies, for an authority without code (`None`: a
/// broken signature that recovers some other key, which may apply).
pub fn valid(s: &AuthSpec) -> Option<bool> {
    if matches!(s.sig, 13 | 17 | 18) {
        return None;
    }
    Some(s.sig < 10 && s.chain <= 6 && s.nonce <= 5)
}

/// One tuple to build: who signs, what it delegates to (an index into the
/// test's targets), and how its chain id, nonce and signature are chosen.
#[derive(Debug, Clone, Copy)]
pub struct AuthSpec {
    pub signer: usize,
    pub target: usize,
    pub chain: u8,
    pub nonce: u8,
    pub sig: u8,
}

/// A tuple with its target drawn by `target`.
pub fn auth_spec(target: impl Strategy<Value = usize>) -> impl Strategy<Value = AuthSpec> {
    (0..SIGNERS, target, 0u8..CHAINS, 0u8..NONCES, 0u8..SIGS).prop_map(
        |(signer, target, chain, nonce, sig)| AuthSpec {
            signer,
            target,
            chain,
            nonce,
            sig,
        },
    )
}

/// The tuple `spec` describes, for an authority whose nonce is expected to
/// be `nonce` when it is applied, on chain `chain_id`.
pub fn build(spec: &AuthSpec, target: Address, nonce: u64, chain_id: u64) -> Authorization {
    let chain_id = match spec.chain {
        6 => U256::ZERO,
        7 => U256::from(chain_id + 1),
        8 => U256::MAX,
        9 => U256::from(chain_id) + (U256::from(1u8) << 64),
        _ => U256::from(chain_id),
    };
    let nonce = match spec.nonce {
        6 => nonce + 1,
        // One below (from 0: u64::MAX, which no authorization may carry).
        7 => nonce.wrapping_sub(1),
        8 => u64::MAX,
        _ => nonce,
    };
    let mut auth = Authorization {
        chain_id,
        address: target,
        nonce,
        ..Authorization::default()
    };
    let mut hash = signing_hash(&auth);
    if spec.sig == 13 {
        // Signed over another message: recovers some other authority.
        hash[0] ^= 1;
    }
    let (sig, id) = key(spec.signer)
        .sign_prehash_recoverable(&hash)
        .expect("a 32-byte prehash");
    let (r, s) = sig.split_bytes();
    auth.r = U256::from_be_slice(&r);
    auth.s = U256::from_be_slice(&s);
    auth.y_parity = u8::from(id.is_y_odd());
    // Low s, as every valid signature must have (EIP-2).
    if auth.s > n() >> 1 {
        auth.s = n() - auth.s;
        auth.y_parity ^= 1;
    }
    match spec.sig {
        // The high-s twin of a valid signature.
        10 => {
            auth.s = n() - auth.s;
            auth.y_parity ^= 1;
        }
        11 => auth.y_parity += 2,
        12 => auth.y_parity += 27,
        14 => auth.r = U256::ZERO,
        15 => auth.s = U256::ZERO,
        16 => auth.r = n(),
        17 => auth.r ^= U256::from(1u8) << 7,
        18 => auth.s = n() >> 1,
        _ => {}
    }
    auth
}
