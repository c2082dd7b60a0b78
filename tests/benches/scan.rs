//! What a DAW's plugin scan costs: load the bundle's CLAP entry (`dlopen`, `clap_entry.init`),
//! get the plugin factory, read the descriptor, create an instance (`create_plugin`, `init`),
//! read every parameter's info, the audio and note ports, then destroy it all (`deinit`).
//! Target: < 100 ms per scan.
//!
//! The first scan in the process also maps and relocates the library from disk; later scans
//! find it loaded (the plugin is linked `-z nodelete`, so `dlclose` leaves it mapped, as any
//! host's later scans would find it in the page cache). Both are reported: the first as a
//! printed figure, the steady state by criterion.
//!
//! Skips without a bundle (see `aidj_e2e::clap_bundle_or_skip`).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use aidj_e2e::{clap_bundle_or_skip, descriptors, load_entry_unpinned, PluginHost, PLUGIN_ID};
use criterion::{criterion_group, criterion_main, Criterion};

/// One scan; returns (parameters, input ports, output ports, note input ports).
fn scan(path: &Path) -> (usize, usize, usize, usize) {
    let entry = load_entry_unpinned(path).expect("entry");
    let descs = descriptors(&entry).expect("factory");
    assert!(descs.iter().any(|d| d.id == PLUGIN_ID));
    let mut host = PluginHost::new(&entry).expect("instance");
    let params = host.params().len();
    let ins = host.audio_ports(true).expect("ports").len();
    let outs = host.audio_ports(false).expect("ports").len();
    let notes = host.note_ports(true).expect("note ports").len();
    drop(host);
    drop(entry);
    (params, ins, outs, notes)
}

fn bench_scan(c: &mut Criterion) {
    let Some(path) = clap_bundle_or_skip("bench scan") else {
        return;
    };
    let t = Instant::now();
    let first = scan(&path);
    let first_ms = t.elapsed().as_secs_f64() * 1e3;
    aidj_e2e::note(&format!(
        "scan: first scan in this process {first_ms:.2} ms ({} params, {} in / {} out audio ports, {} note port)",
        first.0, first.1, first.2, first.3
    ));
    assert_eq!(first, (26, 2, 1, 1));
    c.bench_function(
        "scan: load entry, factory, descriptor, instance, params, ports",
        |b| {
            b.iter(|| black_box(scan(black_box(&path))));
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench_scan
}
criterion_main!(benches);
