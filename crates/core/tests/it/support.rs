//! A workspace fixture with deterministic ids and time, shared by the tests.

use quota_core::account::{Account, AccountId};
use quota_core::date::Timestamp;
use quota_core::id::{RawId, TypedId};
use quota_core::{DocName, Stamp, Workspace, WorkspaceKey};

pub struct Fx {
    pub ws: Workspace,
    next: u128,
    pub now: Timestamp,
}

pub const KEY: WorkspaceKey = WorkspaceKey([7; 32]);

impl Fx {
    /// A workspace with every live document started empty, as on a brand-new device.
    pub fn new() -> Fx {
        Fx::with_actor(1)
    }

    pub fn with_actor(actor: u8) -> Fx {
        let mut ws = Workspace::new(KEY, [actor; 16]);
        for name in DocName::all_live() {
            ws.start_empty(name);
        }
        Fx { ws, next: u128::from(actor) << 64, now: Timestamp(1_780_000_000_000) }
    }

    /// A fresh id; ids from different actors never collide.
    pub fn id<I: TypedId>(&mut self) -> I {
        self.next += 1;
        I::from_raw(RawId::from_parts(self.now.0 as u64, self.next))
    }

    /// A stamp one second after the previous one.
    pub fn stamp(&mut self) -> Stamp {
        self.now = Timestamp(self.now.0 + 1_000);
        Stamp::new(self.now, None)
    }

    pub fn account(&mut self, name: &str) -> AccountId {
        let id = self.id();
        let stamp = self.stamp();
        self.ws.create(Account { id, name: name.into(), ..Default::default() }, stamp).unwrap();
        id
    }
}
