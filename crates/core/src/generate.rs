//! Generated workspaces: the living sample a new user starts from, and the large workspace the
//! benchmarks measure. Deterministic from a seed: no IO, no clock (today is an argument) and a
//! small built-in random number generator.
//!
//! Both come from one builder with different [`Size`]s, so the large workspace has the shape of
//! the sample, only more of it. The sample is written one record at a time through
//! [`Workspace::create`], as people would type it, so every record has its own history; the
//! large one goes through [`Workspace::create_batch`].

use crate::account::Account;
use crate::collection::{DocName, Tables};
use crate::date::{Date, Timestamp};
use crate::error::Result;
use crate::id::{RawId, TypedId};
use crate::org::PersonId;
use crate::settings::MemberId;
use crate::workspace::Workspace;

mod names;
mod world;

/// How much a generated workspace holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Everyone in the sales organisation: the head of sales, team managers, sellers and one
    /// person for after-sales service per team.
    pub people: usize,
    pub teams: usize,
    /// Regions under the country; the rest of the territories are cities within them.
    pub regions: usize,
    /// The country, its regions and cities.
    pub territories: usize,
    pub products: usize,
    pub accounts: usize,
    pub contacts: usize,
    pub leads: usize,
    pub deals: usize,
    pub activities: usize,
    pub partners: usize,
    pub service_cases: usize,
    /// Entries of the communication log, spread over the partners.
    pub communications: usize,
    /// Months of partner invoices, counting back from today.
    pub invoice_months: usize,
    /// Partners that are invoiced (dealers and distributors first).
    pub invoiced_partners: usize,
    pub candidates: usize,
    pub trainings: usize,
    /// How far back deals and activities go, in days.
    pub history_days: i32,
}

/// The sample workspace: a few hundred records in every collection's documents.
pub const SAMPLE: Size = Size {
    people: 12,
    teams: 3,
    regions: 3,
    territories: 10,
    products: 20,
    accounts: 60,
    contacts: 110,
    leads: 40,
    deals: 120,
    activities: 360,
    partners: 12,
    service_cases: 16,
    communications: 36,
    invoice_months: 6,
    invoiced_partners: 8,
    candidates: 10,
    trainings: 16,
    history_days: 540,
};

/// The benchmark workspace of the performance targets: 10,000 accounts, 20,000 contacts,
/// 30,000 deals with one to three lines each, 200,000 activities, 500 partners, 100 people and
/// 50 territories, with two years of targets, invoices, payments and costs.
pub const LARGE: Size = Size {
    people: 100,
    teams: 10,
    regions: 7,
    territories: 50,
    products: 200,
    accounts: 10_000,
    contacts: 20_000,
    leads: 5_000,
    deals: 30_000,
    activities: 200_000,
    partners: 500,
    service_cases: 2_000,
    communications: 5_000,
    invoice_months: 24,
    invoiced_partners: 300,
    candidates: 40,
    trainings: 300,
    history_days: 730,
};

/// Changes whenever the generator's output changes, so cached copies of generated documents
/// (the benchmarks keep one) are made again.
pub const GENERATOR_VERSION: u32 = 1;

/// What a generator made that the caller needs next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The member who "made" the workspace: the head of sales, who is also a person.
    pub member: MemberId,
    pub person: PersonId,
}

/// Fills an empty workspace with the sample: a small company selling tools through its own
/// sales force, dealers, distributors and an online shop, with 18 months of history up to
/// `today`. Every live document is started if it is not loaded yet.
pub fn sample(ws: &mut Workspace, seed: u64, today: Date) -> Result<Generated> {
    world::build(ws, seed, today, &SAMPLE, world::Mode::OneByOne)
}

/// Fills an empty workspace with the [`LARGE`] benchmark workspace, two years of history up to
/// `today`, written in batches.
pub fn large(ws: &mut Workspace, seed: u64, today: Date) -> Result<Generated> {
    world::build(ws, seed, today, &LARGE, world::Mode::Batch)
}

/// Fills an empty workspace in the shape of the sample at any size, written in batches.
pub fn sized(ws: &mut Workspace, seed: u64, today: Date, size: &Size) -> Result<Generated> {
    world::build(ws, seed, today, size, world::Mode::Batch)
}

/// `count` new accounts such as a spreadsheet import would bring, referring to the segments,
/// niches, territories, people and partners already in `data`. For import tests and benchmarks.
pub fn import_accounts(data: &Tables, seed: u64, today: Date, count: usize) -> Vec<Account> {
    world::import_accounts(data, &mut Rng::new(seed), today, count)
}

/// Starts every live document that is not loaded yet, as on a new workspace.
fn start_all(ws: &mut Workspace) {
    for name in DocName::all_live() {
        ws.start_empty(name);
    }
}

/// A small, fast, deterministic random number generator (SplitMix64). Not for secrets.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index into a slice of length `len`.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number from `lo` to `hi`, both included.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with the given chance in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// A new id created at `at`, with random bits from this generator.
    pub fn id<I: TypedId>(&mut self, at: Timestamp) -> I {
        let random = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        I::from_raw(RawId::from_parts(at.0.max(0) as u64, random))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_repeats_itself_from_a_seed_and_stays_in_range() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..1_000 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut counts = [0u32; 6];
        for _ in 0..6_000 {
            let n = a.between(1, 6);
            counts[(n - 1) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 850), "{counts:?}");
        assert_eq!(a.below(0), 0);
    }
}
