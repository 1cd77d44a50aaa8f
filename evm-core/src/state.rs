//! State access: the read-only world-state trait the EVM consumes and its basic types.

/// 256-bit unsigned integer (EVM word).
pub type U256 = ruint::aliases::U256;
/// 20-byte account address.
pub type Address = [u8; 20];
/// 32-byte hash.
pub type B256 = [u8; 32];

/// `a == b` on the limbs without a call to `memcmp` (array equality of
/// `[u64; 4]` may compile to one; this is on the interpreter's hot path).
#[inline(always)]
pub fn u256_eq(a: &U256, b: &U256) -> bool {
    let (x, y) = (a.as_limbs(), b.as_limbs());
    ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0
}

/// `a == 0` on the limbs (`Uint::is_zero` may compile to a `memcmp` call).
#[inline(always)]
pub fn u256_is_zero(a: &U256) -> bool {
    let x = a.as_limbs();
    (x[0] | x[1] | x[2] | x[3]) == 0
}

/// Keccak-256 of the empty byte string: the code hash of an account without code.
pub const KECCAK_EMPTY: B256 = [
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
];

/// The account fields the EVM reads from the world state (the storage root is not needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountInfo {
    /// Transaction count (or creation count for contracts).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Keccak-256 of the account's code ([`KECCAK_EMPTY`] for none).
    pub code_hash: B256,
}

#[cfg(feature = "defmt")]
impl defmt::Format for AccountInfo {
    fn format(&self, f: defmt::Formatter<'_>) {
        let balance = self.balance.to_be_bytes::<32>();
        defmt::write!(
            f,
            "AccountInfo {{ nonce: {}, balance: {=[u8]:x}, code_hash: {=[u8]:x} }}",
            self.nonce,
            &balance[..],
            &self.code_hash[..]
        );
    }
}

impl Default for AccountInfo {
    fn default() -> Self {
        Self {
            nonce: 0,
            balance: U256::ZERO,
            code_hash: KECCAK_EMPTY,
        }
    }
}

impl AccountInfo {
    /// EIP-161 emptiness: zero nonce, zero balance and no code.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_hash == KECCAK_EMPTY
    }
}

/// Read-only access to the pre-state of a transaction.
///
/// Implemented by `evm-state` (in-memory state, witness-backed state). Errors
/// propagate out of the EVM unchanged (for instance a storage slot for which
/// the witness holds no proof): the transaction result is then unknown, which
/// is different from a failed execution.
pub trait State {
    /// Why a read failed.
    type Error: core::fmt::Debug;
    /// The account at `address`, or `None` if it does not exist.
    fn account(&self, address: &Address) -> Result<Option<AccountInfo>, Self::Error>;
    /// The code whose Keccak-256 hash is `code_hash` (empty for [`KECCAK_EMPTY`]).
    fn code(&self, code_hash: &B256) -> Result<&[u8], Self::Error>;
    /// The value of storage `slot` of `address` (zero when absent).
    fn storage(&self, address: &Address, slot: &U256) -> Result<U256, Self::Error>;
    /// The hash of block `number` (only asked for the 256 blocks before the current one).
    fn block_hash(&self, number: u64) -> Result<B256, Self::Error>;
    /// Whether `address` has any non-zero storage (its storage root is not the
    /// empty root). Used for the EIP-7610 creation-collision rule; the default
    /// says `false`, which is exact for every state where only accounts with
    /// code or a nonce hold storage.
    fn has_storage(&self, address: &Address) -> Result<bool, Self::Error> {
        let _ = address;
        Ok(false)
    }
}

impl<S: State + ?Sized> State for &S {
    type Error = S::Error;
    fn account(&self, address: &Address) -> Result<Option<AccountInfo>, Self::Error> {
        (**self).account(address)
    }
    fn code(&self, code_hash: &B256) -> Result<&[u8], Self::Error> {
        (**self).code(code_hash)
    }
    fn storage(&self, address: &Address, slot: &U256) -> Result<U256, Self::Error> {
        (**self).storage(address, slot)
    }
    fn block_hash(&self, number: u64) -> Result<B256, Self::Error> {
        (**self).block_hash(number)
    }
    fn has_storage(&self, address: &Address) -> Result<bool, Self::Error> {
        (**self).has_storage(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keccak_empty_matches() {
        let mut out = [0u8; 32];
        let mut h = tiny_keccak::Keccak::v256();
        tiny_keccak::Hasher::update(&mut h, &[]);
        tiny_keccak::Hasher::finalize(h, &mut out);
        assert_eq!(out, KECCAK_EMPTY);
    }

    #[test]
    fn u256_eq_matches_eq() {
        let a = U256::from(5) << 200;
        assert!(u256_eq(&a, &a));
        assert!(!u256_eq(&a, &(a + U256::from(1))));
        assert!(u256_eq(&U256::ZERO, &U256::ZERO));
        assert!(u256_is_zero(&U256::ZERO));
        assert!(!u256_is_zero(&a));
    }

    #[test]
    fn default_account_is_empty() {
        assert!(AccountInfo::default().is_empty());
        let a = AccountInfo {
            nonce: 1,
            ..AccountInfo::default()
        };
        assert!(!a.is_empty());
    }
}
