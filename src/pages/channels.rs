//! Distribution channels and partners, and managing them: conditions, incentive programs, the
//! communication log, invoices and payments, service ratings and evaluations.

use std::collections::HashMap;

use leptos::prelude::*;
use quota_core::channel::{
    Channel, ChannelId, ChannelKind, Communication, CommunicationKind, Condition, Incentive, IncentiveKind, Invoice,
    InvoiceId, Partner, PartnerDecision, PartnerEvaluation, PartnerKind, PartnerStatus, PartnerTier, Payment,
    ServiceArea, ServiceRating,
};
use quota_core::market::PlanStatus;
use quota_core::{Collection, Tables};

use crate::components::form::FieldSpec;
use crate::components::table::Column;
use crate::crud::{self, RecordUi};
use crate::ids;
use crate::names;
use crate::options;
use crate::pages::{Tab, tabbed};
use crate::route::{Area, Route};

crate::choices!(
    ChannelKind,
    PartnerKind,
    PartnerTier,
    PartnerStatus,
    IncentiveKind,
    CommunicationKind,
    ServiceArea,
    PartnerDecision
);

pub fn page(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "partners", label: "Partners", page: crud::page::<Partner> },
            Tab { slug: "channels", label: "Channels", page: crud::page::<Channel> },
            Tab { slug: "conditions", label: "Conditions", page: crud::page::<Condition> },
            Tab { slug: "incentives", label: "Incentives", page: crud::page::<Incentive> },
            Tab { slug: "log", label: "Communication", page: crud::page::<Communication> },
            Tab { slug: "invoices", label: "Invoices", page: crud::page::<Invoice> },
            Tab { slug: "payments", label: "Payments", page: crud::page::<Payment> },
            Tab { slug: "ratings", label: "Service ratings", page: crud::page::<ServiceRating> },
            Tab { slug: "evaluations", label: "Evaluations", page: crud::page::<PartnerEvaluation> },
        ],
    )
}

fn today() -> quota_core::Date {
    ids::now().date()
}

impl RecordUi for Channel {
    const SINGULAR: &'static str = "channel";
    const PLURAL: &'static str = "Channels";
    const READS: &'static [Collection] = &[Collection::Partners];

    /// Partners per channel.
    type Aux = HashMap<ChannelId, usize>;

    fn aux(d: &Tables) -> Self::Aux {
        let mut counts = HashMap::new();
        for p in d.partners.iter() {
            if let Some(c) = p.channel {
                *counts.entry(c).or_default() += 1;
            }
        }
        counts
    }

    fn base() -> Route {
        Route::to(Area::Channels, &["channels"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Channel>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice("kind", "Type", ChannelKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::check("active", "Active", |r| r.active, |r, v| r.active = v),
            F::long_text("description", "Description", |r| &r.description, |r| &mut r.description),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Name"), Column::new("Type"), Column::number("Partners"), Column::wide("Active")]
    }

    fn cells(&self, _: &Tables, aux: &Self::Aux) -> Vec<String> {
        let partners = aux.get(&self.id).copied().unwrap_or_default();
        vec![
            self.name.clone(),
            self.kind.label().into(),
            partners.to_string(),
            if self.active { "Yes" } else { "No" }.into(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Channel { id: ids::new_id(), active: true, ..Default::default() }
    }
}

impl RecordUi for Partner {
    const SINGULAR: &'static str = "partner";
    const PLURAL: &'static str = "Partners";
    const READS: &'static [Collection] = &[Collection::Channels, Collection::Territories, Collection::People];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["partners"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Partner>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice("kind", "Role", PartnerKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::reference(
                "channel",
                "Channel",
                &[Collection::Channels],
                options::channels,
                |r| r.channel,
                |r, v| r.channel = v,
            ),
            F::choice("tier", "Tier", PartnerTier::ALL, |r| r.tier, |r, v| r.tier = v),
            F::choice("status", "Status", PartnerStatus::ALL, |r| r.status, |r, v| r.status = v),
            F::reference(
                "territory",
                "Territory",
                &[Collection::Territories],
                options::territories,
                |r| r.territory,
                |r, v| r.territory = v,
            ),
            F::reference(
                "manager",
                "Partner manager",
                &[Collection::People],
                options::people,
                |r| r.manager,
                |r, v| r.manager = v,
            ),
            F::text("contact_name", "Contact person", |r| &r.contact_name, |r| &mut r.contact_name),
            F::text("email", "Email", |r| &r.email, |r| &mut r.email).typed(crate::components::form::Input::Email),
            F::text("phone", "Phone", |r| &r.phone, |r| &mut r.phone).typed(crate::components::form::Input::Tel),
            F::optional_date("since", "Partner since", |r| r.since, |r, v| r.since = v),
            F::long_text("needs", "Their needs", |r| &r.needs, |r| &mut r.needs),
            F::long_text("requirements", "Their requirements", |r| &r.requirements, |r| &mut r.requirements),
            F::long_text("cooperation", "Conditions of cooperation", |r| &r.cooperation, |r| &mut r.cooperation),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Tier"),
            Column::wide("Role"),
            Column::wide("Channel"),
            Column::wide("Status"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            self.name.clone(),
            self.tier.label().into(),
            self.kind.label().into(),
            names::channel(d, self.channel),
            self.status.label().into(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Partner { id: ids::new_id(), status: PartnerStatus::Active, since: Some(today()), ..Default::default() }
    }
}

impl RecordUi for Condition {
    const SINGULAR: &'static str = "condition";
    const PLURAL: &'static str = "Channel conditions";
    const READS: &'static [Collection] = &[Collection::Channels];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["conditions"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Condition>;
        vec![
            F::required_reference(
                "channel",
                "Channel",
                &[Collection::Channels],
                options::channels,
                |r| r.channel,
                |r, v| r.channel = v,
            ),
            F::optional_choice("tier", "Tier", PartnerTier::ALL, |r| r.tier, |r, v| r.tier = v),
            F::basis_points("discount_bp", "Discount (%)", |r| r.discount_bp, |r, v| r.discount_bp = v),
            F::number(
                "payment_terms_days",
                "Payment terms (days)",
                |r| r.payment_terms_days,
                |r, v| r.payment_terms_days = v,
            ),
            F::optional_money("minimum_order", "Minimum order", |r| r.minimum_order, |r, v| r.minimum_order = v),
            F::optional_date("valid_from", "Valid from", |r| r.valid_from, |r, v| r.valid_from = v),
            F::optional_date("valid_to", "Valid to", |r| r.valid_to, |r, v| r.valid_to = v),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Channel"),
            Column::new("Tier"),
            Column::number("Discount"),
            Column::number("Terms"),
            Column::wide("Minimum order"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            names::channel(d, Some(self.channel)),
            self.tier.map(|t| t.label().to_string()).unwrap_or_else(|| "All tiers".into()),
            crate::format::percent_bp(self.discount_bp),
            format!("{} days", self.payment_terms_days),
            self.minimum_order.map(|m| m.display()).unwrap_or_default(),
        ]
    }

    fn title(&self) -> String {
        format!("Conditions {}", crate::format::percent_bp(self.discount_bp))
    }

    fn blank(_: &Tables) -> Self {
        Condition { id: ids::new_id(), payment_terms_days: 30, ..Default::default() }
    }
}

impl RecordUi for Incentive {
    const SINGULAR: &'static str = "incentive program";
    const PLURAL: &'static str = "Incentive programs";
    const READS: &'static [Collection] = &[Collection::Channels, Collection::Partners];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["incentives"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Incentive>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice("kind", "Kind", IncentiveKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::reference(
                "channel",
                "Channel",
                &[Collection::Channels],
                options::channels,
                |r| r.channel,
                |r, v| r.channel = v,
            ),
            F::choice("status", "Status", PlanStatus::ALL, |r| r.status, |r, v| r.status = v),
            F::date("start", "Start", |r| r.start, |r, v| r.start = v),
            F::date("end", "End", |r| r.end, |r, v| r.end = v),
            F::money("budget", "Budget", |r| r.budget, |r, v| r.budget = v),
            F::money("cost", "Actual cost", |r| r.cost, |r, v| r.cost = v),
            F::long_text("goal", "Goal", |r| &r.goal, |r| &mut r.goal),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Kind"),
            Column::wide("Period"),
            Column::number("Participants"),
            Column::number("Cost"),
        ]
    }

    fn cells(&self, _: &Tables, _: &()) -> Vec<String> {
        vec![
            self.name.clone(),
            self.kind.label().into(),
            format!("{} – {}", self.start, self.end),
            self.participants.len().to_string(),
            self.cost.display(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        let start = today();
        Incentive { id: ids::new_id(), start, end: start.add_months(3), ..Default::default() }
    }

    fn related(id: Self::Id) -> Option<AnyView> {
        Some(view! { <crate::pages::participants::Participants id/> }.into_any())
    }
}

impl RecordUi for Communication {
    const SINGULAR: &'static str = "log entry";
    const PLURAL: &'static str = "Communication log";
    const READS: &'static [Collection] = &[Collection::Partners, Collection::People];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["log"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Communication>;
        vec![
            F::required_reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::choice("kind", "Kind", CommunicationKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::text("subject", "Subject", |r| &r.subject, |r| &mut r.subject).required(),
            F::reference("by", "By", &[Collection::People], options::people, |r| r.by, |r, v| r.by = v),
            F::optional_date("follow_up", "Follow up on", |r| r.follow_up, |r, v| r.follow_up = v),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Subject"),
            Column::new("Partner"),
            Column::wide("Kind"),
            Column::wide("When"),
            Column::wide("Follow up"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            self.subject.clone(),
            names::partner(d, Some(self.partner)),
            self.kind.label().into(),
            self.at.date().to_string(),
            self.follow_up.map(|f| f.to_string()).unwrap_or_default(),
        ]
    }

    fn title(&self) -> String {
        self.subject.clone()
    }

    fn blank(_: &Tables) -> Self {
        Communication { id: ids::new_id(), at: ids::now(), ..Default::default() }
    }
}

impl RecordUi for Invoice {
    const SINGULAR: &'static str = "invoice";
    const PLURAL: &'static str = "Partner invoices";
    const READS: &'static [Collection] = &[Collection::Partners, Collection::Payments];

    /// What has been paid against each invoice.
    type Aux = HashMap<InvoiceId, i64>;

    fn aux(d: &Tables) -> Self::Aux {
        let mut paid = HashMap::new();
        for p in d.payments.iter() {
            if let Some(i) = p.invoice {
                *paid.entry(i).or_default() += p.amount.minor;
            }
        }
        paid
    }

    fn base() -> Route {
        Route::to(Area::Channels, &["invoices"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Invoice>;
        vec![
            F::required_reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::text("number", "Number", |r| &r.number, |r| &mut r.number).required(),
            F::date("issued", "Issued", |r| r.issued, |r, v| r.issued = v),
            F::date("due", "Due", |r| r.due, |r, v| r.due = v),
            F::money("amount", "Amount", |r| r.amount, |r, v| r.amount = v).required(),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Number"),
            Column::new("Partner"),
            Column::wide("Due"),
            Column::number("Amount"),
            Column::number("Open"),
        ]
    }

    fn cells(&self, d: &Tables, aux: &Self::Aux) -> Vec<String> {
        let paid = aux.get(&self.id).copied().unwrap_or_default();
        let open = quota_core::Money::new(self.amount.minor - paid, self.amount.currency);
        vec![
            self.number.clone(),
            names::partner(d, Some(self.partner)),
            self.due.to_string(),
            self.amount.display(),
            open.display(),
        ]
    }

    fn row_class(&self, _: &Tables, aux: &Self::Aux) -> &'static str {
        let paid = aux.get(&self.id).copied().unwrap_or_default();
        if paid < self.amount.minor && self.due < today() { "overdue" } else { "" }
    }

    fn title(&self) -> String {
        format!("Invoice {}", self.number)
    }

    fn blank(_: &Tables) -> Self {
        let issued = today();
        Invoice { id: ids::new_id(), issued, due: issued.add_days(30), ..Default::default() }
    }
}

impl RecordUi for Payment {
    const SINGULAR: &'static str = "payment";
    const PLURAL: &'static str = "Partner payments";
    const READS: &'static [Collection] = &[Collection::Partners, Collection::Invoices];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["payments"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Payment>;
        vec![
            F::required_reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::reference(
                "invoice",
                "Invoice",
                &[Collection::Invoices],
                options::invoices,
                |r| r.invoice,
                |r, v| r.invoice = v,
            ),
            F::date("date", "Date", |r| r.date, |r, v| r.date = v),
            F::money("amount", "Amount", |r| r.amount, |r, v| r.amount = v).required(),
            F::text("reference", "Reference", |r| &r.reference, |r| &mut r.reference),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Partner"), Column::date("Date"), Column::wide("Invoice"), Column::number("Amount")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let invoice = self.invoice.and_then(|i| d.invoices.get(i)).map(|i| i.number.clone()).unwrap_or_default();
        vec![names::partner(d, Some(self.partner)), self.date.to_string(), invoice, self.amount.display()]
    }

    fn title(&self) -> String {
        format!("Payment {}", self.amount.display())
    }

    fn blank(_: &Tables) -> Self {
        Payment { id: ids::new_id(), date: today(), ..Default::default() }
    }
}

impl RecordUi for ServiceRating {
    const SINGULAR: &'static str = "service rating";
    const PLURAL: &'static str = "Service ratings";
    const READS: &'static [Collection] = &[Collection::Partners];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["ratings"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<ServiceRating>;
        vec![
            F::required_reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::date("date", "Date", |r| r.date, |r, v| r.date = v),
            F::choice("area", "Area", ServiceArea::ALL, |r| r.area, |r, v| r.area = v),
            F::number("score", "Score (1-5)", |r| r.score, |r, v| r.score = v),
            F::optional_money("cost", "Cost of service", |r| r.cost, |r, v| r.cost = v),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Partner"), Column::new("Area"), Column::number("Score"), Column::wide("Date")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            names::partner(d, Some(self.partner)),
            self.area.label().into(),
            format!("{} / 5", self.score),
            self.date.to_string(),
        ]
    }

    fn title(&self) -> String {
        format!("{} rating", self.area.label())
    }

    fn blank(_: &Tables) -> Self {
        ServiceRating { id: ids::new_id(), date: today(), score: 3, ..Default::default() }
    }
}

impl RecordUi for PartnerEvaluation {
    const SINGULAR: &'static str = "evaluation";
    const PLURAL: &'static str = "Partner evaluations";
    const READS: &'static [Collection] = &[Collection::Partners, Collection::People];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Channels, &["evaluations"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<PartnerEvaluation>;
        vec![
            F::required_reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::period("period", "Period", |r| r.period, |r, v| r.period = v),
            F::reference(
                "evaluator",
                "Evaluator",
                &[Collection::People],
                options::people,
                |r| r.evaluator,
                |r, v| r.evaluator = v,
            ),
            F::number("sales_score", "Sales (1-5)", |r| r.sales_score, |r, v| r.sales_score = v),
            F::number("payment_score", "Payment discipline (1-5)", |r| r.payment_score, |r, v| r.payment_score = v),
            F::number("service_score", "Service quality (1-5)", |r| r.service_score, |r, v| r.service_score = v),
            F::number(
                "cooperation_score",
                "Cooperation (1-5)",
                |r| r.cooperation_score,
                |r, v| r.cooperation_score = v,
            ),
            F::choice("decision", "Decision", PartnerDecision::ALL, |r| r.decision, |r, v| r.decision = v),
            F::long_text("adjustments", "Adjustments agreed", |r| &r.adjustments, |r| &mut r.adjustments),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Partner"), Column::new("Period"), Column::number("Overall"), Column::wide("Decision")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let overall = self.overall_hundredths();
        vec![
            names::partner(d, Some(self.partner)),
            self.period.to_string(),
            format!("{}.{:02}", overall / 100, overall % 100),
            self.decision.label().into(),
        ]
    }

    fn title(&self) -> String {
        format!("Evaluation {}", self.period)
    }

    fn blank(_: &Tables) -> Self {
        PartnerEvaluation {
            id: ids::new_id(),
            period: quota_core::Period::quarter_of(today()),
            sales_score: 3,
            payment_score: 3,
            service_score: 3,
            cooperation_score: 3,
            ..Default::default()
        }
    }
}
