//! Personal selling records: leads, deals, activities and after-sales service cases.

use std::collections::HashMap;

use leptos::prelude::*;

use quota_core::account::AccountId;
use quota_core::activity::{Activity, ActivityKind};
use quota_core::deal::{Deal, DealStatus, LossReason};
use quota_core::lead::{Lead, LeadSource, LeadStatus};
use quota_core::service::{CaseStatus, Priority, ServiceCase};
use quota_core::settings::StageKind;
use quota_core::{Collection, Tables};

use crate::components::form::{FieldSpec, Input};
use crate::components::table::Column;
use crate::crud::RecordUi;
use crate::ids;
use crate::names;
use crate::options;
use crate::route::{Area, Route};

crate::choices!(LeadSource, LeadStatus, ActivityKind, DealStatus, LossReason, CaseStatus, Priority);

fn today() -> quota_core::Date {
    ids::now().date()
}

fn account_names(d: &Tables) -> HashMap<AccountId, String> {
    d.accounts.iter().map(|a| (a.id, a.name.clone())).collect()
}

impl RecordUi for Lead {
    const SINGULAR: &'static str = "lead";
    const PLURAL: &'static str = "Leads";
    const READS: &'static [Collection] = &[Collection::People, Collection::Segments, Collection::Territories];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::area(Area::Leads)
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Lead>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name),
            F::text("company", "Company", |r| &r.company, |r| &mut r.company),
            F::text("title", "Job title", |r| &r.title, |r| &mut r.title),
            F::text("email", "Email", |r| &r.email, |r| &mut r.email).typed(Input::Email),
            F::text("phone", "Phone", |r| &r.phone, |r| &mut r.phone).typed(Input::Tel),
            F::choice("source", "Source", LeadSource::ALL, |r| r.source, |r, v| r.source = v),
            F::choice("status", "Status", LeadStatus::ALL, |r| r.status, |r, v| r.status = v),
            F::reference("owner", "Owner", &[Collection::People], options::people, |r| r.owner, |r, v| r.owner = v),
            F::reference(
                "segment",
                "Segment",
                &[Collection::Segments],
                options::segments,
                |r| r.segment,
                |r, v| r.segment = v,
            ),
            F::reference(
                "territory",
                "Territory",
                &[Collection::Territories],
                options::territories,
                |r| r.territory,
                |r, v| r.territory = v,
            ),
            F::check("has_budget", "Has budget", |r| r.has_budget, |r, v| r.has_budget = v),
            F::check("has_authority", "Talking to the decision maker", |r| r.has_authority, |r, v| r.has_authority = v),
            F::check("has_need", "Has a clear need", |r| r.has_need, |r, v| r.has_need = v),
            F::optional_date("timeline", "Expected decision", |r| r.timeline, |r, v| r.timeline = v),
            F::optional_money(
                "estimated_value",
                "Estimated value",
                |r| r.estimated_value,
                |r, v| r.estimated_value = v,
            ),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Status"),
            Column::wide("Company"),
            Column::wide("Source"),
            Column::number("Score"),
            Column::wide("Owner"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            self.title(),
            self.status.label().into(),
            self.company.clone(),
            self.source.label().into(),
            self.score().to_string(),
            names::person(d, self.owner),
        ]
    }

    fn search_text(&self, _: &Tables, _: &()) -> String {
        format!("{} {}", self.email, self.phone)
    }

    fn title(&self) -> String {
        if self.name.is_empty() { self.company.clone() } else { self.name.clone() }
    }

    fn blank(_: &Tables) -> Self {
        Lead { id: ids::new_id(), created: today(), ..Default::default() }
    }

    fn related(id: Self::Id) -> Option<leptos::prelude::AnyView> {
        Some(crate::pages::deals::lead_actions(id))
    }
}

impl RecordUi for Deal {
    const SINGULAR: &'static str = "deal";
    const PLURAL: &'static str = "Deals";
    const READS: &'static [Collection] = &[
        Collection::Accounts,
        Collection::Contacts,
        Collection::Pipelines,
        Collection::People,
        Collection::Channels,
        Collection::Partners,
        Collection::Products,
    ];
    type Aux = HashMap<AccountId, String>;

    fn aux(d: &Tables) -> Self::Aux {
        account_names(d)
    }

    fn base() -> Route {
        Route::to(Area::Deals, &["list"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Deal>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::required_reference(
                "account",
                "Account",
                &[Collection::Accounts],
                options::accounts,
                |r| r.account,
                |r, v| r.account = v,
            ),
            F::reference(
                "contact",
                "Contact",
                &[Collection::Contacts],
                options::contacts,
                |r| r.contact,
                |r, v| r.contact = v,
            ),
            F::required_reference(
                "stage",
                "Stage",
                &[Collection::Pipelines],
                options::stages,
                |r| r.stage,
                |r, v| r.stage = v,
            ),
            F::money("amount", "Value", |r| r.amount, |r, v| r.amount = v),
            F::optional_number("probability", "Probability override (%)", |r| r.probability, |r, v| r.probability = v),
            F::date("expected_close", "Expected close", |r| r.expected_close, |r, v| r.expected_close = v),
            F::reference("owner", "Owner", &[Collection::People], options::people, |r| r.owner, |r, v| r.owner = v),
            F::reference(
                "channel",
                "Channel",
                &[Collection::Channels],
                options::channels,
                |r| r.channel,
                |r, v| r.channel = v,
            ),
            F::reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::optional_choice(
                "loss_reason",
                "Loss reason",
                LossReason::ALL,
                |r| r.loss_reason,
                |r, v| r.loss_reason = v,
            ),
            F::text("competitor", "Competitor", |r| &r.competitor, |r| &mut r.competitor),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Stage"),
            Column::number("Value"),
            Column::wide("Account"),
            Column::wide("Close"),
            Column::wide("Owner"),
        ]
    }

    fn cells(&self, d: &Tables, accounts: &Self::Aux) -> Vec<String> {
        let stage = d
            .pipelines
            .get(self.pipeline)
            .and_then(|p| p.stages.get(&self.stage))
            .map(|s| s.name.clone())
            .unwrap_or_default();
        vec![
            self.name.clone(),
            stage,
            self.value().display(),
            accounts.get(&self.account).cloned().unwrap_or_default(),
            self.closed_on.unwrap_or(self.expected_close).to_string(),
            names::person(d, self.owner),
        ]
    }

    fn row_class(&self, _: &Tables, _: &Self::Aux) -> &'static str {
        if self.status == DealStatus::Open && self.expected_close < today() { "overdue" } else { "" }
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(d: &Tables) -> Self {
        let pipeline = d.pipelines.iter().find(|p| p.is_default).or_else(|| d.pipelines.iter().next());
        let stage = pipeline.and_then(|p| p.first_open_stage()).unwrap_or_default();
        let today = today();
        let account =
            crate::state::ctx().route.get_untracked().param("account").and_then(|a| a.parse().ok()).unwrap_or_default();
        let currency = d.settings.iter().next().map(|s| s.currency).unwrap_or_default();
        Deal {
            id: ids::new_id(),
            account,
            pipeline: pipeline.map(|p| p.id).unwrap_or_default(),
            stage,
            amount: quota_core::Money::zero(currency),
            expected_close: today.add_months(1),
            created: today,
            stage_changed: today,
            ..Default::default()
        }
    }

    fn related(id: Self::Id) -> Option<leptos::prelude::AnyView> {
        Some(crate::pages::deals::deal_panels(id))
    }

    fn normalize(&mut self, d: &Tables) {
        align_deal_with_stage(self, d);
    }
}

/// Keeps a deal's pipeline, status and close data in step with the stage picked in the form.
pub fn align_deal_with_stage(deal: &mut Deal, d: &Tables) {
    if let Some((pipeline, stage)) = d.pipelines.iter().find_map(|p| p.stages.get(&deal.stage).map(|s| (p.id, s.kind)))
    {
        deal.pipeline = pipeline;
        deal.status = match stage {
            StageKind::Open => DealStatus::Open,
            StageKind::Won => DealStatus::Won,
            StageKind::Lost => DealStatus::Lost,
        };
        if deal.status == DealStatus::Open {
            deal.closed_on = None;
        } else if deal.closed_on.is_none() {
            deal.closed_on = Some(today());
        }
    }
}

impl RecordUi for Activity {
    const SINGULAR: &'static str = "activity";
    const PLURAL: &'static str = "Activities";
    const READS: &'static [Collection] = &[
        Collection::People,
        Collection::Accounts,
        Collection::Contacts,
        Collection::Deals,
        Collection::Leads,
        Collection::Partners,
    ];
    type Aux = HashMap<AccountId, String>;

    fn aux(d: &Tables) -> Self::Aux {
        account_names(d)
    }

    fn base() -> Route {
        Route::to(Area::Activities, &["all"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Activity>;
        vec![
            F::choice("kind", "Kind", ActivityKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::text("subject", "Subject", |r| &r.subject, |r| &mut r.subject).required(),
            F::optional_date("due", "Due", |r| r.due, |r, v| r.due = v),
            F::check(
                "done",
                "Done",
                |r| r.done,
                |r, v| {
                    r.done = v;
                    r.done_at = if v { r.done_at.or(Some(ids::now())) } else { None };
                },
            ),
            F::reference("person", "Who", &[Collection::People], options::people, |r| r.person, |r, v| r.person = v),
            F::reference(
                "account",
                "Account",
                &[Collection::Accounts],
                options::accounts,
                |r| r.account,
                |r, v| r.account = v,
            ),
            F::reference(
                "contact",
                "Contact",
                &[Collection::Contacts],
                options::contacts,
                |r| r.contact,
                |r, v| r.contact = v,
            ),
            F::reference("deal", "Deal", &[Collection::Deals], options::deals, |r| r.deal, |r, v| r.deal = v),
            F::reference("lead", "Lead", &[Collection::Leads], options::leads, |r| r.lead, |r, v| r.lead = v),
            F::reference(
                "partner",
                "Partner",
                &[Collection::Partners],
                options::partners,
                |r| r.partner,
                |r, v| r.partner = v,
            ),
            F::text("outcome", "Outcome", |r| &r.outcome, |r| &mut r.outcome),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Subject"),
            Column::date("Due"),
            Column::wide("Kind"),
            Column::wide("Account"),
            Column::wide("Who"),
            Column::wide("Done"),
        ]
    }

    fn cells(&self, d: &Tables, accounts: &Self::Aux) -> Vec<String> {
        vec![
            self.subject.clone(),
            self.due.map(|x| x.to_string()).unwrap_or_default(),
            self.kind.label().into(),
            self.account.and_then(|a| accounts.get(&a).cloned()).unwrap_or_default(),
            names::person(d, self.person),
            if self.done { "Done".into() } else { String::new() },
        ]
    }

    fn row_class(&self, _: &Tables, _: &Self::Aux) -> &'static str {
        if self.is_overdue(today()) { "overdue" } else { "" }
    }

    fn title(&self) -> String {
        self.subject.clone()
    }

    fn blank(_: &Tables) -> Self {
        let route = crate::state::ctx().route.get_untracked();
        Activity {
            id: ids::new_id(),
            due: Some(today()),
            account: route.param("account").and_then(|a| a.parse().ok()),
            deal: route.param("deal").and_then(|a| a.parse().ok()),
            ..Default::default()
        }
    }
}

impl RecordUi for ServiceCase {
    const SINGULAR: &'static str = "service case";
    const PLURAL: &'static str = "Service cases";
    const READS: &'static [Collection] =
        &[Collection::Accounts, Collection::Contacts, Collection::Deals, Collection::Products, Collection::People];
    type Aux = HashMap<AccountId, String>;

    fn aux(d: &Tables) -> Self::Aux {
        account_names(d)
    }

    fn base() -> Route {
        Route::area(Area::Service)
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<ServiceCase>;
        vec![
            F::text("subject", "Subject", |r| &r.subject, |r| &mut r.subject).required(),
            F::required_reference(
                "account",
                "Account",
                &[Collection::Accounts],
                options::accounts,
                |r| r.account,
                |r, v| r.account = v,
            ),
            F::reference(
                "contact",
                "Contact",
                &[Collection::Contacts],
                options::contacts,
                |r| r.contact,
                |r, v| r.contact = v,
            ),
            F::reference("deal", "Deal", &[Collection::Deals], options::deals, |r| r.deal, |r, v| r.deal = v),
            F::reference(
                "product",
                "Product",
                &[Collection::Products],
                options::products,
                |r| r.product,
                |r, v| r.product = v,
            ),
            F::choice("status", "Status", CaseStatus::ALL, |r| r.status, |r, v| r.status = v),
            F::choice("priority", "Priority", Priority::ALL, |r| r.priority, |r, v| r.priority = v),
            F::date("opened", "Opened", |r| r.opened, |r, v| r.opened = v),
            F::optional_date("resolved", "Resolved", |r| r.resolved, |r, v| r.resolved = v),
            F::reference("owner", "Owner", &[Collection::People], options::people, |r| r.owner, |r, v| r.owner = v),
            F::optional_number(
                "satisfaction",
                "Customer satisfaction (1-5)",
                |r| r.satisfaction,
                |r, v| r.satisfaction = v,
            ),
            F::long_text("description", "Description", |r| &r.description, |r| &mut r.description),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Subject"),
            Column::new("Status"),
            Column::wide("Priority"),
            Column::wide("Account"),
            Column::wide("Opened"),
        ]
    }

    fn cells(&self, _: &Tables, accounts: &Self::Aux) -> Vec<String> {
        vec![
            self.subject.clone(),
            self.status.label().into(),
            self.priority.label().into(),
            accounts.get(&self.account).cloned().unwrap_or_default(),
            self.opened.to_string(),
        ]
    }

    fn row_class(&self, _: &Tables, _: &Self::Aux) -> &'static str {
        if self.is_open() && matches!(self.priority, Priority::Urgent | Priority::High) { "overdue" } else { "" }
    }

    fn title(&self) -> String {
        self.subject.clone()
    }

    fn blank(_: &Tables) -> Self {
        let account =
            crate::state::ctx().route.get_untracked().param("account").and_then(|a| a.parse().ok()).unwrap_or_default();
        ServiceCase { id: ids::new_id(), account, opened: today(), ..Default::default() }
    }
}
