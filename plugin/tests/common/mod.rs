//! An in-process host for the plugin: activates it, feeds deck A / deck B blocks, applies
//! parameter changes and MIDI between blocks (as a host with sample-accurate automation
//! does), and runs every `process` call under nice-plug's `assert_no_alloc` (the dev-dependency
//! turns on nice-plug's `assert_process_allocs`: any allocation aborts the test binary).
#![allow(dead_code, unsafe_code)]

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use aidj_plugin::params::AiDjParams;
use aidj_plugin::AiDj;
use nice_plug::prelude::*;

/// Activation context: counts latency reports (the plugin must make none).
pub struct MockActivate {
    pub latency_calls: Cell<u32>,
}

impl ActivateContext<AiDj> for MockActivate {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    fn execute(&self, _task: ()) {}
    fn set_latency_samples(&self, _samples: u32) {
        self.latency_calls.set(self.latency_calls.get() + 1);
    }
    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

/// Process context with a transport and a preallocated event queue.
pub struct MockProcess {
    pub transport: Transport,
    pub events: VecDeque<PluginNoteEvent<AiDj>>,
    pub latency_calls: Cell<u32>,
}

impl ProcessContext<AiDj> for MockProcess {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    fn execute_background(&self, _task: ()) {}
    fn execute_gui(&self, _task: ()) {}
    fn transport(&self) -> &Transport {
        &self.transport
    }
    fn next_event(&mut self) -> Option<PluginNoteEvent<AiDj>> {
        self.events.pop_front()
    }
    fn try_send_event(
        &mut self,
        event: PluginNoteEvent<AiDj>,
    ) -> Result<
        (),
        (
            PluginNoteEvent<AiDj>,
            nice_plug::context::process::SendEventError,
        ),
    > {
        Err((
            event,
            nice_plug::context::process::SendEventError::NoOutputBuffer,
        ))
    }
    fn set_latency_samples(&self, _samples: u32) {
        self.latency_calls.set(self.latency_calls.get() + 1);
    }
    fn request_restart(&self) {}
    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

/// A host transport: playing at `bpm`, at `beat`.
#[derive(Clone, Copy, Debug)]
pub struct HostTransport {
    pub bpm: f64,
    pub beat: f64,
}

/// One loaded, activated plugin.
pub struct Host {
    pub plugin: AiDj,
    pub params: Arc<AiDjParams>,
    ptrs: HashMap<String, ParamPtr>,
    pub rate: f32,
    pub max_block: usize,
    pub latency_calls: u32,
    /// Host transport, advanced by the frames processed.
    pub transport: Option<HostTransport>,
    /// Sidechain channels passed: 0 = no sidechain buffer at all, 1 = mono, 2 = stereo.
    pub sidechain_channels: usize,
}

impl Host {
    pub fn new(rate: f32, max_block: usize) -> Self {
        Self::with_plugin(AiDj::default(), rate, max_block)
    }

    pub fn with_plugin(mut plugin: AiDj, rate: f32, max_block: usize) -> Self {
        let params = plugin.typed_params();
        let ptrs = params
            .param_map()
            .into_iter()
            .map(|(id, ptr, _)| (id, ptr))
            .collect();
        let ctx = MockActivate {
            latency_calls: Cell::new(0),
        };
        let config = BufferConfig {
            sample_rate: rate,
            min_buffer_size: None,
            max_buffer_size: max_block as u32,
            process_mode: ProcessMode::Realtime,
        };
        assert!(plugin.activate(&AiDj::AUDIO_IO_LAYOUTS[0], &config, &mut { ctx }));
        plugin.reset();
        Self {
            plugin,
            params,
            ptrs,
            rate,
            max_block,
            latency_calls: 0,
            transport: None,
            sidechain_channels: 2,
        }
    }

    fn ptr(&self, id: &str) -> ParamPtr {
        *self
            .ptrs
            .get(id)
            .unwrap_or_else(|| panic!("no parameter {id}"))
    }

    /// Set a parameter by normalised value.
    pub fn set_normalized(&self, id: &str, normalized: f32) {
        // SAFETY: the pointer targets a field of `self.params`, alive as long as `self`.
        unsafe {
            self.ptr(id)._internal_set_normalized_value(normalized);
        }
    }

    /// Set a parameter by plain value (enum/int params: the index).
    pub fn set(&self, id: &str, plain: f32) {
        // SAFETY: as above.
        let n = unsafe { self.ptr(id).preview_normalized(plain) };
        self.set_normalized(id, n);
    }

    /// Set a parameter from its value string ("-inf dB", "B", "1 bar", ...).
    pub fn set_str(&self, id: &str, text: &str) {
        // SAFETY: as above.
        let n = unsafe { self.ptr(id).string_to_normalized_value(text) }
            .unwrap_or_else(|| panic!("{id}: cannot parse {text:?}"));
        self.set_normalized(id, n);
    }

    /// Normalised value of a parameter.
    pub fn normalized(&self, id: &str) -> f32 {
        // SAFETY: as above.
        unsafe { self.ptr(id).unmodulated_normalized_value() }
    }

    /// Process one block of `a.len()` frames: deck A `a`, deck B `b`, output into `out`, the
    /// `events` timed within the block.
    pub fn block(
        &mut self,
        a: [&[f32]; 2],
        b: [&[f32]; 2],
        out: [&mut [f32]; 2],
        events: &[PluginNoteEvent<AiDj>],
    ) {
        let n = a[0].len();
        let [ol, or] = out;
        ol.copy_from_slice(a[0]);
        or.copy_from_slice(a[1]);
        let mut bl = b[0].to_vec();
        let mut br = b[1].to_vec();
        let mut transport = Transport::new(self.rate);
        if let Some(t) = self.transport {
            transport.playing = true;
            transport.tempo = Some(t.bpm);
            transport.pos_beats = Some(t.beat);
            transport.time_sig_numerator = Some(4);
            transport.time_sig_denominator = Some(4);
            transport.bar_start_pos_beats = Some((t.beat / 4.0).floor() * 4.0);
            transport.bar_number = Some((t.beat / 4.0).floor() as i32);
        }
        let mut ctx = MockProcess {
            transport,
            events: events.iter().copied().collect(),
            latency_calls: Cell::new(0),
        };
        let mut buffer = Buffer::default();
        let mut side = Buffer::default();
        // SAFETY: the slices outlive the buffers (all dropped at the end of this function).
        unsafe {
            buffer.set_slices(n, |s| {
                s.push(ol);
                s.push(or);
            });
            let channels = self.sidechain_channels;
            side.set_slices(n, |s| {
                s.push(&mut bl);
                if channels > 1 {
                    s.push(&mut br);
                }
            });
        }
        let mut inputs = [side];
        let mut aux = AuxiliaryBuffers {
            inputs: if self.sidechain_channels > 0 {
                &mut inputs
            } else {
                &mut []
            },
            outputs: &mut [],
        };
        let plugin = &mut self.plugin;
        nice_assert_no_alloc::assert_no_alloc(|| {
            plugin.process(&mut buffer, &mut aux, &mut ctx);
        });
        self.latency_calls += ctx.latency_calls.get();
        if let Some(t) = self.transport.as_mut() {
            t.beat += n as f64 * t.bpm / (60.0 * f64::from(self.rate));
        }
    }

    /// Process whole signals in blocks of `block` frames; `at(frame)` is called before each
    /// block start listed in `cuts` (and the block is split there), so changes land on exact
    /// frames whatever the block size.
    pub fn run(
        &mut self,
        a: &[Vec<f32>; 2],
        b: &[Vec<f32>; 2],
        block: usize,
        cuts: &[usize],
        mut at: impl FnMut(&mut Self, usize),
    ) -> [Vec<f32>; 2] {
        let n = a[0].len();
        let mut out = [vec![0.0; n], vec![0.0; n]];
        let mut pos = 0;
        while pos < n {
            if cuts.contains(&pos) {
                at(self, pos);
            }
            let next_cut = cuts.iter().copied().filter(|&c| c > pos).min().unwrap_or(n);
            let end = (pos + block).min(next_cut).min(n);
            let [ol, or] = &mut out;
            self.block(
                [&a[0][pos..end], &a[1][pos..end]],
                [&b[0][pos..end], &b[1][pos..end]],
                [&mut ol[pos..end], &mut or[pos..end]],
                &[],
            );
            pos = end;
        }
        out
    }
}

/// A stereo sine of `n` frames.
pub fn sine(freq: f64, amp: f32, rate: f32, n: usize) -> [Vec<f32>; 2] {
    let ch: Vec<f32> = (0..n)
        .map(|i| amp * (std::f64::consts::TAU * freq * i as f64 / f64::from(rate)).sin() as f32)
        .collect();
    [ch.clone(), ch]
}

/// Largest `|x - y|` over a range of both channels.
pub fn max_diff(x: &[Vec<f32>; 2], y: &[Vec<f32>; 2], range: std::ops::Range<usize>) -> f32 {
    (0..2)
        .flat_map(|c| {
            x[c][range.clone()]
                .iter()
                .zip(&y[c][range.clone()])
                .map(|(a, b)| (a - b).abs())
                .collect::<Vec<_>>()
        })
        .fold(0.0, f32::max)
}

/// RMS of a range of both channels.
pub fn rms(x: &[Vec<f32>; 2], range: std::ops::Range<usize>) -> f32 {
    let len = (range.end - range.start) * 2;
    let sum: f64 = (0..2)
        .flat_map(|c| {
            x[c][range.clone()]
                .iter()
                .map(|&v| f64::from(v) * f64::from(v))
        })
        .sum();
    (sum / len.max(1) as f64).sqrt() as f32
}
