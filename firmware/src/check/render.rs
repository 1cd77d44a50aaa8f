//! Display lines of a report and of a refusal, written to any `core::fmt::Write` (bounded by the report's lists).

use core::fmt::{self, Write};

use evm_core::{Address, U256};

use super::report::{CallKind, Outcome, Report, RevertReason, TokenEventKind, Warning};
use super::{BadWitness, Missing, Refusal};

/// Longest line [`Report::render`] writes (an address, a slot and two values fit).
pub const MAX_LINE: usize = 240;

/// `0x` and 40 lowercase hex digits.
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// A word as `0x` hex without leading zeros (`0x0` for zero).
pub struct Word<'a>(pub &'a U256);

impl fmt::Display for Word<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// Wei as ether with up to 18 decimals, trailing zeros dropped.
pub struct Ether<'a>(pub &'a U256);

impl fmt::Display for Ether<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = U256::from(1_000_000_000_000_000_000u64);
        let (whole, frac) = self.0.div_rem(unit);
        write!(f, "{whole}")?;
        if !frac.is_zero() {
            let mut digits = [b'0'; 18];
            let mut rest = frac;
            for d in digits.iter_mut().rev() {
                let (q, r) = rest.div_rem(U256::from(10u64));
                *d = b'0' + r.as_limbs()[0] as u8;
                rest = q;
            }
            let end = digits.iter().rposition(|d| *d != b'0').map_or(0, |i| i + 1);
            f.write_str(".")?;
            for d in digits.iter().take(end) {
                f.write_char(char::from(*d))?;
            }
        }
        f.write_str(" ETH")
    }
}

fn addr(a: &Address) -> Hex<'_> {
    Hex(a)
}

/// A signed ether difference `after - before`.
struct Delta<'a>(&'a U256, &'a U256);

impl fmt::Display for Delta<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (before, after) = (self.0, self.1);
        if after >= before {
            write!(f, "+{}", Ether(&(*after - *before)))
        } else {
            write!(f, "-{}", Ether(&(*before - *after)))
        }
    }
}

impl Report {
    /// Writes the report's display lines (each ending in `\n`, each at most
    /// [`MAX_LINE`] characters): block and root, outcome, gas and fee,
    /// warnings first, then balance, token and storage changes and calls.
    pub fn render<W: Write>(&self, out: &mut W) -> fmt::Result {
        let b = &self.block;
        writeln!(
            out,
            "state: block {} root {} (supplied by the host)",
            b.number,
            Hex(&b.state_root)
        )?;
        match &self.outcome {
            Outcome::Success => writeln!(out, "outcome: success")?,
            Outcome::Halt(h) => writeln!(out, "outcome: failed ({h})")?,
            Outcome::Revert(r) => {
                out.write_str("outcome: reverted")?;
                match r {
                    RevertReason::Empty => writeln!(out)?,
                    RevertReason::Error { text, cut } => {
                        let more = if *cut { "..." } else { "" };
                        writeln!(out, ": Error(\"{}{more}\")", text.escape_debug())?
                    }
                    RevertReason::Panic(code) => writeln!(out, ": Panic({})", Word(code))?,
                    RevertReason::Other { len, selector } => {
                        writeln!(out, ": {len} bytes, selector {}", Hex(selector))?
                    }
                }
            }
        }
        writeln!(
            out,
            "gas used: {}, fee: {}",
            self.gas_used,
            Ether(&self.fee)
        )?;
        if let Some(c) = &self.created {
            writeln!(out, "creates contract {}", addr(c))?;
        }
        for w in &self.warnings {
            out.write_str("WARNING: ")?;
            match w {
                Warning::ChainedDelegateCall {
                    account,
                    code,
                    target,
                } => writeln!(
                    out,
                    "DELEGATECALL by delegated code {} hands the storage of {} to {}",
                    addr(code),
                    addr(account),
                    addr(target)
                )?,
                Warning::ProxySlotWrite {
                    address,
                    slot,
                    old,
                    new,
                } => writeln!(
                    out,
                    "proxy implementation changes: {} of {}: {} -> {}",
                    slot.name(),
                    addr(address),
                    Word(old),
                    Word(new)
                )?,
                Warning::NewDelegation {
                    authority,
                    delegate,
                } => writeln!(
                    out,
                    "new EIP-7702 delegation: {} runs the code of {}",
                    addr(authority),
                    addr(delegate)
                )?,
                Warning::UnlimitedApproval {
                    token,
                    owner,
                    spender,
                } => writeln!(
                    out,
                    "unlimited approval: {} may spend all {} tokens of {}",
                    addr(spender),
                    addr(token),
                    addr(owner)
                )?,
            }
        }
        for c in &self.balances {
            writeln!(
                out,
                "balance {}: {} ({} -> {})",
                addr(&c.address),
                Delta(&c.before, &c.after),
                Ether(&c.before),
                Ether(&c.after)
            )?;
        }
        for e in &self.tokens {
            let (kind, to) = match e.kind {
                TokenEventKind::Transfer => ("transfer", "to"),
                TokenEventKind::Approval => ("approval", "spender"),
            };
            writeln!(
                out,
                "token {} {kind}: from {} {to} {} amount {}",
                addr(&e.token),
                addr(&e.from),
                addr(&e.to),
                e.amount
            )?;
        }
        for s in &self.storage {
            writeln!(
                out,
                "storage {} slot {}: {} -> {}",
                addr(&s.address),
                Word(&s.slot),
                Word(&s.old),
                Word(&s.new)
            )?;
        }
        for c in &self.calls {
            write!(
                out,
                "call {}: {} {} ",
                c.depth,
                c.kind.name(),
                addr(&c.from)
            )?;
            match &c.target {
                Some(t) => write!(out, "-> {}", addr(t))?,
                None => out.write_str("-> (no code ran)")?,
            }
            if !matches!(c.kind, CallKind::DelegateCall | CallKind::StaticCall) {
                write!(out, " value {}", Ether(&c.value))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

impl fmt::Display for Missing {
    /// As the host shows it ([`protocol::MissingKey`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        protocol::MissingKey::from(*self).fmt(f)
    }
}

impl fmt::Display for BadWitness {
    /// As the host shows it ([`protocol::WitnessFault`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        protocol::WitnessFault::from(*self).fmt(f)
    }
}

impl fmt::Display for Refusal {
    /// One display line, as the host shows it ([`protocol::WalletError`]):
    /// `witness rejected: …`, `witness incomplete: …`, `cannot simulate: …`,
    /// `invalid on the proven state: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        protocol::WalletError::from(*self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn ether_and_words() {
        let s = |v: u128| alloc::format!("{}", Ether(&U256::from(v)));
        assert_eq!(s(0), "0 ETH");
        assert_eq!(s(1_000_000_000_000_000_000), "1 ETH");
        assert_eq!(s(1_500_000_000_000_000_000), "1.5 ETH");
        assert_eq!(s(1), "0.000000000000000001 ETH");
        assert_eq!(alloc::format!("{}", Word(&U256::ZERO)), "0x0");
        assert_eq!(alloc::format!("{}", Word(&U256::from(255u64))), "0xff");
        let mut line = String::new();
        write!(line, "{}", Delta(&U256::from(3u64), &U256::from(1u64))).unwrap();
        assert_eq!(line, "-0.000000000000000002 ETH");
    }
}
