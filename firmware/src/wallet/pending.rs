//! The one pending signing request: opened when its display is sent, closed by the user's answer or by anything else.

use protocol::WalletError;
use wallet::ExtendedKey;

/// A signing request whose display was sent: what a `Confirm` with its id signs.
///
/// It holds the key the display was derived for, so that a `Confirm` signs
/// without deriving again; the key is wiped when the request is dropped
/// (answered, replaced or interrupted).
#[derive(Debug)]
pub struct Pending {
    /// The id the display carried.
    pub id: u32,
    /// The key of the request's path (its secret zeroized on drop).
    pub key: ExtendedKey,
    /// The 32-byte hash to sign (transaction signing hash, EIP-191 or EIP-7702 hash).
    pub hash: [u8; 32],
}

/// At most one pending request, and the ids handed out so far.
#[derive(Debug, Default)]
pub struct PendingSlot {
    pending: Option<Pending>,
    last_id: u32,
}

impl PendingSlot {
    /// Nothing pending.
    pub const fn new() -> Self {
        Self {
            pending: None,
            last_id: 0,
        }
    }

    /// Make `(key, hash)` the pending request (replacing any) under a fresh
    /// id, never 0 and never the previous one; returns the id.
    pub fn open(&mut self, key: ExtendedKey, hash: [u8; 32]) -> u32 {
        self.last_id = self.last_id.wrapping_add(1).max(1);
        self.pending = Some(Pending {
            id: self.last_id,
            key,
            hash,
        });
        self.last_id
    }

    /// Drop the pending request, if any.
    pub fn drop_pending(&mut self) {
        self.pending = None;
    }

    /// The pending request, if any.
    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_ref()
    }

    /// The user's answer for `id`: the pending request, taken. Whatever the
    /// answer, nothing is pending afterwards (a wrong id drops it too).
    pub fn answer(&mut self, id: u32) -> Result<Pending, WalletError> {
        let pending = self.pending.take().ok_or(WalletError::NothingPending)?;
        if pending.id == id {
            Ok(pending)
        } else {
            Err(WalletError::WrongId {
                got: id,
                expected: pending.id,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ExtendedKey {
        ExtendedKey::master(&[1; 16]).unwrap()
    }

    #[test]
    fn an_answer_takes_the_request_whatever_it_is() {
        let mut slot = PendingSlot::new();
        assert_eq!(slot.answer(1).err(), Some(WalletError::NothingPending));
        let id = slot.open(key(), [1; 32]);
        assert_eq!(
            slot.answer(id + 1).err(),
            Some(WalletError::WrongId {
                got: id + 1,
                expected: id
            })
        );
        assert_eq!(slot.answer(id).err(), Some(WalletError::NothingPending));
        let id2 = slot.open(key(), [2; 32]);
        assert_ne!(id, id2);
        assert_eq!(slot.answer(id2).map(|p| p.hash), Ok([2; 32]));
        assert!(slot.pending().is_none());
    }

    #[test]
    fn ids_skip_zero_when_they_wrap() {
        let mut slot = PendingSlot {
            pending: None,
            last_id: u32::MAX,
        };
        assert_eq!(slot.open(key(), [0; 32]), 1);
    }
}
