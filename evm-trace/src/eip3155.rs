//! EIP-3155 JSON-lines tracer (std): one object per step and the closing summary line.

use std::fmt::Write as _;
use std::io::Write;

use evm_core::opcode::OPCODES;
use evm_core::{ExecStatus, Halt, Step, StepEnd, Tracer, U256};

/// The machine state kept between `step` and `step_end`.
#[derive(Debug, Default)]
struct Pending {
    pc: usize,
    op: u8,
    gas: u64,
    depth: usize,
    mem_size: usize,
    refund: i64,
    stack: Vec<U256>,
}

/// A [`Tracer`] writing one EIP-3155 JSON object per executed instruction
/// to `out`, fields in the order of the EIP: `pc`, `op`, `gas`, `gasCost`,
/// `memSize`, `stack`, `depth`, `returnData`, `refund`, `opName`, `error`.
///
/// The line is written after the instruction ran (its cost is known then);
/// `stack`, `memSize`, `gas` and `refund` are the values before it, `depth`
/// counts from 1 as in geth and revm, `gasCost` is the gas it took (for
/// CALL/CREATE including the gas handed to the callee, as revm reports it).
#[derive(Debug)]
pub struct Eip3155<W: Write> {
    out: W,
    pending: Option<Pending>,
    spare: Vec<U256>,
    line: String,
    lines: u64,
    failed: bool,
}

/// The name `error` takes for an exit status (revm's `InstructionResult` names where one matches).
pub fn error_name(status: ExecStatus, opcode: u8) -> Option<&'static str> {
    Some(match status {
        ExecStatus::Success => return None,
        ExecStatus::Revert => "Revert",
        ExecStatus::Halt(h) => match h {
            Halt::OutOfGas => "OutOfGas",
            Halt::InvalidOpcode if opcode == 0xfe => "InvalidFEOpcode",
            Halt::InvalidOpcode => "OpcodeNotFound",
            Halt::StackUnderflow => "StackUnderflow",
            Halt::StackOverflow => "StackOverflow",
            Halt::InvalidJump => "InvalidJump",
            Halt::StaticViolation => "StateChangeDuringStaticCall",
            Halt::ReturnDataOutOfBounds => "OutOfOffset",
            Halt::CreateCollision => "CreateCollision",
            Halt::CodeSizeLimit => "CreateContractSizeLimit",
            Halt::InvalidCodePrefix => "CreateContractStartingWithEF",
            Halt::InitcodeSizeLimit => "CreateInitCodeSizeLimit",
            Halt::PrecompileFailure => "PrecompileError",
            _ => "Halt",
        },
    })
}

/// The mnemonic of an opcode (`INVALID` for 0xfe), `None` for an undefined byte.
pub fn op_name(opcode: u8) -> Option<&'static str> {
    let info = &OPCODES[opcode as usize];
    match opcode {
        0xfe => Some("INVALID"),
        _ if info.defined => Some(info.name),
        _ => None,
    }
}

fn hex_u256(s: &mut String, v: &U256) {
    let _ = write!(s, "\"{v:#x}\"");
}

impl<W: Write> Eip3155<W> {
    /// A tracer writing to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            pending: None,
            spare: Vec::new(),
            line: String::with_capacity(256),
            lines: 0,
            failed: false,
        }
    }
    /// Step lines written so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }
    /// Whether a write failed (later lines were dropped).
    pub fn failed(&self) -> bool {
        self.failed
    }
    /// The writer.
    pub fn into_inner(self) -> W {
        self.out
    }
    /// The writer, to add the summary line.
    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }
}

/// Writes the EIP-3155 summary line.
pub fn write_summary<W: Write>(
    out: &mut W,
    state_root: &[u8; 32],
    output: &[u8],
    gas_used: u64,
    pass: bool,
    fork: &str,
) -> std::io::Result<()> {
    let mut s = String::from("{\"stateRoot\":\"0x");
    for b in state_root {
        let _ = write!(s, "{b:02x}");
    }
    s.push_str("\",\"output\":\"0x");
    for b in output {
        let _ = write!(s, "{b:02x}");
    }
    let _ = writeln!(
        s,
        "\",\"gasUsed\":\"{gas_used:#x}\",\"pass\":{pass},\"fork\":\"{fork}\"}}"
    );
    out.write_all(s.as_bytes())
}

impl<W: Write> Tracer for Eip3155<W> {
    fn step(&mut self, s: &Step<'_>) {
        let mut stack = core::mem::take(&mut self.spare);
        stack.clear();
        stack.extend_from_slice(s.stack);
        self.pending = Some(Pending {
            pc: s.pc,
            op: s.op,
            gas: s.gas,
            depth: s.depth,
            mem_size: s.memory.len(),
            refund: s.refund,
            stack,
        });
    }

    fn step_end(&mut self, e: &StepEnd<'_>) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let l = &mut self.line;
        l.clear();
        let _ = write!(
            l,
            "{{\"pc\":{},\"op\":{},\"gas\":\"{:#x}\",\"gasCost\":\"{:#x}\",\"memSize\":{},\"stack\":[",
            p.pc,
            p.op,
            p.gas,
            p.gas.saturating_sub(e.gas),
            p.mem_size
        );
        for (i, v) in p.stack.iter().enumerate() {
            if i > 0 {
                l.push(',');
            }
            hex_u256(l, v);
        }
        let _ = write!(
            l,
            "],\"depth\":{},\"returnData\":\"0x\",\"refund\":{}",
            p.depth + 1,
            p.refund,
        );
        if let Some(name) = op_name(p.op) {
            let _ = write!(l, ",\"opName\":\"{name}\"");
        }
        if let Some(err) = e.exit.and_then(|x| error_name(x, p.op)) {
            let _ = write!(l, ",\"error\":\"{err}\"");
        }
        l.push_str("}\n");
        self.spare = p.stack;
        if !self.failed {
            self.failed = self.out.write_all(l.as_bytes()).is_err();
            self.lines += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_step_in_eip_order() {
        let mut t = Eip3155::new(Vec::new());
        let stack = [U256::from(0x40), U256::ZERO];
        t.step(&Step {
            pc: 2,
            op: 0x01,
            gas: 100,
            depth: 0,
            address: [0xaa; 20],
            stack: &stack,
            memory: &[0; 32],
            refund: 0,
            return_data: &[],
        });
        t.step_end(&StepEnd {
            gas: 97,
            stack: &[U256::from(0x40)],
            refund: 0,
            exit: None,
        });
        t.step(&Step {
            pc: 3,
            op: 0xfe,
            gas: 97,
            depth: 1,
            address: [0xaa; 20],
            stack: &[],
            memory: &[],
            refund: 4800,
            return_data: &[],
        });
        t.step_end(&StepEnd {
            gas: 0,
            stack: &[],
            refund: 0,
            exit: Some(ExecStatus::Halt(Halt::InvalidOpcode)),
        });
        let out = String::from_utf8(t.into_inner()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"pc":2,"op":1,"gas":"0x64","gasCost":"0x3","memSize":32,"stack":["0x40","0x0"],"depth":1,"returnData":"0x","refund":0,"opName":"ADD"}"#
        );
        assert_eq!(
            lines[1],
            r#"{"pc":3,"op":254,"gas":"0x61","gasCost":"0x61","memSize":0,"stack":[],"depth":2,"returnData":"0x","refund":4800,"opName":"INVALID","error":"InvalidFEOpcode"}"#
        );
        let mut s = Vec::new();
        write_summary(&mut s, &[0; 32], &[1, 2], 21000, true, "Cancun").unwrap();
        assert_eq!(
            String::from_utf8(s).unwrap(),
            "{\"stateRoot\":\"0x0000000000000000000000000000000000000000000000000000000000000000\",\"output\":\"0x0102\",\"gasUsed\":\"0x5208\",\"pass\":true,\"fork\":\"Cancun\"}\n"
        );
    }
}
