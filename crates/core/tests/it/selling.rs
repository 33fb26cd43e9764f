//! Personal selling: lead conversion, moving deals, activities and service cases, the pipeline,
//! win/loss, growth, productivity and product priority reports, and concurrent edits of every
//! record type these commands touch.

use std::collections::BTreeMap;
use std::fmt::Debug;

use quota_core::account::{Account, AccountId, AccountStatus, Contact, ContactId};
use quota_core::activity::{Activity, ActivityId, ActivityKind};
use quota_core::channel::{Channel, ChannelId};
use quota_core::commands::selling::{
    AccountChoice, Conversion, Converted, FollowUp, LogActivity, Loss, NewCase, NewDeal, complete_activity,
    convert_lead, create_standard_pipeline, default_pipeline, line, log_activity, lose_deal, move_deal, open_case,
    reschedule_activity, resolve_case, set_lines, update_case, win_deal,
};
use quota_core::date::{Date, Period, Timestamp};
use quota_core::deal::{Deal, DealId, DealStatus, LineId, LossReason};
use quota_core::error::Error;
use quota_core::lead::{Lead, LeadId, LeadStatus};
use quota_core::management::Subject;
use quota_core::market::{Segment, SegmentId};
use quota_core::money::{Currency, Money};
use quota_core::org::{OrgUnit, OrgUnitId, Person, PersonId, Territory, TerritoryId};
use quota_core::product::{Product, ProductCategory, ProductCategoryId, ProductId};
use quota_core::reports::growth::sales_growth;
use quota_core::reports::pipeline::{DealFilter, pipeline_report};
use quota_core::reports::priority::product_priority;
use quota_core::reports::productivity::productivity;
use quota_core::reports::winloss::{ReasonRow, competitor_key, win_loss};
use quota_core::service::{CaseStatus, Priority, ServiceCaseId};
use quota_core::settings::{Member, MemberId, Pipeline, PipelineId, Settings, SettingsId, StageId, StageKind};
use quota_core::{DocName, Problem, Stamp};

use crate::support::Fx;

const EUR: Currency = Currency::EUR;
const LEAD_IN: usize = 0;
const QUALIFIED: usize = 1;
const PROPOSAL: usize = 2;
const NEGOTIATION: usize = 3;
const WON: usize = 4;
const LOST: usize = 5;

fn eur(units: i64) -> Money {
    Money::units(units, EUR)
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

/// A stamp at nine in the morning (UTC) of a day.
fn on(text: &str) -> Stamp {
    Stamp::new(Timestamp(day(text).start().0 + 9 * 3_600_000), None)
}

#[track_caller]
fn assert_rejected<T: Debug>(result: Result<T, Error>, message: &str) {
    match result {
        Err(Error::Rejected(m)) => assert_eq!(m, message),
        other => panic!("expected the rejection {message:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_invalid<T: Debug>(result: Result<T, Error>, field: &'static str, message: &str) {
    match result {
        Err(Error::Invalid(inv)) => assert_eq!(inv.0, vec![Problem { field, message: message.into() }]),
        other => panic!("expected {field}: {message:?}, got {other:?}"),
    }
}

/// Copies every document of `from` into `to` by merging, as sync would.
fn merge_all(to: &mut Fx, from: &Fx) {
    let names: Vec<DocName> = from.ws.loaded().collect();
    for name in names {
        let mut theirs = from.ws.doc(name).unwrap().clone();
        to.ws.apply(name, |doc| doc.merge(&mut theirs).unwrap()).unwrap();
    }
}

/// A workspace of a sales team: settings in euros (stale after 14 days) and the standard
/// pipeline, with helpers to add the records the tests need.
struct Book {
    fx: Fx,
    pipeline: PipelineId,
    stages: [StageId; 6],
}

impl Book {
    fn new() -> Book {
        let mut fx = Fx::new();
        let s = fx.stamp();
        let settings = Settings {
            id: SettingsId::SINGLETON,
            name: "Quota test".into(),
            currency: EUR,
            fiscal_year_start: 1,
            stale_after_days: 14,
        };
        fx.ws.create(settings, s).unwrap();
        let pipeline = fx.id();
        let stages = [fx.id(), fx.id(), fx.id(), fx.id(), fx.id(), fx.id()];
        let s = fx.stamp();
        create_standard_pipeline(&mut fx.ws, pipeline, stages, s).unwrap();
        Book { fx, pipeline, stages }
    }

    /// Another device of the same workspace, with everything this one has.
    fn fork(&self, actor: u8) -> Book {
        let mut fx = Fx::with_actor(actor);
        merge_all(&mut fx, &self.fx);
        fx.now = self.fx.now;
        Book { fx, pipeline: self.pipeline, stages: self.stages }
    }

    fn sync(&mut self, other: &mut Book) {
        merge_all(&mut self.fx, &other.fx);
        merge_all(&mut other.fx, &self.fx);
    }

    fn data(&self) -> &quota_core::Tables {
        &self.fx.ws.data
    }

    fn put<R: quota_core::Record>(&mut self, record: R) -> R::Id
    where
        quota_core::Tables: quota_core::HasTable<R>,
    {
        let id = record.id();
        let s = self.fx.stamp();
        self.fx.ws.create(record, s).unwrap();
        id
    }

    fn unit(&mut self, name: &str, parent: Option<OrgUnitId>) -> OrgUnitId {
        let id = self.fx.id();
        self.put(OrgUnit { id, name: name.into(), parent, ..Default::default() })
    }

    fn person(&mut self, name: &str, unit: Option<OrgUnitId>) -> PersonId {
        let id = self.fx.id();
        self.put(Person { id, name: name.into(), unit, active: true, ..Default::default() })
    }

    fn territory(&mut self, name: &str, parent: Option<TerritoryId>) -> TerritoryId {
        let id = self.fx.id();
        self.put(Territory { id, name: name.into(), parent, ..Default::default() })
    }

    fn segment(&mut self, name: &str) -> SegmentId {
        let id = self.fx.id();
        self.put(Segment { id, name: name.into(), ..Default::default() })
    }

    fn account(&mut self, name: &str, territory: Option<TerritoryId>, segment: Option<SegmentId>) -> AccountId {
        let id = self.fx.id();
        self.put(Account { id, name: name.into(), territory, segment, ..Default::default() })
    }

    fn contact(&mut self, name: &str, account: AccountId) -> ContactId {
        let id = self.fx.id();
        self.put(Contact { id, name: name.into(), account: Some(account), ..Default::default() })
    }

    fn product(
        &mut self,
        name: &str,
        category: Option<ProductCategoryId>,
        edit: impl FnOnce(&mut Product),
    ) -> ProductId {
        let id = self.fx.id();
        let mut product = Product { id, name: name.into(), category, active: true, ..Default::default() };
        edit(&mut product);
        self.put(product)
    }

    /// A deal worth `value` in one of the standard stages (by index), created on 2026-01-01
    /// unless `edit` says otherwise. Closed deals need `edit` to give their close day.
    fn deal(&mut self, account: AccountId, stage: usize, value: Money, edit: impl FnOnce(&mut Deal)) -> DealId {
        let id = self.fx.id();
        let status = match self.data().pipelines.get(self.pipeline).unwrap().stages[&self.stages[stage]].kind {
            StageKind::Open => DealStatus::Open,
            StageKind::Won => DealStatus::Won,
            StageKind::Lost => DealStatus::Lost,
        };
        let mut deal = Deal {
            id,
            name: format!("Deal {id}"),
            account,
            pipeline: self.pipeline,
            stage: self.stages[stage],
            status,
            amount: value,
            expected_close: day("2026-12-31"),
            created: day("2026-01-01"),
            stage_changed: day("2026-01-01"),
            ..Default::default()
        };
        edit(&mut deal);
        self.put(deal)
    }

    /// A done activity of `person` on a deal, done on `done`.
    fn done_activity(&mut self, person: Option<PersonId>, deal: Option<DealId>, kind: ActivityKind, done: &str) {
        let id = self.fx.id();
        let done_at = on(done).at;
        self.put(Activity {
            id,
            kind,
            subject: "Work".into(),
            done: true,
            done_at: Some(done_at),
            person,
            deal,
            ..Default::default()
        });
    }

    fn lead(&mut self, edit: impl FnOnce(&mut Lead)) -> LeadId {
        let id = self.fx.id();
        let mut lead = Lead { id, name: "Ana Lima".into(), company: "Lima Foods".into(), ..Default::default() };
        edit(&mut lead);
        self.put(lead)
    }

    fn deal_record(&self, id: DealId) -> &Deal {
        self.data().deals.get(id).unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

#[test]
fn the_standard_pipeline_has_six_stages_and_becomes_the_default() {
    let mut book = Book::new();
    let pipeline = default_pipeline(book.data()).unwrap();
    assert_eq!(pipeline.id, book.pipeline);
    assert!(pipeline.is_default);
    let columns: Vec<(&str, u32, StageKind)> =
        pipeline.ordered_stages().iter().map(|(_, s)| (s.name.as_str(), s.probability, s.kind)).collect();
    assert_eq!(
        columns,
        vec![
            ("Lead in", 10, StageKind::Open),
            ("Qualified", 25, StageKind::Open),
            ("Proposal", 50, StageKind::Open),
            ("Negotiation", 75, StageKind::Open),
            ("Won", 100, StageKind::Won),
            ("Lost", 0, StageKind::Lost),
        ]
    );
    assert_eq!(pipeline.first_open_stage(), Some(book.stages[LEAD_IN]));

    // A second pipeline does not take over as the default.
    let second: PipelineId = book.fx.id();
    let ids = [book.fx.id(), book.fx.id(), book.fx.id(), book.fx.id(), book.fx.id(), book.fx.id()];
    let s = book.fx.stamp();
    create_standard_pipeline(&mut book.fx.ws, second, ids, s).unwrap();
    assert!(!book.data().pipelines.get(second).unwrap().is_default);
    assert_eq!(default_pipeline(book.data()).unwrap().id, book.pipeline);

    let third: PipelineId = book.fx.id();
    let same: StageId = book.fx.id();
    let s = book.fx.stamp();
    assert_rejected(create_standard_pipeline(&mut book.fx.ws, third, [same; 6], s), "Each stage needs its own id");
    assert!(!book.data().pipelines.contains(third));
}

#[test]
fn converting_a_lead_makes_an_account_a_contact_and_a_deal_in_the_first_open_stage() {
    let mut book = Book::new();
    let ana = book.person("Ana Reps", None);
    let smb = book.segment("Small business");
    let lead = book.lead(|l| {
        l.title = "Buyer".into();
        l.email = "ana@lima.example".into();
        l.phone = "+351 1".into();
        l.owner = Some(ana);
        l.segment = Some(smb);
        l.status = LeadStatus::Qualified;
        l.estimated_value = Some(eur(12_000));
        l.timeline = Some(day("2026-09-30"));
    });
    let call: ActivityId = book.fx.id();
    book.put(Activity { id: call, subject: "First call".into(), lead: Some(lead), ..Default::default() });

    let (account, contact, deal) = (book.fx.id(), book.fx.id(), book.fx.id());
    let today = on("2026-06-01");
    let conversion = Conversion {
        account: AccountChoice::New(account),
        contact,
        deal: Some(NewDeal { id: deal, ..Default::default() }),
    };
    let converted = convert_lead(&mut book.fx.ws, lead, conversion, today).unwrap();
    assert_eq!(converted, Converted { account, contact: Some(contact), deal: Some(deal) });

    let data = book.data();
    let a = data.accounts.get(account).unwrap();
    assert_eq!(
        (a.name.as_str(), a.status, a.segment, a.owner),
        ("Lima Foods", AccountStatus::Prospect, Some(smb), Some(ana))
    );
    let c = data.contacts.get(contact).unwrap();
    assert_eq!(
        (c.name.as_str(), c.title.as_str(), c.email.as_str(), c.account, c.primary),
        ("Ana Lima", "Buyer", "ana@lima.example", Some(account), true)
    );
    let d = data.deals.get(deal).unwrap();
    assert_eq!(
        (d.name.as_str(), d.stage, d.status, d.amount),
        ("Lima Foods", book.stages[LEAD_IN], DealStatus::Open, eur(12_000))
    );
    assert_eq!(
        (d.expected_close, d.created, d.stage_changed),
        (day("2026-09-30"), day("2026-06-01"), day("2026-06-01"))
    );
    assert_eq!((d.owner, d.lead, d.contact, d.account), (Some(ana), Some(lead), Some(contact), account));
    let l = data.leads.get(lead).unwrap();
    assert_eq!(l.status, LeadStatus::Converted);
    assert_eq!(
        (l.converted_account, l.converted_contact, l.converted_deal),
        (Some(account), Some(contact), Some(deal))
    );
    let moved = data.activities.get(call).unwrap();
    assert_eq!((moved.account, moved.contact), (Some(account), Some(contact)), "the lead's history follows it");
}

#[test]
fn a_company_only_lead_joins_an_existing_account_without_a_contact_or_deal() {
    let mut book = Book::new();
    let existing = book.account("Lima Group", None, None);
    let lead = book.lead(|l| l.name = String::new());
    let contact: ContactId = book.fx.id();
    let s = book.fx.stamp();
    let conversion = Conversion { account: AccountChoice::Existing(existing), contact, deal: None };
    let converted = convert_lead(&mut book.fx.ws, lead, conversion, s).unwrap();
    assert_eq!(converted, Converted { account: existing, contact: None, deal: None });
    assert_eq!(book.data().accounts.len(), 1);
    assert!(book.data().contacts.is_empty());
    assert_eq!(book.data().leads.get(lead).unwrap().converted_account, Some(existing));
}

#[test]
fn a_deal_from_a_lead_without_estimates_is_worth_zero_and_closes_in_thirty_days() {
    let mut book = Book::new();
    let lead = book.lead(|_| {});
    let (account, contact, deal) = (book.fx.id(), book.fx.id(), book.fx.id());
    let spec = NewDeal { id: deal, name: " Pilot ".into(), ..Default::default() };
    let conversion = Conversion { account: AccountChoice::New(account), contact, deal: Some(spec) };
    convert_lead(&mut book.fx.ws, lead, conversion, on("2026-06-01")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!((d.name.as_str(), d.amount, d.expected_close), ("Pilot", eur(0), day("2026-07-01")));
}

#[test]
fn converting_twice_a_disqualified_lead_or_into_a_missing_account_is_refused_and_writes_nothing() {
    #[track_caller]
    fn check(status: LeadStatus, existing_account: bool, expect: &str) {
        let mut book = Book::new();
        let lead = book.lead(|l| l.status = status);
        let (account, contact, deal) = (book.fx.id(), book.fx.id(), book.fx.id());
        let choice = if existing_account { AccountChoice::Existing(account) } else { AccountChoice::New(account) };
        let conversion =
            Conversion { account: choice, contact, deal: Some(NewDeal { id: deal, ..Default::default() }) };
        let s = book.fx.stamp();
        let err = convert_lead(&mut book.fx.ws, lead, conversion, s).unwrap_err();
        assert_eq!(err.to_string(), expect.replace("{account}", &account.to_string()));
        assert!(book.data().accounts.is_empty() && book.data().contacts.is_empty() && book.data().deals.is_empty());
        assert_eq!(book.data().leads.get(lead).unwrap().status, status);
    }
    check(LeadStatus::Converted, false, "This lead is already converted");
    check(LeadStatus::Disqualified, false, "A disqualified lead cannot be converted; qualify it first");
    check(LeadStatus::New, true, "accounts record {account} does not exist");
}

#[test]
fn a_conversion_that_fails_late_writes_nothing() {
    let mut book = Book::new();
    let lead = book.lead(|_| {});
    let other = book.account("Other", None, None);
    let taken = book.deal(other, LEAD_IN, eur(1), |_| {});
    let (account, contact) = (book.fx.id(), book.fx.id());
    let conversion = Conversion {
        account: AccountChoice::New(account),
        contact,
        deal: Some(NewDeal { id: taken, ..Default::default() }),
    };
    let s = book.fx.stamp();
    let err = convert_lead(&mut book.fx.ws, lead, conversion, s).unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { collection: "deals", .. }), "{err}");
    assert!(!book.data().accounts.contains(account), "the account is not made when the deal cannot be");
    assert!(book.data().contacts.is_empty());

    // Without a pipeline there is nowhere to put the deal.
    let mut bare = Fx::new();
    let lead: LeadId = bare.id();
    let s = bare.stamp();
    bare.ws.create(Lead { id: lead, company: "Lima".into(), ..Default::default() }, s).unwrap();
    let conversion = Conversion {
        account: AccountChoice::New(bare.id()),
        contact: bare.id(),
        deal: Some(NewDeal { id: bare.id(), ..Default::default() }),
    };
    let s = bare.stamp();
    assert_rejected(convert_lead(&mut bare.ws, lead, conversion, s), "There is no pipeline to put the deal in");
    assert!(bare.ws.data.accounts.is_empty());
}

#[test]
fn moving_a_deal_sets_its_status_stage_day_and_close_data() {
    let mut book = Book::new();
    let account = book.account("Acme", None, None);
    let deal = book.deal(account, LEAD_IN, eur(1_000), |d| d.probability = Some(40));

    move_deal(&mut book.fx.ws, deal, book.stages[PROPOSAL], None, on("2026-03-02")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!(
        (d.stage, d.status, d.stage_changed, d.probability),
        (book.stages[PROPOSAL], DealStatus::Open, day("2026-03-02"), None)
    );
    assert_eq!(d.probability(book.data()), 50, "the stage's probability applies once the override is dropped");

    win_deal(&mut book.fx.ws, deal, on("2026-03-20")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!((d.stage, d.status, d.closed_on), (book.stages[WON], DealStatus::Won, Some(day("2026-03-20"))));
    assert_eq!(book.data().accounts.get(account).unwrap().status, AccountStatus::Customer);

    move_deal(&mut book.fx.ws, deal, book.stages[NEGOTIATION], None, on("2026-03-21")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!((d.status, d.closed_on, d.loss_reason), (DealStatus::Open, None, None), "reopening clears the close");

    let loss = Loss { reason: LossReason::Price, competitor: " Rival Corp ".into() };
    lose_deal(&mut book.fx.ws, deal, loss, on("2026-04-01")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!((d.stage, d.status, d.closed_on), (book.stages[LOST], DealStatus::Lost, Some(day("2026-04-01"))));
    assert_eq!((d.loss_reason, d.competitor.as_str()), (Some(LossReason::Price), "Rival Corp"));
    // Dropping it on the lost column again keeps the reason and the day it was lost.
    move_deal(&mut book.fx.ws, deal, book.stages[LOST], None, on("2026-04-05")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!((d.loss_reason, d.closed_on), (Some(LossReason::Price), Some(day("2026-04-01"))));

    move_deal(&mut book.fx.ws, deal, book.stages[QUALIFIED], None, on("2026-04-02")).unwrap();
    let d = book.deal_record(deal);
    assert_eq!((d.status, d.closed_on, d.loss_reason), (DealStatus::Open, None, None));
    assert_eq!(d.competitor, "Rival Corp", "who the deal is up against stays known");
}

#[test]
fn bad_moves_are_refused_and_leave_the_deal_as_it_was() {
    let mut book = Book::new();
    let account = book.account("Acme", None, None);
    let deal = book.deal(account, QUALIFIED, eur(1_000), |_| {});
    let missing: DealId = book.fx.id();
    let foreign: StageId = book.fx.id();
    let (lost, won) = (book.stages[LOST], book.stages[WON]);
    let before = book.deal_record(deal).clone();
    let s = book.fx.stamp();
    let ws = &mut book.fx.ws;

    assert_invalid(move_deal(ws, deal, lost, None, s), "loss_reason", "Say why the deal was lost");
    assert_rejected(
        move_deal(ws, deal, won, Some(Loss::new(LossReason::Price)), s),
        "A loss reason goes only with a lost stage",
    );
    assert_rejected(move_deal(ws, deal, foreign, None, s), "That stage is not part of the deal's pipeline");
    let err = move_deal(ws, missing, won, None, s).unwrap_err();
    assert_eq!(err.to_string(), format!("deals record {missing} does not exist"));
    assert_eq!(book.deal_record(deal), &before);
}

#[test]
fn a_deal_with_lines_is_worth_their_sum() {
    let mut book = Book::new();
    let account = book.account("Acme", None, None);
    let widget = book.product("Widget", None, |p| p.price = eur(100));
    let gadget = book.product("Gadget", None, |p| p.price = eur(50));
    let deal = book.deal(account, PROPOSAL, eur(5_000), |_| {});
    let (first, second): (LineId, LineId) = (book.fx.id(), book.fx.id());
    // 3 widgets at 100.00 less 10% is 270.00; 2 gadgets at 50.00 is 100.00; together 370.00.
    let lines = BTreeMap::from([(first, line(widget, 3, eur(100), 1_000)), (second, line(gadget, 2, eur(50), 0))]);
    let s = book.fx.stamp();
    assert_eq!(set_lines(&mut book.fx.ws, deal, lines, s).unwrap(), eur(370));
    let d = book.deal_record(deal);
    assert_eq!((d.value(), d.amount, d.lines.len()), (eur(370), eur(370), 2));

    let s = book.fx.stamp();
    let none = BTreeMap::from([(first, line(widget, 0, eur(100), 0))]);
    assert_invalid(set_lines(&mut book.fx.ws, deal, none, s), "lines", "A line's quantity must be above zero");
    let dollars = BTreeMap::from([(first, line(widget, 1, Money::units(100, Currency::USD), 0))]);
    assert_invalid(set_lines(&mut book.fx.ws, deal, dollars, s), "lines", "Every line must be in the deal's currency");
    assert_eq!(book.deal_record(deal).value(), eur(370));
}

#[test]
fn logging_a_call_with_a_follow_up_files_a_done_and_an_open_activity() {
    let mut book = Book::new();
    let ana = book.person("Ana", None);
    let member: MemberId = book.fx.id();
    book.put(Member { id: member, name: "Ana".into(), person: Some(ana), ..Default::default() });
    let account = book.account("Acme", None, None);
    let contact = book.contact("Bo", account);
    let deal = book.deal(account, QUALIFIED, eur(1_000), |_| {});
    let (call, next): (ActivityId, ActivityId) = (book.fx.id(), book.fx.id());
    let stamp = Stamp { by: Some(member), ..on("2026-05-04") };
    let log = LogActivity {
        id: call,
        kind: ActivityKind::Call,
        subject: "Pricing call".into(),
        outcome: "Wants a quote".into(),
        contact: Some(contact),
        deal: Some(deal),
        follow_up: Some(FollowUp {
            id: next,
            kind: ActivityKind::Email,
            subject: "Send the quote".into(),
            due: day("2026-05-06"),
        }),
        ..Default::default()
    };
    assert_eq!(log_activity(&mut book.fx.ws, log, stamp).unwrap(), vec![call, next]);

    let done = book.data().activities.get(call).unwrap();
    assert_eq!((done.done, done.done_at, done.due), (true, Some(stamp.at), None));
    assert_eq!(
        (done.person, done.account, done.contact, done.deal),
        (Some(ana), Some(account), Some(contact), Some(deal))
    );
    assert_eq!(done.outcome, "Wants a quote");
    let open = book.data().activities.get(next).unwrap();
    assert_eq!(
        (open.kind, open.subject.as_str(), open.done, open.due),
        (ActivityKind::Email, "Send the quote", false, Some(day("2026-05-06")))
    );
    assert_eq!((open.person, open.account, open.deal), (Some(ana), Some(account), Some(deal)));
}

#[test]
fn a_badly_filed_activity_or_follow_up_is_refused_and_nothing_is_logged() {
    let mut book = Book::new();
    let acme = book.account("Acme", None, None);
    let bolt = book.account("Bolt", None, None);
    let bolt_contact = book.contact("Cy", bolt);
    let deal = book.deal(acme, QUALIFIED, eur(1_000), |_| {});
    let (call, next): (ActivityId, ActivityId) = (book.fx.id(), book.fx.id());
    let base = LogActivity { id: call, kind: ActivityKind::Visit, subject: "Visit".into(), ..Default::default() };
    let follow = FollowUp { id: next, kind: ActivityKind::Call, subject: "Call back".into(), due: day("2026-05-10") };
    let s = on("2026-05-04");
    let ws = &mut book.fx.ws;

    let wrong_deal = LogActivity { account: Some(bolt), deal: Some(deal), ..base.clone() };
    assert_invalid(log_activity(ws, wrong_deal, s), "deal", "The deal belongs to another account");
    let wrong_contact = LogActivity { deal: Some(deal), contact: Some(bolt_contact), ..base.clone() };
    assert_invalid(log_activity(ws, wrong_contact, s), "contact", "The contact works for another account");
    let blank = LogActivity { subject: " ".into(), ..base.clone() };
    assert_invalid(log_activity(ws, blank, s), "subject", "Enter what the activity is about");
    let no_subject =
        LogActivity { follow_up: Some(FollowUp { subject: String::new(), ..follow.clone() }), ..base.clone() };
    assert_invalid(log_activity(ws, no_subject, s), "follow_up_subject", "Enter what the activity is about");
    let in_the_past =
        LogActivity { follow_up: Some(FollowUp { due: day("2026-05-02"), ..follow.clone() }), ..base.clone() };
    assert_invalid(
        log_activity(ws, in_the_past, s),
        "follow_up_due",
        "A follow-up is due on the day of the activity or later",
    );
    let same_id = LogActivity { follow_up: Some(FollowUp { id: call, ..follow }), ..base };
    assert_rejected(log_activity(ws, same_id, s), "The follow-up needs an id of its own");
    assert!(book.data().activities.is_empty());
}

#[test]
fn activities_are_completed_once_and_only_open_ones_are_rescheduled() {
    let mut book = Book::new();
    let id: ActivityId = book.fx.id();
    book.put(Activity { id, subject: "Call Bo".into(), due: Some(day("2026-05-01")), ..Default::default() });
    let ws = &mut book.fx.ws;

    assert_invalid(
        reschedule_activity(ws, id, day("2026-05-02"), on("2026-05-04")),
        "due",
        "Pick today or a later day",
    );
    // A day behind UTC is still someone's today.
    reschedule_activity(ws, id, day("2026-05-03"), on("2026-05-04")).unwrap();
    reschedule_activity(ws, id, day("2026-05-11"), on("2026-05-04")).unwrap();
    assert_eq!(ws.data.activities.get(id).unwrap().due, Some(day("2026-05-11")));

    complete_activity(ws, id, on("2026-05-11")).unwrap();
    let a = ws.data.activities.get(id).unwrap();
    assert_eq!((a.done, a.done_at), (true, Some(on("2026-05-11").at)));
    assert_rejected(complete_activity(ws, id, on("2026-05-12")), "This activity is already done");
    assert_rejected(
        reschedule_activity(ws, id, day("2026-06-01"), on("2026-05-12")),
        "A done activity cannot be rescheduled",
    );
    assert_eq!(ws.data.activities.get(id).unwrap().done_at, Some(on("2026-05-11").at));
}

#[test]
fn service_cases_open_change_resolve_and_reopen() {
    let mut book = Book::new();
    let acme = book.account("Acme", None, None);
    let bolt = book.account("Bolt", None, None);
    let bolt_contact = book.contact("Cy", bolt);
    let (case, other): (ServiceCaseId, ServiceCaseId) = (book.fx.id(), book.fx.id());
    let ws = &mut book.fx.ws;
    let new = NewCase { id: case, account: acme, subject: "Broken hinge".into(), ..Default::default() };

    assert_invalid(
        open_case(ws, NewCase { id: other, contact: Some(bolt_contact), ..new.clone() }, on("2026-05-01")),
        "contact",
        "The contact works for another account",
    );
    assert_invalid(
        open_case(ws, NewCase { id: other, subject: "".into(), ..new.clone() }, on("2026-05-01")),
        "subject",
        "Enter what the case is about",
    );
    open_case(ws, new, on("2026-05-01")).unwrap();
    let c = ws.data.service_cases.get(case).unwrap();
    assert_eq!((c.status, c.opened, c.resolved), (CaseStatus::Open, day("2026-05-01"), None));

    update_case(ws, case, on("2026-05-02"), |c| c.priority = Priority::High).unwrap();
    assert_invalid(
        update_case(ws, case, on("2026-05-02"), |c| c.satisfaction = Some(4)),
        "satisfaction",
        "Satisfaction is asked once the case is resolved",
    );
    assert_invalid(resolve_case(ws, case, Some(6), on("2026-05-03")), "satisfaction", "Satisfaction is from 1 to 5");

    resolve_case(ws, case, Some(4), on("2026-05-05")).unwrap();
    let c = ws.data.service_cases.get(case).unwrap();
    assert_eq!(
        (c.status, c.priority, c.resolved, c.satisfaction),
        (CaseStatus::Resolved, Priority::High, Some(day("2026-05-05")), Some(4))
    );
    assert_rejected(resolve_case(ws, case, Some(5), on("2026-05-06")), "This case is already resolved");

    update_case(ws, case, on("2026-05-07"), |c| c.status = CaseStatus::InProgress).unwrap();
    let c = ws.data.service_cases.get(case).unwrap();
    assert_eq!(
        (c.status, c.resolved, c.satisfaction),
        (CaseStatus::InProgress, None, None),
        "reopening drops the old resolution"
    );
    update_case(ws, case, on("2026-05-09"), |c| c.status = CaseStatus::Closed).unwrap();
    assert_eq!(ws.data.service_cases.get(case).unwrap().resolved, Some(day("2026-05-09")));
}

// ---------------------------------------------------------------------------------------------
// Reports

/// The deals of the pipeline report, with 2026-06-30 as today and stale after 14 days, so
/// anything last touched before 2026-06-16 is stale.
struct PipelineBook {
    book: Book,
    ids: PipelineIds,
}

struct PipelineIds {
    ana: PersonId,
    north: OrgUnitId,
    south: OrgUnitId,
    europe: TerritoryId,
    france: TerritoryId,
    direct: ChannelId,
    d2: DealId,
    d8: DealId,
}

fn pipeline_book() -> PipelineBook {
    let mut book = Book::new();
    let sales = book.unit("Sales", None);
    let north = book.unit("North", Some(sales));
    let south = book.unit("South", Some(sales));
    let ana = book.person("Ana", Some(north));
    let ben = book.person("Ben", Some(south));
    let europe = book.territory("Europe", None);
    let france = book.territory("France", Some(europe));
    let spain = book.territory("Spain", Some(europe));
    let asia = book.territory("Asia", None);
    let direct: ChannelId = book.fx.id();
    book.put(Channel { id: direct, name: "Direct".into(), ..Default::default() });
    let acme = book.account("Acme", Some(france), None);
    let bolt = book.account("Bolt", Some(spain), None);
    let chen = book.account("Chen", Some(asia), None);
    let recent = |d: &mut Deal| {
        d.created = day("2026-06-20");
        d.stage_changed = day("2026-06-20");
    };

    // D1: fresh, in Lead in.
    book.deal(acme, LEAD_IN, eur(1_000), |d| {
        recent(d);
        d.owner = Some(ana);
        d.channel = Some(direct);
    });
    // D2: untouched since May: stale.
    let d2 = book.deal(bolt, QUALIFIED, eur(2_000), |d| {
        d.stage_changed = day("2026-05-01");
        d.owner = Some(ben);
    });
    // D3: old stage but a call on 2026-06-25 keeps it fresh; its own 50% overrides the stage's.
    let d3 = book.deal(acme, QUALIFIED, eur(4_000), |d| {
        d.stage_changed = day("2026-05-01");
        d.owner = Some(ana);
        d.probability = Some(50);
    });
    book.done_activity(Some(ana), Some(d3), ActivityKind::Call, "2026-06-25");
    // D4: moved exactly 14 days ago, which is not yet stale; a planned call does not count.
    let d4 = book.deal(chen, PROPOSAL, eur(8_000), |d| {
        d.stage_changed = day("2026-06-16");
        d.owner = Some(ben);
    });
    let planned: ActivityId = book.fx.id();
    book.put(Activity {
        id: planned,
        subject: "Planned".into(),
        deal: Some(d4),
        due: Some(day("2026-07-01")),
        ..Default::default()
    });
    // D5: won in June.
    book.deal(bolt, WON, eur(16_000), |d| {
        d.owner = Some(ana);
        d.closed_on = Some(day("2026-06-05"));
    });
    // D6: lost in March.
    book.deal(acme, LOST, eur(500), |d| {
        d.owner = Some(ben);
        d.closed_on = Some(day("2026-03-01"));
        d.loss_reason = Some(LossReason::Price);
    });
    // D7: in dollars, left out of the sums but on the board.
    book.deal(acme, NEGOTIATION, Money::units(3_000, Currency::USD), |d| {
        recent(d);
        d.owner = Some(ana);
    });
    // D8: its last activity, on 2026-06-01, is too old to keep it fresh.
    let d8 = book.deal(acme, NEGOTIATION, eur(1_200), |d| {
        d.stage_changed = day("2026-05-01");
        d.owner = Some(ana);
    });
    book.done_activity(Some(ana), Some(d8), ActivityKind::Visit, "2026-06-01");
    PipelineBook { book, ids: PipelineIds { ana, north, south, europe, france, direct, d2, d8 } }
}

#[test]
fn the_pipeline_report_totals_each_stage_and_flags_stale_deals() {
    let PipelineBook { book, ids } = pipeline_book();
    let report = pipeline_report(book.data(), book.pipeline, DealFilter::default(), day("2026-06-30")).unwrap();
    // Per column (value, weighted = value × probability):
    //   Lead in     D1 1,000 × 10% = 100
    //   Qualified   D2 2,000 × 25% = 500 and D3 4,000 × 50% (its own) = 2,000: 6,000 / 2,500
    //   Proposal    D4 8,000 × 50% = 4,000
    //   Negotiation D8 1,200 × 75% = 900; D7 is in dollars and only on the board
    //   Won         D5 16,000 × 100% = 16,000
    //   Lost        D6 500 × 0% = 0
    let rows: Vec<(&str, usize, Money, Money, usize, usize)> = report
        .stages
        .iter()
        .map(|c| (c.name.as_str(), c.totals.count, c.totals.value, c.totals.weighted, c.deals.len(), c.stale))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Lead in", 1, eur(1_000), eur(100), 1, 0),
            ("Qualified", 2, eur(6_000), eur(2_500), 2, 1),
            ("Proposal", 1, eur(8_000), eur(4_000), 1, 0),
            ("Negotiation", 1, eur(1_200), eur(900), 2, 1),
            ("Won", 1, eur(16_000), eur(16_000), 1, 0),
            ("Lost", 1, eur(500), eur(0), 1, 0),
        ]
    );
    // All columns: 7 deals, 1,000 + 6,000 + 8,000 + 1,200 + 16,000 + 500 = 32,700, weighted
    // 100 + 2,500 + 4,000 + 900 + 16,000 = 23,500. Open columns: 5 deals, 16,200, 7,500.
    assert_eq!((report.total.count, report.total.value, report.total.weighted), (7, eur(32_700), eur(23_500)));
    assert_eq!((report.open.count, report.open.value, report.open.weighted), (5, eur(16_200), eur(7_500)));
    assert_eq!(report.other_currency, 1);
    let mut stale = vec![ids.d2, ids.d8];
    stale.sort();
    assert_eq!(report.stale, stale);
    assert_eq!(report.stale_after_days, 14);
    assert!(report.orphaned.is_empty());
}

#[test]
fn the_pipeline_report_filters_by_owner_unit_territory_channel_and_close_day() {
    let PipelineBook { book, ids } = pipeline_book();
    #[track_caller]
    fn check(book: &Book, filter: DealFilter, expect: (usize, Money)) {
        let report = pipeline_report(book.data(), book.pipeline, filter, day("2026-06-30")).unwrap();
        assert_eq!((report.total.count, report.total.value), expect, "{filter:?}");
    }
    let none = DealFilter::default();
    // Ana owns D1, D3, D5, D8 (and D7 in dollars): 1,000 + 4,000 + 16,000 + 1,200.
    check(&book, DealFilter { owner: Some(ids.ana), ..none }, (4, eur(22_200)));
    // North is Ana's team; South is Ben's: D2, D4, D6 = 2,000 + 8,000 + 500.
    check(&book, DealFilter { unit: Some(ids.north), ..none }, (4, eur(22_200)));
    check(&book, DealFilter { unit: Some(ids.south), ..none }, (3, eur(10_500)));
    // Europe holds France and Spain, so only Chen's D4 (Asia) drops out: 32,700 − 8,000.
    check(&book, DealFilter { territory: Some(ids.europe), ..none }, (6, eur(24_700)));
    // France is Acme: D1, D3, D6, D8 = 1,000 + 4,000 + 500 + 1,200.
    check(&book, DealFilter { territory: Some(ids.france), ..none }, (4, eur(6_700)));
    check(&book, DealFilter { channel: Some(ids.direct), ..none }, (1, eur(1_000)));
    // Closed since June leaves out D6, lost in March: 32,700 − 500.
    check(&book, DealFilter { closed_since: Some(day("2026-06-01")), ..none }, (6, eur(32_200)));
}

#[test]
fn a_deal_is_stale_only_when_both_its_stage_and_its_activities_are_old() {
    #[track_caller]
    fn check(stage_changed: &str, last_done: Option<&str>, stale: bool) {
        let mut book = Book::new();
        let account = book.account("Acme", None, None);
        let deal = book.deal(account, QUALIFIED, eur(10), |d| d.stage_changed = day(stage_changed));
        if let Some(done) = last_done {
            book.done_activity(None, Some(deal), ActivityKind::Email, done);
        }
        let report = pipeline_report(book.data(), book.pipeline, DealFilter::default(), day("2026-06-30")).unwrap();
        assert_eq!(report.stale == vec![deal], stale, "{stage_changed} {last_done:?}");
    }
    // Today is 2026-06-30 and the threshold 14 days: touched on 2026-06-16 or later is fresh.
    check("2026-06-16", None, false);
    check("2026-06-15", None, true);
    check("2026-06-15", Some("2026-06-16"), false);
    check("2026-06-15", Some("2026-06-15"), true);
    check("2026-01-01", Some("2026-06-29"), false);
}

#[test]
fn win_loss_counts_deals_closed_in_the_period_by_reason_segment_and_competitor() {
    let mut book = Book::new();
    let smb = book.segment("Small business");
    let enterprise = book.segment("Enterprise");
    let acme = book.account("Acme", None, Some(smb));
    let bolt = book.account("Bolt", None, Some(enterprise));
    let chen = book.account("Chen", None, None);
    let won = |day_: &'static str, competitor: &'static str| {
        move |d: &mut Deal| {
            d.closed_on = Some(day(day_));
            d.competitor = competitor.into();
        }
    };
    let lost = |day_: &'static str, reason: LossReason, competitor: &'static str| {
        move |d: &mut Deal| {
            d.closed_on = Some(day(day_));
            d.loss_reason = Some(reason);
            d.competitor = competitor.into();
        }
    };
    book.deal(acme, WON, eur(10_000), won("2026-04-10", "Rival Corp"));
    book.deal(bolt, WON, eur(5_000), won("2026-05-02", ""));
    book.deal(acme, LOST, eur(4_000), lost("2026-05-20", LossReason::Price, "rival corp "));
    book.deal(chen, LOST, eur(6_000), lost("2026-06-30", LossReason::Competitor, "RIVAL  Corp"));
    book.deal(bolt, LOST, eur(1_000), lost("2026-06-01", LossReason::Price, "Zeta"));
    // Outside the quarter, in dollars, or still open: not counted.
    book.deal(acme, WON, eur(9_999), won("2026-03-31", "Zeta"));
    book.deal(acme, LOST, Money::units(2_000, Currency::USD), lost("2026-05-01", LossReason::Price, ""));
    book.deal(acme, PROPOSAL, eur(7_000), |_| {});

    let report = win_loss(book.data(), "2026-Q2".parse().unwrap());
    // Won 10,000 + 5,000; lost 4,000 + 6,000 + 1,000. By count 2 of 5 = 40.00%; by value
    // 15,000 of 26,000 = 57.692% → 5,769 basis points.
    let r = report.result;
    assert_eq!((r.won.count, r.won.value, r.lost.count, r.lost.value), (2, eur(15_000), 3, eur(11_000)));
    assert_eq!((r.win_rate_bp(), r.value_win_rate_bp()), (4_000, 5_769));
    assert_eq!(report.other_currency, 1);
    // Price: 4,000 + 1,000 over two deals; chose a competitor: 6,000.
    let reasons: Vec<(Option<LossReason>, usize, Money)> =
        report.by_reason.iter().map(|ReasonRow { reason, lost }| (*reason, lost.count, lost.value)).collect();
    assert_eq!(reasons, vec![(Some(LossReason::Price), 2, eur(5_000)), (Some(LossReason::Competitor), 1, eur(6_000))]);
    // Segments in name order, the accounts without one last.
    let segments: Vec<(&str, usize, Money, usize, Money)> = report
        .by_segment
        .iter()
        .map(|s| (s.name.as_str(), s.result.won.count, s.result.won.value, s.result.lost.count, s.result.lost.value))
        .collect();
    assert_eq!(
        segments,
        vec![
            ("Enterprise", 1, eur(5_000), 1, eur(1_000)),
            ("Small business", 1, eur(10_000), 1, eur(4_000)),
            ("No segment", 0, eur(0), 1, eur(6_000)),
        ]
    );
    // "Rival Corp", "rival corp " and "RIVAL  Corp" are one competitor, spelled as first seen;
    // most deals lost to first.
    let competitors: Vec<(&str, usize, usize, Money)> = report
        .by_competitor
        .iter()
        .map(|c| (c.competitor.as_str(), c.result.won.count, c.result.lost.count, c.result.lost.value))
        .collect();
    assert_eq!(
        competitors,
        vec![("Rival Corp", 1, 2, eur(10_000)), ("Zeta", 0, 1, eur(1_000)), ("unknown", 1, 0, eur(0))]
    );
}

#[test]
fn competitor_names_group_ignoring_case_and_spacing() {
    #[track_caller]
    fn check(name: &str, expect: &str) {
        assert_eq!(competitor_key(name), expect, "{name:?}");
    }
    check("Rival Corp", "rival corp");
    check("  RIVAL\tcorp ", "rival corp");
    check("", "unknown");
    check("   ", "unknown");
    check("Unknown", "unknown");
}

#[test]
fn sales_growth_compares_each_period_with_the_one_before_and_a_year_earlier() {
    let mut book = Book::new();
    let ana = book.person("Ana", None);
    let ben = book.person("Ben", None);
    let acme = book.account("Acme", None, None);
    let mut won = |closed: &str, value: i64, owner: PersonId| {
        book.deal(acme, WON, eur(value), |d| {
            d.closed_on = Some(day(closed));
            d.owner = Some(owner);
        });
    };
    won("2025-02-10", 4_000, ana);
    won("2025-05-10", 5_000, ben);
    won("2025-11-10", 8_000, ben);
    won("2026-01-15", 6_000, ana);
    won("2026-03-20", 4_000, ben);
    won("2026-04-02", 12_000, ana);
    won("2026-06-30", 3_000, ben);
    book.deal(acme, LOST, eur(50_000), |d| {
        d.closed_on = Some(day("2026-05-01"));
        d.loss_reason = Some(LossReason::Price);
    });

    let q2: Period = "2026-Q2".parse().unwrap();
    let growth = sales_growth(book.data(), q2, 2, Subject::Company);
    // Q1 2026: 6,000 + 4,000 = 10,000 against Q4 2025's 8,000 (+25%) and Q1 2025's 4,000 (+150%).
    // Q2 2026: 12,000 + 3,000 = 15,000 against 10,000 (+50%) and Q2 2025's 5,000 (+200%).
    let rows: Vec<_> = growth
        .rows
        .iter()
        .map(|r| (r.period.to_string(), r.revenue, r.deals, r.growth_bp, r.year_over_year_bp))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026-Q1".to_string(), eur(10_000), 2, Some(2_500), Some(15_000)),
            ("2026-Q2".to_string(), eur(15_000), 2, Some(5_000), Some(20_000)),
        ]
    );
    assert_eq!((growth.rows[0].previous, growth.rows[0].year_earlier), (eur(8_000), eur(4_000)));

    // Ana alone: Q1 2026 6,000 against nothing in Q4 2025 (no rate) and 4,000 a year earlier
    // (+50%); Q2 2026 12,000 against 6,000 (+100%) and nothing in Q2 2025.
    let ana_growth = sales_growth(book.data(), q2, 2, Subject::Person(ana));
    let rows: Vec<(Money, Option<i64>, Option<i64>)> =
        ana_growth.rows.iter().map(|r| (r.revenue, r.growth_bp, r.year_over_year_bp)).collect();
    assert_eq!(rows, vec![(eur(6_000), None, Some(5_000)), (eur(12_000), Some(10_000), None)]);

    // By month, June 2026 holds only the 3,000 won on its last day, against nothing in May.
    let june = sales_growth(book.data(), "2026-06".parse().unwrap(), 1, Subject::Company);
    assert_eq!((june.rows[0].revenue, june.rows[0].growth_bp), (eur(3_000), None));
}

#[test]
fn productivity_sums_each_persons_period_and_the_team() {
    let mut book = Book::new();
    let sales = book.unit("Sales", None);
    let north = book.unit("North", Some(sales));
    let south = book.unit("South", Some(sales));
    let ana = book.person("Ana", Some(north));
    let ben = book.person("Ben", Some(south));
    let dee = book.person("Dee", Some(south));
    book.fx.ws.modify::<Person>(dee, on("2026-01-01"), |p| p.active = false).unwrap();
    let acme = book.account("Acme", None, None);

    // Ana: two calls and a visit in the quarter; a call in March and a planned call do not count.
    book.done_activity(Some(ana), None, ActivityKind::Call, "2026-04-03");
    book.done_activity(Some(ana), None, ActivityKind::Call, "2026-06-30");
    book.done_activity(Some(ana), None, ActivityKind::Visit, "2026-05-05");
    book.done_activity(Some(ana), None, ActivityKind::Call, "2026-03-31");
    let planned: ActivityId = book.fx.id();
    book.put(Activity {
        id: planned,
        subject: "Later".into(),
        person: Some(ana),
        due: Some(day("2026-05-01")),
        ..Default::default()
    });
    // Ana's deals: won 10,000 after 30 days (04-01 → 05-01), lost one, won 6,000 after 100 days
    // (01-10 → 04-20: 21 + 28 + 31 + 20), and one open 3,000 created in March.
    let owned = |owner: PersonId, created: &'static str, closed: Option<&'static str>| {
        move |d: &mut Deal| {
            d.owner = Some(owner);
            d.created = day(created);
            d.closed_on = closed.map(day);
            if d.status == DealStatus::Lost {
                d.loss_reason = Some(LossReason::Timing);
            }
        }
    };
    book.deal(acme, WON, eur(10_000), owned(ana, "2026-04-01", Some("2026-05-01")));
    book.deal(acme, LOST, eur(2_000), owned(ana, "2026-04-15", Some("2026-06-01")));
    book.deal(acme, WON, eur(6_000), owned(ana, "2026-01-10", Some("2026-04-20")));
    book.deal(acme, PROPOSAL, eur(3_000), owned(ana, "2026-03-01", None));
    // Four of Ana's leads come in during the quarter and one is converted; one came in March.
    for (created, status) in [
        ("2026-04-01", LeadStatus::Converted),
        ("2026-04-02", LeadStatus::New),
        ("2026-05-02", LeadStatus::Qualified),
        ("2026-06-02", LeadStatus::Disqualified),
        ("2026-03-02", LeadStatus::Converted),
    ] {
        book.lead(|l| {
            l.owner = Some(ana);
            l.created = day(created);
            l.status = status;
        });
    }
    // Ben: an email, a deal won after 30 days (05-10 → 06-09) and one open.
    book.done_activity(Some(ben), None, ActivityKind::Email, "2026-05-05");
    book.deal(acme, WON, eur(4_000), owned(ben, "2026-05-10", Some("2026-06-09")));
    book.deal(acme, QUALIFIED, eur(7_000), owned(ben, "2026-05-20", None));

    let q2: Period = "2026-Q2".parse().unwrap();
    let report = productivity(book.data(), q2, None);
    let names: Vec<&str> = report.people.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["Ana", "Ben"], "most won first; inactive Dee has no figures");

    let a = &report.people[0].figures;
    assert_eq!(a.activities, BTreeMap::from([(ActivityKind::Call, 2), (ActivityKind::Visit, 1)]));
    assert_eq!((a.deals_created, a.won, a.won_value, a.lost), (2, 2, eur(16_000), 1));
    // 2 won of 3 closed = 66.67%; 1 of 4 leads = 25%; (30 + 100) / 2 = 65 days.
    assert_eq!((a.win_rate_bp(), a.leads, a.leads_converted, a.conversion_bp()), (6_667, 4, 1, 2_500));
    assert_eq!((a.average_cycle_days(), a.open, a.open_value), (Some(65), 1, eur(3_000)));

    let b = &report.people[1].figures;
    assert_eq!(
        (b.activities_done(), b.deals_created, b.won, b.won_value, b.win_rate_bp()),
        (1, 2, 1, eur(4_000), 10_000)
    );
    assert_eq!((b.average_cycle_days(), b.open_value, b.conversion_bp()), (Some(30), eur(7_000), 0));

    // The team: 4 activities, 4 created, 3 won for 20,000 of 4 closed (75%), 1 of 4 leads,
    // (30 + 100 + 30) / 3 = 53.3 → 53 days, 2 open for 10,000.
    let t = &report.team;
    assert_eq!(
        (t.activities_done(), t.deals_created, t.won, t.won_value, t.win_rate_bp()),
        (4, 4, 3, eur(20_000), 7_500)
    );
    assert_eq!((t.conversion_bp(), t.average_cycle_days(), t.open, t.open_value), (2_500, Some(53), 2, eur(10_000)));

    // North is Ana alone.
    let north_report = productivity(book.data(), q2, Some(north));
    assert_eq!(north_report.people.len(), 1);
    assert_eq!(north_report.team, report.people[0].figures);
}

#[test]
fn products_rank_by_revenue_margin_growth_pipeline_and_priority() {
    let mut book = Book::new();
    let core: ProductCategoryId = book.fx.id();
    book.put(ProductCategory { id: core, name: "Core".into(), priority: 1, ..Default::default() });
    let extras: ProductCategoryId = book.fx.id();
    book.put(ProductCategory { id: extras, name: "Extras".into(), priority: 5, ..Default::default() });
    let widget = book.product("Widget", Some(core), |p| p.unit_cost = Some(eur(60)));
    let gadget = book.product("Gadget", Some(extras), |p| p.priority = Some(2));
    let gizmo = book.product("Gizmo", Some(extras), |p| p.unit_cost = Some(eur(10)));
    book.product("Old thing", None, |p| p.active = false);
    let acme = book.account("Acme", None, None);
    let mut with_lines = |stage: usize, closed: Option<&str>, lines: Vec<(ProductId, i64, i64, i64)>| {
        let items: BTreeMap<LineId, _> =
            lines.into_iter().map(|(p, q, price, disc)| (book.fx.id(), line(p, q, eur(price), disc))).collect();
        let closed = closed.map(day);
        book.deal(acme, stage, eur(0), |d| {
            d.lines = items;
            d.closed_on = closed;
            d.loss_reason = (stage == LOST).then_some(LossReason::Price);
        });
    };
    // Won in Q2: 10 widgets at 100 (1,000) and 2 gadgets at 500 (1,000); 10 widgets at 100 less
    // 10% (900). Won in Q1: 5 widgets (500) and 4 gadgets (2,000). Open: 20 gizmos at 50 (1,000)
    // and a widget (100). Lost in Q2: 100 gadgets, which count for nothing.
    with_lines(WON, Some("2026-04-10"), vec![(widget, 10, 100, 0), (gadget, 2, 500, 0)]);
    with_lines(WON, Some("2026-05-10"), vec![(widget, 10, 100, 1_000)]);
    with_lines(WON, Some("2026-02-10"), vec![(widget, 5, 100, 0), (gadget, 4, 500, 0)]);
    with_lines(PROPOSAL, None, vec![(gizmo, 20, 50, 0), (widget, 1, 100, 0)]);
    with_lines(LOST, Some("2026-05-01"), vec![(gadget, 100, 500, 0)]);

    let report = product_priority(book.data(), "2026-Q2".parse().unwrap());
    let ranked: Vec<(&str, usize, i64)> = report.products.iter().map(|r| (r.name.as_str(), r.rank, r.score)).collect();
    // Parts (revenue, margin, growth, pipeline, priority), weighted 35/15/20/15/15:
    // Widget: 1,900 is the top revenue → 10,000; margin 1,900 − 20 × 60 = 700 → 3,684 bp;
    //   growth from 500 is +280%, capped → 10,000; pipeline 100 of 1,000 → 1,000; priority 1 →
    //   10,000. (350,000 + 55,260 + 200,000 + 15,000 + 150,000) / 100 = 7,702.6 → 7,703.
    // Gadget: 1,000 of 1,900 → 5,263; no cost → 5,000; −50% → 2,500; no pipeline → 0; its own
    //   priority 2 → 9,000. (184,205 + 75,000 + 50,000 + 0 + 135,000) / 100 = 4,442.05 → 4,442.
    // Gizmo: no sales → 0; no margin rate → 5,000; no sales either period → 5,000; the top
    //   pipeline → 10,000; category priority 5 → 6,000. (0 + 75,000 + 100,000 + 150,000 +
    //   90,000) / 100 = 4,150.
    // The inactive product with no sales is not listed.
    assert_eq!(ranked, vec![("Widget", 1, 7_703), ("Gadget", 2, 4_442), ("Gizmo", 3, 4_150)]);
    let w = &report.products[0];
    assert_eq!((w.revenue, w.units, w.margin, w.margin_bp), (eur(1_900), 20, Some(eur(700)), Some(3_684)));
    assert_eq!(
        (w.previous_revenue, w.growth_bp, w.open_pipeline, w.priority),
        (eur(500), Some(28_000), eur(100), Some(1))
    );
    let g = &report.products[1];
    assert_eq!((g.revenue, g.units, g.margin, g.growth_bp, g.priority), (eur(1_000), 2, None, Some(-5_000), Some(2)));
    let z = &report.products[2];
    assert_eq!(
        (z.revenue, z.margin, z.margin_bp, z.growth_bp, z.open_pipeline, z.priority),
        (eur(0), Some(eur(0)), None, None, eur(1_000), Some(5))
    );
}

// ---------------------------------------------------------------------------------------------
// Concurrent edits: two devices edit one record, then sync both ways.

#[test]
fn concurrent_edits_of_a_lead_merge() {
    let mut a = Book::new();
    let lead = a.lead(|_| {});
    let mut b = a.fork(2);
    let (sa, sb) = (a.fx.stamp(), b.fx.stamp());
    a.fx.ws.modify::<Lead>(lead, sa, |l| l.phone = "+351 1".into()).unwrap();
    b.fx.ws.modify::<Lead>(lead, sb, |l| l.status = LeadStatus::Qualified).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let l = book.data().leads.get(lead).unwrap();
        assert_eq!((l.phone.as_str(), l.status), ("+351 1", LeadStatus::Qualified));
    }

    let (sa, sb) = (a.fx.stamp(), b.fx.stamp());
    a.fx.ws.modify::<Lead>(lead, sa, |l| l.title = "Buyer".into()).unwrap();
    b.fx.ws.modify::<Lead>(lead, sb, |l| l.title = "Owner".into()).unwrap();
    a.sync(&mut b);
    let title = &a.data().leads.get(lead).unwrap().title;
    assert!(title == "Buyer" || title == "Owner");
    assert_eq!(a.data().leads.get(lead), b.data().leads.get(lead));
}

#[test]
fn a_lead_converted_on_one_device_while_edited_on_another_keeps_both() {
    let mut a = Book::new();
    let lead = a.lead(|_| {});
    let mut b = a.fork(2);
    let (account, contact) = (a.fx.id(), a.fx.id());
    let conversion = Conversion { account: AccountChoice::New(account), contact, deal: None };
    let sa = a.fx.stamp();
    convert_lead(&mut a.fx.ws, lead, conversion, sa).unwrap();
    let sb = b.fx.stamp();
    b.fx.ws.modify::<Lead>(lead, sb, |l| l.notes = "Met at the fair".into()).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let l = book.data().leads.get(lead).unwrap();
        assert_eq!(
            (l.status, l.converted_account, l.notes.as_str()),
            (LeadStatus::Converted, Some(account), "Met at the fair")
        );
        assert_eq!(book.data().contacts.get(contact).unwrap().account, Some(account));
    }
}

#[test]
fn concurrent_edits_of_an_account_and_a_contact_merge() {
    let mut a = Book::new();
    let account = a.account("Acme", None, None);
    let contact = a.contact("Bo", account);
    let deal = a.deal(account, NEGOTIATION, eur(100), |_| {});
    let mut b = a.fork(2);
    // Winning the deal makes the account a customer while the other device edits its city.
    let sa = a.fx.stamp();
    win_deal(&mut a.fx.ws, deal, sa).unwrap();
    let sb = b.fx.stamp();
    b.fx.ws.modify::<Account>(account, sb, |x| x.city = "Lyon".into()).unwrap();
    let (sa, sb) = (a.fx.stamp(), b.fx.stamp());
    a.fx.ws.modify::<Contact>(contact, sa, |c| c.phone = "+33 1".into()).unwrap();
    b.fx.ws.modify::<Contact>(contact, sb, |c| c.title = "Buyer".into()).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let x = book.data().accounts.get(account).unwrap();
        assert_eq!((x.status, x.city.as_str()), (AccountStatus::Customer, "Lyon"));
        let c = book.data().contacts.get(contact).unwrap();
        assert_eq!((c.phone.as_str(), c.title.as_str()), ("+33 1", "Buyer"));
    }

    let (sa, sb) = (a.fx.stamp(), b.fx.stamp());
    a.fx.ws.modify::<Contact>(contact, sa, |c| c.email = "bo@a.example".into()).unwrap();
    b.fx.ws.modify::<Contact>(contact, sb, |c| c.email = "bo@b.example".into()).unwrap();
    a.sync(&mut b);
    assert_eq!(a.data().contacts.get(contact), b.data().contacts.get(contact));
}

#[test]
fn a_deal_moved_on_one_device_while_its_lines_change_on_another_keeps_both() {
    let mut a = Book::new();
    let account = a.account("Acme", None, None);
    let widget = a.product("Widget", None, |_| {});
    let deal = a.deal(account, QUALIFIED, eur(100), |_| {});
    let mut b = a.fork(2);
    move_deal(&mut a.fx.ws, deal, a.stages[PROPOSAL], None, on("2026-05-01")).unwrap();
    let item: LineId = b.fx.id();
    set_lines(&mut b.fx.ws, deal, BTreeMap::from([(item, line(widget, 4, eur(30), 0))]), on("2026-05-01")).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let d = book.deal_record(deal);
        assert_eq!((d.stage, d.stage_changed, d.value()), (book.stages[PROPOSAL], day("2026-05-01"), eur(120)));
        assert_eq!(d.lines.len(), 1);
    }

    // Both move it to different stages: they settle on the same one, with a status to match.
    move_deal(&mut a.fx.ws, deal, a.stages[NEGOTIATION], None, on("2026-05-02")).unwrap();
    move_deal(&mut b.fx.ws, deal, b.stages[LEAD_IN], None, on("2026-05-02")).unwrap();
    a.sync(&mut b);
    let d = a.deal_record(deal);
    assert!([a.stages[NEGOTIATION], a.stages[LEAD_IN]].contains(&d.stage));
    assert_eq!(d.status, DealStatus::Open);
    assert_eq!(a.deal_record(deal), b.deal_record(deal));
}

#[test]
fn an_activity_completed_on_one_device_and_rescheduled_on_another_keeps_both() {
    let mut a = Book::new();
    let id: ActivityId = a.fx.id();
    a.put(Activity { id, subject: "Call".into(), due: Some(day("2026-05-04")), ..Default::default() });
    let mut b = a.fork(2);
    complete_activity(&mut a.fx.ws, id, on("2026-05-04")).unwrap();
    reschedule_activity(&mut b.fx.ws, id, day("2026-05-08"), on("2026-05-04")).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let x = book.data().activities.get(id).unwrap();
        assert_eq!((x.done, x.due), (true, Some(day("2026-05-08"))));
    }

    let mut a2 = Book::new();
    let id: ActivityId = a2.fx.id();
    a2.put(Activity { id, subject: "Call".into(), due: Some(day("2026-05-04")), ..Default::default() });
    let mut b2 = a2.fork(2);
    reschedule_activity(&mut a2.fx.ws, id, day("2026-05-06"), on("2026-05-04")).unwrap();
    reschedule_activity(&mut b2.fx.ws, id, day("2026-05-07"), on("2026-05-04")).unwrap();
    a2.sync(&mut b2);
    let due = a2.data().activities.get(id).unwrap().due;
    assert!(due == Some(day("2026-05-06")) || due == Some(day("2026-05-07")));
    assert_eq!(a2.data().activities.get(id), b2.data().activities.get(id));
}

#[test]
fn a_service_case_resolved_on_one_device_while_reprioritised_on_another_keeps_both() {
    let mut a = Book::new();
    let account = a.account("Acme", None, None);
    let case: ServiceCaseId = a.fx.id();
    open_case(
        &mut a.fx.ws,
        NewCase { id: case, account, subject: "Leak".into(), ..Default::default() },
        on("2026-05-01"),
    )
    .unwrap();
    let mut b = a.fork(2);
    resolve_case(&mut a.fx.ws, case, Some(5), on("2026-05-03")).unwrap();
    update_case(&mut b.fx.ws, case, on("2026-05-02"), |c| c.priority = Priority::Urgent).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let c = book.data().service_cases.get(case).unwrap();
        assert_eq!((c.status, c.satisfaction, c.priority), (CaseStatus::Resolved, Some(5), Priority::Urgent));
    }

    update_case(&mut a.fx.ws, case, on("2026-05-04"), |c| c.subject = "Leak in pump".into()).unwrap();
    update_case(&mut b.fx.ws, case, on("2026-05-04"), |c| c.subject = "Pump leak".into()).unwrap();
    a.sync(&mut b);
    let subject = a.data().service_cases.get(case).unwrap().subject.clone();
    assert!(subject == "Leak in pump" || subject == "Pump leak");
    assert_eq!(a.data().service_cases.get(case), b.data().service_cases.get(case));
}

#[test]
fn concurrent_edits_of_a_pipelines_stages_merge() {
    let mut a = Book::new();
    let mut b = a.fork(2);
    let (pipeline, proposal, lost) = (a.pipeline, a.stages[PROPOSAL], a.stages[LOST]);
    let (sa, sb) = (a.fx.stamp(), b.fx.stamp());
    a.fx.ws.modify::<Pipeline>(pipeline, sa, |p| p.stages.get_mut(&proposal).unwrap().name = "Quote".into()).unwrap();
    b.fx.ws.modify::<Pipeline>(pipeline, sb, |p| p.stages.get_mut(&proposal).unwrap().probability = 40).unwrap();
    let sb = b.fx.stamp();
    b.fx.ws.modify::<Pipeline>(pipeline, sb, |p| p.stages.get_mut(&lost).unwrap().name = "Gone".into()).unwrap();
    a.sync(&mut b);
    for book in [&a, &b] {
        let p = book.data().pipelines.get(pipeline).unwrap();
        let stage = &p.stages[&proposal];
        assert_eq!((stage.name.as_str(), stage.probability, p.stages[&lost].name.as_str()), ("Quote", 40, "Gone"));
    }

    let (sa, sb) = (a.fx.stamp(), b.fx.stamp());
    a.fx.ws.modify::<Pipeline>(pipeline, sa, |p| p.name = "Direct sales".into()).unwrap();
    b.fx.ws.modify::<Pipeline>(pipeline, sb, |p| p.name = "Field sales".into()).unwrap();
    a.sync(&mut b);
    assert_eq!(a.data().pipelines.get(pipeline), b.data().pipelines.get(pipeline));
}
