//! Shards: the split of an ensemble's run indices across independent jobs (Slurm array tasks).
//!
//! Shard K of N holds every run index r with r ≡ K (mod N), for all sweep points and arms.
//! Splitting by run index, not by arm, keeps each run's arms together in one job, so paired
//! effects never need data from two shards for one run; the round-robin split gives every
//! shard the same number of runs (±1) whatever the run count.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (0-based, `index < count`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Shard {
    /// K: which residue class of run indices.
    pub index: u32,
    /// N: how many shards in all.
    pub count: u32,
}

impl Shard {
    /// The whole ensemble as one shard (0/1).
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// A shard, or a message when `index >= count` or `count == 0`.
    pub fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count N in K/N must be at least 1".to_string());
        }
        if index >= count {
            return Err(format!(
                "shard {index}/{count}: K must be between 0 and {} (0-based)",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// How many of `runs` run indices (0..runs) belong to this shard.
    pub fn run_count(&self, runs: u32) -> u32 {
        if runs <= self.index {
            0
        } else {
            (runs - self.index - 1) / self.count + 1
        }
    }

    /// The global run index of this shard's `local`-th run.
    pub fn global_run(&self, local: u32) -> u32 {
        self.index + local * self.count
    }

    /// This shard's run indices among 0..runs, ascending.
    pub fn runs(&self, runs: u32) -> impl Iterator<Item = u32> + use<> {
        (self.index..runs).step_by(self.count as usize)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not K/N (e.g. 0/4 for the first of four shards)"))?;
        let parse = |t: &str, what: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{s}`: {what} `{t}` is not a whole number ≥ 0"))
        };
        Shard::new(parse(k, "K")?, parse(n, "N")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("0/1".parse::<Shard>(), Ok(Shard::WHOLE));
        for bad in ["4/4", "1/0", "x/2", "1", "-1/3", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_the_runs() {
        for runs in [0u32, 1, 5, 10, 11] {
            for n in 1..=6u32 {
                let mut all: Vec<u32> = (0..n)
                    .flat_map(|k| Shard::new(k, n).unwrap().runs(runs))
                    .collect();
                for k in 0..n {
                    let s = Shard::new(k, n).unwrap();
                    let mine: Vec<u32> = s.runs(runs).collect();
                    assert_eq!(mine.len() as u32, s.run_count(runs));
                    let by_index: Vec<u32> =
                        (0..s.run_count(runs)).map(|l| s.global_run(l)).collect();
                    assert_eq!(mine, by_index);
                    assert!(mine.iter().all(|r| r % n == k));
                }
                all.sort_unstable();
                assert_eq!(all, (0..runs).collect::<Vec<_>>());
            }
        }
    }
}
