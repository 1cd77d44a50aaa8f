//! Opcode metadata as one table of data: name, stack inputs/outputs and static gas.

/// Static facts about one opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpInfo {
    /// Mnemonic (`"UNDEFINED"` for unassigned bytes).
    pub name: &'static str,
    /// Words popped.
    pub inputs: u8,
    /// Words pushed.
    pub outputs: u8,
    /// Gas charged before the opcode runs (dynamic parts are charged by the opcode).
    pub static_gas: u16,
    /// Whether the opcode is defined (in Osaka, the newest fork; CLZ is
    /// undefined before Osaka, see [`crate::Spec::checks`]).
    pub defined: bool,
}

impl OpInfo {
    /// An undefined opcode (halts with `InvalidOpcode`).
    pub const UNDEFINED: Self = Self {
        name: "UNDEFINED",
        inputs: 0,
        outputs: 0,
        static_gas: 0,
        defined: false,
    };

    const fn new(name: &'static str, inputs: u8, outputs: u8, static_gas: u16) -> Self {
        Self {
            name,
            inputs,
            outputs,
            static_gas,
            defined: true,
        }
    }

    /// Bytes of immediate data following the opcode (PUSH1..PUSH32).
    pub const fn immediate_len(op: u8) -> usize {
        if op >= 0x60 && op <= 0x7f {
            (op - 0x5f) as usize
        } else {
            0
        }
    }
}

/// Metadata of all 256 opcode bytes for Osaka (Cancun and Prague lack CLZ).
pub static OPCODES: [OpInfo; 256] = TABLE;

/// The checks made before every instruction, packed from [`OPCODES`] for the
/// interpreter's hot path (one 8-byte load, three comparisons, one branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpCheck {
    /// Static gas.
    pub gas: u32,
    /// Stack words needed; `u16::MAX` for an undefined opcode, so that the check fails.
    pub inputs: u16,
    /// Net words pushed, when positive (0 or 1 for every opcode).
    pub grows: u16,
}

/// [`OPCODES`] as [`OpCheck`]s: an instruction may run when `sp >= inputs`,
/// `sp + grows <= stack capacity` and `gas >= gas`; otherwise [`OPCODES`]
/// tells which of the checks failed. The table of Osaka.
pub static CHECKS_OSAKA: [OpCheck; 256] = checks(&TABLE, &[]);

/// The checks of Cancun and Prague: Osaka's without CLZ.
pub static CHECKS_CANCUN: [OpCheck; 256] = checks(&TABLE, &[op::CLZ]);

/// The checks of [`OPCODES`] in Osaka (its older name).
pub use CHECKS_OSAKA as CHECKS;

/// Packs `table` into checks, with the opcodes in `undefined` left undefined.
const fn checks(table: &[OpInfo; 256], undefined: &[u8]) -> [OpCheck; 256] {
    let mut t = [OpCheck {
        gas: 0,
        inputs: u16::MAX,
        grows: 0,
    }; 256];
    let mut i = 0;
    while i < 256 {
        let o = table[i];
        let mut defined = o.defined;
        let mut j = 0;
        while j < undefined.len() {
            if undefined[j] as usize == i {
                defined = false;
            }
            j += 1;
        }
        if defined {
            t[i] = OpCheck {
                gas: o.static_gas as u32,
                inputs: o.inputs as u16,
                grows: o.outputs.saturating_sub(o.inputs) as u16,
            };
        }
        i += 1;
    }
    t
}

const TABLE: [OpInfo; 256] = [
    OpInfo::new("STOP", 0, 0, 0),            // 0x00
    OpInfo::new("ADD", 2, 1, 3),             // 0x01
    OpInfo::new("MUL", 2, 1, 5),             // 0x02
    OpInfo::new("SUB", 2, 1, 3),             // 0x03
    OpInfo::new("DIV", 2, 1, 5),             // 0x04
    OpInfo::new("SDIV", 2, 1, 5),            // 0x05
    OpInfo::new("MOD", 2, 1, 5),             // 0x06
    OpInfo::new("SMOD", 2, 1, 5),            // 0x07
    OpInfo::new("ADDMOD", 3, 1, 8),          // 0x08
    OpInfo::new("MULMOD", 3, 1, 8),          // 0x09
    OpInfo::new("EXP", 2, 1, 10),            // 0x0a
    OpInfo::new("SIGNEXTEND", 2, 1, 5),      // 0x0b
    OpInfo::UNDEFINED,                       // 0x0c
    OpInfo::UNDEFINED,                       // 0x0d
    OpInfo::UNDEFINED,                       // 0x0e
    OpInfo::UNDEFINED,                       // 0x0f
    OpInfo::new("LT", 2, 1, 3),              // 0x10
    OpInfo::new("GT", 2, 1, 3),              // 0x11
    OpInfo::new("SLT", 2, 1, 3),             // 0x12
    OpInfo::new("SGT", 2, 1, 3),             // 0x13
    OpInfo::new("EQ", 2, 1, 3),              // 0x14
    OpInfo::new("ISZERO", 1, 1, 3),          // 0x15
    OpInfo::new("AND", 2, 1, 3),             // 0x16
    OpInfo::new("OR", 2, 1, 3),              // 0x17
    OpInfo::new("XOR", 2, 1, 3),             // 0x18
    OpInfo::new("NOT", 1, 1, 3),             // 0x19
    OpInfo::new("BYTE", 2, 1, 3),            // 0x1a
    OpInfo::new("SHL", 2, 1, 3),             // 0x1b
    OpInfo::new("SHR", 2, 1, 3),             // 0x1c
    OpInfo::new("SAR", 2, 1, 3),             // 0x1d
    OpInfo::new("CLZ", 1, 1, 5),             // 0x1e (Osaka, EIP-7939)
    OpInfo::UNDEFINED,                       // 0x1f
    OpInfo::new("KECCAK256", 2, 1, 30),      // 0x20
    OpInfo::UNDEFINED,                       // 0x21
    OpInfo::UNDEFINED,                       // 0x22
    OpInfo::UNDEFINED,                       // 0x23
    OpInfo::UNDEFINED,                       // 0x24
    OpInfo::UNDEFINED,                       // 0x25
    OpInfo::UNDEFINED,                       // 0x26
    OpInfo::UNDEFINED,                       // 0x27
    OpInfo::UNDEFINED,                       // 0x28
    OpInfo::UNDEFINED,                       // 0x29
    OpInfo::UNDEFINED,                       // 0x2a
    OpInfo::UNDEFINED,                       // 0x2b
    OpInfo::UNDEFINED,                       // 0x2c
    OpInfo::UNDEFINED,                       // 0x2d
    OpInfo::UNDEFINED,                       // 0x2e
    OpInfo::UNDEFINED,                       // 0x2f
    OpInfo::new("ADDRESS", 0, 1, 2),         // 0x30
    OpInfo::new("BALANCE", 1, 1, 0),         // 0x31
    OpInfo::new("ORIGIN", 0, 1, 2),          // 0x32
    OpInfo::new("CALLER", 0, 1, 2),          // 0x33
    OpInfo::new("CALLVALUE", 0, 1, 2),       // 0x34
    OpInfo::new("CALLDATALOAD", 1, 1, 3),    // 0x35
    OpInfo::new("CALLDATASIZE", 0, 1, 2),    // 0x36
    OpInfo::new("CALLDATACOPY", 3, 0, 3),    // 0x37
    OpInfo::new("CODESIZE", 0, 1, 2),        // 0x38
    OpInfo::new("CODECOPY", 3, 0, 3),        // 0x39
    OpInfo::new("GASPRICE", 0, 1, 2),        // 0x3a
    OpInfo::new("EXTCODESIZE", 1, 1, 0),     // 0x3b
    OpInfo::new("EXTCODECOPY", 4, 0, 0),     // 0x3c
    OpInfo::new("RETURNDATASIZE", 0, 1, 2),  // 0x3d
    OpInfo::new("RETURNDATACOPY", 3, 0, 3),  // 0x3e
    OpInfo::new("EXTCODEHASH", 1, 1, 0),     // 0x3f
    OpInfo::new("BLOCKHASH", 1, 1, 20),      // 0x40
    OpInfo::new("COINBASE", 0, 1, 2),        // 0x41
    OpInfo::new("TIMESTAMP", 0, 1, 2),       // 0x42
    OpInfo::new("NUMBER", 0, 1, 2),          // 0x43
    OpInfo::new("PREVRANDAO", 0, 1, 2),      // 0x44
    OpInfo::new("GASLIMIT", 0, 1, 2),        // 0x45
    OpInfo::new("CHAINID", 0, 1, 2),         // 0x46
    OpInfo::new("SELFBALANCE", 0, 1, 5),     // 0x47
    OpInfo::new("BASEFEE", 0, 1, 2),         // 0x48
    OpInfo::new("BLOBHASH", 1, 1, 3),        // 0x49
    OpInfo::new("BLOBBASEFEE", 0, 1, 2),     // 0x4a
    OpInfo::UNDEFINED,                       // 0x4b
    OpInfo::UNDEFINED,                       // 0x4c
    OpInfo::UNDEFINED,                       // 0x4d
    OpInfo::UNDEFINED,                       // 0x4e
    OpInfo::UNDEFINED,                       // 0x4f
    OpInfo::new("POP", 1, 0, 2),             // 0x50
    OpInfo::new("MLOAD", 1, 1, 3),           // 0x51
    OpInfo::new("MSTORE", 2, 0, 3),          // 0x52
    OpInfo::new("MSTORE8", 2, 0, 3),         // 0x53
    OpInfo::new("SLOAD", 1, 1, 0),           // 0x54
    OpInfo::new("SSTORE", 2, 0, 0),          // 0x55
    OpInfo::new("JUMP", 1, 0, 8),            // 0x56
    OpInfo::new("JUMPI", 2, 0, 10),          // 0x57
    OpInfo::new("PC", 0, 1, 2),              // 0x58
    OpInfo::new("MSIZE", 0, 1, 2),           // 0x59
    OpInfo::new("GAS", 0, 1, 2),             // 0x5a
    OpInfo::new("JUMPDEST", 0, 0, 1),        // 0x5b
    OpInfo::new("TLOAD", 1, 1, 100),         // 0x5c
    OpInfo::new("TSTORE", 2, 0, 100),        // 0x5d
    OpInfo::new("MCOPY", 3, 0, 3),           // 0x5e
    OpInfo::new("PUSH0", 0, 1, 2),           // 0x5f
    OpInfo::new("PUSH1", 0, 1, 3),           // 0x60
    OpInfo::new("PUSH2", 0, 1, 3),           // 0x61
    OpInfo::new("PUSH3", 0, 1, 3),           // 0x62
    OpInfo::new("PUSH4", 0, 1, 3),           // 0x63
    OpInfo::new("PUSH5", 0, 1, 3),           // 0x64
    OpInfo::new("PUSH6", 0, 1, 3),           // 0x65
    OpInfo::new("PUSH7", 0, 1, 3),           // 0x66
    OpInfo::new("PUSH8", 0, 1, 3),           // 0x67
    OpInfo::new("PUSH9", 0, 1, 3),           // 0x68
    OpInfo::new("PUSH10", 0, 1, 3),          // 0x69
    OpInfo::new("PUSH11", 0, 1, 3),          // 0x6a
    OpInfo::new("PUSH12", 0, 1, 3),          // 0x6b
    OpInfo::new("PUSH13", 0, 1, 3),          // 0x6c
    OpInfo::new("PUSH14", 0, 1, 3),          // 0x6d
    OpInfo::new("PUSH15", 0, 1, 3),          // 0x6e
    OpInfo::new("PUSH16", 0, 1, 3),          // 0x6f
    OpInfo::new("PUSH17", 0, 1, 3),          // 0x70
    OpInfo::new("PUSH18", 0, 1, 3),          // 0x71
    OpInfo::new("PUSH19", 0, 1, 3),          // 0x72
    OpInfo::new("PUSH20", 0, 1, 3),          // 0x73
    OpInfo::new("PUSH21", 0, 1, 3),          // 0x74
    OpInfo::new("PUSH22", 0, 1, 3),          // 0x75
    OpInfo::new("PUSH23", 0, 1, 3),          // 0x76
    OpInfo::new("PUSH24", 0, 1, 3),          // 0x77
    OpInfo::new("PUSH25", 0, 1, 3),          // 0x78
    OpInfo::new("PUSH26", 0, 1, 3),          // 0x79
    OpInfo::new("PUSH27", 0, 1, 3),          // 0x7a
    OpInfo::new("PUSH28", 0, 1, 3),          // 0x7b
    OpInfo::new("PUSH29", 0, 1, 3),          // 0x7c
    OpInfo::new("PUSH30", 0, 1, 3),          // 0x7d
    OpInfo::new("PUSH31", 0, 1, 3),          // 0x7e
    OpInfo::new("PUSH32", 0, 1, 3),          // 0x7f
    OpInfo::new("DUP1", 1, 2, 3),            // 0x80
    OpInfo::new("DUP2", 2, 3, 3),            // 0x81
    OpInfo::new("DUP3", 3, 4, 3),            // 0x82
    OpInfo::new("DUP4", 4, 5, 3),            // 0x83
    OpInfo::new("DUP5", 5, 6, 3),            // 0x84
    OpInfo::new("DUP6", 6, 7, 3),            // 0x85
    OpInfo::new("DUP7", 7, 8, 3),            // 0x86
    OpInfo::new("DUP8", 8, 9, 3),            // 0x87
    OpInfo::new("DUP9", 9, 10, 3),           // 0x88
    OpInfo::new("DUP10", 10, 11, 3),         // 0x89
    OpInfo::new("DUP11", 11, 12, 3),         // 0x8a
    OpInfo::new("DUP12", 12, 13, 3),         // 0x8b
    OpInfo::new("DUP13", 13, 14, 3),         // 0x8c
    OpInfo::new("DUP14", 14, 15, 3),         // 0x8d
    OpInfo::new("DUP15", 15, 16, 3),         // 0x8e
    OpInfo::new("DUP16", 16, 17, 3),         // 0x8f
    OpInfo::new("SWAP1", 2, 2, 3),           // 0x90
    OpInfo::new("SWAP2", 3, 3, 3),           // 0x91
    OpInfo::new("SWAP3", 4, 4, 3),           // 0x92
    OpInfo::new("SWAP4", 5, 5, 3),           // 0x93
    OpInfo::new("SWAP5", 6, 6, 3),           // 0x94
    OpInfo::new("SWAP6", 7, 7, 3),           // 0x95
    OpInfo::new("SWAP7", 8, 8, 3),           // 0x96
    OpInfo::new("SWAP8", 9, 9, 3),           // 0x97
    OpInfo::new("SWAP9", 10, 10, 3),         // 0x98
    OpInfo::new("SWAP10", 11, 11, 3),        // 0x99
    OpInfo::new("SWAP11", 12, 12, 3),        // 0x9a
    OpInfo::new("SWAP12", 13, 13, 3),        // 0x9b
    OpInfo::new("SWAP13", 14, 14, 3),        // 0x9c
    OpInfo::new("SWAP14", 15, 15, 3),        // 0x9d
    OpInfo::new("SWAP15", 16, 16, 3),        // 0x9e
    OpInfo::new("SWAP16", 17, 17, 3),        // 0x9f
    OpInfo::new("LOG0", 2, 0, 375),          // 0xa0
    OpInfo::new("LOG1", 3, 0, 750),          // 0xa1
    OpInfo::new("LOG2", 4, 0, 1125),         // 0xa2
    OpInfo::new("LOG3", 5, 0, 1500),         // 0xa3
    OpInfo::new("LOG4", 6, 0, 1875),         // 0xa4
    OpInfo::UNDEFINED,                       // 0xa5
    OpInfo::UNDEFINED,                       // 0xa6
    OpInfo::UNDEFINED,                       // 0xa7
    OpInfo::UNDEFINED,                       // 0xa8
    OpInfo::UNDEFINED,                       // 0xa9
    OpInfo::UNDEFINED,                       // 0xaa
    OpInfo::UNDEFINED,                       // 0xab
    OpInfo::UNDEFINED,                       // 0xac
    OpInfo::UNDEFINED,                       // 0xad
    OpInfo::UNDEFINED,                       // 0xae
    OpInfo::UNDEFINED,                       // 0xaf
    OpInfo::UNDEFINED,                       // 0xb0
    OpInfo::UNDEFINED,                       // 0xb1
    OpInfo::UNDEFINED,                       // 0xb2
    OpInfo::UNDEFINED,                       // 0xb3
    OpInfo::UNDEFINED,                       // 0xb4
    OpInfo::UNDEFINED,                       // 0xb5
    OpInfo::UNDEFINED,                       // 0xb6
    OpInfo::UNDEFINED,                       // 0xb7
    OpInfo::UNDEFINED,                       // 0xb8
    OpInfo::UNDEFINED,                       // 0xb9
    OpInfo::UNDEFINED,                       // 0xba
    OpInfo::UNDEFINED,                       // 0xbb
    OpInfo::UNDEFINED,                       // 0xbc
    OpInfo::UNDEFINED,                       // 0xbd
    OpInfo::UNDEFINED,                       // 0xbe
    OpInfo::UNDEFINED,                       // 0xbf
    OpInfo::UNDEFINED,                       // 0xc0
    OpInfo::UNDEFINED,                       // 0xc1
    OpInfo::UNDEFINED,                       // 0xc2
    OpInfo::UNDEFINED,                       // 0xc3
    OpInfo::UNDEFINED,                       // 0xc4
    OpInfo::UNDEFINED,                       // 0xc5
    OpInfo::UNDEFINED,                       // 0xc6
    OpInfo::UNDEFINED,                       // 0xc7
    OpInfo::UNDEFINED,                       // 0xc8
    OpInfo::UNDEFINED,                       // 0xc9
    OpInfo::UNDEFINED,                       // 0xca
    OpInfo::UNDEFINED,                       // 0xcb
    OpInfo::UNDEFINED,                       // 0xcc
    OpInfo::UNDEFINED,                       // 0xcd
    OpInfo::UNDEFINED,                       // 0xce
    OpInfo::UNDEFINED,                       // 0xcf
    OpInfo::UNDEFINED,                       // 0xd0
    OpInfo::UNDEFINED,                       // 0xd1
    OpInfo::UNDEFINED,                       // 0xd2
    OpInfo::UNDEFINED,                       // 0xd3
    OpInfo::UNDEFINED,                       // 0xd4
    OpInfo::UNDEFINED,                       // 0xd5
    OpInfo::UNDEFINED,                       // 0xd6
    OpInfo::UNDEFINED,                       // 0xd7
    OpInfo::UNDEFINED,                       // 0xd8
    OpInfo::UNDEFINED,                       // 0xd9
    OpInfo::UNDEFINED,                       // 0xda
    OpInfo::UNDEFINED,                       // 0xdb
    OpInfo::UNDEFINED,                       // 0xdc
    OpInfo::UNDEFINED,                       // 0xdd
    OpInfo::UNDEFINED,                       // 0xde
    OpInfo::UNDEFINED,                       // 0xdf
    OpInfo::UNDEFINED,                       // 0xe0
    OpInfo::UNDEFINED,                       // 0xe1
    OpInfo::UNDEFINED,                       // 0xe2
    OpInfo::UNDEFINED,                       // 0xe3
    OpInfo::UNDEFINED,                       // 0xe4
    OpInfo::UNDEFINED,                       // 0xe5
    OpInfo::UNDEFINED,                       // 0xe6
    OpInfo::UNDEFINED,                       // 0xe7
    OpInfo::UNDEFINED,                       // 0xe8
    OpInfo::UNDEFINED,                       // 0xe9
    OpInfo::UNDEFINED,                       // 0xea
    OpInfo::UNDEFINED,                       // 0xeb
    OpInfo::UNDEFINED,                       // 0xec
    OpInfo::UNDEFINED,                       // 0xed
    OpInfo::UNDEFINED,                       // 0xee
    OpInfo::UNDEFINED,                       // 0xef
    OpInfo::new("CREATE", 3, 1, 32000),      // 0xf0
    OpInfo::new("CALL", 7, 1, 0),            // 0xf1
    OpInfo::new("CALLCODE", 7, 1, 0),        // 0xf2
    OpInfo::new("RETURN", 2, 0, 0),          // 0xf3
    OpInfo::new("DELEGATECALL", 6, 1, 0),    // 0xf4
    OpInfo::new("CREATE2", 4, 1, 32000),     // 0xf5
    OpInfo::UNDEFINED,                       // 0xf6
    OpInfo::UNDEFINED,                       // 0xf7
    OpInfo::UNDEFINED,                       // 0xf8
    OpInfo::UNDEFINED,                       // 0xf9
    OpInfo::new("STATICCALL", 6, 1, 0),      // 0xfa
    OpInfo::UNDEFINED,                       // 0xfb
    OpInfo::UNDEFINED,                       // 0xfc
    OpInfo::new("REVERT", 2, 0, 0),          // 0xfd
    OpInfo::UNDEFINED,                       // 0xfe
    OpInfo::new("SELFDESTRUCT", 1, 0, 5000), // 0xff
];

/// Opcode byte values.
#[allow(missing_docs)]
pub mod op {
    /// `STOP`
    pub const STOP: u8 = 0x00;
    /// `ADD`
    pub const ADD: u8 = 0x01;
    /// `MUL`
    pub const MUL: u8 = 0x02;
    /// `SUB`
    pub const SUB: u8 = 0x03;
    /// `DIV`
    pub const DIV: u8 = 0x04;
    /// `SDIV`
    pub const SDIV: u8 = 0x05;
    /// `MOD`
    pub const MOD: u8 = 0x06;
    /// `SMOD`
    pub const SMOD: u8 = 0x07;
    /// `ADDMOD`
    pub const ADDMOD: u8 = 0x08;
    /// `MULMOD`
    pub const MULMOD: u8 = 0x09;
    /// `EXP`
    pub const EXP: u8 = 0x0a;
    /// `SIGNEXTEND`
    pub const SIGNEXTEND: u8 = 0x0b;
    /// `LT`
    pub const LT: u8 = 0x10;
    /// `GT`
    pub const GT: u8 = 0x11;
    /// `SLT`
    pub const SLT: u8 = 0x12;
    /// `SGT`
    pub const SGT: u8 = 0x13;
    /// `EQ`
    pub const EQ: u8 = 0x14;
    /// `ISZERO`
    pub const ISZERO: u8 = 0x15;
    /// `AND`
    pub const AND: u8 = 0x16;
    /// `OR`
    pub const OR: u8 = 0x17;
    /// `XOR`
    pub const XOR: u8 = 0x18;
    /// `NOT`
    pub const NOT: u8 = 0x19;
    /// `BYTE`
    pub const BYTE: u8 = 0x1a;
    /// `SHL`
    pub const SHL: u8 = 0x1b;
    /// `SHR`
    pub const SHR: u8 = 0x1c;
    /// `SAR`
    pub const SAR: u8 = 0x1d;
    /// `CLZ` (Osaka, EIP-7939)
    pub const CLZ: u8 = 0x1e;
    /// `KECCAK256`
    pub const KECCAK256: u8 = 0x20;
    /// `ADDRESS`
    pub const ADDRESS: u8 = 0x30;
    /// `BALANCE`
    pub const BALANCE: u8 = 0x31;
    /// `ORIGIN`
    pub const ORIGIN: u8 = 0x32;
    /// `CALLER`
    pub const CALLER: u8 = 0x33;
    /// `CALLVALUE`
    pub const CALLVALUE: u8 = 0x34;
    /// `CALLDATALOAD`
    pub const CALLDATALOAD: u8 = 0x35;
    /// `CALLDATASIZE`
    pub const CALLDATASIZE: u8 = 0x36;
    /// `CALLDATACOPY`
    pub const CALLDATACOPY: u8 = 0x37;
    /// `CODESIZE`
    pub const CODESIZE: u8 = 0x38;
    /// `CODECOPY`
    pub const CODECOPY: u8 = 0x39;
    /// `GASPRICE`
    pub const GASPRICE: u8 = 0x3a;
    /// `EXTCODESIZE`
    pub const EXTCODESIZE: u8 = 0x3b;
    /// `EXTCODECOPY`
    pub const EXTCODECOPY: u8 = 0x3c;
    /// `RETURNDATASIZE`
    pub const RETURNDATASIZE: u8 = 0x3d;
    /// `RETURNDATACOPY`
    pub const RETURNDATACOPY: u8 = 0x3e;
    /// `EXTCODEHASH`
    pub const EXTCODEHASH: u8 = 0x3f;
    /// `BLOCKHASH`
    pub const BLOCKHASH: u8 = 0x40;
    /// `COINBASE`
    pub const COINBASE: u8 = 0x41;
    /// `TIMESTAMP`
    pub const TIMESTAMP: u8 = 0x42;
    /// `NUMBER`
    pub const NUMBER: u8 = 0x43;
    /// `PREVRANDAO`
    pub const PREVRANDAO: u8 = 0x44;
    /// `GASLIMIT`
    pub const GASLIMIT: u8 = 0x45;
    /// `CHAINID`
    pub const CHAINID: u8 = 0x46;
    /// `SELFBALANCE`
    pub const SELFBALANCE: u8 = 0x47;
    /// `BASEFEE`
    pub const BASEFEE: u8 = 0x48;
    /// `BLOBHASH`
    pub const BLOBHASH: u8 = 0x49;
    /// `BLOBBASEFEE`
    pub const BLOBBASEFEE: u8 = 0x4a;
    /// `POP`
    pub const POP: u8 = 0x50;
    /// `MLOAD`
    pub const MLOAD: u8 = 0x51;
    /// `MSTORE`
    pub const MSTORE: u8 = 0x52;
    /// `MSTORE8`
    pub const MSTORE8: u8 = 0x53;
    /// `SLOAD`
    pub const SLOAD: u8 = 0x54;
    /// `SSTORE`
    pub const SSTORE: u8 = 0x55;
    /// `JUMP`
    pub const JUMP: u8 = 0x56;
    /// `JUMPI`
    pub const JUMPI: u8 = 0x57;
    /// `PC`
    pub const PC: u8 = 0x58;
    /// `MSIZE`
    pub const MSIZE: u8 = 0x59;
    /// `GAS`
    pub const GAS: u8 = 0x5a;
    /// `JUMPDEST`
    pub const JUMPDEST: u8 = 0x5b;
    /// `TLOAD`
    pub const TLOAD: u8 = 0x5c;
    /// `TSTORE`
    pub const TSTORE: u8 = 0x5d;
    /// `MCOPY`
    pub const MCOPY: u8 = 0x5e;
    /// `PUSH0`
    pub const PUSH0: u8 = 0x5f;
    /// `PUSH1`
    pub const PUSH1: u8 = 0x60;
    /// `PUSH2`
    pub const PUSH2: u8 = 0x61;
    /// `PUSH3`
    pub const PUSH3: u8 = 0x62;
    /// `PUSH4`
    pub const PUSH4: u8 = 0x63;
    /// `PUSH5`
    pub const PUSH5: u8 = 0x64;
    /// `PUSH6`
    pub const PUSH6: u8 = 0x65;
    /// `PUSH7`
    pub const PUSH7: u8 = 0x66;
    /// `PUSH8`
    pub const PUSH8: u8 = 0x67;
    /// `PUSH9`
    pub const PUSH9: u8 = 0x68;
    /// `PUSH10`
    pub const PUSH10: u8 = 0x69;
    /// `PUSH11`
    pub const PUSH11: u8 = 0x6a;
    /// `PUSH12`
    pub const PUSH12: u8 = 0x6b;
    /// `PUSH13`
    pub const PUSH13: u8 = 0x6c;
    /// `PUSH14`
    pub const PUSH14: u8 = 0x6d;
    /// `PUSH15`
    pub const PUSH15: u8 = 0x6e;
    /// `PUSH16`
    pub const PUSH16: u8 = 0x6f;
    /// `PUSH17`
    pub const PUSH17: u8 = 0x70;
    /// `PUSH18`
    pub const PUSH18: u8 = 0x71;
    /// `PUSH19`
    pub const PUSH19: u8 = 0x72;
    /// `PUSH20`
    pub const PUSH20: u8 = 0x73;
    /// `PUSH21`
    pub const PUSH21: u8 = 0x74;
    /// `PUSH22`
    pub const PUSH22: u8 = 0x75;
    /// `PUSH23`
    pub const PUSH23: u8 = 0x76;
    /// `PUSH24`
    pub const PUSH24: u8 = 0x77;
    /// `PUSH25`
    pub const PUSH25: u8 = 0x78;
    /// `PUSH26`
    pub const PUSH26: u8 = 0x79;
    /// `PUSH27`
    pub const PUSH27: u8 = 0x7a;
    /// `PUSH28`
    pub const PUSH28: u8 = 0x7b;
    /// `PUSH29`
    pub const PUSH29: u8 = 0x7c;
    /// `PUSH30`
    pub const PUSH30: u8 = 0x7d;
    /// `PUSH31`
    pub const PUSH31: u8 = 0x7e;
    /// `PUSH32`
    pub const PUSH32: u8 = 0x7f;
    /// `DUP1`
    pub const DUP1: u8 = 0x80;
    /// `DUP2`
    pub const DUP2: u8 = 0x81;
    /// `DUP3`
    pub const DUP3: u8 = 0x82;
    /// `DUP4`
    pub const DUP4: u8 = 0x83;
    /// `DUP5`
    pub const DUP5: u8 = 0x84;
    /// `DUP6`
    pub const DUP6: u8 = 0x85;
    /// `DUP7`
    pub const DUP7: u8 = 0x86;
    /// `DUP8`
    pub const DUP8: u8 = 0x87;
    /// `DUP9`
    pub const DUP9: u8 = 0x88;
    /// `DUP10`
    pub const DUP10: u8 = 0x89;
    /// `DUP11`
    pub const DUP11: u8 = 0x8a;
    /// `DUP12`
    pub const DUP12: u8 = 0x8b;
    /// `DUP13`
    pub const DUP13: u8 = 0x8c;
    /// `DUP14`
    pub const DUP14: u8 = 0x8d;
    /// `DUP15`
    pub const DUP15: u8 = 0x8e;
    /// `DUP16`
    pub const DUP16: u8 = 0x8f;
    /// `SWAP1`
    pub const SWAP1: u8 = 0x90;
    /// `SWAP2`
    pub const SWAP2: u8 = 0x91;
    /// `SWAP3`
    pub const SWAP3: u8 = 0x92;
    /// `SWAP4`
    pub const SWAP4: u8 = 0x93;
    /// `SWAP5`
    pub const SWAP5: u8 = 0x94;
    /// `SWAP6`
    pub const SWAP6: u8 = 0x95;
    /// `SWAP7`
    pub const SWAP7: u8 = 0x96;
    /// `SWAP8`
    pub const SWAP8: u8 = 0x97;
    /// `SWAP9`
    pub const SWAP9: u8 = 0x98;
    /// `SWAP10`
    pub const SWAP10: u8 = 0x99;
    /// `SWAP11`
    pub const SWAP11: u8 = 0x9a;
    /// `SWAP12`
    pub const SWAP12: u8 = 0x9b;
    /// `SWAP13`
    pub const SWAP13: u8 = 0x9c;
    /// `SWAP14`
    pub const SWAP14: u8 = 0x9d;
    /// `SWAP15`
    pub const SWAP15: u8 = 0x9e;
    /// `SWAP16`
    pub const SWAP16: u8 = 0x9f;
    /// `LOG0`
    pub const LOG0: u8 = 0xa0;
    /// `LOG1`
    pub const LOG1: u8 = 0xa1;
    /// `LOG2`
    pub const LOG2: u8 = 0xa2;
    /// `LOG3`
    pub const LOG3: u8 = 0xa3;
    /// `LOG4`
    pub const LOG4: u8 = 0xa4;
    /// `CREATE`
    pub const CREATE: u8 = 0xf0;
    /// `CALL`
    pub const CALL: u8 = 0xf1;
    /// `CALLCODE`
    pub const CALLCODE: u8 = 0xf2;
    /// `RETURN`
    pub const RETURN: u8 = 0xf3;
    /// `DELEGATECALL`
    pub const DELEGATECALL: u8 = 0xf4;
    /// `CREATE2`
    pub const CREATE2: u8 = 0xf5;
    /// `STATICCALL`
    pub const STATICCALL: u8 = 0xfa;
    /// `REVERT`
    pub const REVERT: u8 = 0xfd;
    /// `INVALID`
    pub const INVALID: u8 = 0xfe;
    /// `SELFDESTRUCT`
    pub const SELFDESTRUCT: u8 = 0xff;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        assert_eq!(OPCODES[0x01].name, "ADD");
        assert_eq!(OPCODES[0x7f].name, "PUSH32");
        assert_eq!(OPCODES[0x9f].inputs, 17);
        assert!(!OPCODES[0xfe].defined);
        assert!(!OPCODES[0x0c].defined);
        assert_eq!(OpInfo::immediate_len(0x7f), 32);
        assert_eq!(OpInfo::immediate_len(0x5f), 0);
        let defined = OPCODES.iter().filter(|o| o.defined).count();
        assert_eq!(defined, 149);
        for (o, c) in OPCODES.iter().zip(CHECKS.iter()) {
            assert!(c.grows <= 1, "{}", o.name);
            if o.defined {
                assert_eq!(c.gas, u32::from(o.static_gas));
                assert_eq!(c.inputs, u16::from(o.inputs));
            } else {
                assert_eq!(c.inputs, u16::MAX);
            }
        }
    }
}
