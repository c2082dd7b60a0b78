//! Link the plugin library with `-z nodelete` on ELF targets, so that a host's `dlclose` does not
//! unmap it.
//!
//! nice-plug calls `std::thread::current()` on the host's threads (e.g. when a plugin instance is
//! created), and the plugin's copy of Rust's std then registers a pthread-key destructor for that
//! thread. If the host unloads the library (last instance destroyed, `clap_entry.deinit`,
//! `dlclose`) before such a thread exits, glibc calls the destructor at thread exit in unmapped
//! memory: SIGSEGV. Plugin scanners do exactly this (load, query, unload on a worker thread). With
//! `nodelete` the loader keeps the library mapped, as it does for any library with live TLS
//! destructors. Checked by `unloading_the_library_then_exiting_the_thread` in `tests/`.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
