//! Generated workspaces and the bulk path: the sample is valid and coherent, batches are all or
//! nothing, and the committed sample documents of the first schema still load.

use std::collections::BTreeSet;

use quota_core::account::{Account, AccountId};
use quota_core::activity::Activity;
use quota_core::date::{Date, Period, Timestamp};
use quota_core::deal::DealStatus;
use quota_core::error::Error;
use quota_core::generate::{self, SAMPLE, Size};
use quota_core::lead::LeadStatus;
use quota_core::management::{HiringStage, Metric};
use quota_core::org::{Territory, TerritoryId};
use quota_core::workspace::{BatchError, Op};
use quota_core::{Collection, DocName, Stamp, Workspace};

use crate::support::{Fx, KEY};

fn today() -> Date {
    "2026-11-26".parse().unwrap()
}

fn sample(seed: u64) -> Workspace {
    let mut ws = Workspace::new(KEY, [1; 16]);
    generate::sample(&mut ws, seed, today()).unwrap();
    ws
}

/// Every document of `ws` saved and loaded again into a new workspace.
fn reloaded(ws: &Workspace) -> Workspace {
    let mut copy = Workspace::new(KEY, [2; 16]);
    for name in ws.loaded().collect::<Vec<_>>() {
        let (bytes, _) = ws.snapshot(name).unwrap();
        let report = copy.load(name, [("snapshot", bytes.as_slice())], true);
        assert!(report.skipped.is_empty() && report.unreadable.is_empty(), "{name}: {report:?}");
    }
    copy
}

#[test]
fn the_sample_has_records_in_every_collection() {
    let ws = sample(1);
    for (collection, count) in ws.data.counts() {
        assert!(count > 0, "{collection} is empty");
    }
    let total: usize = ws.data.counts().iter().map(|c| c.1).sum();
    assert!((800..3_000).contains(&total), "{total} records");
}
