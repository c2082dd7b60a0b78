//! k-means (k-means++ init, Lloyd iterations) and the silhouette score, by hand.
//!
//! Written here rather than taken from a crate: they are a hundred lines, exact, and seeded
//! so that training is reproducible bit for bit; no pure-Rust crate is both light and
//! seeded-reproducible (linfa pulls in ndarray and a BLAS-shaped stack for this).

use rayon::prelude::*;

/// SplitMix64: a tiny, well-mixed generator; reproducible across platforms.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64) as usize % n.max(1)
    }

    /// A seeded permutation of 0..n (Fisher-Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            p.swap(i, j);
        }
        p
    }
}

/// Squared Euclidean distance.
#[inline]
pub fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// A fitted k-means.
#[derive(Clone, Debug)]
pub struct KMeans {
    /// k rows of `d` values.
    pub centroids: Vec<Vec<f64>>,
    /// Cluster of each input row.
    pub labels: Vec<usize>,
    /// Sum of squared distances to the assigned centroid.
    pub inertia: f64,
    pub iterations: usize,
}

/// Index of the nearest centroid (ties to the lowest index).
pub fn nearest(centroids: &[Vec<f64>], x: &[f64]) -> usize {
    let mut best = (0, f64::INFINITY);
    for (c, m) in centroids.iter().enumerate() {
        let d = dist2(m, x);
        if d < best.1 {
            best = (c, d);
        }
    }
    best.0
}

/// k-means over `rows` (all of length `d`, non-empty) with k-means++ seeding.
///
/// Fewer than `k` clusters come back when the data has fewer distinct points than `k`
/// (k-means++ stops when every point already sits on a centroid). Deterministic for a
/// given `seed`: the parallel assignment step writes each label independently.
pub fn kmeans(rows: &[Vec<f64>], k: usize, seed: u64, max_iter: usize) -> KMeans {
    let n = rows.len();
    let mut rng = Rng::new(seed);
    let mut centroids: Vec<Vec<f64>> = Vec::with_capacity(k);
    if n == 0 || k == 0 {
        return KMeans {
            centroids,
            labels: Vec::new(),
            inertia: 0.0,
            iterations: 0,
        };
    }
    centroids.push(rows[rng.below(n)].clone());
    let mut d2: Vec<f64> = rows.par_iter().map(|r| dist2(r, &centroids[0])).collect();
    while centroids.len() < k {
        let total: f64 = d2.iter().sum();
        if total <= 0.0 || !total.is_finite() {
            break;
        }
        let target = rng.next_f64() * total;
        let mut acc = 0.0;
        let mut pick = n - 1;
        for (i, &w) in d2.iter().enumerate() {
            acc += w;
            if acc > target && w > 0.0 {
                pick = i;
                break;
            }
        }
        let c = rows[pick].clone();
        d2.par_iter_mut()
            .zip(rows.par_iter())
            .for_each(|(d, r)| *d = d.min(dist2(r, &c)));
        centroids.push(c);
    }
    let d = rows[0].len();
    let mut labels = vec![usize::MAX; n];
    let mut iterations = 0;
    for _ in 0..max_iter.max(1) {
        iterations += 1;
        let new: Vec<usize> = rows.par_iter().map(|r| nearest(&centroids, r)).collect();
        let changed = new != labels;
        labels = new;
        if !changed {
            break;
        }
        let mut sums = vec![vec![0.0; d]; centroids.len()];
        let mut counts = vec![0usize; centroids.len()];
        for (r, &l) in rows.iter().zip(&labels) {
            counts[l] += 1;
            for (s, x) in sums[l].iter_mut().zip(r) {
                *s += x;
            }
        }
        for ((c, s), &m) in centroids.iter_mut().zip(sums).zip(&counts) {
            // An emptied cluster keeps its centroid rather than vanishing mid-fit.
            if m > 0 {
                *c = s.into_iter().map(|v| v / m as f64).collect();
            }
        }
    }
    let inertia = rows
        .par_iter()
        .zip(labels.par_iter())
        .map(|(r, &l)| dist2(r, &centroids[l]))
        .sum();
    KMeans {
        centroids,
        labels,
        inertia,
        iterations,
    }
}

/// Mean silhouette (Euclidean) of the points in `sample`, -1..1; `None` when fewer than two
/// clusters are present in the sample. Exact over the sample: O(sample^2).
pub fn silhouette(rows: &[Vec<f64>], labels: &[usize], sample: &[usize]) -> Option<f64> {
    let k = sample.iter().map(|&i| labels[i]).max()? + 1;
    let mut counts = vec![0usize; k];
    for &i in sample {
        counts[labels[i]] += 1;
    }
    if counts.iter().filter(|&&c| c > 0).count() < 2 {
        return None;
    }
    let scores: Vec<f64> = sample
        .par_iter()
        .map(|&i| {
            let own = labels[i];
            if counts[own] <= 1 {
                // A point alone in its cluster scores 0 (as in scikit-learn).
                return 0.0;
            }
            let mut sums = vec![0.0; k];
            for &j in sample {
                if j != i {
                    sums[labels[j]] += dist2(&rows[i], &rows[j]).sqrt();
                }
            }
            let a = sums[own] / (counts[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && counts[c] > 0)
                .map(|c| sums[c] / counts[c] as f64)
                .fold(f64::INFINITY, f64::min);
            let m = a.max(b);
            if m > 0.0 {
                (b - a) / m
            } else {
                0.0
            }
        })
        .collect();
    Some(scores.iter().sum::<f64>() / scores.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> Vec<Vec<f64>> {
        let mut rng = Rng::new(7);
        let mut rows = Vec::new();
        for c in [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]] {
            for _ in 0..30 {
                rows.push(vec![c[0] + rng.next_f64(), c[1] + rng.next_f64()]);
            }
        }
        rows
    }

    #[test]
    fn finds_well_separated_blobs_reproducibly() {
        let rows = blobs();
        let a = kmeans(&rows, 3, 42, 100);
        let b = kmeans(&rows, 3, 42, 100);
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.centroids, b.centroids);
        for blob in 0..3 {
            let l = a.labels[blob * 30];
            assert!(a.labels[blob * 30..blob * 30 + 30].iter().all(|&x| x == l));
        }
        let all: Vec<usize> = (0..rows.len()).collect();
        let s = silhouette(&rows, &a.labels, &all).unwrap();
        assert!(s > 0.8, "silhouette {s}");
    }

    #[test]
    fn identical_points_give_one_cluster_without_panicking() {
        let rows = vec![vec![1.0, 2.0]; 10];
        let km = kmeans(&rows, 3, 1, 100);
        assert_eq!(km.centroids.len(), 1);
        assert!(km.labels.iter().all(|&l| l == 0));
        let all: Vec<usize> = (0..10).collect();
        assert_eq!(silhouette(&rows, &km.labels, &all), None);
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = Rng::new(3).permutation(100);
        p.sort_unstable();
        assert_eq!(p, (0..100).collect::<Vec<_>>());
    }
}
