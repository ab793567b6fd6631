//! Turns the workers' counters into rates, ETAs and totals, a few times a
//! second. Pure over its inputs (the time is passed in), so the rules are
//! tested without a network: the rate is 0 as soon as nothing runs, an ETA
//! counts only the bytes still to move, and the totals cover the same items
//! the counts do.

use super::model::Status;
use super::view::{ItemView, Snapshot};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What the counters said for one item at this sample.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    /// Bytes that crossed the network in this run.
    pub sent: u64,
    /// Bytes a resume found already there.
    pub reused: u64,
}

#[derive(Default)]
pub struct Sampler {
    last: Option<Instant>,
    last_sent: HashMap<u64, u64>,
    rates: HashMap<u64, f64>,
    total_rate: f64,
    second_started: Option<Instant>,
    second_bytes: u64,
    history: VecDeque<u64>,
}

fn moving(status: &Status) -> bool {
    matches!(status, Status::Running | Status::Verifying)
}

impl Sampler {
    /// Fills in each item's rate and ETA and the totals; `views` come with
    /// `rate` and `eta_secs` unset.
    pub fn sample(
        &mut self,
        now: Instant,
        items: Vec<(ItemView, Counters)>,
        cap: Option<u64>,
    ) -> Snapshot {
        let dt = self
            .last
            .map(|l| now.duration_since(l).as_secs_f64())
            .unwrap_or(0.0);
        self.last = Some(now);
        // Smooth over about two seconds so the number is readable.
        let alpha = if dt > 0.0 { (dt / 2.0).min(1.0) } else { 0.0 };
        let mut views = Vec::with_capacity(items.len());
        let mut delta_total = 0u64;
        let (mut sent_bytes, mut reused_bytes) = (0, 0);
        let mut any_moving = false;
        for (mut view, counters) in items {
            sent_bytes += counters.sent;
            reused_bytes += counters.reused;
            let prev = self
                .last_sent
                .insert(view.id, counters.sent)
                .unwrap_or(counters.sent);
            let delta = counters.sent.saturating_sub(prev);
            delta_total += delta;
            let instant = if dt > 0.0 { delta as f64 / dt } else { 0.0 };
            let rate = self.rates.entry(view.id).or_insert(0.0);
            *rate = if view.status == Status::Running {
                *rate + alpha * (instant - *rate)
            } else {
                0.0
            };
            any_moving |= moving(&view.status);
            view.rate = *rate as u64;
            // `done` already holds what a resume reused: only what is
            // left to move counts.
            view.eta_secs = (*rate > 1.0 && view.status == Status::Running)
                .then(|| (view.total.saturating_sub(view.done) as f64 / *rate) as u64);
            views.push(view);
        }
        // Nothing runs (all done, or all paused): the rate is 0 now, not a
        // curve decaying towards it.
        if !any_moving {
            self.total_rate = 0.0;
        } else if dt > 0.0 {
            self.total_rate += alpha * (delta_total as f64 / dt - self.total_rate);
        }
        self.second_bytes += delta_total;
        let started = *self.second_started.get_or_insert(now);
        if now.duration_since(started) >= Duration::from_secs(1) {
            let bytes = std::mem::take(&mut self.second_bytes);
            self.history.push_back(bytes);
            while self.history.len() > 60 {
                self.history.pop_front();
            }
            self.second_started = Some(now);
        }
        let (done_bytes, total_bytes) = totals(&views);
        Snapshot {
            items: views,
            rate: self.total_rate as u64,
            history: self.history.iter().copied().collect(),
            done_bytes,
            total_bytes,
            sent_bytes,
            reused_bytes,
            cap,
        }
    }

    /// Drops what it kept for items the engine forgot.
    pub fn forget(&mut self, ids: &[u64]) {
        for id in ids {
            self.last_sent.remove(id);
            self.rates.remove(id);
        }
    }
}

/// Bytes done and in all, over the items `Counts::in_totals` counts:
/// cancelled and skipped ones will never move, so they are in neither.
pub fn totals(items: &[ItemView]) -> (u64, u64) {
    items
        .iter()
        .filter(|i| in_totals(&i.status))
        .fold((0, 0), |(d, t), i| (d + i.done.min(i.total), t + i.total))
}

/// Whether an item's bytes count in the pane's "X of Y".
pub fn in_totals(status: &Status) -> bool {
    !matches!(status, Status::Cancelled | Status::Skipped(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::Kind;

    fn view(id: u64, status: Status, done: u64, total: u64) -> ItemView {
        ItemView {
            id,
            name: format!("f{id}"),
            kind: Kind::Upload,
            source: String::new(),
            target: String::new(),
            status,
            done,
            total,
            rate: 0,
            eta_secs: None,
            checksum: None,
            note: None,
        }
    }

    fn at(s: &mut Sampler, t: Instant, items: &[(ItemView, u64)]) -> Snapshot {
        let items = items
            .iter()
            .map(|(v, sent)| {
                (
                    v.clone(),
                    Counters {
                        sent: *sent,
                        reused: 0,
                    },
                )
            })
            .collect();
        s.sample(t, items, None)
    }

    #[test]
    fn the_rate_drops_to_zero_when_nothing_runs_or_all_is_paused() {
        let mut s = Sampler::default();
        let t0 = Instant::now();
        let sec = Duration::from_secs(1);
        let mut sent = 0;
        at(&mut s, t0, &[(view(1, Status::Running, 0, 1 << 30), 0)]);
        for i in 1..=6 {
            sent += 10 << 20;
            let snap = at(
                &mut s,
                t0 + sec * i,
                &[(view(1, Status::Running, sent, 1 << 30), sent)],
            );
            assert!(snap.rate > 0);
        }
        let snap = at(
            &mut s,
            t0 + sec * 7,
            &[(view(1, Status::Paused, sent, 1 << 30), sent)],
        );
        assert_eq!(snap.rate, 0, "all paused");
        assert_eq!(snap.items[0].rate, 0);
        assert_eq!(snap.items[0].eta_secs, None);
        // Running again: the rate climbs from 0, with no memory of before.
        let snap = at(
            &mut s,
            t0 + sec * 8,
            &[(view(1, Status::Running, sent, 1 << 30), sent)],
        );
        assert_eq!(snap.rate, 0);
        let snap = at(
            &mut s,
            t0 + sec * 9,
            &[(view(1, Status::Done, 1 << 30, 1 << 30), sent)],
        );
        assert_eq!(snap.rate, 0, "nothing runs");
    }

    #[test]
    fn an_eta_after_a_resume_counts_only_the_bytes_still_to_send() {
        let mut s = Sampler::default();
        let t0 = Instant::now();
        // 60 of 100 MiB were reused: `done` starts at 60 MiB, nothing sent yet.
        let mib = 1 << 20;
        at(
            &mut s,
            t0,
            &[(view(1, Status::Running, 60 * mib, 100 * mib), 0)],
        );
        let mut snap = Snapshot::default();
        for i in 1..=20u64 {
            // 1 MiB a second.
            snap = at(
                &mut s,
                t0 + Duration::from_secs(i),
                &[(view(1, Status::Running, (60 + i) * mib, 100 * mib), i * mib)],
            );
        }
        let item = &snap.items[0];
        assert!(
            item.rate.abs_diff(mib) < mib / 100,
            "settled: {}",
            item.rate
        );
        assert_eq!(item.eta_secs, Some(20), "20 MiB left at 1 MiB/s");
    }

    #[test]
    fn totals_cover_the_items_the_counts_count() {
        let mut s = Sampler::default();
        let snap = at(
            &mut s,
            Instant::now(),
            &[
                (view(1, Status::Running, 5, 10), 5),
                (view(2, Status::Done, 10, 10), 10),
                (view(3, Status::Cancelled, 3, 10), 3),
                (view(4, Status::Skipped("there".into()), 0, 10), 0),
                (view(5, Status::Failed("no".into()), 2, 10), 2),
            ],
        );
        assert_eq!((snap.done_bytes, snap.total_bytes), (17, 30));
        let c = snap.counts();
        assert_eq!(c.in_totals(), 3);
        assert_eq!((c.cancelled, c.skipped), (1, 1));
    }
}
