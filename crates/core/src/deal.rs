//! Deals: opportunities with line items moving through a pipeline's stages to won or lost.

use std::collections::BTreeMap;

use crate::account::{AccountId, ContactId};
use crate::channel::{ChannelId, PartnerId};
use crate::collection::Tables;
use crate::date::Date;
use crate::error::Invalid;
use crate::field::LongText;
use crate::lead::LeadId;
use crate::money::Money;
use crate::org::PersonId;
use crate::product::ProductId;
use crate::record::Validate;
use crate::settings::{PipelineId, StageId, StageKind};
use crate::validate::{check_ref, require_ref, require_text};
use crate::{define_id, nested, record, string_enum};

define_id!(DealId);
define_id!(LineId);

string_enum! {
    /// Whether a deal is still being worked.
    pub enum DealStatus {
        Open = "open" / "Open",
        Won = "won" / "Won",
        Lost = "lost" / "Lost",
    }
}

string_enum! {
    /// Why a deal was lost.
    pub enum LossReason {
        Price = "price" / "Price",
        Competitor = "competitor" / "Chose a competitor",
        Product = "product" / "Product fit",
        Timing = "timing" / "Timing",
        NoBudget = "no-budget" / "No budget",
        NoDecision = "no-decision" / "No decision",
        Relationship = "relationship" / "Relationship",
        Other = "other" / "Other",
    }
}

nested! {
    /// One product line of a deal.
    pub struct LineItem: LineId {
        product: ProductId,
        quantity: i64,
        unit_price: Money,
        /// Discount in basis points (1% = 100).
        discount_bp: i64,
    }
}

impl LineItem {
    /// Quantity times unit price, less the discount.
    pub fn total(&self) -> Money {
        let gross = self.unit_price.times(self.quantity);
        Money::new(gross.minor - gross.percent_bp(self.discount_bp).minor, gross.currency)
    }
}

record! {
    /// A sales opportunity with an account.
    pub struct Deal: DealId in Deals {
        name: String,
        account: AccountId,
        contact: Option<ContactId>,
        pipeline: PipelineId,
        stage: StageId,
        status: DealStatus,
        /// The deal's value when it has no line items.
        amount: Money,
        lines: BTreeMap<LineId, LineItem>,
        /// Overrides the stage's default probability, in percent.
        probability: Option<u32>,
        expected_close: Date,
        owner: Option<PersonId>,
        channel: Option<ChannelId>,
        partner: Option<PartnerId>,
        /// The lead the deal was converted from.
        lead: Option<LeadId>,
        created: Date,
        /// When the deal last moved to another stage, for stale flags and cycle times.
        stage_changed: Date,
        closed_on: Option<Date>,
        loss_reason: Option<LossReason>,
        competitor: String,
        notes: LongText,
    }
}

impl Deal {
    /// The deal's value: the sum of its lines, or its amount when it has none.
    pub fn value(&self) -> Money {
        if self.lines.is_empty() {
            return self.amount;
        }
        let currency = self.amount.currency;
        let minor = self.lines.values().map(|l| l.total().minor).sum();
        Money::new(minor, currency)
    }

    /// The win probability in percent: the deal's own, else its stage's default.
    pub fn probability(&self, data: &Tables) -> u32 {
        match self.status {
            DealStatus::Won => 100,
            DealStatus::Lost => 0,
            DealStatus::Open => self.probability.unwrap_or_else(|| {
                data.pipelines.get(self.pipeline).and_then(|p| p.stages.get(&self.stage)).map_or(0, |s| s.probability)
            }),
        }
    }

    /// The value weighted by the win probability.
    pub fn weighted_value(&self, data: &Tables) -> Money {
        self.value().percent_bp(i64::from(self.probability(data)) * 100)
    }
}

impl Validate for Deal {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the deal's name");
        require_ref(&mut inv, "account", self.account, &data.accounts, "account");
        check_ref(&mut inv, "contact", self.contact, &data.contacts, "contact");
        check_ref(&mut inv, "owner", self.owner, &data.people, "person");
        check_ref(&mut inv, "channel", self.channel, &data.channels, "channel");
        check_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        match data.pipelines.get(self.pipeline) {
            None => inv.add("pipeline", "Choose a pipeline"),
            Some(pipeline) => match pipeline.stages.get(&self.stage) {
                None => inv.add("stage", "Choose a stage of the pipeline"),
                Some(stage) => {
                    let expected = match stage.kind {
                        StageKind::Open => DealStatus::Open,
                        StageKind::Won => DealStatus::Won,
                        StageKind::Lost => DealStatus::Lost,
                    };
                    inv.check(expected != self.status, "stage", "The stage does not match the deal's status");
                }
            },
        }
        inv.check(self.amount.minor < 0, "amount", "The amount cannot be negative");
        inv.check(self.probability.is_some_and(|p| p > 100), "probability", "A probability is from 0 to 100%");
        for line in self.lines.values() {
            if !data.products.contains(line.product) {
                inv.add("lines", "A line's product does not exist");
                break;
            }
            if line.quantity <= 0 {
                inv.add("lines", "A line's quantity must be above zero");
                break;
            }
            if line.unit_price.currency != self.amount.currency {
                inv.add("lines", "Every line must be in the deal's currency");
                break;
            }
            if !(0..=10_000).contains(&line.discount_bp) {
                inv.add("lines", "A discount is between 0% and 100%");
                break;
            }
        }
        inv.check(
            self.status != DealStatus::Open && self.closed_on.is_none(),
            "closed_on",
            "A closed deal needs its close date",
        );
        inv.check(
            self.status == DealStatus::Lost && self.loss_reason.is_none(),
            "loss_reason",
            "Say why the deal was lost",
        );
        inv.finish()
    }
}
