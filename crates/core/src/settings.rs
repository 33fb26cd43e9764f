//! Workspace settings, members and sales pipelines with their stages.

use std::collections::BTreeMap;

use crate::collection::Tables;
use crate::error::Invalid;
use crate::money::Currency;
use crate::org::PersonId;
use crate::record::Validate;
use crate::{define_id, nested, record, string_enum};

define_id!(
    /// The settings record is a singleton: its id is always [`SettingsId::SINGLETON`].
    SettingsId
);
define_id!(MemberId);
define_id!(PipelineId);
define_id!(StageId);

impl SettingsId {
    pub const SINGLETON: SettingsId = SettingsId(crate::id::RawId(0));
}

record! {
    /// The workspace's name and defaults.
    pub struct Settings: SettingsId in Settings {
        name: String,
        /// The currency new records default to.
        currency: Currency,
        /// The month (1-12) the fiscal year starts in.
        fiscal_year_start: u32,
        /// An open deal untouched for this many days is flagged as stale.
        stale_after_days: u32,
    }
}

impl Validate for Settings {
    fn validate(&self, _: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(self.name.trim().is_empty(), "name", "Enter a workspace name");
        inv.check(!(1..=12).contains(&self.fiscal_year_start), "fiscal_year_start", "Pick a month from 1 to 12");
        inv.check(self.stale_after_days == 0 || self.stale_after_days > 365, "stale_after_days", "Use 1 to 365 days");
        inv.finish()
    }
}

string_enum! {
    /// What a member may do; the app uses it to shape menus, not as a security boundary.
    pub enum MemberRole {
        Rep = "rep" / "Sales rep",
        Manager = "manager" / "Sales manager",
        Admin = "admin" / "Administrator",
    }
}

record! {
    /// A person who uses this workspace on one or more devices.
    pub struct Member: MemberId in Members {
        name: String,
        email: String,
        role: MemberRole,
        /// The salesperson record this member is, if any.
        person: Option<PersonId>,
    }
}

impl Validate for Member {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(self.name.trim().is_empty(), "name", "Enter the member's name");
        inv.check(
            !self.email.is_empty() && !crate::validate::looks_like_email(&self.email),
            "email",
            "Enter an email address such as ana@example.com",
        );
        if let Some(p) = self.person {
            inv.check(!data.people.contains(p), "person", "That person does not exist");
        }
        inv.finish()
    }
}

string_enum! {
    /// Whether a stage is still open or ends the deal.
    pub enum StageKind {
        Open = "open" / "Open",
        Won = "won" / "Won",
        Lost = "lost" / "Lost",
    }
}

nested! {
    /// One column of a pipeline.
    pub struct Stage: StageId {
        name: String,
        /// Position from left to right; gaps are allowed so stages can be inserted.
        order: i64,
        /// The default win probability, in percent, of deals in this stage.
        probability: u32,
        kind: StageKind,
    }
}

record! {
    /// A sales pipeline: the ordered stages a deal moves through.
    pub struct Pipeline: PipelineId in Pipelines {
        name: String,
        stages: BTreeMap<StageId, Stage>,
        /// New deals go into the default pipeline.
        is_default: bool,
    }
}

impl Pipeline {
    /// The stages from left to right.
    pub fn ordered_stages(&self) -> Vec<(StageId, &Stage)> {
        let mut stages: Vec<_> = self.stages.iter().map(|(id, s)| (*id, s)).collect();
        stages.sort_by_key(|(id, s)| (s.order, *id));
        stages
    }

    /// The first open stage, where new deals start.
    pub fn first_open_stage(&self) -> Option<StageId> {
        self.ordered_stages().into_iter().find(|(_, s)| s.kind == StageKind::Open).map(|(id, _)| id)
    }

    /// The first stage of a kind (the won or lost column).
    pub fn stage_of_kind(&self, kind: StageKind) -> Option<StageId> {
        self.ordered_stages().into_iter().find(|(_, s)| s.kind == kind).map(|(id, _)| id)
    }
}

impl Pipeline {
    /// The standard pipeline for a new workspace: four open stages, won and lost.
    pub fn standard(id: PipelineId, stage_ids: [StageId; 6]) -> Pipeline {
        let specs = [
            ("Lead in", 10, StageKind::Open),
            ("Qualified", 25, StageKind::Open),
            ("Proposal", 50, StageKind::Open),
            ("Negotiation", 75, StageKind::Open),
            ("Won", 100, StageKind::Won),
            ("Lost", 0, StageKind::Lost),
        ];
        let stages = stage_ids
            .iter()
            .zip(specs)
            .enumerate()
            .map(|(i, (id, (name, probability, kind)))| {
                (*id, Stage { name: name.to_string(), order: (i as i64 + 1) * 10, probability, kind })
            })
            .collect();
        Pipeline { id, name: "Sales".to_string(), stages, is_default: true }
    }
}

impl Validate for Pipeline {
    fn validate(&self, _: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(self.name.trim().is_empty(), "name", "Enter a pipeline name");
        inv.check(self.stages.is_empty(), "stages", "A pipeline needs at least one stage");
        inv.check(!self.stages.values().any(|s| s.kind == StageKind::Open), "stages", "A pipeline needs an open stage");
        for stage in self.stages.values() {
            if stage.name.trim().is_empty() {
                inv.add("stages", "Every stage needs a name");
                break;
            }
            if stage.probability > 100 {
                inv.add("stages", format!("Stage {} has a probability over 100%", stage.name));
                break;
            }
        }
        inv.finish()
    }
}
