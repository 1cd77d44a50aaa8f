//! Accounts as the state trie stores them: RLP `[nonce, balance, storageRoot, codeHash]`, and storage values.

use crate::error::Error;
use crate::limits::MAX_ACCOUNT_RLP;
use crate::rlp::{self, Encodable, Sink, SliceVec};
use crate::types::{AccountInfo, B256, EMPTY_ROOT, KECCAK_EMPTY, U256};

/// One account of the state trie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Transaction (or creation) count.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Root of the account's storage trie ([`EMPTY_ROOT`] for none).
    pub storage_root: B256,
    /// Keccak-256 of the code ([`KECCAK_EMPTY`] for none).
    pub code_hash: B256,
}

#[cfg(feature = "defmt")]
impl defmt::Format for Account {
    fn format(&self, f: defmt::Formatter<'_>) {
        // `U256` has no `defmt::Format`: log the balance as big-endian bytes.
        let balance = self.balance.to_be_bytes::<32>();
        defmt::write!(
            f,
            "Account {{ nonce: {=u64}, balance: {=[u8]:x}, storage_root: {=[u8]:x}, code_hash: {=[u8]:x} }}",
            self.nonce,
            &balance[..],
            &self.storage_root[..],
            &self.code_hash[..]
        )
    }
}

impl Default for Account {
    fn default() -> Self {
        Self {
            nonce: 0,
            balance: U256::ZERO,
            storage_root: EMPTY_ROOT,
            code_hash: KECCAK_EMPTY,
        }
    }
}

impl Account {
    /// An account with `info`'s fields and the storage root `storage_root`.
    pub fn from_info(info: &AccountInfo, storage_root: B256) -> Self {
        Self {
            nonce: info.nonce,
            balance: info.balance,
            storage_root,
            code_hash: info.code_hash,
        }
    }

    /// The fields the EVM reads.
    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            nonce: self.nonce,
            balance: self.balance,
            code_hash: self.code_hash,
        }
    }

    fn payload_len(&self) -> usize {
        self.nonce.encoded_len() + self.balance.encoded_len() + 33 + 33
    }

    /// Writes the RLP into `buf`; returns its length (at most [`MAX_ACCOUNT_RLP`]).
    pub fn encode_to(&self, buf: &mut [u8; MAX_ACCOUNT_RLP]) -> Result<usize, Error> {
        let mut sink = SliceVec::new(buf);
        self.encode(&mut sink)?;
        Ok(sink.len())
    }

    /// Decodes an account RLP strictly (canonical scalars, 32-byte hashes, nothing else).
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let item = rlp::decode(bytes).map_err(|_| Error::InvalidAccount)?;
        let mut items = [rlp::Item::default(); 4];
        let n = item
            .list()
            .and_then(|l| l.collect_into(&mut items))
            .map_err(|_| Error::InvalidAccount)?;
        if n != 4 {
            return Err(Error::InvalidAccount);
        }
        let [nonce, balance, storage_root, code_hash] = items;
        Ok(Self {
            nonce: nonce.u64().map_err(|_| Error::InvalidAccount)?,
            balance: balance.u256().map_err(|_| Error::InvalidAccount)?,
            storage_root: storage_root.array().map_err(|_| Error::InvalidAccount)?,
            code_hash: code_hash.array().map_err(|_| Error::InvalidAccount)?,
        })
    }
}

impl Encodable for Account {
    fn encoded_len(&self) -> usize {
        rlp::list_len(self.payload_len())
    }

    fn encode<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), Error>
    where
        Error: From<S::Error>,
    {
        rlp::put_list_header(sink, self.payload_len())?;
        self.nonce.encode(sink)?;
        self.balance.encode(sink)?;
        self.storage_root.encode(sink)?;
        self.code_hash.encode(sink)
    }
}

/// Writes a storage value as the storage trie stores it (RLP of the scalar); returns the length.
///
/// Zero is stored as absence, never as a value: callers remove the slot instead.
pub fn encode_storage_value(value: &U256, buf: &mut [u8; 33]) -> usize {
    let mut sink = SliceVec::new(buf);
    // At most 33 bytes: cannot overflow the buffer.
    match value.encode(&mut sink) {
        Ok(()) => sink.len(),
        Err(_) => 0,
    }
}

/// Decodes a storage trie value (RLP of a canonical, non-zero scalar).
pub fn decode_storage_value(bytes: &[u8]) -> Result<U256, Error> {
    let v = rlp::decode(bytes)?.u256()?;
    if v.is_zero() {
        // Zero values are absent from the trie; an encoded zero is not canonical.
        return Err(Error::LeadingZero);
    }
    Ok(v)
}

/// The storage trie key of `slot`: keccak-256 of its 32-byte big-endian form.
pub fn storage_key(slot: &U256) -> B256 {
    crate::types::keccak256(&slot.to_be_bytes::<32>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_account_rlp() {
        let mut buf = [0u8; MAX_ACCOUNT_RLP];
        let n = Account::default().encode_to(&mut buf).unwrap();
        // f8 44 80 80 a0 <root> a0 <code>
        assert_eq!(n, 70);
        assert_eq!(&buf[..4], &[0xf8, 0x44, 0x80, 0x80]);
        assert_eq!(Account::decode(&buf[..n]).unwrap(), Account::default());
        assert_eq!(Account::decode(&buf[..n - 1]), Err(Error::InvalidAccount));
    }

    #[test]
    fn storage_values() {
        let mut buf = [0u8; 33];
        let n = encode_storage_value(&U256::from(0x38u64), &mut buf);
        assert_eq!(&buf[..n], &[0x38]);
        assert_eq!(decode_storage_value(&[0x38]).unwrap(), U256::from(0x38u64));
        assert!(decode_storage_value(&[0x80]).is_err());
        assert!(decode_storage_value(&[0x82, 0x00, 0x01]).is_err());
    }

    proptest! {
        #[test]
        fn account_round_trips(nonce: u64, bal: [u64; 4], root: [u8; 32], code: [u8; 32]) {
            let a = Account { nonce, balance: U256::from_limbs(bal), storage_root: root, code_hash: code };
            let mut buf = [0u8; MAX_ACCOUNT_RLP];
            let n = a.encode_to(&mut buf).unwrap();
            prop_assert_eq!(n, a.encoded_len());
            prop_assert_eq!(Account::decode(&buf[..n]).unwrap(), a);
        }
    }
}
