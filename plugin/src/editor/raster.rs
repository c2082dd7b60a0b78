//! A software renderer for the headless editor tests: egui's tessellated meshes drawn
//! into an RGBA image (triangles with barycentric interpolation, the font atlas sampled,
//! premultiplied alpha blending), so the README's screenshot is made by the same code the
//! tests check, with no window, GPU or display. Written here: egui's own renderers all
//! need a GPU context.

use std::collections::HashMap;

use egui::epaint::{ClippedPrimitive, ImageDelta, Primitive, TextureId};
use egui::{Color32, ImageData, TexturesDelta};

/// The textures a frame's meshes refer to (the font atlas), kept across frames.
#[derive(Default)]
pub struct Textures {
    images: HashMap<TextureId, (usize, usize, Vec<Color32>)>,
}

impl Textures {
    /// Applies a frame's texture changes.
    pub fn apply(&mut self, delta: &TexturesDelta) {
        for (id, deltas) in &delta.set {
            for d in deltas.iter() {
                self.apply_one(*id, d);
            }
        }
        for id in &delta.free {
            self.images.remove(id);
        }
    }

    fn apply_one(&mut self, id: TextureId, delta: &ImageDelta) {
        let ImageData::Color(img) = &delta.image;
        let [w, h] = img.size;
        match delta.pos {
            None => {
                self.images.insert(id, (w, h, img.pixels.clone()));
            }
            Some([x0, y0]) => {
                if let Some((tw, _, px)) = self.images.get_mut(&id) {
                    for y in 0..h {
                        for x in 0..w {
                            if let Some(p) = px.get_mut((y0 + y) * *tw + x0 + x) {
                                *p = img.pixels[y * w + x];
                            }
                        }
                    }
                }
            }
        }
    }

    fn sample(&self, id: TextureId, u: f32, v: f32) -> [f32; 4] {
        let Some((w, h, px)) = self.images.get(&id) else {
            return [1.0; 4];
        };
        let x = ((u * *w as f32) as usize).min(w - 1);
        let y = ((v * *h as f32) as usize).min(h - 1);
        let c = px[y * w + x];
        [c.r(), c.g(), c.b(), c.a()].map(|v| f32::from(v) / 255.0)
    }
}

/// Draws `primitives` (points scaled by `ppp`) over a `width` x `height` image filled with
/// `background`; returns RGBA8 rows.
pub fn render(
    primitives: &[ClippedPrimitive],
    textures: &Textures,
    ppp: f32,
    width: usize,
    height: usize,
    background: Color32,
) -> Vec<u8> {
    let bg = [background.r(), background.g(), background.b(), 255].map(|v| f32::from(v) / 255.0);
    let mut img: Vec<[f32; 4]> = vec![bg; width * height];
    for cp in primitives {
        let Primitive::Mesh(mesh) = &cp.primitive else {
            continue;
        };
        let clip = cp.clip_rect;
        let (cx0, cy0) = ((clip.min.x * ppp).max(0.0), (clip.min.y * ppp).max(0.0));
        let (cx1, cy1) = (
            (clip.max.x * ppp).min(width as f32),
            (clip.max.y * ppp).min(height as f32),
        );
        for tri in mesh.indices.chunks_exact(3) {
            let v = [0, 1, 2].map(|k| &mesh.vertices[tri[k] as usize]);
            let p = v.map(|v| (v.pos.x * ppp, v.pos.y * ppp));
            let area =
                (p[1].0 - p[0].0) * (p[2].1 - p[0].1) - (p[2].0 - p[0].0) * (p[1].1 - p[0].1);
            if area.abs() < 1e-9 {
                continue;
            }
            // Pixel bounds of the triangle along one axis, inside the clip range.
            let span = |coord: fn(&(f32, f32)) -> f32, lo: f32, hi: f32| {
                let (min, max) = p
                    .iter()
                    .map(coord)
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), c| {
                        (a.min(c), b.max(c))
                    });
                (min.max(lo).floor() as i64, max.min(hi).ceil() as i64)
            };
            let (minx, maxx) = span(|q| q.0, cx0, cx1);
            let (miny, maxy) = span(|q| q.1, cy0, cy1);
            for y in miny.max(0)..maxy.min(height as i64) {
                for x in minx.max(0)..maxx.min(width as i64) {
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    if px < cx0 || px >= cx1 || py < cy0 || py >= cy1 {
                        continue;
                    }
                    let edge = |a: (f32, f32), b: (f32, f32)| {
                        (b.0 - a.0) * (py - a.1) - (b.1 - a.1) * (px - a.0)
                    };
                    let w0 = edge(p[1], p[2]) / area;
                    let w1 = edge(p[2], p[0]) / area;
                    let w2 = edge(p[0], p[1]) / area;
                    if w0 < 0.0 || w1 < 0.0 || w2 < 0.0 {
                        continue;
                    }
                    let u = w0 * v[0].uv.x + w1 * v[1].uv.x + w2 * v[2].uv.x;
                    let t = w0 * v[0].uv.y + w1 * v[1].uv.y + w2 * v[2].uv.y;
                    let tex = textures.sample(mesh.texture_id, u, t);
                    let col = |k: usize| {
                        let c = |vx: &egui::epaint::Vertex| {
                            f32::from([vx.color.r(), vx.color.g(), vx.color.b(), vx.color.a()][k])
                                / 255.0
                        };
                        w0 * c(v[0]) + w1 * c(v[1]) + w2 * c(v[2])
                    };
                    // Premultiplied source over the destination.
                    let src = [0, 1, 2, 3].map(|k| col(k) * tex[k]);
                    let d = &mut img[y as usize * width + x as usize];
                    for k in 0..4 {
                        d[k] = src[k] + d[k] * (1.0 - src[3]);
                    }
                }
            }
        }
    }
    img.iter()
        .flat_map(|p| {
            let a = p[3].max(1e-6);
            // Back from premultiplied to straight alpha (the background is opaque: a = 1).
            [p[0] / a, p[1] / a, p[2] / a, p[3]].map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
        })
        .collect()
}
