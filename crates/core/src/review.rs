//! The annual review: plan versions for a period, drafted on forks of the live plan documents,
//! compared with actuals and with each other, then adopted by merging.

use crate::collection::Tables;
use crate::date::{Period, Timestamp};
use crate::error::Invalid;
use crate::field::LongText;
use crate::record::Validate;
use crate::settings::MemberId;
use crate::validate::require_text;
use crate::{define_id, record, string_enum};

define_id!(PlanVersionId);

string_enum! {
    /// Where a plan version stands.
    pub enum VersionStatus {
        Draft = "draft" / "Draft",
        Adopted = "adopted" / "Adopted",
        Discarded = "discarded" / "Discarded",
    }
}

record! {
    /// One draft of next period's plan: targets and budgets edited on forks of the live data.
    pub struct PlanVersion: PlanVersionId in PlanVersions {
        name: String,
        period: Period,
        status: VersionStatus,
        author: Option<MemberId>,
        notes: LongText,
        adopted_at: Option<Timestamp>,
    }
}

impl Validate for PlanVersion {
    fn validate(&self, _: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter a name for this plan version");
        inv.finish()
    }
}
