//! The list fields of typed transactions: access lists, blob hashes, authorizations; checked once, borrowed.
//!
//! One walker checks every list (`each`, counting against a limit with
//! `Count`); blob hashes and authorizations share the [`List`] type, the
//! access list (entries and their keys) walks twice nested.

use core::marker::PhantomData;

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

/// Items counted against a limit; one past it is [`Error::TooMany`].
struct Count {
    list: &'static str,
    limit: usize,
    n: usize,
}

impl Count {
    fn new(list: &'static str, limit: usize) -> Self {
        Self { list, limit, n: 0 }
    }

    fn bump(&mut self) -> Result<()> {
        self.n += 1;
        if self.n > self.limit {
            return Err(Error::TooMany {
                list: self.list,
                limit: self.limit,
            });
        }
        Ok(())
    }
}

/// Walks the list `item` (named `field` in errors): checks each item with
/// `check`, then counts it in `count`.
fn each<'a>(
    item: &Item<'a>,
    field: &'static str,
    count: &mut Count,
    mut check: impl FnMut(&Item<'a>) -> Result<()>,
) -> Result<()> {
    for it in list_of(item, field)? {
        check(&it?)?;
        count.bump()?;
    }
    Ok(())
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
        let mut addresses = Count::new("accessList", MAX_ACCESS_LIST_ADDRESSES);
        let mut keys = Count::new("accessList.storageKeys", MAX_ACCESS_LIST_KEYS);
        each(item, "accessList", &mut addresses, |entry| {
            let [address, slots] = exactly::<2>(entry, "accessList")?;
            address_field(&address, "accessList.address")?;
            each(&slots, "accessList.storageKeys", &mut keys, |key| {
                b256_field(key, "accessList.storageKey").map(drop)
            })
        })?;
        Ok(Self {
            payload: item.payload(),
            addresses: addresses.n,
            keys: keys.n,
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

/// The item type of a checked transaction [`List`]: how one item decodes.
pub trait ListItem: Sized {
    /// The list's name as the EIPs spell it (in errors).
    const LIST: &'static str;
    /// Most items (see `limits.rs`).
    const LIMIT: usize;
    /// Decodes and checks one item.
    fn decode_item(item: &Item<'_>) -> Result<Self>;
}

/// A transaction list of `T`, checked at decode; it borrows the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List<'a, T> {
    payload: &'a [u8],
    count: usize,
    item: PhantomData<T>,
}

impl<T> Default for List<'_, T> {
    fn default() -> Self {
        Self {
            payload: &[],
            count: 0,
            item: PhantomData,
        }
    }
}

impl<'a, T: ListItem> List<'a, T> {
    /// Checks every item of `item` and that there are at most `T::LIMIT`.
    pub(crate) fn decode(item: &Item<'a>) -> Result<Self> {
        let mut count = Count::new(T::LIST, T::LIMIT);
        each(item, T::LIST, &mut count, |it| T::decode_item(it).map(drop))?;
        Ok(Self {
            payload: item.payload(),
            count: count.n,
            item: PhantomData,
        })
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The items.
    pub fn iter(&self) -> impl Iterator<Item = T> + 'a {
        items(self.payload).filter_map(|it| T::decode_item(&it).ok())
    }
}

/// An EIP-4844 blob versioned hash (32 bytes).
impl ListItem for B256 {
    const LIST: &'static str = "blobVersionedHashes";
    const LIMIT: usize = MAX_BLOB_HASHES;
    fn decode_item(item: &Item<'_>) -> Result<Self> {
        b256_field(item, Self::LIST)
    }
}

/// EIP-4844 blob versioned hashes, checked (32 bytes each) at decode.
pub type BlobHashes<'a> = List<'a, B256>;

/// An EIP-7702 authorization list, checked at decode.
pub type AuthorizationList<'a> = List<'a, Authorization>;

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
}

impl ListItem for Authorization {
    const LIST: &'static str = "authorizationList";
    const LIMIT: usize = MAX_AUTHORIZATIONS;
    fn decode_item(item: &Item<'_>) -> Result<Self> {
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
