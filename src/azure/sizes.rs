//! Folder sizes from a walk: bytes and blob counts per folder down to a
//! depth, split by access tier. What `blobx du` prints (and the TUI's sizes
//! will show). Held per folder, never per blob.

use super::walk::Tier;
use std::collections::BTreeMap;

/// Bytes and blobs of one tier or of everything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub bytes: u64,
    pub blobs: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub all: Count,
    /// Indexed like `Tier::ALL`.
    pub tiers: [Count; 5],
}

impl Totals {
    pub fn add(&mut self, size: u64, tier: Tier) {
        for c in [&mut self.all, &mut self.tiers[tier as usize]] {
            c.bytes += size;
            c.blobs += 1;
        }
    }

    /// Adds another total to this one.
    pub fn merge(&mut self, other: &Totals) {
        for (a, b) in std::iter::once((&mut self.all, &other.all))
            .chain(self.tiers.iter_mut().zip(other.tiers.iter()))
        {
            a.bytes += b.bytes;
            a.blobs += b.blobs;
        }
    }

    /// `(tier, count)` for the tiers that hold anything.
    pub fn by_tier(&self) -> impl Iterator<Item = (Tier, Count)> + '_ {
        Tier::ALL
            .iter()
            .zip(self.tiers)
            .filter(|(_, c)| c.blobs > 0)
            .map(|(t, c)| (*t, c))
    }

    /// Estimated monthly cost of storing these bytes at `price_per_gb` per
    /// tier (per GB, 10^9 bytes, per month; indexed like `Tier::ALL`).
    pub fn monthly_cost(&self, price_per_gb: &[f64; 5]) -> f64 {
        self.tiers
            .iter()
            .zip(price_per_gb)
            .map(|(c, p)| c.bytes as f64 / 1e9 * p)
            .sum()
    }
}

/// Totals per folder (relative to the walked prefix; `""` is the whole of
/// it, `"a/"`, `"a/b/"` the folders below) down to `depth` levels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub depth: usize,
    pub folders: BTreeMap<String, Totals>,
}

impl Sizes {
    pub fn new(depth: usize) -> Self {
        Self {
            depth,
            folders: BTreeMap::from([(String::new(), Totals::default())]),
        }
    }

    /// Counts one blob, `relative` to the walked prefix.
    pub fn add(&mut self, relative: &str, size: u64, tier: Tier) {
        let mut key = String::new();
        self.folders.entry(key.clone()).or_default().add(size, tier);
        let mut parts = relative.split('/');
        let _leaf = parts.next_back();
        for part in parts.take(self.depth) {
            key.push_str(part);
            key.push('/');
            match self.folders.get_mut(&key) {
                Some(t) => t.add(size, tier),
                None => {
                    let mut t = Totals::default();
                    t.add(size, tier);
                    self.folders.insert(key.clone(), t);
                }
            }
        }
    }

    pub fn total(&self) -> &Totals {
        &self.folders[""]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_add_up_to_their_depth() {
        let mut s = Sizes::new(1);
        s.add("top.txt", 10, Tier::Hot);
        s.add("a/x", 5, Tier::Hot);
        s.add("a/b/y", 7, Tier::Cool);
        s.add("c/z", 1, Tier::Archive);
        assert_eq!(
            s.total().all,
            Count {
                bytes: 23,
                blobs: 4
            }
        );
        assert_eq!(
            s.folders["a/"].all,
            Count {
                bytes: 12,
                blobs: 2
            }
        );
        assert_eq!(s.folders["a/"].tiers[Tier::Cool as usize].bytes, 7);
        assert!(!s.folders.contains_key("a/b/"), "below the depth");
        let keys: Vec<_> = s.folders.keys().cloned().collect();
        assert_eq!(keys, ["", "a/", "c/"]);
        let tiers: Vec<_> = s.total().by_tier().map(|(t, _)| t).collect();
        assert_eq!(tiers, [Tier::Hot, Tier::Cool, Tier::Archive]);
        let cost = s.total().monthly_cost(&[1e9, 0.0, 0.0, 0.0, 0.0]);
        assert!((cost - 15.0).abs() < 1e-9, "{cost}");
    }
}
