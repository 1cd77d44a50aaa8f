//! Capacities of the firmware: frame buffers, and the heap and EVM buffers of each board.

use evm_core::Limits;

/// Receive buffer for one encoded frame (the protocol's largest frame).
pub const RX_FRAME: usize = protocol::limits::MAX_ENCODED;

/// Transmit buffer for one encoded frame, delimiter included.
pub const TX_FRAME: usize = protocol::limits::MAX_WIRE_FRAME;

pub use protocol::limits::{EXIT_HARD_FAULT, EXIT_PANIC, MAX_TX_GAS};

/// Heap of the QEMU board (`mps2-an386`, 4 MiB of data RAM).
pub const QEMU_HEAP: usize = 1024 * 1024;

/// EVM buffers on the QEMU board: evm-core's device profile (about 180 KiB).
pub const QEMU_EVM_LIMITS: Limits = Limits::DEVICE;

/// Staging area of the QEMU board: the protocol's maximum.
pub const QEMU_STAGE: usize = protocol::limits::MAX_STAGED;

/// Heap of the nRF52840 build: of its 256 KiB of RAM, 160 KiB heap, 32 KiB
/// staging, 8 KiB frame buffers (statics), the rest statics and stack.
///
/// Measured (`llvm-size -A` of the `board` build): `.data` 56 B, `.bss`
/// 204,900 B (heap, staging and frame buffers included), `.uninit` 1,024 B,
/// which leaves 56,164 B for the stack. A witness-backed signing request
/// peaks at 28,940 B of stack on QEMU (see [`STACK_BUDGET`]).
pub const NRF52840_HEAP: usize = 160 * 1024;

/// Most stack a witness-backed signing request may take (decode and verify
/// the witness, simulate, render, sign), the main loop's frame included;
/// `cli/tests/wallet_emulator.rs` holds both stories to it on QEMU (28,940 B
/// measured; 165,344 B before the witness, the proven state, the tracer and
/// the report moved to the heap). It must stay below the RAM the nRF52840
/// build leaves beside its statics (56,164 B, see [`NRF52840_HEAP`]).
pub const STACK_BUDGET: usize = 32 * 1024;

/// Staging area of the nRF52840 build (a query with one full-size contract).
pub const NRF52840_STAGE: usize = 32 * 1024;

/// EVM buffers on the nRF52840: small enough to leave half the heap for the
/// pre-state (one 24 KiB contract, 12 KiB of EVM memory, 16 frames, 512
/// stack words shared by all frames, 64 storage slots). A transaction that needs more is refused with
/// a capacity error, never answered wrongly.
pub const NRF52840_EVM_LIMITS: Limits = Limits {
    memory_bytes: 12 * 1024,
    stack_words: 512,
    code_bytes: 28 * 1024,
    frames: 16,
    accounts: 16,
    slots: 64,
    transient_slots: 16,
    journal: 128,
    logs: 8,
    log_data_bytes: 1024,
    return_data_bytes: 1024,
    modexp_operand_bytes: Limits::DEVICE.modexp_operand_bytes,
    steps: Limits::DEVICE.steps,
};

/// Heap bytes of this build's board.
#[cfg(not(feature = "board-nrf52840"))]
pub const HEAP_SIZE: usize = QEMU_HEAP;
/// Heap bytes of this build's board.
#[cfg(feature = "board-nrf52840")]
pub const HEAP_SIZE: usize = NRF52840_HEAP;

/// Staging bytes of this build's board.
#[cfg(not(feature = "board-nrf52840"))]
pub const STAGE_SIZE: usize = QEMU_STAGE;
/// Staging bytes of this build's board.
#[cfg(feature = "board-nrf52840")]
pub const STAGE_SIZE: usize = NRF52840_STAGE;

/// EVM buffer capacities of this build's board.
#[cfg(not(feature = "board-nrf52840"))]
pub const EVM_LIMITS: Limits = QEMU_EVM_LIMITS;
/// EVM buffer capacities of this build's board.
#[cfg(feature = "board-nrf52840")]
pub const EVM_LIMITS: Limits = NRF52840_EVM_LIMITS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evm_buffers_leave_half_of_each_heap_for_the_state() {
        for (heap, limits) in [
            (QEMU_HEAP, QEMU_EVM_LIMITS),
            (NRF52840_HEAP, NRF52840_EVM_LIMITS),
        ] {
            let ram = limits.ram_bytes();
            println!("EVM buffers {ram} B of a {heap} B heap");
            assert!(ram <= heap / 2, "{ram} > {heap} / 2");
        }
    }

    #[test]
    fn the_nrf_profile_holds_a_full_size_contract() {
        // Code plus its jump-destination bitmap.
        let needed = evm_core::limits::MAX_CODE_SIZE + evm_core::limits::MAX_CODE_SIZE / 8;
        assert!(NRF52840_EVM_LIMITS.code_bytes >= needed);
    }
}
