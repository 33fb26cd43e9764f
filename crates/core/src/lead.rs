//! Leads: prospects found by prospecting, with their source and qualification.

use crate::account::{AccountId, ContactId};
use crate::collection::Tables;
use crate::date::Date;
use crate::deal::DealId;
use crate::error::Invalid;
use crate::field::LongText;
use crate::market::SegmentId;
use crate::money::Money;
use crate::org::{PersonId, TerritoryId};
use crate::record::Validate;
use crate::validate::{check_ref, looks_like_email};
use crate::{define_id, record, string_enum};

define_id!(LeadId);

string_enum! {
    /// Where a lead came from.
    pub enum LeadSource {
        Website = "website" / "Website",
        Referral = "referral" / "Referral",
        TradeShow = "trade-show" / "Trade show",
        ColdCall = "cold-call" / "Cold outreach",
        Partner = "partner" / "Partner",
        Campaign = "campaign" / "Campaign",
        Inbound = "inbound" / "Inbound call or email",
        Other = "other" / "Other",
    }
}

string_enum! {
    /// Where a lead stands.
    pub enum LeadStatus {
        New = "new" / "New",
        Contacted = "contacted" / "Contacted",
        Qualified = "qualified" / "Qualified",
        Disqualified = "disqualified" / "Disqualified",
        Converted = "converted" / "Converted",
    }
}

record! {
    /// A prospect: a person at a company who may buy.
    pub struct Lead: LeadId in Leads {
        name: String,
        company: String,
        title: String,
        email: String,
        phone: String,
        source: LeadSource,
        status: LeadStatus,
        owner: Option<PersonId>,
        segment: Option<SegmentId>,
        territory: Option<TerritoryId>,
        /// Qualification (BANT): budget, authority, need, timeline.
        has_budget: bool,
        has_authority: bool,
        has_need: bool,
        timeline: Option<Date>,
        estimated_value: Option<Money>,
        created: Date,
        notes: LongText,
        converted_account: Option<AccountId>,
        converted_contact: Option<ContactId>,
        converted_deal: Option<DealId>,
    }
}

impl Lead {
    /// A 0-100 score: a quarter for each qualification criterion met.
    pub fn score(&self) -> u32 {
        [self.has_budget, self.has_authority, self.has_need, self.timeline.is_some()].iter().filter(|b| **b).count()
            as u32
            * 25
    }
}

impl Validate for Lead {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(self.name.trim().is_empty() && self.company.trim().is_empty(), "name", "Enter a name or a company");
        inv.check(
            !self.email.is_empty() && !looks_like_email(&self.email),
            "email",
            "Enter an email address such as ana@example.com",
        );
        inv.check(self.estimated_value.is_some_and(|m| m.minor < 0), "estimated_value", "The value cannot be negative");
        check_ref(&mut inv, "owner", self.owner, &data.people, "person");
        check_ref(&mut inv, "segment", self.segment, &data.segments, "segment");
        check_ref(&mut inv, "territory", self.territory, &data.territories, "territory");
        check_ref(&mut inv, "converted_account", self.converted_account, &data.accounts, "account");
        check_ref(&mut inv, "converted_deal", self.converted_deal, &data.deals, "deal");
        inv.finish()
    }
}
