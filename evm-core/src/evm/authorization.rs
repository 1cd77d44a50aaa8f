//! EIP-7702 (Prague): the delegation designator, authority recovery and the authorization list of a type-4 transaction.

use super::{ext_code, Evm, R};
use crate::env::Authorization;
use crate::error::Error;
use crate::gas;
use crate::journal::EXISTED;
use crate::primitives::keccak256;
use crate::state::{Address, State, B256, U256};
use crate::tracer::Tracer;

/// The first bytes of a delegation designator, `0xef0100 ‖ address`.
pub const DELEGATION_PREFIX: [u8; 3] = [0xef, 0x01, 0x00];

/// Length of a delegation designator.
pub const DESIGNATOR_LEN: usize = 23;

/// Magic byte prefixed to an authorization's RLP before hashing (EIP-7702).
pub const AUTH_MAGIC: u8 = 0x05;

/// The delegate of an account whose code is `code`, if it is a designator.
#[inline]
pub fn delegation_target(code: &[u8]) -> Option<Address> {
    if code.len() != DESIGNATOR_LEN || code[..3] != DELEGATION_PREFIX {
        return None;
    }
    let mut a = [0u8; 20];
    a.copy_from_slice(&code[3..]);
    Some(a)
}

/// The designator `0xef0100 ‖ address`.
pub fn designator(address: &Address) -> [u8; DESIGNATOR_LEN] {
    let mut d = [0u8; DESIGNATOR_LEN];
    d[..3].copy_from_slice(&DELEGATION_PREFIX);
    d[3..].copy_from_slice(address);
    d
}

/// Appends the RLP string of a big-endian unsigned integer (leading zeros stripped).
fn put_uint(out: &mut [u8; 80], len: &mut usize, be: &[u8]) {
    let skip = be.iter().take_while(|b| **b == 0).count();
    let v = &be[skip..];
    if v.len() == 1 && v[0] < 0x80 {
        out[*len] = v[0];
        *len += 1;
    } else {
        out[*len] = 0x80 + v.len() as u8;
        out[*len + 1..*len + 1 + v.len()].copy_from_slice(v);
        *len += 1 + v.len();
    }
}

/// The hash an authority signs: `keccak256(0x05 ‖ rlp([chain_id, address, nonce]))`.
pub fn signing_hash(auth: &Authorization) -> B256 {
    // Payload at most 33 + 21 + 9 = 63 bytes; header 2 bytes; magic 1.
    let mut payload = [0u8; 80];
    let mut n = 0;
    put_uint(&mut payload, &mut n, &auth.chain_id.to_be_bytes::<32>());
    payload[n] = 0x80 + 20;
    payload[n + 1..n + 21].copy_from_slice(&auth.address);
    n += 21;
    put_uint(&mut payload, &mut n, &auth.nonce.to_be_bytes());
    let mut msg = [0u8; 83];
    msg[0] = AUTH_MAGIC;
    let head = if n < 56 {
        msg[1] = 0xc0 + n as u8;
        2
    } else {
        msg[1] = 0xf8;
        msg[2] = n as u8;
        3
    };
    msg[head..head + n].copy_from_slice(&payload[..n]);
    keccak256(&msg[..head + n])
}

/// Half the secp256k1 group order: a larger `s` is invalid (EIP-2).
const SECP256K1N_HALF: U256 = U256::from_limbs([
    0xdfe9_2f46_681b_20a0,
    0x5d57_6e73_57a4_501d,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
]);

/// The authority that signed `auth`, recovered with k256 (`None`: an invalid
/// signature: `y_parity` above 1, `r` or `s` zero, `r ≥ n`, `s > n/2`, or no key).
pub fn recover_authority(auth: &Authorization) -> Option<Address> {
    use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
    if auth.y_parity > 1 || auth.s > SECP256K1N_HALF {
        return None;
    }
    let r: [u8; 32] = auth.r.to_be_bytes();
    let s: [u8; 32] = auth.s.to_be_bytes();
    // Rejects zero and values not below n.
    let sig = Signature::from_scalars(r, s).ok()?;
    let hash = signing_hash(auth);
    let id = RecoveryId::new(auth.y_parity == 1, false);
    let key = VerifyingKey::recover_from_prehash(&hash, &sig, id).ok()?;
    let point = key.to_encoded_point(false);
    let h = keccak256(point.as_bytes().get(1..)?);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    Some(a)
}

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Applies the authorization list of a type-4 transaction (after the
    /// sender's nonce is bumped, before execution). Invalid tuples are
    /// skipped. Returns the refund earned by authorities that already existed.
    pub(super) fn apply_authorizations(
        &mut self,
        chain_id: u64,
        list: &[Authorization],
    ) -> R<u64, S::Error> {
        let mut refund = 0u64;
        for auth in list {
            // One signature recovery each (about a precompile's ecrecover).
            self.take_steps(3000)?;
            if !(auth.chain_id.is_zero() || auth.chain_id == U256::from(chain_id)) {
                continue;
            }
            if auth.nonce == u64::MAX {
                continue;
            }
            let Some(authority) = recover_authority(auth) else {
                continue;
            };
            let (i, _) = self.journal.access(&self.state, &authority)?;
            let acct = *self.journal.account(i);
            let code = ext_code(&self.state, &self.code, &acct)?;
            if !code.is_empty() && delegation_target(code).is_none() {
                continue;
            }
            if acct.info.nonce != auth.nonce {
                continue;
            }
            if acct.flags & EXISTED != 0 || !acct.info.is_empty() {
                refund += gas::PER_EMPTY_ACCOUNT_COST - gas::PER_AUTH_BASE_COST;
            }
            let (hash, loc) = if auth.address == [0; 20] {
                let loc = self.code.push(&[]).map_err(Error::Capacity)?;
                (crate::state::KECCAK_EMPTY, loc)
            } else {
                let d = designator(&auth.address);
                let loc = self.code.push(&d).map_err(Error::Capacity)?;
                (keccak256(&d), loc)
            };
            self.journal.set_code(i, hash, loc)?;
            let nonce = self.journal.account(i).info.nonce;
            self.journal.set_nonce(i, nonce + 1)?;
        }
        Ok(refund)
    }

    /// The delegate of the account at cache index `i` when its code is a
    /// designator (Prague and later only; `None` before).
    #[inline]
    pub(super) fn delegate_of(&self, i: u32) -> R<Option<Address>, S::Error> {
        if !self.ctx.spec.is_prague() {
            return Ok(None);
        }
        let acct = self.journal.account(i);
        if acct.info.code_hash == crate::state::KECCAK_EMPTY {
            return Ok(None);
        }
        Ok(delegation_target(ext_code(&self.state, &self.code, acct)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designators() {
        let a = [0x11; 20];
        let d = designator(&a);
        assert_eq!(delegation_target(&d), Some(a));
        assert_eq!(delegation_target(&d[..22]), None);
        let mut bad = d;
        bad[2] = 1;
        assert_eq!(delegation_target(&bad), None);
        assert_eq!(delegation_target(&[]), None);
    }

    /// A signature made with a known key recovers that key's address; any
    /// change of a signed field recovers another address (or none).
    #[test]
    fn recovers_the_signer() {
        use k256::ecdsa::SigningKey;
        let key = SigningKey::from_slice(&[0x45; 32]).unwrap();
        let pubkey = key.verifying_key().to_encoded_point(false);
        let h = keccak256(&pubkey.as_bytes()[1..]);
        let mut want = [0u8; 20];
        want.copy_from_slice(&h[12..]);
        let mut auth = Authorization {
            chain_id: U256::from(1),
            address: [0x42; 20],
            nonce: 7,
            ..Authorization::default()
        };
        // k256 signs with a low `s` (EIP-2 form).
        let (sig, id) = key.sign_prehash_recoverable(&signing_hash(&auth)).unwrap();
        auth.r = U256::from_be_slice(&sig.r().to_bytes());
        auth.s = U256::from_be_slice(&sig.s().to_bytes());
        auth.y_parity = u8::from(id.is_y_odd());
        assert_eq!(recover_authority(&auth), Some(want));
        let mut other = auth;
        other.nonce = 8;
        assert_ne!(recover_authority(&other), Some(want));
        let mut bad = auth;
        bad.y_parity = 2;
        assert_eq!(recover_authority(&bad), None);
        let mut high = auth;
        high.s = SECP256K1N_HALF + U256::from(1);
        assert_eq!(recover_authority(&high), None);
        let mut zero = auth;
        zero.r = U256::ZERO;
        assert_eq!(recover_authority(&zero), None);
    }

    /// The signing hash of a fixture authorization (EEST
    /// `pointer_to_static_reentry`: chain 0, nonce 0) recovers the fixture's signer.
    #[test]
    fn fixture_authorization() {
        let hex = |s: &str| U256::from_str_radix(s, 16).unwrap();
        let mut address = [0u8; 20];
        address[0] = 0x10;
        address[18] = 0x11;
        let auth = Authorization {
            chain_id: U256::ZERO,
            address,
            nonce: 0,
            y_parity: 1,
            r: hex("ed4ed8dd2835c7efcdda339c4a11e2f1c1c0e5755f749ee9abe8beb00657d772"),
            s: hex("0c29a7998592a83986519080fb518335cc0171f9f8c779c9a1a5f411e4f0ce39"),
        };
        let signer: [u8; 20] = [
            0x8a, 0x0a, 0x19, 0x58, 0x95, 0x31, 0x69, 0x42, 0x50, 0xd5, 0x70, 0x04, 0x0a, 0x0c,
            0x4b, 0x74, 0x57, 0x69, 0x19, 0xb8,
        ];
        assert_eq!(recover_authority(&auth), Some(signer));
    }
}
