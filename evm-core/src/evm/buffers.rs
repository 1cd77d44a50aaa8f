//! The caller's buffers of an [`Evm`](super::Evm) ([`Buffers`]) and their heap-owned form ([`HeapBuffers`]).

use crate::frame::Frame;
use crate::journal::{CachedAccount, CachedSlot, JournalEntry, Log, TransientSlot};
use crate::state::U256;

/// The caller-provided buffers of an [`Evm`](super::Evm); size them with [`crate::Limits`].
#[derive(Debug)]
pub struct Buffers<'b> {
    /// EVM memory of all live frames.
    pub memory: &'b mut [u8],
    /// Operand stacks of all live frames.
    pub stack: &'b mut [U256],
    /// Code, initcode and jump-destination bitmaps.
    pub code: &'b mut [u8],
    /// Call frames.
    pub frames: &'b mut [Frame],
    /// Account cache.
    pub accounts: &'b mut [CachedAccount],
    /// Storage-slot cache.
    pub slots: &'b mut [CachedSlot],
    /// Hash index over `slots` (length a power of two, or empty for linear search).
    pub slot_index: &'b mut [u32],
    /// Transient storage.
    pub transient: &'b mut [TransientSlot],
    /// Hash index over `transient` (length a power of two, or empty for linear search).
    pub transient_index: &'b mut [u32],
    /// Undo journal.
    pub journal: &'b mut [JournalEntry],
    /// Logs.
    pub logs: &'b mut [Log],
    /// Log data.
    pub log_data: &'b mut [u8],
    /// Return data of the last call and the transaction output.
    pub return_data: &'b mut [u8],
    /// Not a buffer: the largest modexp operand to allocate ([`crate::Limits::modexp_operand_bytes`]).
    pub modexp_operand_bytes: usize,
    /// Not a buffer: the work budget of one transaction ([`crate::Limits::steps`]).
    pub steps: u64,
}

/// Buffers owned on the heap, sized from [`crate::Limits`].
#[cfg(any(test, feature = "alloc"))]
#[derive(Debug)]
pub struct HeapBuffers {
    memory: alloc::vec::Vec<u8>,
    stack: alloc::vec::Vec<U256>,
    code: alloc::vec::Vec<u8>,
    frames: alloc::vec::Vec<Frame>,
    accounts: alloc::vec::Vec<CachedAccount>,
    slots: alloc::vec::Vec<CachedSlot>,
    slot_index: alloc::vec::Vec<u32>,
    transient: alloc::vec::Vec<TransientSlot>,
    transient_index: alloc::vec::Vec<u32>,
    journal: alloc::vec::Vec<JournalEntry>,
    logs: alloc::vec::Vec<Log>,
    log_data: alloc::vec::Vec<u8>,
    return_data: alloc::vec::Vec<u8>,
    modexp_operand_bytes: usize,
    steps: u64,
}

#[cfg(any(test, feature = "alloc"))]
impl HeapBuffers {
    /// Allocates buffers of the given capacities.
    pub fn new(l: &crate::Limits) -> Self {
        use alloc::vec;
        Self {
            memory: vec![0; l.memory_bytes],
            stack: vec![U256::ZERO; l.stack_words],
            code: vec![0; l.code_bytes],
            frames: vec![Frame::default(); l.frames],
            accounts: vec![CachedAccount::default(); l.accounts],
            slots: vec![CachedSlot::default(); l.slots],
            slot_index: vec![0; crate::index::table_len(l.slots)],
            transient: vec![TransientSlot::default(); l.transient_slots],
            transient_index: vec![0; crate::index::table_len(l.transient_slots)],
            journal: vec![JournalEntry::default(); l.journal],
            logs: vec![Log::default(); l.logs],
            log_data: vec![0; l.log_data_bytes],
            return_data: vec![0; l.return_data_bytes],
            modexp_operand_bytes: l.modexp_operand_bytes,
            steps: l.steps,
        }
    }

    /// Lends the buffers.
    pub fn buffers(&mut self) -> Buffers<'_> {
        Buffers {
            memory: &mut self.memory,
            stack: &mut self.stack,
            code: &mut self.code,
            frames: &mut self.frames,
            accounts: &mut self.accounts,
            slots: &mut self.slots,
            slot_index: &mut self.slot_index,
            transient: &mut self.transient,
            transient_index: &mut self.transient_index,
            journal: &mut self.journal,
            logs: &mut self.logs,
            log_data: &mut self.log_data,
            return_data: &mut self.return_data,
            modexp_operand_bytes: self.modexp_operand_bytes,
            steps: self.steps,
        }
    }
}
