//! The list fields of typed transactions: access lists, blob hashes, authorizations; checked once, borrowed.

use evm_state::rlp::{self, Item};

use super::decode::{address_field, b256_field, u256_field, u64_field, u8_field};
use crate::address::Address;
use crate::error::{Error, FieldError, Result};
use crate::limits::{
    MAX_ACCESS_LIST_ADDRESSES, MAX_ACCESS_LIST_KEYS, MAX_AUTHORIZATIONS, MAX_BLOB_HASHES,
};
use crate::{B256, U256};

fn list_of<'a>(item: &Item<'a>, field: &'static str) -> Result<rlp::ListIter<'a>> {
    item.list().map_err(|_| Error::Field {
        field,
        error: FieldError::ExpectedList,
    })
}

fn exactly<'a, const N: usize>(item: &Item<'a>, field: &'static str) -> Result<[Item<'a>; N]> {
    let mut out = [Item::default(); N];
    let mut n = 0;
    for it in list_of(item, field)? {
        let it = it?;
        if let Some(slot) = out.get_mut(n) {
            *slot = it;
        }
        n += 1;
    }
    if n != N {
        return Err(Error::Field {
            field,
            error: FieldError::ItemCount {
                got: n,
                expected: N,
            },
        });
    }
    Ok(out)
}

/// An EIP-2930 access list: `[[address, [storage key, ...]], ...]`, checked at decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessList<'a> {
    payload: &'a [u8],
    addresses: usize,
    keys: usize,
}

impl<'a> AccessList<'a> {
    /// Checks `item` (addresses of 20 bytes, keys of 32, within the limits).
    pub(crate) fn decode(item: &Item<'a>) -> Result<Self> {
        let mut addresses = 0;
        let mut keys = 0;
        for entry in list_of(item, "accessList")? {
            let [address, slots] = exactly::<2>(&entry?, "accessList")?;
            address_field(&address, "accessList.address")?;
            addresses += 1;
            if addresses > MAX_ACCESS_LIST_ADDRESSES {
                return Err(Error::TooMany {
                    list: "accessList",
                    limit: MAX_ACCESS_LIST_ADDRESSES,
                });
            }
            for key in list_of(&slots, "accessList.storageKeys")? {
                b256_field(&key?, "accessList.storageKey")?;
                keys += 1;
                if keys > MAX_ACCESS_LIST_KEYS {
                    return Err(Error::TooMany {
                        list: "accessList.storageKeys",
                        limit: MAX_ACCESS_LIST_KEYS,
                    });
                }
            }
        }
        Ok(Self {
            payload: item.payload(),
            addresses,
            keys,
        })
    }

    /// Number of entries (addresses).
    pub fn addresses(&self) -> usize {
        self.addresses
    }

    /// Number of storage keys, all entries together.
    pub fn storage_keys(&self) -> usize {
        self.keys
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.addresses == 0
    }

    /// The entries: each address and an iterator over its storage keys.
    pub fn iter(&self) -> impl Iterator<Item = (Address, impl Iterator<Item = B256> + 'a)> + 'a {
        items(self.payload).filter_map(|entry| {
            let [address, slots] = exactly::<2>(&entry, "accessList").ok()?;
            let address = address_field(&address, "").ok()?;
            let keys = items(slots.payload()).filter_map(|k| b256_field(&k, "").ok());
            Some((address, keys))
        })
    }
}

/// The items of an already checked list payload (an error ends the walk; none occurs after decode).
fn items(payload: &[u8]) -> impl Iterator<Item = Item<'_>> {
    let mut rest = payload;
    core::iter::from_fn(move || {
        let (item, tail) = rlp::decode_prefix(rest).ok()?;
        rest = tail;
        Some(item)
    })
}

/// EIP-4844 blob versioned hashes, checked (32 bytes each) at decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlobHashes<'a> {
    payload: &'a [u8],
    count: usize,
}

impl<'a> BlobHashes<'a> {
    pub(crate) fn decode(item: &Item<'a>) -> Result<Self> {
        let mut count = 0;
        for h in list_of(item, "blobVersionedHashes")? {
            b256_field(&h?, "blobVersionedHashes")?;
            count += 1;
            if count > MAX_BLOB_HASHES {
                return Err(Error::TooMany {
                    list: "blobVersionedHashes",
                    limit: MAX_BLOB_HASHES,
                });
            }
        }
        Ok(Self {
            payload: item.payload(),
            count,
        })
    }

    /// Number of hashes.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The hashes.
    pub fn iter(&self) -> impl Iterator<Item = B256> + 'a {
        items(self.payload).filter_map(|h| b256_field(&h, "").ok())
    }
}

/// One EIP-7702 authorization tuple `[chain_id, address, nonce, y_parity, r, s]`.
///
/// Decoded with the ranges of EIP-7702 (`y_parity < 2^8`, `r`, `s < 2^256`);
/// whether it is a valid signature is [`Authorization::authority`]'s question
/// (an invalid tuple is skipped by the chain, not a malformed transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization {
    /// Chain id (0: valid on every chain).
    pub chain_id: U256,
    /// The delegate: the code the authority's account will point to.
    pub address: Address,
    /// The authority's nonce.
    pub nonce: u64,
    /// Signature parity.
    pub y_parity: u8,
    /// Signature `r`.
    pub r: U256,
    /// Signature `s`.
    pub s: U256,
}

impl Authorization {
    /// The hash the authority signed: `keccak256(0x05 ‖ rlp([chain_id, address, nonce]))`.
    pub fn signing_hash(&self) -> B256 {
        super::encode::authorization_hash(&self.chain_id, &self.address, self.nonce)
    }

    /// The account that signed this authorization, if the signature is valid
    /// (`y_parity` 0/1, `r`, `s` in range, low `s`).
    pub fn authority(&self) -> Result<Address> {
        let sig = crate::sign::RecoverableSignature::new(
            self.r.to_be_bytes::<32>(),
            self.s.to_be_bytes::<32>(),
            self.y_parity,
        )?;
        sig.recover_address(&self.signing_hash())
    }

    fn decode(item: &Item<'_>) -> Result<Self> {
        let [chain_id, address, nonce, y_parity, r, s] = exactly::<6>(item, "authorizationList")?;
        Ok(Self {
            chain_id: u256_field(&chain_id, "authorization.chainId")?,
            address: address_field(&address, "authorization.address")?,
            nonce: u64_field(&nonce, "authorization.nonce")?,
            y_parity: u8_field(&y_parity, "authorization.yParity")?,
            r: u256_field(&r, "authorization.r")?,
            s: u256_field(&s, "authorization.s")?,
        })
    }
}

/// An EIP-7702 authorization list, checked at decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthorizationList<'a> {
    payload: &'a [u8],
    count: usize,
}

impl<'a> AuthorizationList<'a> {
    pub(crate) fn decode(item: &Item<'a>) -> Result<Self> {
        let mut count = 0;
        for a in list_of(item, "authorizationList")? {
            Authorization::decode(&a?)?;
            count += 1;
            if count > MAX_AUTHORIZATIONS {
                return Err(Error::TooMany {
                    list: "authorizationList",
                    limit: MAX_AUTHORIZATIONS,
                });
            }
        }
        Ok(Self {
            payload: item.payload(),
            count,
        })
    }

    /// Number of tuples.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The tuples.
    pub fn iter(&self) -> impl Iterator<Item = Authorization> + 'a {
        items(self.payload).filter_map(|a| Authorization::decode(&a).ok())
    }
}
