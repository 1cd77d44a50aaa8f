//! The device: boot, the request loop over the board's UART, panic and fault exits.

mod board;
mod clock;
mod heap;
mod keystore;
mod stack;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use firmware::limits::{EXIT_HARD_FAULT, EXIT_PANIC, RX_FRAME, TX_FRAME};
use firmware::{Action, Measurement, MemoryStats, Platform, Service};
use protocol::FrameReader;

/// Version and commit this firmware was built from.
const BUILD_ID: &str = env!("FIRMWARE_BUILD_ID");

/// The board seen by the service: memory figures, the instruction clock and the UART.
struct Device {
    uart: board::Uart,
}

impl Platform for Device {
    fn memory(&self) -> MemoryStats {
        let (heap_size, heap_used, heap_peak) = heap::stats();
        let (stack_size, stack_peak) = stack::stats();
        MemoryStats {
            heap_size,
            heap_used,
            heap_peak,
            stack_size,
            stack_peak,
        }
    }

    fn measure(&mut self, routine: &mut dyn FnMut()) -> Measurement {
        clock::measure(routine)
    }

    fn send(&mut self, frame: &[u8]) {
        self.uart.write_all(frame);
    }

    fn start_heap_window(&mut self) {
        heap::start_window();
    }

    fn heap_window_peak(&self) -> u32 {
        heap::window_peak()
    }

    fn load_seed(&self, seed: &mut [u8; 64]) -> bool {
        keystore::load(seed)
    }

    fn store_seed(&mut self, seed: &[u8; 64]) -> bool {
        keystore::store(seed)
    }
}

#[entry]
fn main() -> ! {
    stack::paint();
    heap::init();
    let Some(mut core) = cortex_m::Peripherals::take() else {
        board::exit(EXIT_HARD_FAULT)
    };
    clock::start(&mut core);
    let uart = board::Uart::new();
    defmt::info!("embedded-zkevm firmware {=str} ready", BUILD_ID);
    defmt::info!(
        "EVM buffers {=usize} B (worst case of this board's limits), heap {=usize} B",
        firmware::limits::EVM_LIMITS.ram_bytes(),
        firmware::limits::HEAP_SIZE
    );

    let (reader, out) = frame_buffers();
    let mut service = Service::new(Device { uart }, BUILD_ID, stage_area());
    loop {
        let byte = service.platform_mut().uart.read_byte();
        let Some(frame) = reader.push(byte) else {
            continue;
        };
        match service.handle(frame, out) {
            Action::Silent => {}
            Action::Reply(len) => service.platform_mut().send(out.get(..len).unwrap_or(&[])),
            Action::ReplyThenExit { len, code } => {
                let device = service.platform_mut();
                device.send(out.get(..len).unwrap_or(&[]));
                device.uart.flush();
                defmt::info!("exit {=u8} requested", code);
                board::exit(i32::from(code));
            }
        }
    }
}

/// The receive and transmit frame buffers, in `.bss` (the RAM budget of
/// `firmware::limits` counts them apart from the stack).
fn frame_buffers() -> (
    &'static mut FrameReader<RX_FRAME>,
    &'static mut [u8; TX_FRAME],
) {
    static mut READER: FrameReader<RX_FRAME> = FrameReader::new();
    static mut OUT: [u8; TX_FRAME] = [0; TX_FRAME];
    #[allow(unsafe_code)]
    // SAFETY: called once, from `main`, which never returns: these are the
    // only references to `READER` and `OUT` ever made.
    unsafe {
        (
            &mut *core::ptr::addr_of_mut!(READER),
            &mut *core::ptr::addr_of_mut!(OUT),
        )
    }
}

/// The staging area for inputs larger than a frame, in `.bss`.
fn stage_area() -> &'static mut [u8] {
    use firmware::limits::STAGE_SIZE;
    static mut STAGE: [u8; STAGE_SIZE] = [0; STAGE_SIZE];
    #[allow(unsafe_code)]
    // SAFETY: called once, from `main`, which never returns: this is the only
    // reference to `STAGE` ever made.
    unsafe {
        &mut *core::ptr::addr_of_mut!(STAGE)
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    defmt::error!("panic: {}", defmt::Display2Format(info));
    board::exit(EXIT_PANIC)
}

#[allow(unsafe_code)] // cortex-m-rt requires the HardFault handler to be `unsafe fn`.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    defmt::error!("hard fault at pc {=u32:#x}", frame.pc());
    board::exit(EXIT_HARD_FAULT)
}
