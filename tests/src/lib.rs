//! A small CLAP host for end-to-end tests of the AI DJ plugin, on `clack-host`.
//!
//! It loads the bundled `.clap` (not the Rust crate): what is tested is the binary a DAW loads,
//! through nice-plug's CLAP wrapper. [`PluginHost`] instantiates the plugin, reads its
//! descriptor, ports and parameters, activates it, and renders whole signals in host-sized
//! blocks with two input ports (main = deck A, aux = deck B) and one output port. Parameter
//! changes and MIDI are sample-accurate events; an optional simulated transport plays at a
//! tempo with the beat position advancing per block; the state extension saves and loads.
//!
//! # Where the bundle comes from
//! `AIDJ_CLAP_BUNDLE` (a path), else `AI DJ.clap` where `cargo xtask bundle aidj-plugin
//! --release` writes it: `$CARGO_TARGET_DIR/bundled/` or `<workspace>/target/bundled/`. A test
//! calls [`clap_bundle_or_skip`] first: with no bundle it prints a skip line and returns, unless
//! `AIDJ_REQUIRE_BUNDLE=1`, when it fails.
//!
//! # Parameter values
//! nice-plug exposes every parameter to CLAP as `normalized * step_count` (`0..1` for
//! continuous parameters, `0..n-1` for an enum of `n` variants). [`PluginHost::param_event`]
//! takes the normalized value and scales it by the `max_value` the plugin reports.
//!
//! # Unsafe
//! Loading a shared library runs its code: `PluginEntry::load` is `unsafe`, and it is the only
//! `unsafe` here ([`load_entry_unpinned`]).

use std::ffi::CStr;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clack_extensions::audio_ports::{AudioPortFlags, AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::note_ports::{NotePortInfoBuffer, PluginNotePorts};
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{MidiEvent, ParamValueEvent, TransportEvent, TransportFlags};
use clack_host::events::EventFlags;
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};

pub mod signal;

/// The plugin's CLAP id.
pub const PLUGIN_ID: &str = "org.aidj.two-deck-mixer";
/// The plugin's name.
pub const PLUGIN_NAME: &str = "AI DJ";

/// Every parameter id string of the plugin (`plugin/src/params.rs`).
pub const PARAM_IDS: [&str; 27] = [
    "a_trim",
    "a_eq_hi",
    "a_eq_mid",
    "a_eq_lo",
    "a_filter",
    "a_fader",
    "b_trim",
    "b_eq_hi",
    "b_eq_mid",
    "b_eq_lo",
    "b_filter",
    "b_fader",
    "xfader",
    "xf_shape",
    "xf_curve",
    "tr_preset",
    "tr_length",
    "tr_mode",
    "tr_dir",
    "tr_start",
    "tr_pos",
    "tr_phrase",
    "tr_fx",
    "clock_src",
    "clock_bpm",
    "bypass",
    "flx4",
];

/// A stereo signal: `[left, right]`, equal lengths.
pub type Stereo = [Vec<f32>; 2];

/// Errors of the harness (loading, instantiating, processing, state).
#[derive(Debug)]
pub enum Error {
    /// The bundle could not be loaded as a CLAP entry.
    Load(String),
    /// The entry has no plugin factory or no plugin with [`PLUGIN_ID`].
    NoPlugin(String),
    /// Instantiation, activation or processing failed.
    Host(String),
    /// The plugin lacks an extension the harness needs.
    MissingExtension(&'static str),
    /// Saving or loading the state failed.
    State(String),
    /// A parameter id the plugin does not have.
    UnknownParam(String),
    /// The call needs an active (or an inactive) plugin.
    WrongState(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => write!(f, "cannot load the CLAP bundle: {e}"),
            Error::NoPlugin(e) => write!(f, "no plugin: {e}"),
            Error::Host(e) => write!(f, "host call failed: {e}"),
            Error::MissingExtension(e) => write!(f, "the plugin has no {e} extension"),
            Error::State(e) => write!(f, "state: {e}"),
            Error::UnknownParam(id) => write!(f, "no parameter with id {id:?}"),
            Error::WrongState(e) => write!(f, "wrong plugin state: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result of the harness.
pub type Result<T> = std::result::Result<T, Error>;

fn host_err(e: impl fmt::Display) -> Error {
    Error::Host(e.to_string())
}

/// The CLAP parameter id nice-plug derives from a parameter's id string: `h = h * 31 + byte`
/// (wrapping `u32`), then the top bit cleared (VST3 reserves it for host parameters). See
/// `hash_param_id` in nice-plug's `src/wrapper/util.rs`.
pub fn param_hash(id: &str) -> u32 {
    let mut h: u32 = 0;
    for b in id.bytes() {
        h = h.wrapping_mul(31).wrapping_add(u32::from(b));
    }
    h & !(1 << 31)
}

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where `cargo xtask bundle` writes: `$CARGO_TARGET_DIR/bundled` (a relative one taken
/// from the workspace root), else `<workspace>/target/bundled`.
pub fn bundled_dir() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir).join("bundled"),
        _ => root.join("target/bundled"),
    }
}

/// `AIDJ_CLAP_BUNDLE`, else `AI DJ.clap` in [`bundled_dir`].
pub fn clap_bundle_path() -> PathBuf {
    std::env::var_os("AIDJ_CLAP_BUNDLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| bundled_dir().join("AI DJ.clap"))
}

/// `AIDJ_VST3_BUNDLE`, else `AI DJ.vst3` in [`bundled_dir`].
pub fn vst3_bundle_path() -> PathBuf {
    std::env::var_os("AIDJ_VST3_BUNDLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| bundled_dir().join("AI DJ.vst3"))
}

/// Whether a missing bundle (or host tool) must fail the tests: `AIDJ_REQUIRE_BUNDLE=1`.
pub fn bundle_required() -> bool {
    std::env::var("AIDJ_REQUIRE_BUNDLE").is_ok_and(|v| {
        let v = v.trim();
        v == "1" || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("yes")
    })
}

/// Print a line that `cargo test`'s output capture does not swallow (it captures only the
/// `print!` family), so skips show in CI logs.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Skip (return `None` after a note) or fail (panic, with `AIDJ_REQUIRE_BUNDLE=1`) when
/// `path` does not exist; `Some(path)` when it does.
///
/// # Panics
/// When the bundle is missing and [`bundle_required`].
pub fn bundle_or_skip(test: &str, path: PathBuf, what: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let hint = "build it with `cargo xtask bundle aidj-plugin --release`";
    if bundle_required() {
        panic!(
            "{test}: AIDJ_REQUIRE_BUNDLE=1 but the {what} bundle {} is missing ({hint})",
            path.display()
        );
    }
    note(&format!(
        "SKIP {test}: no {what} bundle at {} ({hint}, or set its path; AIDJ_REQUIRE_BUNDLE=1 makes this a failure)",
        path.display()
    ));
    None
}

/// [`bundle_or_skip`] for the CLAP bundle.
///
/// # Panics
/// When the bundle is missing and [`bundle_required`].
pub fn clap_bundle_or_skip(test: &str) -> Option<PathBuf> {
    bundle_or_skip(test, clap_bundle_path(), "CLAP")
}

/// Entries kept loaded for the life of the process, as a DAW keeps a plugin library loaded
/// while it may create instances (see [`load_entry_unpinned`] for why it matters).
static PINNED: Mutex<Vec<(PathBuf, PluginEntry)>> = Mutex::new(Vec::new());

/// Load the CLAP entry of the bundle at `path` and keep the library loaded until the process
/// exits (so the test threads of one `cargo test` never see it unloaded).
///
/// # Errors
/// [`Error::Load`] when the file is not a loadable CLAP library.
pub fn load_entry(path: &Path) -> Result<PluginEntry> {
    let entry = load_entry_unpinned(path)?;
    let mut pinned = PINNED.lock().unwrap_or_else(|e| e.into_inner());
    if !pinned.iter().any(|(p, _)| p == path) {
        pinned.push((path.to_path_buf(), entry.clone()));
    }
    Ok(entry)
}

/// Load the CLAP entry of the bundle at `path`; clack-host shares one loaded library between
/// all entries and instances from it and, when the last of them is dropped, calls the entry's
/// `deinit` and unloads the library (`dlclose`). A plugin whose code left thread-exit
/// destructors on one of the host's threads crashes that thread's exit unless the library
/// stays mapped (see `plugin/build.rs`).
///
/// # Errors
/// [`Error::Load`] when the file is not a loadable CLAP library.
#[allow(unsafe_code)]
pub fn load_entry_unpinned(path: &Path) -> Result<PluginEntry> {
    // SAFETY: loading a library runs its initialisers and the CLAP entry's `init`; the file is
    // the plugin under test, built from this workspace (that is what the test is for). clack-host
    // checks the entry's CLAP version and keeps the library loaded while the entry is alive.
    unsafe { PluginEntry::load(path) }.map_err(|e| Error::Load(format!("{}: {e}", path.display())))
}

/// The descriptor fields of one plugin of a factory.
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptor {
    /// `id`.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `vendor`.
    pub vendor: String,
    /// `version`.
    pub version: String,
    /// `features`.
    pub features: Vec<String>,
}

fn cstr(s: Option<&CStr>) -> String {
    s.map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn bytes_str(s: &[u8]) -> String {
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    String::from_utf8_lossy(s.get(..end).unwrap_or(s)).into_owned()
}

/// Every plugin descriptor of the entry's plugin factory.
///
/// # Errors
/// [`Error::NoPlugin`] when the entry has no plugin factory.
pub fn descriptors(entry: &PluginEntry) -> Result<Vec<Descriptor>> {
    let factory = entry
        .get_plugin_factory()
        .ok_or_else(|| Error::NoPlugin("the entry has no plugin factory".into()))?;
    Ok(factory
        .plugin_descriptors()
        .map(|d| Descriptor {
            id: cstr(d.id()),
            name: cstr(d.name()),
            vendor: cstr(d.vendor()),
            version: cstr(d.version()),
            features: d
                .features()
                .map(|f| f.to_string_lossy().into_owned())
                .collect(),
        })
        .collect())
}

/// One audio port as the plugin reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioPort {
    /// Port id.
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Channels.
    pub channels: u32,
    /// `CLAP_AUDIO_PORT_IS_MAIN`.
    pub is_main: bool,
}

/// One note port as the plugin reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct NotePort {
    /// Display name.
    pub name: String,
    /// Supported dialects (`clap_note_dialect` bits: CLAP 1, MIDI 2, MPE 4, MIDI2 8).
    pub dialects: u32,
}

/// One parameter as the plugin reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDesc {
    /// CLAP id (the hash of the id string).
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Module (group) path.
    pub module: String,
    /// Minimum CLAP value (0 with nice-plug).
    pub min: f64,
    /// Maximum CLAP value (1, or the step count of a stepped parameter).
    pub max: f64,
    /// Default CLAP value.
    pub default: f64,
    /// `clap_param_info_flags` bits.
    pub flags: u32,
}

/// A simulated host transport: playing (or not) at a fixed tempo in `beats_per_bar`/4 time,
/// at `start_beat` on the first frame the host renders and advancing with every block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transport {
    /// Tempo, BPM.
    pub tempo: f64,
    /// Time signature numerator.
    pub beats_per_bar: u16,
    /// Song position of the host's frame 0, beats.
    pub start_beat: f64,
    /// Whether the transport is playing.
    pub playing: bool,
}

impl Transport {
    /// Playing at `tempo` in 4/4 from beat 0.
    pub fn playing(tempo: f64) -> Self {
        Self {
            tempo,
            beats_per_bar: 4,
            start_beat: 0.0,
            playing: true,
        }
    }

    /// Frames per beat at `sample_rate`.
    pub fn frames_per_beat(&self, sample_rate: f64) -> f64 {
        sample_rate * 60.0 / self.tempo
    }

    /// The CLAP transport at host frame `frame` (the first frame of a block).
    pub fn event_at(&self, frame: u64, sample_rate: f64) -> TransportEvent {
        let seconds = frame as f64 / sample_rate;
        let beats = self.start_beat + seconds * self.tempo / 60.0;
        let bpb = f64::from(self.beats_per_bar.max(1));
        let bar = (beats / bpb).floor();
        let mut flags = TransportFlags::HAS_TEMPO
            | TransportFlags::HAS_BEATS_TIMELINE
            | TransportFlags::HAS_SECONDS_TIMELINE
            | TransportFlags::HAS_TIME_SIGNATURE;
        if self.playing {
            flags |= TransportFlags::IS_PLAYING;
        }
        TransportEvent {
            header: EventHeader::new_core(0, EventFlags::empty()),
            flags,
            song_pos_beats: BeatTime::from_float(beats),
            song_pos_seconds: SecondsTime::from_float(
                self.start_beat * 60.0 / self.tempo + seconds,
            ),
            tempo: self.tempo,
            tempo_inc: 0.0,
            loop_start_beats: BeatTime::from_int(0),
            loop_end_beats: BeatTime::from_int(0),
            loop_start_seconds: SecondsTime::from_int(0),
            loop_end_seconds: SecondsTime::from_int(0),
            bar_start: BeatTime::from_float(bar * bpb),
            bar_number: bar as i32,
            time_signature_numerator: self.beats_per_bar,
            time_signature_denominator: 4,
        }
    }
}

/// What an [`Event`] does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EventKind {
    /// `CLAP_EVENT_PARAM_VALUE` with the CLAP id and the CLAP value.
    Param {
        /// CLAP parameter id.
        id: u32,
        /// CLAP value (normalized times step count).
        value: f64,
    },
    /// A 3-byte MIDI message on note port 0.
    Midi([u8; 3]),
}

/// An input event at a frame of a [`PluginHost::render`] call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// Frame, counted from the first frame of the `render` call.
    pub frame: usize,
    /// The event.
    pub kind: EventKind,
}

impl Event {
    /// A MIDI message at `frame`.
    pub fn midi(frame: usize, data: [u8; 3]) -> Self {
        Self {
            frame,
            kind: EventKind::Midi(data),
        }
    }
}

/// What the aux ("Deck B") input port carries.
#[derive(Clone, Copy, Debug)]
pub enum Aux<'a> {
    /// A stereo signal (as long as deck A).
    Signal(&'a Stereo),
    /// Two channels of zeros, flagged constant.
    Silence,
    /// The port is there but has no channels (a host that leaves the sidechain unconnected).
    NoChannels,
}

/// How the host drives processing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Schedule {
    /// `start_processing` once, then every block.
    #[default]
    Continuous,
    /// `stop_processing` / `start_processing` around every block (some hosts do this).
    StartStopEveryBlock,
}

/// Buffers reused between blocks.
struct Scratch {
    inputs: [Vec<f32>; 4],
    outputs: [Vec<f32>; 2],
    in_ports: AudioPorts,
    out_ports: AudioPorts,
    in_events: EventBuffer,
    out_events: EventBuffer,
}

impl Scratch {
    fn new(block: usize) -> Self {
        Self {
            inputs: std::array::from_fn(|_| vec![0.0; block]),
            outputs: std::array::from_fn(|_| vec![0.0; block]),
            // Capacity for every channel up front: clack-host 0.2 rewrites the port pointers
            // wrongly after a reallocation of its channel list.
            in_ports: AudioPorts::with_capacity(4, 2),
            out_ports: AudioPorts::with_capacity(2, 1),
            in_events: EventBuffer::with_capacity(64),
            out_events: EventBuffer::with_capacity(64),
        }
    }
}

/// The plugin's extensions the harness uses.
#[derive(Clone, Copy)]
struct Extensions {
    params: Option<PluginParams>,
    audio_ports: Option<PluginAudioPorts>,
    note_ports: Option<PluginNotePorts>,
    state: Option<PluginState>,
}

/// One plugin instance and the host around it.
pub struct PluginHost {
    // Field order is drop order: the processor goes before the instance (see `Drop`).
    processor: Option<PluginAudioProcessor<()>>,
    instance: PluginInstance<()>,
    ext: Extensions,
    params: Vec<ParamDesc>,
    sample_rate: f64,
    block: usize,
    scratch: Scratch,
    /// Host frames rendered since activation (the transport position and steady time).
    frames: u64,
    /// Events the plugin sent to the host (`out_events`) since instantiation.
    output_events: u64,
    /// Processing schedule of `render`.
    pub schedule: Schedule,
}

impl Drop for PluginHost {
    fn drop(&mut self) {
        self.deactivate();
    }
}

impl PluginHost {
    /// Instantiate [`PLUGIN_ID`] from the bundle at `path` and read its parameter list.
    ///
    /// # Errors
    /// Loading, a missing plugin, or a failed instantiation.
    pub fn load(path: &Path) -> Result<Self> {
        let entry = load_entry(path)?;
        Self::new(&entry)
    }

    /// Instantiate [`PLUGIN_ID`] from `entry`.
    ///
    /// # Errors
    /// A missing plugin or a failed instantiation.
    pub fn new(entry: &PluginEntry) -> Result<Self> {
        let host_info = HostInfo::new("aidj-e2e", "AI DJ tests", "https://example.invalid", "0.1")
            .map_err(host_err)?;
        let id = std::ffi::CString::new(PLUGIN_ID).map_err(host_err)?;
        let mut instance = PluginInstance::<()>::new(|_| (), |_| (), entry, &id, &host_info)
            .map_err(|e| Error::NoPlugin(format!("{PLUGIN_ID}: {e}")))?;
        let ext = {
            let handle = instance.plugin_handle();
            Extensions {
                params: handle.get_extension(),
                audio_ports: handle.get_extension(),
                note_ports: handle.get_extension(),
                state: handle.get_extension(),
            }
        };
        let mut host = Self {
            processor: None,
            instance,
            ext,
            params: Vec::new(),
            sample_rate: 48_000.0,
            block: 512,
            scratch: Scratch::new(512),
            frames: 0,
            output_events: 0,
            schedule: Schedule::Continuous,
        };
        host.params = host.read_params()?;
        Ok(host)
    }

    fn read_params(&mut self) -> Result<Vec<ParamDesc>> {
        let params = self.ext.params.ok_or(Error::MissingExtension("params"))?;
        let handle = self.instance.plugin_handle();
        let mut buffer = ParamInfoBuffer::new();
        let mut out = Vec::new();
        for i in 0..params.count(&handle) {
            let Some(info) = params.get_info(&handle, i, &mut buffer) else {
                continue;
            };
            out.push(ParamDesc {
                id: info.id.get(),
                name: bytes_str(info.name),
                module: bytes_str(info.module),
                min: info.min_value,
                max: info.max_value,
                default: info.default_value,
                flags: info.flags.bits(),
            });
        }
        Ok(out)
    }

    /// The parameter list read at instantiation.
    pub fn params(&self) -> &[ParamDesc] {
        &self.params
    }

    /// The parameter with id string `id`.
    ///
    /// # Errors
    /// [`Error::UnknownParam`].
    pub fn param(&self, id: &str) -> Result<&ParamDesc> {
        let hash = param_hash(id);
        self.params
            .iter()
            .find(|p| p.id == hash)
            .ok_or_else(|| Error::UnknownParam(id.to_string()))
    }

    /// The current CLAP value of parameter `id` (`clap_plugin_params.get_value`).
    ///
    /// # Errors
    /// Unknown id, or the plugin refuses.
    pub fn param_value(&mut self, id: &str) -> Result<f64> {
        let params = self.ext.params.ok_or(Error::MissingExtension("params"))?;
        let hash = self.param(id)?.id;
        let handle = self.instance.plugin_handle();
        params
            .get_value(&handle, ClapId::new(hash))
            .ok_or_else(|| Error::UnknownParam(id.to_string()))
    }

    /// A parameter event setting `id` to `normalized` (`0..1`) at `frame`.
    ///
    /// # Panics
    /// When the plugin has no parameter `id` (a test bug).
    pub fn param_event(&self, frame: usize, id: &str, normalized: f64) -> Event {
        let p = match self.param(id) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        Event {
            frame,
            kind: EventKind::Param {
                id: p.id,
                value: p.min + normalized.clamp(0.0, 1.0) * (p.max - p.min),
            },
        }
    }

    /// A parameter event setting the stepped parameter `id` (enum, bool, int) to step `index`
    /// (the enum variant's position) at `frame`.
    ///
    /// # Panics
    /// When the plugin has no parameter `id` or `index` is out of range.
    pub fn step_event(&self, frame: usize, id: &str, index: u32) -> Event {
        let p = match self.param(id) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let value = f64::from(index);
        assert!(
            value >= p.min && value <= p.max,
            "{id}: step {index} out of {}..={}",
            p.min,
            p.max
        );
        Event {
            frame,
            kind: EventKind::Param { id: p.id, value },
        }
    }

    /// The audio ports (`is_input`: inputs, else outputs).
    ///
    /// # Errors
    /// No audio-ports extension.
    pub fn audio_ports(&mut self, is_input: bool) -> Result<Vec<AudioPort>> {
        let ext = self
            .ext
            .audio_ports
            .ok_or(Error::MissingExtension("audio-ports"))?;
        let handle = self.instance.plugin_handle();
        let mut buffer = AudioPortInfoBuffer::new();
        let mut out = Vec::new();
        for i in 0..ext.count(&handle, is_input) {
            if let Some(info) = ext.get(&handle, i, is_input, &mut buffer) {
                out.push(AudioPort {
                    id: info.id.get(),
                    name: bytes_str(info.name),
                    channels: info.channel_count,
                    is_main: info.flags.contains(AudioPortFlags::IS_MAIN),
                });
            }
        }
        Ok(out)
    }

    /// The note ports (`is_input`: inputs, else outputs).
    ///
    /// # Errors
    /// No note-ports extension.
    pub fn note_ports(&mut self, is_input: bool) -> Result<Vec<NotePort>> {
        let ext = self
            .ext
            .note_ports
            .ok_or(Error::MissingExtension("note-ports"))?;
        let handle = self.instance.plugin_handle();
        let mut buffer = NotePortInfoBuffer::new();
        let mut out = Vec::new();
        for i in 0..ext.count(&handle, is_input) {
            if let Some(info) = ext.get(&handle, i, is_input, &mut buffer) {
                out.push(NotePort {
                    name: bytes_str(info.name),
                    dialects: info.supported_dialects.bits(),
                });
            }
        }
        Ok(out)
    }

    /// Save the state (`clap_plugin_state.save`).
    ///
    /// # Errors
    /// No state extension, or the plugin fails.
    pub fn save_state(&mut self) -> Result<Vec<u8>> {
        let ext = self.ext.state.ok_or(Error::MissingExtension("state"))?;
        let handle = self.instance.plugin_handle();
        let mut bytes = Vec::new();
        ext.save(&handle, &mut bytes)
            .map_err(|e| Error::State(e.to_string()))?;
        Ok(bytes)
    }

    /// Load a state (`clap_plugin_state.load`).
    ///
    /// # Errors
    /// No state extension, or the plugin rejects the bytes.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<()> {
        let ext = self.ext.state.ok_or(Error::MissingExtension("state"))?;
        let handle = self.instance.plugin_handle();
        let mut reader = bytes;
        ext.load(&handle, &mut reader)
            .map_err(|e| Error::State(e.to_string()))
    }

    /// Activate at `sample_rate` for blocks of up to `block` frames and start processing. The
    /// transport position starts over at host frame 0.
    ///
    /// # Errors
    /// Already active, or the plugin refuses.
    ///
    /// # Panics
    /// When `block` is 0.
    pub fn activate(&mut self, sample_rate: f64, block: usize) -> Result<()> {
        assert!(block > 0, "block size 0");
        if self.processor.is_some() {
            return Err(Error::WrongState("already active"));
        }
        let max = u32::try_from(block).map_err(host_err)?;
        let config = PluginAudioConfiguration {
            sample_rate,
            min_frames_count: 1,
            max_frames_count: max,
        };
        let stopped = self
            .instance
            .activate(|_, _| (), config)
            .map_err(host_err)?;
        let started = stopped.start_processing().map_err(host_err)?;
        self.processor = Some(started.into());
        self.sample_rate = sample_rate;
        self.block = block;
        self.scratch = Scratch::new(block);
        self.frames = 0;
        Ok(())
    }

    /// Stop processing and deactivate (nothing if inactive).
    pub fn deactivate(&mut self) {
        if let Some(p) = self.processor.take() {
            self.instance.deactivate(p.into_stopped());
        }
    }

    /// `clap_plugin.reset` on the audio processor.
    ///
    /// # Errors
    /// Not active.
    pub fn reset(&mut self) -> Result<()> {
        let p = self
            .processor
            .as_mut()
            .ok_or(Error::WrongState("not active"))?;
        p.reset();
        Ok(())
    }

    /// The sample rate of the last activation.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Host frames rendered since the last activation.
    pub fn frames_rendered(&self) -> u64 {
        self.frames
    }

    /// Events the plugin has sent to the host from `process` (parameter values, gestures,
    /// notes) since it was instantiated.
    pub fn output_event_count(&self) -> u64 {
        self.output_events
    }

    /// Render `deck_a` (main input) and `aux` (deck B) in blocks of the activation's block size,
    /// with `events` (frames relative to this call, any order; those at or after the end are
    /// dropped) and, if given, the transport at every block. Successive calls continue the
    /// transport. Returns the main output.
    ///
    /// # Errors
    /// Not active, or the plugin's `process` fails.
    ///
    /// # Panics
    /// When the channels of `deck_a` or of an aux signal differ in length.
    pub fn render(
        &mut self,
        deck_a: &Stereo,
        aux: Aux<'_>,
        events: &[Event],
        transport: Option<&Transport>,
    ) -> Result<Stereo> {
        let len = deck_a[0].len();
        assert_eq!(deck_a[1].len(), len, "deck A channels differ in length");
        if let Aux::Signal(b) = aux {
            assert!(
                b[0].len() >= len && b[1].len() >= len,
                "deck B shorter than deck A"
            );
        }
        let mut sorted: Vec<Event> = events.to_vec();
        sorted.sort_by_key(|e| e.frame);
        let mut out: Stereo = [Vec::with_capacity(len), Vec::with_capacity(len)];
        let mut next_event = 0;
        let mut start = 0;
        while start < len {
            let end = (start + self.block).min(len);
            let first = next_event;
            while next_event < sorted.len() && sorted[next_event].frame < end {
                next_event += 1;
            }
            let block_events = sorted.get(first..next_event).unwrap_or(&[]);
            let t = transport.map(|t| t.event_at(self.frames, self.sample_rate));
            self.process_block(deck_a, aux, start..end, block_events, t.as_ref())?;
            for (o, s) in out.iter_mut().zip(&self.scratch.outputs) {
                o.extend_from_slice(s.get(..end - start).unwrap_or(&[]));
            }
            start = end;
        }
        Ok(out)
    }

    fn process_block(
        &mut self,
        deck_a: &Stereo,
        aux: Aux<'_>,
        range: std::ops::Range<usize>,
        events: &[Event],
        transport: Option<&TransportEvent>,
    ) -> Result<()> {
        let n = range.len();
        let offset = range.start;
        let schedule = self.schedule;
        let steady = self.frames;
        let processor = self
            .processor
            .as_mut()
            .ok_or(Error::WrongState("not active"))?;
        let Scratch {
            inputs,
            outputs,
            in_ports,
            out_ports,
            in_events,
            out_events,
        } = &mut self.scratch;

        let [a0, a1, b0, b1] = inputs;
        a0[..n].copy_from_slice(&deck_a[0][range.clone()]);
        a1[..n].copy_from_slice(&deck_a[1][range.clone()]);
        let (aux_channels, aux_constant) = match aux {
            Aux::Signal(b) => {
                b0[..n].copy_from_slice(&b[0][range.clone()]);
                b1[..n].copy_from_slice(&b[1][range.clone()]);
                (2, false)
            }
            Aux::Silence => {
                b0[..n].fill(0.0);
                b1[..n].fill(0.0);
                (2, true)
            }
            Aux::NoChannels => (0, false),
        };
        for o in outputs.iter_mut() {
            o[..n].fill(0.0);
        }

        in_events.clear();
        out_events.clear();
        for e in events {
            let time = u32::try_from(e.frame - offset).map_err(host_err)?;
            match e.kind {
                EventKind::Param { id, value } => in_events.push(&ParamValueEvent::new(
                    time,
                    ClapId::new(id),
                    Pckn::match_all(),
                    value,
                )),
                EventKind::Midi(data) => in_events.push(&MidiEvent::new(time, 0, data)),
            }
        }

        let main_port = AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(vec![
                InputChannel::variable(&mut a0[..n]),
                InputChannel::variable(&mut a1[..n]),
            ]),
        };
        let aux_port = AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(if aux_channels == 0 {
                Vec::new()
            } else {
                vec![
                    InputChannel::from_buffer(&mut b0[..n], aux_constant),
                    InputChannel::from_buffer(&mut b1[..n], aux_constant),
                ]
            }),
        };
        let input_audio = in_ports.with_input_buffers([main_port, aux_port]);
        let [o0, o1] = outputs;
        let mut output_audio = out_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only([&mut o0[..n], &mut o1[..n]]),
        }]);

        if schedule == Schedule::StartStopEveryBlock {
            processor.ensure_processing_started().map_err(host_err)?;
        }
        let started = processor.as_started_mut().map_err(host_err)?;
        started
            .process(
                &input_audio,
                &mut output_audio,
                &in_events.as_input(),
                &mut out_events.as_output(),
                Some(steady),
                transport,
            )
            .map_err(host_err)?;
        if schedule == Schedule::StartStopEveryBlock {
            processor.ensure_processing_stopped();
        }
        self.output_events += u64::from(out_events.len());
        self.frames += n as u64;
        Ok(())
    }
}
