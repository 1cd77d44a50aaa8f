//! Strict decoding of transaction envelopes and fields (canonical RLP, exact counts, value ranges).

use evm_state::rlp::{self, Item};

use super::{AccessList, AuthorizationList, BlobHashes, SignedTransaction, Transaction, TxType};
use crate::address::Address;
use crate::error::{Error, FieldError, Result};
use crate::limits::{MAX_TX_BYTES, MAX_TX_FIELDS};
use crate::sign::RecoverableSignature;
use crate::{B256, U256};

fn field_err(field: &'static str, error: FieldError) -> Error {
    Error::Field { field, error }
}

fn bytes<'a>(item: &Item<'a>, field: &'static str) -> Result<&'a [u8]> {
    item.bytes()
        .map_err(|_| field_err(field, FieldError::ExpectedBytes))
}

/// A canonical integer of at most `width` bytes.
fn scalar<'a>(item: &Item<'a>, field: &'static str, width: usize) -> Result<&'a [u8]> {
    let b = bytes(item, field)?;
    if b.first() == Some(&0) {
        return Err(field_err(field, FieldError::LeadingZero));
    }
    if b.len() > width {
        return Err(field_err(
            field,
            FieldError::TooLarge {
                got: b.len(),
                limit: width,
            },
        ));
    }
    Ok(b)
}

pub(crate) fn u64_field(item: &Item<'_>, field: &'static str) -> Result<u64> {
    let b = scalar(item, field, 8)?;
    Ok(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
}

pub(crate) fn u8_field(item: &Item<'_>, field: &'static str) -> Result<u8> {
    Ok(scalar(item, field, 1)?.first().copied().unwrap_or(0))
}

pub(crate) fn u256_field(item: &Item<'_>, field: &'static str) -> Result<U256> {
    let b = scalar(item, field, 32)?;
    U256::try_from_be_slice(b).ok_or(field_err(
        field,
        FieldError::TooLarge {
            got: b.len(),
            limit: 32,
        },
    ))
}

fn fixed<const N: usize>(item: &Item<'_>, field: &'static str) -> Result<[u8; N]> {
    let b = bytes(item, field)?;
    b.try_into().map_err(|_| {
        field_err(
            field,
            FieldError::WrongLength {
                got: b.len(),
                expected: N,
            },
        )
    })
}

pub(crate) fn address_field(item: &Item<'_>, field: &'static str) -> Result<Address> {
    fixed::<20>(item, field)
}

pub(crate) fn b256_field(item: &Item<'_>, field: &'static str) -> Result<B256> {
    fixed::<32>(item, field)
}

/// `to`: empty (contract creation) or 20 bytes.
fn to_field(item: &Item<'_>) -> Result<Option<Address>> {
    if bytes(item, "to")?.is_empty() {
        Ok(None)
    } else {
        address_field(item, "to").map(Some)
    }
}

/// The top-level fields of a transaction's list.
struct Fields<'a> {
    items: [Item<'a>; MAX_TX_FIELDS],
    len: usize,
    /// The list's payload (the fields' encodings, concatenated).
    payload: &'a [u8],
}

impl<'a> Fields<'a> {
    fn get(&self, i: usize) -> Item<'a> {
        self.items.get(i).copied().unwrap_or_default()
    }

    /// The encodings of the first `n` fields, concatenated.
    fn prefix(&self, n: usize) -> &'a [u8] {
        let len: usize = self.items.iter().take(n).map(|i| i.raw().len()).sum();
        self.payload.get(..len).unwrap_or(self.payload)
    }
}

/// Splits an envelope into its type and its (strictly decoded) field list.
fn envelope(input: &[u8]) -> Result<(TxType, Fields<'_>)> {
    if input.len() > MAX_TX_BYTES {
        return Err(Error::TooLong {
            got: input.len(),
            limit: MAX_TX_BYTES,
        });
    }
    let first = *input.first().ok_or(Error::Empty)?;
    let (tx_type, list) = if first >= 0xc0 {
        (TxType::Legacy, input)
    } else {
        let ty = TxType::from_byte(first).ok_or(Error::TypeNotSupported { got: first })?;
        (ty, input.get(1..).unwrap_or(&[]))
    };
    let item = rlp::decode(list)?;
    if !item.is_list() {
        return Err(Error::Rlp(evm_state::Error::ExpectedList));
    }
    let mut fields = Fields {
        items: [Item::default(); MAX_TX_FIELDS],
        len: 0,
        payload: item.payload(),
    };
    let mut count = 0;
    for it in item.list()? {
        let it = it?;
        if let Some(slot) = fields.items.get_mut(count) {
            *slot = it;
        }
        count += 1;
    }
    if count > MAX_TX_FIELDS {
        return Err(Error::FieldCount {
            got: count,
            expected: tx_type.body_fields(),
        });
    }
    fields.len = count;
    Ok((tx_type, fields))
}

/// The body fields common to the unsigned and signed forms.
fn body<'a>(tx_type: TxType, f: &Fields<'a>, chain_id: Option<U256>) -> Result<Transaction<'a>> {
    let mut tx = Transaction {
        tx_type,
        chain_id,
        nonce: 0,
        max_priority_fee_per_gas: U256::ZERO,
        max_fee_per_gas: U256::ZERO,
        gas_limit: 0,
        to: None,
        value: U256::ZERO,
        input: &[],
        access_list: AccessList::default(),
        max_fee_per_blob_gas: U256::ZERO,
        blob_hashes: BlobHashes::default(),
        authorizations: AuthorizationList::default(),
        body: f.prefix(tx_type.body_fields()),
    };
    if tx_type == TxType::Legacy {
        tx.nonce = u64_field(&f.get(0), "nonce")?;
        tx.max_fee_per_gas = u256_field(&f.get(1), "gasPrice")?;
        tx.max_priority_fee_per_gas = tx.max_fee_per_gas;
        tx.gas_limit = u64_field(&f.get(2), "gasLimit")?;
        tx.to = to_field(&f.get(3))?;
        tx.value = u256_field(&f.get(4), "value")?;
        tx.input = bytes(&f.get(5), "data")?;
        return Ok(tx);
    }
    tx.chain_id = Some(u256_field(&f.get(0), "chainId")?);
    tx.nonce = u64_field(&f.get(1), "nonce")?;
    // EIP-2930 has one gas price where EIP-1559 and later have two fees.
    let next = if tx_type == TxType::Eip2930 {
        tx.max_fee_per_gas = u256_field(&f.get(2), "gasPrice")?;
        tx.max_priority_fee_per_gas = tx.max_fee_per_gas;
        3
    } else {
        tx.max_priority_fee_per_gas = u256_field(&f.get(2), "maxPriorityFeePerGas")?;
        tx.max_fee_per_gas = u256_field(&f.get(3), "maxFeePerGas")?;
        4
    };
    tx.gas_limit = u64_field(&f.get(next), "gasLimit")?;
    tx.to = to_field(&f.get(next + 1))?;
    if tx.to.is_none() && matches!(tx_type, TxType::Eip4844 | TxType::Eip7702) {
        // Blob and set-code transactions cannot create contracts.
        return Err(field_err(
            "to",
            FieldError::WrongLength {
                got: 0,
                expected: 20,
            },
        ));
    }
    tx.value = u256_field(&f.get(next + 2), "value")?;
    tx.input = bytes(&f.get(next + 3), "data")?;
    tx.access_list = AccessList::decode(&f.get(next + 4))?;
    match tx_type {
        TxType::Eip4844 => {
            tx.max_fee_per_blob_gas = u256_field(&f.get(next + 5), "maxFeePerBlobGas")?;
            tx.blob_hashes = BlobHashes::decode(&f.get(next + 6))?;
        }
        TxType::Eip7702 => {
            tx.authorizations = AuthorizationList::decode(&f.get(next + 5))?;
        }
        _ => {}
    }
    Ok(tx)
}

fn expect_count(f: &Fields<'_>, expected: usize) -> Result<()> {
    if f.len == expected {
        Ok(())
    } else {
        Err(Error::FieldCount {
            got: f.len,
            expected,
        })
    }
}

impl<'a> Transaction<'a> {
    /// Decodes the unsigned signing payload: for legacy the 6-field
    /// (pre-EIP-155) or 9-field `[..., chainId, 0, 0]` (EIP-155, chain id at
    /// least 1) list; for typed transactions `type ‖ rlp([fields])`.
    pub fn decode_unsigned(input: &'a [u8]) -> Result<Self> {
        let (tx_type, f) = envelope(input)?;
        if tx_type == TxType::Legacy {
            return match f.len {
                6 => body(tx_type, &f, None),
                9 => {
                    let chain_id = u256_field(&f.get(6), "chainId")?;
                    if chain_id.is_zero() {
                        return Err(field_err("chainId", FieldError::OutOfRange));
                    }
                    for (i, name) in [(7, "r"), (8, "s")] {
                        if f.get(i).raw() != [0x80] {
                            return Err(field_err(name, FieldError::OutOfRange));
                        }
                    }
                    body(tx_type, &f, Some(chain_id))
                }
                got => Err(Error::FieldCount { got, expected: 9 }),
            };
        }
        expect_count(&f, tx_type.body_fields())?;
        body(tx_type, &f, None)
    }
}

/// The signature fields `(y_parity, r, s)` of a typed transaction, or `(v, r, s)` of a legacy one.
fn signature(r: &Item<'_>, s: &Item<'_>, y_parity: u8) -> Result<RecoverableSignature> {
    let r = u256_field(r, "r")?.to_be_bytes::<32>();
    let s = u256_field(s, "s")?.to_be_bytes::<32>();
    RecoverableSignature::new(r, s, y_parity)
}

impl<'a> SignedTransaction<'a> {
    /// Decodes a signed transaction (the network form, whose keccak-256 is the
    /// transaction hash). The signature is checked for range (`r`, `s` in
    /// `1..n`, `s <= n/2`, `yParity` 0/1; legacy `v` 27/28 or `chain_id * 2 +
    /// 35/36` with a chain id of at least 1); recovery happens in [`Self::sender`].
    pub fn decode(input: &'a [u8]) -> Result<Self> {
        let (tx_type, f) = envelope(input)?;
        let n = tx_type.body_fields();
        expect_count(&f, n + 3)?;
        // Body first: a malformed field is reported as such, not as a bad signature.
        let mut tx = body(tx_type, &f, None)?;
        let (chain_id, y_parity, v) = if tx_type == TxType::Legacy {
            let v = u256_field(&f.get(6), "v")?;
            let (chain_id, y) = legacy_v(v)?;
            (chain_id, y, Some(v))
        } else {
            let y = u8_field(&f.get(n), "yParity")?;
            (None, y, None)
        };
        let signature = signature(&f.get(n + 1), &f.get(n + 2), y_parity)?;
        if tx_type == TxType::Legacy {
            tx.chain_id = chain_id;
        }
        Ok(Self {
            tx,
            signature,
            v,
            raw: input,
        })
    }
}

/// `(chain_id, y_parity)` of a legacy `v`.
fn legacy_v(v: U256) -> Result<(Option<U256>, u8)> {
    let out_of_range = field_err("v", FieldError::OutOfRange);
    if v == U256::from(27u8) || v == U256::from(28u8) {
        return Ok((None, u8::from(v == U256::from(28u8))));
    }
    // v = chain_id * 2 + 35 + y with chain_id >= 1, so v >= 37.
    let rest = v.checked_sub(U256::from(35u8)).ok_or(out_of_range)?;
    let chain_id: U256 = rest >> 1usize;
    if chain_id.is_zero() {
        return Err(out_of_range);
    }
    Ok((Some(chain_id), u8::from(rest.bit(0))))
}
