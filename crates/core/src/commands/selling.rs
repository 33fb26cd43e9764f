//! Personal selling commands: converting leads, moving deals through a pipeline, logging
//! activities and follow-ups, after-sales service cases, and the standard pipeline.
//!
//! Each command checks everything it can before it writes, so a refused command leaves the
//! workspace untouched. A command that changes several records writes each through
//! [`Workspace::create`] or [`Workspace::update`], one Automerge commit per record.

use std::collections::{BTreeMap, BTreeSet};

use crate::account::{Account, AccountId, AccountStatus, Contact, ContactId};
use crate::activity::{Activity, ActivityId, ActivityKind};
use crate::collection::{HasTable, Tables};
use crate::date::Date;
use crate::deal::{Deal, DealId, DealStatus, LineId, LineItem, LossReason};
use crate::error::{Error, Invalid, Result};
use crate::field::LongText;
use crate::lead::{Lead, LeadId, LeadStatus};
use crate::money::{Currency, Money};
use crate::org::PersonId;
use crate::product::ProductId;
use crate::record::{Record, Validate};
use crate::service::{Priority, ServiceCase, ServiceCaseId};
use crate::settings::{Pipeline, PipelineId, Settings, SettingsId, StageId, StageKind};
use crate::workspace::{Stamp, Workspace};

/// How many days after a conversion a new deal is expected to close when the lead gives no
/// timeline.
pub const DEFAULT_CLOSE_DAYS: i32 = 30;

/// The core knows only UTC, and a person's local day can lag the UTC day by up to one day, so
/// date checks against "today" allow one day of slack rather than refuse a local today.
const LOCAL_DAY_SLACK: i32 = 1;

fn rejected(message: &str) -> Error {
    Error::Rejected(message.to_string())
}

fn invalid(field: &'static str, message: &str) -> Error {
    let mut inv = Invalid::new();
    inv.add(field, message);
    Error::Invalid(inv)
}

fn not_found<R: Record>(id: R::Id) -> Error {
    Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() }
}

fn get<R: Record>(data: &Tables, id: R::Id) -> Result<&R>
where
    Tables: HasTable<R>,
{
    data.table().get(id).ok_or_else(|| not_found::<R>(id))
}

fn ensure_new<R: Record>(data: &Tables, id: R::Id) -> Result<()>
where
    Tables: HasTable<R>,
{
    if data.table().contains(id) {
        return Err(Error::AlreadyExists { collection: R::COLLECTION.name(), id: id.to_string() });
    }
    Ok(())
}

/// Validates a record before anything is written. Fields named in `pending` refer to records
/// the same command creates first, so their "does not exist" problems are expected and skipped.
fn validate_ahead<R: Validate>(record: &R, data: &Tables, pending: &[&str]) -> Result<()> {
    match record.validate(data) {
        Ok(()) => Ok(()),
        Err(Invalid(problems)) => {
            let left: Vec<_> = problems.into_iter().filter(|p| !pending.contains(&p.field)).collect();
            if left.is_empty() { Ok(()) } else { Err(Error::Invalid(Invalid(left))) }
        }
    }
}

/// The workspace's currency, which new records and reports use; euros before settings exist.
pub fn workspace_currency(data: &Tables) -> Currency {
    data.settings.get(SettingsId::SINGLETON).map(|s: &Settings| s.currency).unwrap_or_default()
}

/// The pipeline new deals go into: the one marked default, else the oldest one.
pub fn default_pipeline(data: &Tables) -> Option<&Pipeline> {
    data.pipelines.iter().find(|p| p.is_default).or_else(|| data.pipelines.iter().next())
}

/// Creates the standard pipeline ([`Pipeline::standard`]: Lead in, Qualified, Proposal,
/// Negotiation, Won, Lost) for a new workspace. It becomes the default pipeline unless another
/// one already is.
pub fn create_standard_pipeline(ws: &mut Workspace, id: PipelineId, stages: [StageId; 6], stamp: Stamp) -> Result<()> {
    ensure_new::<Pipeline>(&ws.data, id)?;
    if stages.iter().collect::<BTreeSet<_>>().len() != stages.len() {
        return Err(rejected("Each stage needs its own id"));
    }
    let mut pipeline = Pipeline::standard(id, stages);
    pipeline.is_default = !ws.data.pipelines.iter().any(|p| p.is_default);
    ws.create(pipeline, stamp)
}

/// Which account a converted lead joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChoice {
    /// A new account made from the lead's company, with this id.
    New(AccountId),
    /// An account that already exists.
    Existing(AccountId),
}

impl AccountChoice {
    pub fn id(self) -> AccountId {
        match self {
            AccountChoice::New(id) | AccountChoice::Existing(id) => id,
        }
    }
}

/// The deal to open when a lead is converted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewDeal {
    pub id: DealId,
    /// Blank takes the lead's company, or its name when the company is blank.
    pub name: String,
    /// `None` takes the lead's estimated value, else zero in the workspace currency.
    pub amount: Option<Money>,
    /// `None` takes the lead's timeline, else [`DEFAULT_CLOSE_DAYS`] after the conversion.
    pub expected_close: Option<Date>,
}

/// What converting a lead makes.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    pub account: AccountChoice,
    /// The id of the contact made from the lead's person; unused when the lead names no person.
    pub contact: ContactId,
    pub deal: Option<NewDeal>,
}

/// The records a converted lead now links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Converted {
    pub account: AccountId,
    pub contact: Option<ContactId>,
    pub deal: Option<DealId>,
}

/// Converts a lead into an account (new or existing), a contact for the lead's person, and
/// optionally a deal in the first open stage of the default pipeline. The lead is marked
/// converted with links to all three, and its activities that name no account yet move to the
/// new account and contact, so the history follows the customer.
pub fn convert_lead(ws: &mut Workspace, lead: LeadId, conversion: Conversion, stamp: Stamp) -> Result<Converted> {
    let data = &ws.data;
    let lead_record = get::<Lead>(data, lead)?.clone();
    match lead_record.status {
        LeadStatus::Converted => return Err(rejected("This lead is already converted")),
        LeadStatus::Disqualified => {
            return Err(rejected("A disqualified lead cannot be converted; qualify it first"));
        }
        _ => {}
    }
    let today = stamp.at.date();
    let company =
        if lead_record.company.trim().is_empty() { lead_record.name.trim() } else { lead_record.company.trim() };

    let account_id = conversion.account.id();
    let new_account = match conversion.account {
        AccountChoice::New(id) => {
            ensure_new::<Account>(data, id)?;
            let account = Account {
                id,
                name: company.to_string(),
                status: AccountStatus::Prospect,
                segment: lead_record.segment,
                territory: lead_record.territory,
                owner: lead_record.owner,
                ..Default::default()
            };
            validate_ahead(&account, data, &[])?;
            Some(account)
        }
        AccountChoice::Existing(id) => {
            get::<Account>(data, id)?;
            None
        }
    };
    let account_pending: &[&str] = if new_account.is_some() { &["account"] } else { &[] };

    let new_contact = if lead_record.name.trim().is_empty() {
        None
    } else {
        ensure_new::<Contact>(data, conversion.contact)?;
        let contact = Contact {
            id: conversion.contact,
            account: Some(account_id),
            name: lead_record.name.trim().to_string(),
            title: lead_record.title.clone(),
            email: lead_record.email.clone(),
            phone: lead_record.phone.clone(),
            primary: new_account.is_some(),
            notes: LongText::default(),
        };
        validate_ahead(&contact, data, account_pending)?;
        Some(contact)
    };

    let new_deal = match &conversion.deal {
        None => None,
        Some(spec) => {
            ensure_new::<Deal>(data, spec.id)?;
            let pipeline = default_pipeline(data).ok_or_else(|| rejected("There is no pipeline to put the deal in"))?;
            let stage =
                pipeline.first_open_stage().ok_or_else(|| rejected("The default pipeline has no open stage"))?;
            let name = if spec.name.trim().is_empty() { company.to_string() } else { spec.name.trim().to_string() };
            let amount =
                spec.amount.or(lead_record.estimated_value).unwrap_or_else(|| Money::zero(workspace_currency(data)));
            let deal = Deal {
                id: spec.id,
                name,
                account: account_id,
                contact: new_contact.as_ref().map(|c| c.id),
                pipeline: pipeline.id,
                stage,
                status: DealStatus::Open,
                amount,
                expected_close: spec
                    .expected_close
                    .or(lead_record.timeline)
                    .unwrap_or_else(|| today.add_days(DEFAULT_CLOSE_DAYS)),
                owner: lead_record.owner,
                lead: Some(lead),
                created: today,
                stage_changed: today,
                ..Default::default()
            };
            let mut pending = account_pending.to_vec();
            if new_contact.is_some() {
                pending.push("contact");
            }
            validate_ahead(&deal, data, &pending)?;
            Some(deal)
        }
    };
    let converted = Converted {
        account: account_id,
        contact: new_contact.as_ref().map(|c| c.id),
        deal: new_deal.as_ref().map(|d| d.id),
    };
    let mut converted_lead = lead_record.clone();
    converted_lead.status = LeadStatus::Converted;
    converted_lead.converted_account = Some(converted.account);
    converted_lead.converted_contact = converted.contact;
    converted_lead.converted_deal = converted.deal;
    validate_ahead(&converted_lead, data, &["converted_account", "converted_deal"])?;
    // An activity that would not validate any more (say, its partner was deleted) keeps its old
    // links rather than block the conversion.
    let relinked: Vec<Activity> = data
        .activities
        .iter()
        .filter(|a| a.lead == Some(lead) && a.account.is_none())
        .map(|a| Activity { account: Some(converted.account), contact: a.contact.or(converted.contact), ..a.clone() })
        .filter(|a| validate_ahead(a, data, &["account", "contact"]).is_ok())
        .collect();
    if let Some(account) = new_account {
        ws.create(account, stamp)?;
    }
    if let Some(contact) = new_contact {
        ws.create(contact, stamp)?;
    }
    if let Some(deal) = new_deal {
        ws.create(deal, stamp)?;
    }
    ws.update(converted_lead, stamp)?;
    for activity in relinked {
        ws.update(activity, stamp)?;
    }
    Ok(converted)
}

/// Why a deal was lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub reason: LossReason,
    /// Who won instead; blank when unknown.
    pub competitor: String,
}

impl Loss {
    pub fn new(reason: LossReason) -> Loss {
        Loss { reason, competitor: String::new() }
    }
}

fn status_of(kind: StageKind) -> DealStatus {
    match kind {
        StageKind::Open => DealStatus::Open,
        StageKind::Won => DealStatus::Won,
        StageKind::Lost => DealStatus::Lost,
    }
}

/// Moves a deal to a stage of its pipeline. The deal's status follows the stage's kind; a move
/// records the day in `stage_changed` and drops a probability override, which was a judgement
/// about the old stage. Closing records `closed_on`; a lost stage needs `loss`; moving back to an
/// open stage clears the close date and loss reason. Winning makes the account a customer.
pub fn move_deal(ws: &mut Workspace, deal: DealId, stage: StageId, loss: Option<Loss>, stamp: Stamp) -> Result<()> {
    let data = &ws.data;
    let old = get::<Deal>(data, deal)?;
    let pipeline = data.pipelines.get(old.pipeline).ok_or_else(|| rejected("The deal's pipeline no longer exists"))?;
    let target =
        pipeline.stages.get(&stage).ok_or_else(|| rejected("That stage is not part of the deal's pipeline"))?;
    let status = status_of(target.kind);
    // A deal already lost with a reason keeps it when it moves between lost stages.
    let known_loss = old.status == DealStatus::Lost && old.loss_reason.is_some();
    match (status, &loss) {
        (DealStatus::Lost, None) if !known_loss => {
            return Err(invalid("loss_reason", "Say why the deal was lost"));
        }
        (DealStatus::Open | DealStatus::Won, Some(_)) => {
            return Err(rejected("A loss reason goes only with a lost stage"));
        }
        _ => {}
    }
    let today = stamp.at.date();
    let mut new = old.clone();
    if new.stage != stage {
        new.stage = stage;
        new.stage_changed = today;
        new.probability = None;
    }
    if new.status != status {
        new.closed_on = if status == DealStatus::Open { None } else { Some(today) };
    }
    new.status = status;
    match loss {
        Some(loss) => {
            new.loss_reason = Some(loss.reason);
            if !loss.competitor.trim().is_empty() {
                new.competitor = loss.competitor.trim().to_string();
            }
        }
        None if status == DealStatus::Lost => {}
        // The competitor stays: who the deal is up against is known while it is open too.
        None => new.loss_reason = None,
    }
    // An account that would not validate any more (say, its territory was deleted) keeps its
    // status rather than fail the move after the deal is already written.
    let customer = match ws.data.accounts.get(new.account) {
        Some(a) if status == DealStatus::Won && a.status != AccountStatus::Customer => {
            Some(Account { status: AccountStatus::Customer, ..a.clone() }).filter(|a| a.validate(&ws.data).is_ok())
        }
        _ => None,
    };
    ws.update(new, stamp)?;
    if let Some(account) = customer {
        ws.update(account, stamp)?;
    }
    Ok(())
}

fn stage_of_kind(data: &Tables, deal: DealId, kind: StageKind) -> Result<StageId> {
    let old = get::<Deal>(data, deal)?;
    let pipeline = data.pipelines.get(old.pipeline).ok_or_else(|| rejected("The deal's pipeline no longer exists"))?;
    pipeline.stage_of_kind(kind).ok_or_else(|| match kind {
        StageKind::Won => rejected("The deal's pipeline has no won stage"),
        _ => rejected("The deal's pipeline has no lost stage"),
    })
}

/// Moves a deal to its pipeline's won stage.
pub fn win_deal(ws: &mut Workspace, deal: DealId, stamp: Stamp) -> Result<()> {
    let stage = stage_of_kind(&ws.data, deal, StageKind::Won)?;
    move_deal(ws, deal, stage, None, stamp)
}

/// Moves a deal to its pipeline's lost stage with the reason.
pub fn lose_deal(ws: &mut Workspace, deal: DealId, loss: Loss, stamp: Stamp) -> Result<()> {
    let stage = stage_of_kind(&ws.data, deal, StageKind::Lost)?;
    move_deal(ws, deal, stage, Some(loss), stamp)
}

/// One product line to put on a deal.
pub fn line(product: ProductId, quantity: i64, unit_price: Money, discount_bp: i64) -> LineItem {
    LineItem { product, quantity, unit_price, discount_bp }
}

/// Replaces a deal's line items. With lines, the deal's value is their sum, which is also
/// stored as its amount so readers of the raw document see the same figure. Returns the value.
pub fn set_lines(ws: &mut Workspace, deal: DealId, lines: BTreeMap<LineId, LineItem>, stamp: Stamp) -> Result<Money> {
    let mut new = get::<Deal>(&ws.data, deal)?.clone();
    new.lines = lines;
    if !new.lines.is_empty() {
        new.amount = new.value();
    }
    let value = new.value();
    ws.update(new, stamp)?;
    Ok(value)
}

/// A follow-up to schedule with a logged activity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FollowUp {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub subject: String,
    pub due: Date,
}

/// A call, visit or other activity a rep has just done: the quick "log a call" path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogActivity {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub subject: String,
    pub outcome: String,
    pub notes: String,
    /// Who did it; `None` takes the salesperson of the member in the stamp.
    pub person: Option<PersonId>,
    /// `None` takes the account of the deal or the contact.
    pub account: Option<AccountId>,
    pub contact: Option<ContactId>,
    pub deal: Option<DealId>,
    pub lead: Option<LeadId>,
    pub follow_up: Option<FollowUp>,
}

/// Checks that a contact and a deal belong to the account they are filed with, and fills in the
/// account from them when it is missing.
fn link_account(
    data: &Tables,
    account: Option<AccountId>,
    contact: Option<ContactId>,
    deal: Option<DealId>,
) -> Result<Option<AccountId>> {
    let mut account = account;
    if let Some(deal) = deal.and_then(|d| data.deals.get(d)) {
        match account {
            Some(a) if a != deal.account => return Err(invalid("deal", "The deal belongs to another account")),
            _ => account = Some(deal.account),
        }
    }
    if let Some(contact_account) = contact.and_then(|c| data.contacts.get(c)).and_then(|c| c.account) {
        match account {
            Some(a) if a != contact_account => {
                return Err(invalid("contact", "The contact works for another account"));
            }
            _ => account = Some(contact_account),
        }
    }
    Ok(account)
}

/// Problems with a follow-up are reported under `follow_up_<field>`, the names of its form
/// controls, so they are not mistaken for problems with the logged activity.
fn follow_up_field(field: &'static str) -> &'static str {
    match field {
        "subject" => "follow_up_subject",
        "due" => "follow_up_due",
        "kind" => "follow_up_kind",
        other => other,
    }
}

/// Logs an activity as done now, filed with its account, contact, deal or lead, and schedules
/// its follow-up as a second, open activity with the same links. Returns the ids written.
pub fn log_activity(ws: &mut Workspace, log: LogActivity, stamp: Stamp) -> Result<Vec<ActivityId>> {
    let data = &ws.data;
    ensure_new::<Activity>(data, log.id)?;
    let account = link_account(data, log.account, log.contact, log.deal)?;
    let person = log.person.or_else(|| stamp.by.and_then(|m| data.members.get(m)).and_then(|m| m.person));
    let activity = Activity {
        id: log.id,
        kind: log.kind,
        subject: log.subject.trim().to_string(),
        notes: LongText(log.notes),
        due: None,
        done: true,
        done_at: Some(stamp.at),
        person,
        account,
        contact: log.contact,
        deal: log.deal,
        lead: log.lead,
        partner: None,
        outcome: log.outcome.trim().to_string(),
    };
    activity.validate(data)?;
    let follow_up = match log.follow_up {
        None => None,
        Some(f) => {
            if f.id == log.id {
                return Err(rejected("The follow-up needs an id of its own"));
            }
            ensure_new::<Activity>(data, f.id)?;
            let follow_up = Activity {
                id: f.id,
                kind: f.kind,
                subject: f.subject.trim().to_string(),
                notes: LongText::default(),
                due: Some(f.due),
                done: false,
                done_at: None,
                outcome: String::new(),
                ..activity.clone()
            };
            let mut inv = Invalid::new();
            if let Err(Invalid(problems)) = follow_up.validate(data) {
                for p in problems {
                    inv.add(follow_up_field(p.field), p.message);
                }
            }
            inv.check(
                f.due < stamp.at.date().add_days(-LOCAL_DAY_SLACK),
                "follow_up_due",
                "A follow-up is due on the day of the activity or later",
            );
            inv.finish()?;
            Some(follow_up)
        }
    };
    let mut written = vec![activity.id];
    ws.create(activity, stamp)?;
    if let Some(follow_up) = follow_up {
        written.push(follow_up.id);
        ws.create(follow_up, stamp)?;
    }
    Ok(written)
}

/// Marks an open activity done now.
pub fn complete_activity(ws: &mut Workspace, activity: ActivityId, stamp: Stamp) -> Result<()> {
    if get::<Activity>(&ws.data, activity)?.done {
        return Err(rejected("This activity is already done"));
    }
    ws.modify::<Activity>(activity, stamp, |a| {
        a.done = true;
        a.done_at = Some(stamp.at);
    })?;
    Ok(())
}

/// Moves an open activity to another day, today or later.
pub fn reschedule_activity(ws: &mut Workspace, activity: ActivityId, due: Date, stamp: Stamp) -> Result<()> {
    if get::<Activity>(&ws.data, activity)?.done {
        return Err(rejected("A done activity cannot be rescheduled"));
    }
    if due < stamp.at.date().add_days(-LOCAL_DAY_SLACK) {
        return Err(invalid("due", "Pick today or a later day"));
    }
    ws.modify::<Activity>(activity, stamp, |a| a.due = Some(due))?;
    Ok(())
}

/// A service case to open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewCase {
    pub id: ServiceCaseId,
    pub account: AccountId,
    pub contact: Option<ContactId>,
    pub deal: Option<DealId>,
    pub product: Option<ProductId>,
    pub subject: String,
    pub description: String,
    pub priority: Priority,
    pub owner: Option<PersonId>,
}

/// Checks a case's contact and deal belong to its account.
fn check_case_links(data: &Tables, case: &ServiceCase) -> Result<()> {
    link_account(data, Some(case.account), case.contact, case.deal).map(|_| ())
}

/// Opens a service case today.
pub fn open_case(ws: &mut Workspace, case: NewCase, stamp: Stamp) -> Result<()> {
    ensure_new::<ServiceCase>(&ws.data, case.id)?;
    let record = ServiceCase {
        id: case.id,
        account: case.account,
        contact: case.contact,
        deal: case.deal,
        product: case.product,
        subject: case.subject.trim().to_string(),
        description: LongText(case.description),
        status: Default::default(),
        priority: case.priority,
        opened: stamp.at.date(),
        resolved: None,
        owner: case.owner,
        satisfaction: None,
    };
    record.validate(&ws.data)?;
    check_case_links(&ws.data, &record)?;
    ws.create(record, stamp)
}

/// Changes a service case through `change`. Closing it (resolved or closed) records the
/// resolved day; reopening it clears the resolved day and the satisfaction, which belonged to
/// the earlier resolution.
pub fn update_case(
    ws: &mut Workspace,
    case: ServiceCaseId,
    stamp: Stamp,
    change: impl FnOnce(&mut ServiceCase),
) -> Result<()> {
    let old = get::<ServiceCase>(&ws.data, case)?;
    let mut new = old.clone();
    change(&mut new);
    new.id = case;
    match (old.is_open(), new.is_open()) {
        (true, false) => new.resolved = new.resolved.or(Some(stamp.at.date().max(new.opened))),
        (false, true) => {
            new.resolved = None;
            new.satisfaction = None;
        }
        _ => {}
    }
    if new.is_open() && new.satisfaction.is_some() {
        return Err(invalid("satisfaction", "Satisfaction is asked once the case is resolved"));
    }
    check_case_links(&ws.data, &new)?;
    ws.update(new, stamp)?;
    Ok(())
}

/// Resolves an open case today, with the customer's satisfaction from 1 to 5 if they gave it.
pub fn resolve_case(ws: &mut Workspace, case: ServiceCaseId, satisfaction: Option<u32>, stamp: Stamp) -> Result<()> {
    let old = get::<ServiceCase>(&ws.data, case)?;
    if !old.is_open() {
        return Err(rejected("This case is already resolved"));
    }
    let mut new = old.clone();
    new.status = crate::service::CaseStatus::Resolved;
    new.resolved = Some(stamp.at.date().max(new.opened));
    new.satisfaction = satisfaction;
    ws.update(new, stamp)?;
    Ok(())
}
