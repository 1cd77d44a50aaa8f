//! What a simulation found: outcome, fees, balance, token and storage changes, calls and warnings (bounded).

use evm_core::{Address, Halt, B256, U256};

/// Most balance changes in a report.
pub const MAX_BALANCES: usize = 16;
/// Most decoded ERC-20 events in a report.
pub const MAX_TOKEN_EVENTS: usize = 16;
/// Most storage changes in a report.
pub const MAX_STORAGE: usize = 32;
/// Most calls in a report.
pub const MAX_CALLS: usize = 32;
/// Most warnings in a report.
pub const MAX_WARNINGS: usize = 16;
/// Longest revert reason kept (longer ones are cut and marked).
pub const MAX_REVERT_REASON: usize = 64;

/// keccak256("Transfer(address,address,uint256)").
pub const TRANSFER_TOPIC: B256 =
    hex32(b"ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
/// keccak256("Approval(address,address,uint256)").
pub const APPROVAL_TOPIC: B256 =
    hex32(b"8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
/// EIP-1967 implementation slot: keccak256("eip1967.proxy.implementation") - 1.
pub const EIP1967_IMPLEMENTATION: B256 =
    hex32(b"360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");
/// EIP-1967 admin slot: keccak256("eip1967.proxy.admin") - 1.
pub const EIP1967_ADMIN: B256 =
    hex32(b"b53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");
/// EIP-1967 beacon slot: keccak256("eip1967.proxy.beacon") - 1.
pub const EIP1967_BEACON: B256 =
    hex32(b"a3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50");

/// 32 bytes from 64 hex digits, at compile time.
const fn hex32(s: &[u8; 64]) -> B256 {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => 0, // the constants below are checked against their hashes in the tests
        }
    }
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = digit(s[2 * i]) << 4 | digit(s[2 * i + 1]);
        i += 1;
    }
    out
}

/// How the transaction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It succeeded.
    Success,
    /// It reverted, with the decoded reason.
    Revert(RevertReason),
    /// It halted exceptionally (all gas used).
    Halt(Halt),
}

/// A revert's return data, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevertReason {
    /// No return data.
    Empty,
    /// `Error(string)`; `cut` when longer than [`MAX_REVERT_REASON`] bytes.
    Error {
        /// The message (UTF-8 checked; cut on a character boundary).
        text: heapless::String<MAX_REVERT_REASON>,
        /// Whether the message was longer.
        cut: bool,
    },
    /// `Panic(uint256)` with its code.
    Panic(U256),
    /// Anything else: its length and first four bytes.
    Other {
        /// Bytes of return data.
        len: usize,
        /// Its first four bytes (a custom error's selector), zero-padded.
        selector: [u8; 4],
    },
}

/// The ether balance of an account before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceChange {
    /// The account.
    pub address: Address,
    /// Balance before (wei).
    pub before: U256,
    /// Balance after (wei).
    pub after: U256,
}

/// Which ERC-20 event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenEventKind {
    /// `Transfer(from, to, amount)`.
    Transfer,
    /// `Approval(owner, spender, amount)`.
    Approval,
}

/// A decoded ERC-20 `Transfer` or `Approval` log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenEvent {
    /// Which event.
    pub kind: TokenEventKind,
    /// The contract that logged it.
    pub token: Address,
    /// Sender (owner for an approval).
    pub from: Address,
    /// Recipient (spender for an approval).
    pub to: Address,
    /// Amount in the token's base unit.
    pub amount: U256,
}

/// One storage slot that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageChange {
    /// The account whose storage it is.
    pub address: Address,
    /// The slot.
    pub slot: U256,
    /// Value before.
    pub old: U256,
    /// Value after.
    pub new: U256,
}

/// The kind of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// CALL.
    Call,
    /// CALLCODE.
    CallCode,
    /// DELEGATECALL.
    DelegateCall,
    /// STATICCALL.
    StaticCall,
    /// CREATE.
    Create,
    /// CREATE2.
    Create2,
}

impl CallKind {
    /// The kind of opcode `op`, if it calls or creates.
    pub fn of(op: u8) -> Option<Self> {
        Some(match op {
            0xf0 => Self::Create,
            0xf1 => Self::Call,
            0xf2 => Self::CallCode,
            0xf4 => Self::DelegateCall,
            0xf5 => Self::Create2,
            0xfa => Self::StaticCall,
            _ => return None,
        })
    }

    /// The opcode's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Call => "CALL",
            Self::CallCode => "CALLCODE",
            Self::DelegateCall => "DELEGATECALL",
            Self::StaticCall => "STATICCALL",
            Self::Create => "CREATE",
            Self::Create2 => "CREATE2",
        }
    }
}

/// One call or creation made while the transaction ran (in a reverted frame too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// Which opcode.
    pub kind: CallKind,
    /// Depth of the calling frame (0: the transaction's).
    pub depth: usize,
    /// The calling frame's address (its storage context).
    pub from: Address,
    /// The callee; for a creation the new contract's address once its code ran (`None` if it never did).
    pub target: Option<Address>,
    /// Wei sent (zero for DELEGATECALL and STATICCALL).
    pub value: U256,
}

/// Which proxy slot a write changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxySlot {
    /// Slot 0 (a Safe's singleton, many proxies' implementation).
    Zero,
    /// The EIP-1967 implementation slot.
    Implementation,
    /// The EIP-1967 admin slot.
    Admin,
    /// The EIP-1967 beacon slot.
    Beacon,
}

impl ProxySlot {
    /// Which proxy slot `slot` is, if any.
    pub fn of(slot: &U256) -> Option<Self> {
        let b = slot.to_be_bytes::<32>();
        Some(match b {
            _ if slot.is_zero() => Self::Zero,
            EIP1967_IMPLEMENTATION => Self::Implementation,
            EIP1967_ADMIN => Self::Admin,
            EIP1967_BEACON => Self::Beacon,
            _ => return None,
        })
    }

    /// How the display names it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Zero => "slot 0",
            Self::Implementation => "EIP-1967 implementation slot",
            Self::Admin => "EIP-1967 admin slot",
            Self::Beacon => "EIP-1967 beacon slot",
        }
    }
}

/// Something the user must see before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// Code reached by DELEGATECALL made a DELEGATECALL itself: `account`'s
    /// storage handed on from `code` to `target` (the February 2025 Safe attack).
    ChainedDelegateCall {
        /// The account whose storage the frames use.
        account: Address,
        /// The code that made the second DELEGATECALL.
        code: Address,
        /// Its target.
        target: Address,
    },
    /// A proxy implementation changes: a write to slot 0 or an EIP-1967 slot.
    ProxySlotWrite {
        /// The account.
        address: Address,
        /// Which slot.
        slot: ProxySlot,
        /// Value before.
        old: U256,
        /// Value after.
        new: U256,
    },
    /// An account gets a new EIP-7702 delegation.
    NewDelegation {
        /// The delegating account.
        authority: Address,
        /// The code it delegates to.
        delegate: Address,
    },
    /// An ERC-20 approval of the maximum amount.
    UnlimitedApproval {
        /// The token.
        token: Address,
        /// The owner.
        owner: Address,
        /// Who may spend.
        spender: Address,
    },
}

/// The pre-state the simulation ran on, as the host supplied it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownBlock {
    /// Block number.
    pub number: u64,
    /// State root (supplied by the host).
    pub state_root: B256,
    /// Timestamp.
    pub timestamp: u64,
    /// Base fee per gas.
    pub base_fee: U256,
    /// Fee recipient.
    pub coinbase: Address,
}

/// The result of [`super::simulate`]: everything the display adds to the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The block and root it ran on.
    pub block: ShownBlock,
    /// Success or revert.
    pub outcome: Outcome,
    /// Gas used (after refunds).
    pub gas_used: u64,
    /// Fee paid by the sender (wei): gas used × effective gas price, plus the blob fee.
    pub fee: U256,
    /// The contract created, for a successful creation.
    pub created: Option<Address>,
    /// Ether balance changes.
    pub balances: heapless::Vec<BalanceChange, MAX_BALANCES>,
    /// ERC-20 transfers and approvals.
    pub tokens: heapless::Vec<TokenEvent, MAX_TOKEN_EVENTS>,
    /// Storage changes.
    pub storage: heapless::Vec<StorageChange, MAX_STORAGE>,
    /// Calls and creations.
    pub calls: heapless::Vec<Call, MAX_CALLS>,
    /// Warnings.
    pub warnings: heapless::Vec<Warning, MAX_WARNINGS>,
}

impl Report {
    /// A report of `block` with nothing in it yet (success, no gas), on the
    /// heap; `None` if the heap cannot hold it. Built here, out of line, so
    /// that its ~11 KiB pass through no frame of a running simulation.
    #[inline(never)]
    pub fn boxed(block: ShownBlock) -> Option<super::Boxed<Self>> {
        super::Boxed::try_with(|| Self {
            block,
            outcome: Outcome::Success,
            gas_used: 0,
            fee: U256::ZERO,
            created: None,
            balances: heapless::Vec::new(),
            tokens: heapless::Vec::new(),
            storage: heapless::Vec::new(),
            calls: heapless::Vec::new(),
            warnings: heapless::Vec::new(),
        })
    }
}

/// The 32-byte ABI word at `i` of `data`, if present.
fn word(data: &[u8], i: usize) -> Option<U256> {
    let start = i.checked_mul(32)?;
    data.get(start..start.checked_add(32)?)
        .map(U256::from_be_slice)
}

/// Decodes revert data: `Error(string)` (strict ABI), `Panic(uint256)`, or its selector.
pub fn revert_reason(data: &[u8]) -> RevertReason {
    const ERROR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    const PANIC: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];
    let mut selector = [0u8; 4];
    for (s, d) in selector.iter_mut().zip(data) {
        *s = *d;
    }
    let body = data.get(4..).unwrap_or(&[]);
    let other = RevertReason::Other {
        len: data.len(),
        selector,
    };
    if data.is_empty() {
        return RevertReason::Empty;
    }
    if data.len() >= 4 && selector == PANIC && body.len() == 32 {
        return word(body, 0).map_or(other, RevertReason::Panic);
    }
    if data.len() < 4 || selector != ERROR {
        return other;
    }
    let text = (|| {
        if word(body, 0)? != U256::from(32u64) {
            return None;
        }
        let len = usize::try_from(word(body, 1)?).ok()?;
        let bytes = body.get(64..64usize.checked_add(len)?)?;
        core::str::from_utf8(bytes).ok()
    })();
    let Some(text) = text else {
        return other;
    };
    let mut out = heapless::String::new();
    let mut cut = false;
    for c in text.chars() {
        if out.push(c).is_err() {
            cut = true;
            break;
        }
    }
    RevertReason::Error { text: out, cut }
}

/// Decodes an ERC-20 `Transfer` / `Approval` log (three topics, a 32-byte amount).
pub fn token_event(token: &Address, topics: &[B256], data: &[u8]) -> Option<TokenEvent> {
    let [sig, from, to] = topics else {
        return None;
    };
    let kind = match *sig {
        TRANSFER_TOPIC => TokenEventKind::Transfer,
        APPROVAL_TOPIC => TokenEventKind::Approval,
        _ => return None,
    };
    let address = |t: &B256| -> Option<Address> {
        if t.iter().take(12).any(|b| *b != 0) {
            return None;
        }
        let mut a = [0u8; 20];
        a.copy_from_slice(t.get(12..)?);
        Some(a)
    };
    if data.len() != 32 {
        return None;
    }
    Some(TokenEvent {
        kind,
        token: *token,
        from: address(from)?,
        to: address(to)?,
        amount: word(data, 0)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_and_slots_are_the_hashes() {
        let k = evm_core::keccak256;
        assert_eq!(TRANSFER_TOPIC, k(b"Transfer(address,address,uint256)"));
        assert_eq!(APPROVAL_TOPIC, k(b"Approval(address,address,uint256)"));
        let minus1 = |s: &[u8]| (U256::from_be_bytes(k(s)) - U256::from(1u64)).to_be_bytes::<32>();
        assert_eq!(
            EIP1967_IMPLEMENTATION,
            minus1(b"eip1967.proxy.implementation")
        );
        assert_eq!(EIP1967_ADMIN, minus1(b"eip1967.proxy.admin"));
        assert_eq!(EIP1967_BEACON, minus1(b"eip1967.proxy.beacon"));
        assert_eq!(ProxySlot::of(&U256::ZERO), Some(ProxySlot::Zero));
        assert_eq!(ProxySlot::of(&U256::from(1u64)), None);
    }

    fn abi_error(msg: &[u8]) -> Vec<u8> {
        let mut d = vec![0x08, 0xc3, 0x79, 0xa0];
        d.extend_from_slice(&U256::from(32u64).to_be_bytes::<32>());
        d.extend_from_slice(&U256::from(msg.len()).to_be_bytes::<32>());
        d.extend_from_slice(msg);
        d.resize(4 + 64 + msg.len().div_ceil(32) * 32, 0);
        d
    }

    #[test]
    fn revert_reasons() {
        assert_eq!(revert_reason(&[]), RevertReason::Empty);
        match revert_reason(&abi_error(b"insufficient balance")) {
            RevertReason::Error { text, cut } => {
                assert_eq!(text.as_str(), "insufficient balance");
                assert!(!cut);
            }
            other => panic!("{other:?}"),
        }
        match revert_reason(&abi_error(&[b'x'; 100])) {
            RevertReason::Error { text, cut } => assert!(cut && text.len() == MAX_REVERT_REASON),
            other => panic!("{other:?}"),
        }
        let mut panic = vec![0x4e, 0x48, 0x7b, 0x71];
        panic.extend_from_slice(&U256::from(0x11u64).to_be_bytes::<32>());
        assert_eq!(
            revert_reason(&panic),
            RevertReason::Panic(U256::from(0x11u64))
        );
        // A lying length, bad UTF-8, a custom error: shown as "other".
        let mut bad = abi_error(b"ok");
        bad[4 + 63] = 200;
        assert!(matches!(revert_reason(&bad), RevertReason::Other { .. }));
        assert!(matches!(
            revert_reason(&abi_error(&[0xff, 0xfe])),
            RevertReason::Other { .. }
        ));
        assert_eq!(
            revert_reason(&[1, 2, 3, 4, 5]),
            RevertReason::Other {
                len: 5,
                selector: [1, 2, 3, 4]
            }
        );
    }

    #[test]
    fn token_events() {
        let mut from = [0u8; 32];
        from[31] = 1;
        let mut to = [0u8; 32];
        to[31] = 2;
        let amount = U256::from(5u64).to_be_bytes::<32>();
        let e = token_event(&[9; 20], &[TRANSFER_TOPIC, from, to], &amount).unwrap();
        assert_eq!(e.kind, TokenEventKind::Transfer);
        assert_eq!(e.amount, U256::from(5u64));
        assert_eq!(e.from[19], 1);
        assert!(token_event(&[9; 20], &[TRANSFER_TOPIC, from], &amount).is_none());
        let mut dirty = from;
        dirty[0] = 1;
        assert!(token_event(&[9; 20], &[APPROVAL_TOPIC, dirty, to], &amount).is_none());
    }
}
