//! Every capacity of the EVM: protocol limits and the device defaults for buffer sizes.

/// Words on one frame's operand stack (EVM rule).
pub const STACK_LIMIT: usize = 1024;
/// Maximum call depth (EVM rule): a frame at this depth cannot call or create.
pub const CALL_DEPTH_LIMIT: usize = 1024;
/// Maximum size of deployed code (EIP-170).
pub const MAX_CODE_SIZE: usize = 24_576;
/// Maximum size of initcode (EIP-3860).
pub const MAX_INITCODE_SIZE: usize = 2 * MAX_CODE_SIZE;
/// Maximum number of topics of one log (LOG4).
pub const MAX_LOG_TOPICS: usize = 4;
/// Maximum blobs per block and hence per transaction (EIP-4844, Cancun).
pub const MAX_BLOBS_PER_TX: usize = 6;

/// Largest modexp operand (base, exponent or modulus, bytes) from Osaka on
/// (EIP-7823): a longer one fails the call. The device's own bound is
/// [`Limits::modexp_operand_bytes`].
pub const MODEXP_MAX_OSAKA: u64 = 1024;
/// Most points (point-scalar records) of one BLS12-381 G1 MSM call (EIP-2537,
/// 0x0c): as many as 2^24 gas (the EIP-7825 transaction cap) buys, so no call
/// valid under Osaka reaches it. A paid call with more ends the transaction
/// with [`crate::Error::PrecompileUnavailable`] (a device limit). On the
/// device the step budget ([`Limits::steps`]) ends such calls sooner.
pub const BLS12_G1MSM_MAX_POINTS: usize = 2693;
/// Most points of one BLS12-381 G2 MSM call (0x0e), as [`BLS12_G1MSM_MAX_POINTS`].
pub const BLS12_G2MSM_MAX_POINTS: usize = 1423;
/// Most pairs of one BLS12-381 pairing check (0x0f), as [`BLS12_G1MSM_MAX_POINTS`].
pub const BLS12_PAIRING_MAX_PAIRS: usize = 513;
/// Points one BLS12-381 MSM holds at once: Pippenger's method runs on chunks
/// of this many and adds the results (about 240 bytes a G2 point and its
/// scalar, plus the method's buckets), so memory does not grow with `k`.
pub const BLS12_MSM_CHUNK: usize = 128;
/// Pairs one BLS12-381 Miller loop runs at once (each holds about 20 KB of
/// precomputed G2 line coefficients); the loop outputs are multiplied and
/// one final exponentiation ends the check.
pub const BLS12_PAIRING_CHUNK: usize = 4;

/// Buffer capacities of one [`crate::Evm`]: the caller sizes its buffers with these.
///
/// Every buffer is bounded; running out of one (EVM memory included) ends the
/// whole transaction with [`crate::Error::Capacity`]: the transaction result
/// is unknown on this device, never answered wrongly. The last two fields are
/// not buffers but bounds on work that input can ask for: the largest modexp
/// operand that may be allocated, and the step budget that bounds run time
/// independently of gas (see [`Limits::steps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of EVM memory shared by all live frames (each frame's memory sits above its caller's).
    pub memory_bytes: usize,
    /// Words of operand stack shared by all live frames (each frame may use up to [`STACK_LIMIT`]).
    pub stack_words: usize,
    /// Bytes for the code of called accounts, initcode and jump-destination bitmaps.
    pub code_bytes: usize,
    /// Live call frames (the EVM allows `CALL_DEPTH_LIMIT + 1`).
    pub frames: usize,
    /// Distinct accounts touched by one transaction.
    pub accounts: usize,
    /// Distinct storage slots touched by one transaction.
    pub slots: usize,
    /// Distinct transient storage slots written by one transaction.
    pub transient_slots: usize,
    /// Journal entries (undo records) of one transaction.
    pub journal: usize,
    /// Logs of one transaction.
    pub logs: usize,
    /// Bytes of log data of one transaction.
    pub log_data_bytes: usize,
    /// Bytes of return data (the largest output a frame can hand back).
    pub return_data_bytes: usize,
    /// Largest base, exponent or modulus length (bytes) the modexp
    /// precompile allocates (EIP-7823 sets 1024 from Osaka on). Lengths whose
    /// gas is paid but which exceed it end the transaction with
    /// [`crate::Error::Capacity`]`(`[`crate::Resource::ModexpOperand`]`)`.
    pub modexp_operand_bytes: usize,
    /// Work budget of one transaction, in steps, bounding its run time
    /// whatever its gas limit (a hostile host can send any gas limit with
    /// zero fees). A step is about one instruction's worth of work: every
    /// byte of code executed (counted per straight-line segment, at each
    /// JUMP/JUMPI and frame exit), every 32 bytes of memory a copy, hash or
    /// expansion touches, one per call or creation, and for a precompile its
    /// gas cost (its gas is proportional to its work: blake2f rounds,
    /// modexp iterations × words², pairing pairs, hash words). Exceeding it
    /// ends the transaction with [`crate::Error::StepBudget`].
    pub steps: u64,
}

impl Limits {
    /// A small device configuration (284 KiB on x86-64, see [`Limits::ram_bytes`]).
    pub const DEVICE: Self = Self {
        memory_bytes: 64 * 1024,
        stack_words: 2048,
        code_bytes: 48 * 1024,
        frames: 64,
        accounts: 64,
        slots: 256,
        transient_slots: 32,
        journal: 1024,
        logs: 32,
        log_data_bytes: 4096,
        return_data_bytes: 4096,
        modexp_operand_bytes: 1024,
        // 2^22 steps: 4 M code bytes of ordinary code (more than most 2^24-gas
        // transactions execute) and at most 2^22 blake2f rounds (≈ 4·10^9
        // device instructions): below the gas cap, so the budget, not gas,
        // bounds the slowest precompile work a device can be asked for.
        steps: 1 << 22,
    };

    /// A host configuration large enough for the Ethereum state tests.
    pub const HOST: Self = Self {
        memory_bytes: 256 * 1024 * 1024,
        stack_words: 1024 * 1024,
        code_bytes: 16 * 1024 * 1024,
        frames: CALL_DEPTH_LIMIT + 1,
        accounts: 4096,
        slots: 1 << 20,
        transient_slots: 1 << 20,
        journal: 1 << 20,
        logs: 8192,
        log_data_bytes: 64 * 1024 * 1024,
        return_data_bytes: 4 * 1024 * 1024,
        modexp_operand_bytes: 1024 * 1024,
        steps: u64::MAX,
    };

    /// Worst-case RAM of the buffers for this configuration, in bytes
    /// (element sizes of this build times the capacities; excludes the
    /// [`crate::Evm`] struct itself, a few hundred bytes).
    pub fn ram_bytes(&self) -> usize {
        use core::mem::size_of;
        self.memory_bytes
            + self.stack_words * size_of::<crate::U256>()
            + self.code_bytes
            + self.frames * size_of::<crate::frame::Frame>()
            + self.accounts * size_of::<crate::journal::CachedAccount>()
            + self.slots * size_of::<crate::journal::CachedSlot>()
            + crate::index::table_len(self.slots) * 4
            + self.transient_slots * size_of::<crate::journal::TransientSlot>()
            + crate::index::table_len(self.transient_slots) * 4
            + self.journal * size_of::<crate::journal::JournalEntry>()
            + self.logs * size_of::<crate::journal::Log>()
            + self.log_data_bytes
            + self.return_data_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initcode_limit_is_twice_code_limit() {
        assert_eq!(MAX_INITCODE_SIZE, 49_152);
    }

    /// The figure in [`Limits::DEVICE`]'s documentation is the one this
    /// build computes (on 32-bit targets, smaller pointers make it smaller).
    #[test]
    fn device_ram_is_the_documented_figure() {
        let ram = Limits::DEVICE.ram_bytes();
        if cfg!(target_pointer_width = "64") {
            assert_eq!(ram, 284 * 1024);
        } else {
            assert!(ram <= 284 * 1024, "{ram}");
        }
    }

    /// Element sizes behind [`Limits::ram_bytes`]: growing one multiplies
    /// across its capacity, so a change must be deliberate.
    #[test]
    fn per_entry_sizes_do_not_grow_unnoticed() {
        use core::mem::size_of;
        let sizes = [
            ("frame", size_of::<crate::frame::Frame>(), 160),
            ("account", size_of::<crate::journal::CachedAccount>(), 104),
            ("slot", size_of::<crate::journal::CachedSlot>(), 104),
            ("journal", size_of::<crate::journal::JournalEntry>(), 48),
            ("log", size_of::<crate::journal::Log>(), 160),
        ];
        for (name, size, most) in sizes {
            assert!(size <= most, "{name}: {size} bytes, budget {most}");
        }
    }

    #[test]
    fn device_ram_is_small() {
        let ram = Limits::DEVICE.ram_bytes();
        assert!(ram < 400 * 1024, "{ram}");
        assert!(Limits::HOST.ram_bytes() > ram);
    }
}
