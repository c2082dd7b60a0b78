//! The per-sample loop shared by the blocks that process `N` channels in place.

/// Runs `tick` over the frames of `channels` (the shortest channel sets the length),
/// replacing each sample with the output. Widened to f64 for the filters' state.
#[inline]
pub(crate) fn process_in_place<const N: usize>(
    mut channels: [&mut [f32]; N],
    mut tick: impl FnMut([f64; N]) -> [f64; N],
) {
    let len = channels.iter().map(|c| c.len()).min().unwrap_or(0);
    for i in 0..len {
        let mut x = [0.0f64; N];
        for (xi, c) in x.iter_mut().zip(channels.iter()) {
            *xi = f64::from(c.get(i).copied().unwrap_or(0.0));
        }
        let y = tick(x);
        for (yi, c) in y.iter().zip(channels.iter_mut()) {
            if let Some(s) = c.get_mut(i) {
                *s = *yi as f32;
            }
        }
    }
}
