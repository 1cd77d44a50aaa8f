//! Calldata the display decodes: the ERC-20 `transfer`, `approve` and `transferFrom` calls, in strict ABI form.

use wallet::{Address, U256};

/// `transfer(address,uint256)`.
pub const TRANSFER: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];
/// `approve(address,uint256)`.
pub const APPROVE: [u8; 4] = [0x09, 0x5e, 0xa7, 0xb3];
/// `transferFrom(address,address,uint256)`.
pub const TRANSFER_FROM: [u8; 4] = [0x23, 0xb8, 0x72, 0xdd];

/// A decoded ERC-20 call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erc20 {
    /// `transfer(to, amount)`.
    Transfer {
        /// Recipient.
        to: Address,
        /// Token units.
        amount: U256,
    },
    /// `approve(spender, amount)`.
    Approve {
        /// Who may spend.
        spender: Address,
        /// Token units (`U256::MAX`: unlimited).
        amount: U256,
    },
    /// `transferFrom(from, to, amount)`.
    TransferFrom {
        /// Owner.
        from: Address,
        /// Recipient.
        to: Address,
        /// Token units.
        amount: U256,
    },
}

/// The ABI words after a 4-byte selector: exactly `N` of them, or nothing.
fn words<const N: usize>(args: &[u8]) -> Option<[&[u8]; N]> {
    if args.len() != N * 32 {
        return None;
    }
    let mut out = [&[][..]; N];
    for (slot, word) in out.iter_mut().zip(args.chunks_exact(32)) {
        *slot = word;
    }
    Some(out)
}

/// An address word: 12 zero bytes, then the address (anything else is not the ABI form).
fn address(word: &[u8]) -> Option<Address> {
    let (pad, tail) = word.split_at_checked(12)?;
    if pad.iter().any(|b| *b != 0) {
        return None;
    }
    tail.try_into().ok()
}

fn amount(word: &[u8]) -> U256 {
    U256::from_be_slice(word)
}

/// `input` as an ERC-20 call, if it is exactly one in the strict ABI form
/// (selector, the argument words and nothing more, clean address words).
pub fn decode(input: &[u8]) -> Option<Erc20> {
    let (selector, args) = input.split_at_checked(4)?;
    match <[u8; 4]>::try_from(selector).ok()? {
        TRANSFER => {
            let [to, value] = words::<2>(args)?;
            Some(Erc20::Transfer {
                to: address(to)?,
                amount: amount(value),
            })
        }
        APPROVE => {
            let [spender, value] = words::<2>(args)?;
            Some(Erc20::Approve {
                spender: address(spender)?,
                amount: amount(value),
            })
        }
        TRANSFER_FROM => {
            let [from, to, value] = words::<3>(args)?;
            Some(Erc20::TransferFrom {
                from: address(from)?,
                to: address(to)?,
                amount: amount(value),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
        let mut v = selector.to_vec();
        for w in words {
            v.extend_from_slice(w);
        }
        v
    }

    fn addr_word(b: u8) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[12..].fill(b);
        w
    }

    #[test]
    fn selectors_are_the_keccak_of_the_signatures() {
        for (sig, sel) in [
            ("transfer(address,uint256)", TRANSFER),
            ("approve(address,uint256)", APPROVE),
            ("transferFrom(address,address,uint256)", TRANSFER_FROM),
        ] {
            assert_eq!(evm_core::keccak256(sig.as_bytes())[..4], sel);
        }
    }

    #[test]
    fn strict_calls_decode_and_anything_else_does_not() {
        let value = [0xff; 32];
        assert_eq!(
            decode(&call(APPROVE, &[addr_word(7), value])),
            Some(Erc20::Approve {
                spender: [7; 20],
                amount: U256::MAX
            })
        );
        assert_eq!(
            decode(&call(TRANSFER_FROM, &[addr_word(1), addr_word(2), [0; 32]])),
            Some(Erc20::TransferFrom {
                from: [1; 20],
                to: [2; 20],
                amount: U256::ZERO
            })
        );
        let good = call(TRANSFER, &[addr_word(3), [0; 32]]);
        assert!(decode(&good).is_some());
        // Trailing byte, short, dirty address word, unknown selector.
        let mut long = good.clone();
        long.push(0);
        assert_eq!(decode(&long), None);
        assert_eq!(decode(&good[..good.len() - 1]), None);
        let mut dirty = good.clone();
        dirty[4] = 1;
        assert_eq!(decode(&dirty), None);
        assert_eq!(decode(&call([1, 2, 3, 4], &[addr_word(3), [0; 32]])), None);
        assert_eq!(decode(&[0xa9, 0x05]), None);
    }
}
