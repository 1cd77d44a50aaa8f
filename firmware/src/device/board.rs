//! Board support: the UART that carries frames, the heap size, the log sink and how to stop.
#![allow(unsafe_code)]

#[cfg(not(feature = "board-nrf52840"))]
pub use mps2_an386::*;
#[cfg(feature = "board-nrf52840")]
pub use nrf52840::*;

/// Volatile 32-bit register access at a fixed peripheral address.
#[derive(Clone, Copy)]
struct Reg(usize);

impl Reg {
    fn read(self) -> u32 {
        // SAFETY: `Reg` is only built from the documented register addresses
        // of this board's peripherals, which are 4-byte aligned MMIO.
        unsafe { core::ptr::read_volatile(self.0 as *const u32) }
    }

    fn write(self, value: u32) {
        // SAFETY: as in `read`.
        unsafe { core::ptr::write_volatile(self.0 as *mut u32, value) }
    }
}

#[cfg(not(feature = "board-nrf52840"))]
mod mps2_an386 {
    //! QEMU `mps2-an386` (Cortex-M4F, 25 MHz): CMSDK APB UART0, semihosting.
    use super::Reg;
    use defmt_semihosting as _;

    /// Nanoseconds per instruction under `-icount shift=7` (the harness's setting).
    const NS_PER_INSTRUCTION: u64 = 1 << protocol::limits::QEMU_ICOUNT_SHIFT;

    /// Nanoseconds per tick of TIMER0 (25 MHz bus clock).
    const NS_PER_TICK: u64 = 40;

    const TIMER0: usize = 0x4000_0000;
    const TIMER_CTRL: Reg = Reg(TIMER0);
    const TIMER_VALUE: Reg = Reg(TIMER0 + 0x04);
    const TIMER_RELOAD: Reg = Reg(TIMER0 + 0x08);
    const TIMER_ENABLE: u32 = 1 << 0;

    /// CMSDK dual timer, timer 1: the coarse counter (bus clock / 256).
    const DUALTIMER: usize = 0x4000_2000;
    const DUAL_LOAD: Reg = Reg(DUALTIMER);
    const DUAL_VALUE: Reg = Reg(DUALTIMER + 0x04);
    const DUAL_CONTROL: Reg = Reg(DUALTIMER + 0x08);
    const DUAL_ENABLE: u32 = 1 << 7;
    const DUAL_32BIT: u32 = 1 << 1;
    const DUAL_PRESCALE_256: u32 = 2 << 2;
    const COARSE_DIVISOR: u64 = 256;

    /// Start TIMER0 (exact, wraps every 2^32 ticks) and the coarse dual timer
    /// (1/256 of the rate), both free-running down from their maximum.
    pub fn start_counter(_core: &mut cortex_m::Peripherals) {
        TIMER_CTRL.write(0);
        TIMER_RELOAD.write(u32::MAX);
        TIMER_VALUE.write(u32::MAX);
        DUAL_CONTROL.write(0);
        DUAL_LOAD.write(u32::MAX);
        TIMER_CTRL.write(TIMER_ENABLE);
        DUAL_CONTROL.write(DUAL_ENABLE | DUAL_32BIT | DUAL_PRESCALE_256);
    }

    /// Ticks since start: TIMER0's exact count, with the 2^32 wraps the
    /// coarse timer tells apart (it is off by at most a few hundred ticks).
    pub fn counter() -> u64 {
        let fine = u64::from(u32::MAX - TIMER_VALUE.read());
        let coarse = u64::from(u32::MAX - DUAL_VALUE.read()) * COARSE_DIVISOR;
        let wraps = (coarse.saturating_sub(fine) + (1 << 31)) >> 32;
        (wraps << 32) + fine
    }

    /// Instructions in `ticks`, rounded to the nearest (each instruction is
    /// 3.2 ticks, so rounding is exact).
    pub fn ticks_to_count(ticks: u64) -> u64 {
        (ticks * NS_PER_TICK + NS_PER_INSTRUCTION / 2) / NS_PER_INSTRUCTION
    }

    const UART0: usize = 0x4000_4000;
    const DATA: Reg = Reg(UART0);
    const STATE: Reg = Reg(UART0 + 0x04);
    const CTRL: Reg = Reg(UART0 + 0x08);
    const BAUDDIV: Reg = Reg(UART0 + 0x10);
    const STATE_TX_FULL: u32 = 1 << 0;
    const STATE_RX_FULL: u32 = 1 << 1;
    const CTRL_TX_EN: u32 = 1 << 0;
    const CTRL_RX_EN: u32 = 1 << 1;

    /// The CMSDK UART0, polled.
    pub struct Uart;

    impl Uart {
        /// Enable transmit and receive at 115200 baud.
        pub fn new() -> Self {
            BAUDDIV.write(25_000_000 / 115_200);
            CTRL.write(CTRL_TX_EN | CTRL_RX_EN);
            Self
        }

        /// Wait for and return the next received byte.
        pub fn read_byte(&mut self) -> u8 {
            while STATE.read() & STATE_RX_FULL == 0 {}
            (DATA.read() & 0xff) as u8
        }

        /// Send all bytes.
        pub fn write_all(&mut self, bytes: &[u8]) {
            for &byte in bytes {
                while STATE.read() & STATE_TX_FULL != 0 {}
                DATA.write(u32::from(byte));
            }
        }

        /// Wait until the last byte has left the transmit register.
        pub fn flush(&mut self) {
            while STATE.read() & STATE_TX_FULL != 0 {}
        }
    }

    /// Stop the emulator with `code`.
    pub fn exit(code: i32) -> ! {
        semihosting::process::exit(code)
    }

    /// Write `words` at the start of the key storage. QEMU models the code
    /// SSRAM (the "flash") as RAM: plain stores.
    pub fn program_keys(base: *mut u32, words: &[u32]) -> bool {
        for (i, w) in words.iter().enumerate() {
            // SAFETY: the caller passes the KEYS region's base and at most
            // as many words as the region holds.
            unsafe { core::ptr::write_volatile(base.add(i), *w) }
        }
        true
    }
}

#[cfg(feature = "board-nrf52840")]
mod nrf52840 {
    //! Nordic nRF52840 (e.g. nRF52840-DK): UARTE0 on P0.06 (TX) / P0.08 (RX), RTT logs.
    use super::Reg;
    use defmt_rtt as _;

    /// Enable the DWT cycle counter.
    pub fn start_counter(core: &mut cortex_m::Peripherals) {
        core.DCB.enable_trace();
        core.DWT.enable_cycle_counter();
    }

    /// CPU cycles since start (the 32-bit cycle counter wraps after 67 s).
    pub fn counter() -> u64 {
        u64::from(cortex_m::peripheral::DWT::cycle_count())
    }

    /// On hardware the count is CPU cycles, not instructions.
    pub fn ticks_to_count(ticks: u64) -> u64 {
        ticks
    }

    const UARTE0: usize = 0x4000_2000;
    const TASKS_STARTRX: Reg = Reg(UARTE0);
    const TASKS_STARTTX: Reg = Reg(UARTE0 + 0x008);
    const EVENTS_ENDRX: Reg = Reg(UARTE0 + 0x110);
    const EVENTS_ENDTX: Reg = Reg(UARTE0 + 0x120);
    const ENABLE: Reg = Reg(UARTE0 + 0x500);
    const PSEL_TXD: Reg = Reg(UARTE0 + 0x50C);
    const PSEL_RXD: Reg = Reg(UARTE0 + 0x514);
    const BAUDRATE: Reg = Reg(UARTE0 + 0x524);
    const RXD_PTR: Reg = Reg(UARTE0 + 0x534);
    const RXD_MAXCNT: Reg = Reg(UARTE0 + 0x538);
    const TXD_PTR: Reg = Reg(UARTE0 + 0x544);
    const TXD_MAXCNT: Reg = Reg(UARTE0 + 0x548);
    const BAUD_115200: u32 = 0x01D7_E000;
    const ENABLE_UARTE: u32 = 8;

    /// UARTE0 with one-byte EasyDMA transfers, polled.
    pub struct Uart {
        rx: [u8; 1],
        tx: [u8; 1],
    }

    impl Uart {
        /// Route the pins and enable the UARTE at 115200 baud.
        pub fn new() -> Self {
            PSEL_TXD.write(6);
            PSEL_RXD.write(8);
            BAUDRATE.write(BAUD_115200);
            ENABLE.write(ENABLE_UARTE);
            Self { rx: [0], tx: [0] }
        }

        /// Wait for and return the next received byte.
        pub fn read_byte(&mut self) -> u8 {
            RXD_PTR.write(self.rx.as_mut_ptr() as u32);
            RXD_MAXCNT.write(1);
            EVENTS_ENDRX.write(0);
            TASKS_STARTRX.write(1);
            while EVENTS_ENDRX.read() == 0 {}
            self.rx[0]
        }

        /// Send all bytes.
        pub fn write_all(&mut self, bytes: &[u8]) {
            for &byte in bytes {
                self.tx[0] = byte;
                TXD_PTR.write(self.tx.as_ptr() as u32);
                TXD_MAXCNT.write(1);
                EVENTS_ENDTX.write(0);
                TASKS_STARTTX.write(1);
                while EVENTS_ENDTX.read() == 0 {}
            }
        }

        /// Transfers complete synchronously; nothing is left to flush.
        pub fn flush(&mut self) {}
    }

    const NVMC: usize = 0x4001_E000;
    const NVMC_READY: Reg = Reg(NVMC + 0x400);
    const NVMC_CONFIG: Reg = Reg(NVMC + 0x504);
    const NVMC_ERASEPAGE: Reg = Reg(NVMC + 0x508);
    const CONFIG_READ: u32 = 0;
    const CONFIG_WRITE: u32 = 1;
    const CONFIG_ERASE: u32 = 2;

    fn nvmc_wait() {
        while NVMC_READY.read() & 1 == 0 {}
    }

    /// Erase the key storage's flash page and program `words` at its start
    /// through the NVMC (not yet run on hardware).
    pub fn program_keys(base: *mut u32, words: &[u32]) -> bool {
        nvmc_wait();
        NVMC_CONFIG.write(CONFIG_ERASE);
        NVMC_ERASEPAGE.write(base as u32);
        nvmc_wait();
        NVMC_CONFIG.write(CONFIG_WRITE);
        for (i, w) in words.iter().enumerate() {
            // SAFETY: the caller passes the KEYS page's base and at most as
            // many words as the page holds; the NVMC is in write mode.
            unsafe { core::ptr::write_volatile(base.add(i), *w) }
            nvmc_wait();
        }
        NVMC_CONFIG.write(CONFIG_READ);
        true
    }

    /// A real board has nowhere to exit to: reset.
    pub fn exit(_code: i32) -> ! {
        cortex_m::peripheral::SCB::sys_reset()
    }
}
