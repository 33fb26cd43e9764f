//! Ctrl-C and SIGTERM: noted rather than fatal, so that xtask can stop the relay it started and
//! wait for it to exit before exiting itself.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn note(_signal: libc::c_int) {
    // Only an atomic store: nothing else is safe inside a signal handler.
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Replaces the default action of SIGINT and SIGTERM (exit at once) with noting the request.
/// Programs xtask starts get the default action back when they exec, so a test run interrupted
/// with Ctrl-C still stops its cargo or npm child at once.
pub fn install() {
    let handler = note as extern "C" fn(libc::c_int);
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `note` only stores to an atomic, which is async-signal-safe, and it lives for the
        // whole program.
        unsafe {
            libc::signal(signal, handler as libc::sighandler_t);
        }
    }
}

/// Whether Ctrl-C or SIGTERM has arrived since `install`.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Sends SIGINT to process `pid`, as Ctrl-C in its terminal would.
pub fn interrupt(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return };
    // SAFETY: kill has no memory-safety preconditions; a process that already exited makes it
    // fail with ESRCH, which is the outcome wanted.
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
}
