//! Encodings built from a decoded transaction: the signing payload and hash, the signed form and its hash.

use evm_state::rlp::{self, Encodable, Sink};

use super::{Transaction, TxType};
use crate::address::Address;
use crate::error::Result;
use crate::sign::RecoverableSignature;
use crate::{B256, U256};

/// A [`Sink`] that hashes what it is given (keccak-256); never full.
#[derive(Debug, Default, Clone)]
pub struct KeccakSink(evm_core::keccak::Keccak256);

impl KeccakSink {
    /// The hash of everything put so far.
    pub fn finalize(self) -> B256 {
        self.0.finalize()
    }
}

impl Sink for KeccakSink {
    type Error = core::convert::Infallible;
    fn put(&mut self, bytes: &[u8]) -> core::result::Result<(), Self::Error> {
        self.0.update(bytes);
        Ok(())
    }
}

/// Encoded length of a big-endian scalar without its leading zeros.
fn scalar_len(be: &[u8]) -> usize {
    rlp::bytes_len(rlp::strip_zeros(be))
}

fn put_scalar<S: Sink + ?Sized>(sink: &mut S, be: &[u8]) -> Result<()>
where
    evm_state::Error: From<S::Error>,
{
    Ok(rlp::put_bytes(sink, rlp::strip_zeros(be))?)
}

impl Transaction<'_> {
    /// The fields after the body in the signing payload (legacy EIP-155: `chainId, 0, 0`).
    fn payload_tail_len(&self) -> usize {
        match (self.tx_type, &self.chain_id) {
            (TxType::Legacy, Some(id)) => id.encoded_len() + 2,
            _ => 0,
        }
    }

    /// Length of the signing payload ([`Self::write_signing_payload`]).
    pub fn signing_payload_len(&self) -> usize {
        let type_len = usize::from(self.tx_type.type_byte().is_some());
        type_len + rlp::list_len(self.body.len() + self.payload_tail_len())
    }

    /// Writes the standard signing payload: the legacy list (with `chainId, 0,
    /// 0` under EIP-155) or `type ‖ rlp([fields])`.
    pub fn write_signing_payload<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()>
    where
        evm_state::Error: From<S::Error>,
    {
        if let Some(t) = self.tx_type.type_byte() {
            sink.put(&[t]).map_err(evm_state::Error::from)?;
        }
        rlp::put_list_header(sink, self.body.len() + self.payload_tail_len())?;
        sink.put(self.body).map_err(evm_state::Error::from)?;
        if let (TxType::Legacy, Some(id)) = (self.tx_type, &self.chain_id) {
            id.encode(sink)?;
            sink.put(&[0x80, 0x80]).map_err(evm_state::Error::from)?;
        }
        Ok(())
    }

    /// The hash a signer signs: keccak-256 of the signing payload.
    pub fn signing_hash(&self) -> B256 {
        let mut h = KeccakSink::default();
        // A hashing sink never fails.
        let _ = self.write_signing_payload(&mut h);
        h.finalize()
    }

    /// The signature fields' encoded length and the legacy `v`, if any.
    fn signature_len(&self, sig: &RecoverableSignature) -> Result<(usize, Option<U256>)> {
        let v = match self.tx_type {
            TxType::Legacy => Some(sig.legacy_v(self.chain_id.as_ref())?),
            _ => None,
        };
        let v_len = v.map_or(1, |v| v.encoded_len());
        Ok((v_len + scalar_len(&sig.r) + scalar_len(&sig.s), v))
    }

    /// Length of the signed form with `sig` ([`Self::write_signed`]).
    pub fn signed_len(&self, sig: &RecoverableSignature) -> Result<usize> {
        let (sig_len, _) = self.signature_len(sig)?;
        let type_len = usize::from(self.tx_type.type_byte().is_some());
        Ok(type_len + rlp::list_len(self.body.len() + sig_len))
    }

    /// Writes the signed network form: the body followed by `v, r, s` (legacy,
    /// `v` per EIP-155 when there is a chain id) or `yParity, r, s` (typed).
    pub fn write_signed<S: Sink + ?Sized>(
        &self,
        sig: &RecoverableSignature,
        sink: &mut S,
    ) -> Result<()>
    where
        evm_state::Error: From<S::Error>,
    {
        let (sig_len, v) = self.signature_len(sig)?;
        if let Some(t) = self.tx_type.type_byte() {
            sink.put(&[t]).map_err(evm_state::Error::from)?;
        }
        rlp::put_list_header(sink, self.body.len() + sig_len)?;
        sink.put(self.body).map_err(evm_state::Error::from)?;
        match v {
            Some(v) => v.encode(sink)?,
            None => u64::from(sig.y_parity).encode(sink)?,
        }
        put_scalar(sink, &sig.r)?;
        put_scalar(sink, &sig.s)
    }

    /// The transaction hash of the signed form with `sig`.
    pub fn signed_hash(&self, sig: &RecoverableSignature) -> Result<B256> {
        let mut h = KeccakSink::default();
        self.write_signed(sig, &mut h)?;
        Ok(h.finalize())
    }

    /// Signs the signing hash with `key` and returns the signature.
    pub fn sign(&self, key: &k256::ecdsa::SigningKey) -> Result<RecoverableSignature> {
        crate::sign::sign_hash(key, &self.signing_hash())
    }
}

/// The EIP-7702 authorization hash: `keccak256(0x05 ‖ rlp([chain_id, address, nonce]))`.
pub fn authorization_hash(chain_id: &U256, address: &Address, nonce: u64) -> B256 {
    let mut h = KeccakSink::default();
    let payload = chain_id.encoded_len() + address.encoded_len() + nonce.encoded_len();
    let _ = h.put(&[0x05]);
    let _ = rlp::put_list_header(&mut h, payload);
    let _ = chain_id.encode(&mut h);
    let _ = address.encode(&mut h);
    let _ = nonce.encode(&mut h);
    h.finalize()
}
