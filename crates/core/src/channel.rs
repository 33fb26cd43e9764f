//! Distribution channels and their partners, and how the channel is managed: conditions,
//! incentive programs, the communication log, invoices and payments, service ratings and
//! periodic evaluations. Sales plans per channel and partner are targets (see `management`).

use std::collections::BTreeSet;

use crate::collection::Tables;
use crate::date::{Date, Period, Timestamp};
use crate::error::Invalid;
use crate::field::LongText;
use crate::money::Money;
use crate::org::{PersonId, TerritoryId};
use crate::record::Validate;
use crate::validate::{check_ref, looks_like_email, require_ref, require_text};
use crate::{define_id, record, string_enum};

define_id!(ChannelId);
define_id!(PartnerId);
define_id!(ConditionId);
define_id!(IncentiveId);
define_id!(CommunicationId);
define_id!(InvoiceId);
define_id!(PaymentId);
define_id!(ServiceRatingId);
define_id!(PartnerEvaluationId);

string_enum! {
    /// The type of a distribution channel.
    pub enum ChannelKind {
        Direct = "direct" / "Direct sales",
        Dealer = "dealer" / "Dealers",
        Distributor = "distributor" / "Distributors",
        Retail = "retail" / "Retail",
        Online = "online" / "Online",
        Agent = "agent" / "Agents",
        Reseller = "reseller" / "Resellers",
    }
}

record! {
    /// A distribution channel.
    pub struct Channel: ChannelId in Channels {
        name: String,
        kind: ChannelKind,
        description: LongText,
        active: bool,
    }
}

impl Validate for Channel {
    fn validate(&self, _: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the channel's name");
        inv.finish()
    }
}

string_enum! {
    /// The role a partner plays in the channel.
    pub enum PartnerKind {
        Dealer = "dealer" / "Dealer",
        Distributor = "distributor" / "Distributor",
        Retailer = "retailer" / "Retailer",
        Agent = "agent" / "Agent",
        Reseller = "reseller" / "Reseller",
        Integrator = "integrator" / "Integrator",
    }
}

string_enum! {
    /// A partner's tier, which sets its conditions.
    pub enum PartnerTier {
        Standard = "standard" / "Standard",
        Silver = "silver" / "Silver",
        Gold = "gold" / "Gold",
        Platinum = "platinum" / "Platinum",
    }
}

string_enum! {
    /// Where the relationship with a partner stands.
    pub enum PartnerStatus {
        Prospect = "prospect" / "Prospect",
        Active = "active" / "Active",
        Probation = "probation" / "On probation",
        Ended = "ended" / "Ended",
    }
}

record! {
    /// A channel member: dealer, distributor, retailer, agent or reseller.
    pub struct Partner: PartnerId in Partners {
        name: String,
        kind: PartnerKind,
        channel: Option<ChannelId>,
        tier: PartnerTier,
        status: PartnerStatus,
        territory: Option<TerritoryId>,
        /// The salesperson who manages the partner.
        manager: Option<PersonId>,
        contact_name: String,
        email: String,
        phone: String,
        /// What the partner needs from us.
        needs: LongText,
        /// What the partner requires before and while cooperating.
        requirements: LongText,
        /// The agreed conditions of cooperation.
        cooperation: LongText,
        since: Option<Date>,
    }
}

impl Validate for Partner {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the partner's name");
        inv.check(
            !self.email.is_empty() && !looks_like_email(&self.email),
            "email",
            "Enter an email address such as orders@example.com",
        );
        check_ref(&mut inv, "channel", self.channel, &data.channels, "channel");
        check_ref(&mut inv, "territory", self.territory, &data.territories, "territory");
        check_ref(&mut inv, "manager", self.manager, &data.people, "person");
        inv.finish()
    }
}

record! {
    /// Commercial conditions of a channel, optionally for one partner tier.
    pub struct Condition: ConditionId in Conditions {
        channel: ChannelId,
        /// The tier the conditions apply to; `None` for every tier.
        tier: Option<PartnerTier>,
        /// Discount off list price, in basis points (1% = 100).
        discount_bp: i64,
        payment_terms_days: u32,
        minimum_order: Option<Money>,
        valid_from: Option<Date>,
        valid_to: Option<Date>,
        notes: LongText,
    }
}

impl Validate for Condition {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "channel", self.channel, &data.channels, "channel");
        inv.check(!(0..=10_000).contains(&self.discount_bp), "discount_bp", "A discount is between 0% and 100%");
        inv.check(self.payment_terms_days > 365, "payment_terms_days", "Payment terms are at most 365 days");
        inv.check(
            self.minimum_order.is_some_and(|m| m.minor < 0),
            "minimum_order",
            "The minimum order cannot be negative",
        );
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to) {
            inv.check(to < from, "valid_to", "The end is before the start");
        }
        inv.finish()
    }
}

string_enum! {
    /// The form an incentive program takes.
    pub enum IncentiveKind {
        Promotion = "promotion" / "Promotion",
        Bonus = "bonus" / "Bonus",
        TrainingEvent = "training" / "Training event",
        Contest = "contest" / "Sales contest",
    }
}

record! {
    /// A program that motivates partners: a promotion, a bonus, a training event.
    pub struct Incentive: IncentiveId in Incentives {
        name: String,
        kind: IncentiveKind,
        channel: Option<ChannelId>,
        participants: BTreeSet<PartnerId>,
        budget: Money,
        /// What the program actually cost.
        cost: Money,
        start: Date,
        end: Date,
        goal: LongText,
        status: crate::market::PlanStatus,
    }
}

impl Validate for Incentive {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the program's name");
        check_ref(&mut inv, "channel", self.channel, &data.channels, "channel");
        inv.check(
            self.participants.iter().any(|p| !data.partners.contains(*p)),
            "participants",
            "A participant does not exist",
        );
        inv.check(self.budget.minor < 0, "budget", "The budget cannot be negative");
        inv.check(self.cost.minor < 0, "cost", "The cost cannot be negative");
        inv.check(self.end < self.start, "end", "The end is before the start");
        inv.finish()
    }
}

string_enum! {
    /// How an exchange with a partner took place.
    pub enum CommunicationKind {
        Call = "call" / "Call",
        Email = "email" / "Email",
        Meeting = "meeting" / "Meeting",
        Visit = "visit" / "Visit",
        Report = "report" / "Report received",
        Note = "note" / "Note",
    }
}

record! {
    /// One entry of the communication log with a partner.
    pub struct Communication: CommunicationId in Communications {
        partner: PartnerId,
        at: Timestamp,
        kind: CommunicationKind,
        by: Option<PersonId>,
        subject: String,
        notes: LongText,
        follow_up: Option<Date>,
    }
}

impl Validate for Communication {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        require_text(&mut inv, "subject", &self.subject, "Enter a subject");
        check_ref(&mut inv, "by", self.by, &data.people, "person");
        inv.finish()
    }
}

record! {
    /// An invoice issued to a partner.
    pub struct Invoice: InvoiceId in Invoices {
        partner: PartnerId,
        number: String,
        issued: Date,
        due: Date,
        amount: Money,
        notes: LongText,
    }
}

impl Validate for Invoice {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        require_text(&mut inv, "number", &self.number, "Enter the invoice number");
        inv.check(self.amount.minor <= 0, "amount", "The amount must be above zero");
        inv.check(self.due < self.issued, "due", "The due date is before the issue date");
        inv.finish()
    }
}

record! {
    /// A payment received from a partner, usually against an invoice.
    pub struct Payment: PaymentId in Payments {
        partner: PartnerId,
        invoice: Option<InvoiceId>,
        date: Date,
        amount: Money,
        reference: String,
    }
}

impl Validate for Payment {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        check_ref(&mut inv, "invoice", self.invoice, &data.invoices, "invoice");
        if let Some(invoice) = self.invoice.and_then(|i| data.invoices.get(i)) {
            inv.check(invoice.partner != self.partner, "invoice", "That invoice belongs to another partner");
            inv.check(
                invoice.amount.currency != self.amount.currency,
                "amount",
                "The payment's currency differs from the invoice's",
            );
        }
        inv.check(self.amount.minor <= 0, "amount", "The amount must be above zero");
        inv.finish()
    }
}

string_enum! {
    /// What part of a partner's service a rating judges.
    pub enum ServiceArea {
        Delivery = "delivery" / "Delivery",
        Support = "support" / "Customer support",
        Quality = "quality" / "Quality",
        Reporting = "reporting" / "Reporting",
        Pricing = "pricing" / "Pricing discipline",
    }
}

record! {
    /// A rating of the quality (and cost) of a partner's service.
    pub struct ServiceRating: ServiceRatingId in ServiceRatings {
        partner: PartnerId,
        date: Date,
        area: ServiceArea,
        /// From 1 (poor) to 5 (excellent).
        score: u32,
        /// What serving customers through this partner cost us, if known.
        cost: Option<Money>,
        notes: LongText,
    }
}

impl Validate for ServiceRating {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        inv.check(!(1..=5).contains(&self.score), "score", "Score from 1 to 5");
        inv.check(self.cost.is_some_and(|c| c.minor < 0), "cost", "The cost cannot be negative");
        inv.finish()
    }
}

string_enum! {
    /// What an evaluation decided for the partner.
    pub enum PartnerDecision {
        Keep = "keep" / "Keep as is",
        Develop = "develop" / "Develop",
        Adjust = "adjust" / "Adjust conditions",
        Warn = "warn" / "Warn",
        End = "end" / "End cooperation",
    }
}

record! {
    /// A periodic evaluation of a partner, with the adjustment decided.
    pub struct PartnerEvaluation: PartnerEvaluationId in PartnerEvaluations {
        partner: PartnerId,
        period: Period,
        evaluator: Option<PersonId>,
        /// Scores from 1 to 5.
        sales_score: u32,
        payment_score: u32,
        service_score: u32,
        cooperation_score: u32,
        decision: PartnerDecision,
        adjustments: LongText,
    }
}

impl PartnerEvaluation {
    /// The average of the four scores, in hundredths (350 = 3.50).
    pub fn overall_hundredths(&self) -> u32 {
        (self.sales_score + self.payment_score + self.service_score + self.cooperation_score) * 100 / 4
    }
}

impl Validate for PartnerEvaluation {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        check_ref(&mut inv, "evaluator", self.evaluator, &data.people, "person");
        for (field, score) in [
            ("sales_score", self.sales_score),
            ("payment_score", self.payment_score),
            ("service_score", self.service_score),
            ("cooperation_score", self.cooperation_score),
        ] {
            inv.check(!(1..=5).contains(&score), field, "Score from 1 to 5");
        }
        inv.finish()
    }
}
