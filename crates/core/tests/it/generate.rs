//! Generated workspaces and the bulk path: the sample is valid and coherent, batches are all or
//! nothing, and the committed sample documents of the first schema still load.

use std::collections::BTreeSet;

use quota_core::account::{Account, AccountId, Contact};
use quota_core::date::{Date, Period};
use quota_core::deal::DealStatus;
use quota_core::error::Error;
use quota_core::generate::{self, SAMPLE, Size};
use quota_core::lead::LeadStatus;
use quota_core::management::{HiringStage, Metric, Subject};
use quota_core::org::{Territory, TerritoryId};
use quota_core::settings::StageKind;
use quota_core::workspace::{BatchError, Op};
use quota_core::{Collection, DocName, Workspace};

use crate::support::{Fx, KEY};

fn today() -> Date {
    "2026-11-26".parse().unwrap()
}

fn sample(seed: u64) -> Workspace {
    let mut ws = Workspace::new(KEY, [1; 16]);
    generate::sample(&mut ws, seed, today()).unwrap();
    ws
}

/// Every document of `ws` saved and loaded again into a new workspace.
fn reloaded(ws: &Workspace) -> Workspace {
    let mut copy = Workspace::new(KEY, [2; 16]);
    for name in ws.loaded().collect::<Vec<_>>() {
        let (bytes, _) = ws.snapshot(name).unwrap();
        let report = copy.load(name, [("snapshot", bytes.as_slice())], true);
        assert!(report.skipped.is_empty() && report.unreadable.is_empty(), "{name}: {report:?}");
    }
    copy
}

#[test]
fn the_sample_has_records_in_every_collection() {
    let ws = sample(1);
    for (collection, count) in ws.data.counts() {
        assert!(count > 0, "{collection} is empty");
    }
    let total: usize = ws.data.counts().iter().map(|c| c.1).sum();
    assert!((800..3_000).contains(&total), "{total} records");
}

#[test]
fn the_sample_shows_every_state_a_page_can_show() {
    let ws = sample(1);
    let data = &ws.data;
    let today = today();

    let pipeline = data.pipelines.iter().next().unwrap();
    let names: Vec<&str> = pipeline.ordered_stages().iter().map(|(_, s)| s.name.as_str()).collect();
    assert_eq!(names, ["Lead in", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]);
    for (stage, _) in pipeline.ordered_stages() {
        assert!(data.deals.iter().any(|d| d.stage == stage), "no deal in stage {stage:?}");
    }
    for deal in data.deals.iter() {
        let kind = pipeline.stages[&deal.stage].kind;
        assert_eq!(kind == StageKind::Won, deal.status == DealStatus::Won);
        assert!(deal.created <= today, "deals are not created in the future");
        if let Some(closed) = deal.closed_on {
            assert!(deal.created <= closed && closed < today);
        }
    }
    assert!(data.deals.iter().any(|d| d.status == DealStatus::Lost && !d.competitor.is_empty()));
    assert!(data.deals.iter().any(|d| d.status == DealStatus::Open && d.expected_close < today), "overdue deal");

    for status in LeadStatus::ALL {
        assert!(data.leads.iter().any(|l| l.status == *status), "no {status} lead");
    }
    for lead in data.leads.iter().filter(|l| l.status == LeadStatus::Converted) {
        let deal = data.deals.get(lead.converted_deal.unwrap()).unwrap();
        assert_eq!(deal.lead, Some(lead.id), "a converted lead and its deal point at each other");
    }
    for stage in HiringStage::ALL {
        assert!(data.candidates.iter().any(|c| c.stage == *stage), "no candidate {stage}");
    }
    let hired = data.candidates.iter().find_map(|c| c.hired_as).expect("a hired candidate became a person");
    let (done, total) = data.people.get(hired).unwrap().onboarding_progress();
    assert!(done > 0 && done < total, "the newest hire is part way through onboarding");

    let open: Vec<_> = data.activities.iter().filter(|a| !a.done).collect();
    assert!(open.iter().any(|a| a.due == Some(today)), "something is due today");
    assert!(open.iter().any(|a| a.is_overdue(today)), "something is overdue");
    assert!(open.iter().any(|a| a.due.is_some_and(|d| d > today)), "something is coming up");
    assert!(data.activities.iter().all(|a| !a.done || a.done_at.is_some_and(|t| t.date() < today)));

    let overdue_unpaid = data.invoices.iter().filter(|i| i.due < today).any(|i| {
        let paid: i64 = data.payments.iter().filter(|p| p.invoice == Some(i.id)).map(|p| p.amount.minor).sum();
        paid == 0
    });
    let partly_paid = data.invoices.iter().any(|i| {
        let paid: i64 = data.payments.iter().filter(|p| p.invoice == Some(i.id)).map(|p| p.amount.minor).sum();
        paid > 0 && paid < i.amount.minor
    });
    assert!(overdue_unpaid && partly_paid);
    assert!(data.payments.iter().all(|p| p.date <= today), "no payment is dated in the future");

    for year in [2025, 2026] {
        let period = Period::Year { year };
        let kinds: BTreeSet<&str> = data
            .targets
            .iter()
            .filter(|t| t.period == period && t.metric == Metric::Revenue)
            .map(|t| t.subject.kind())
            .collect();
        for kind in ["company", "person", "unit", "territory", "channel", "partner", "product"] {
            assert!(kinds.contains(kind), "no {kind} revenue target for {year}");
        }
    }
    assert!(data.targets.iter().any(|t| matches!(t.subject, Subject::Person(_)) && t.metric == Metric::Activities));
    assert!(data.accounts.iter().any(|a| a.partner.is_some()), "some accounts are served by partners");
    assert!(data.niches.iter().any(|n| n.role == quota_core::market::NicheRole::Strategic));
    assert!(data.niches.iter().any(|n| n.role == quota_core::market::NicheRole::Supporting));
    assert_eq!(data.price_lists.len(), 3, "one price list per price category");
}

#[test]
fn the_same_seed_makes_the_same_workspace_and_another_seed_another() {
    let a = sample(7);
    assert_eq!(sample(7).data, a.data);
    assert_ne!(sample(8).data, a.data);
}

#[test]
fn sample_records_each_have_their_own_history() {
    let ws = sample(1);
    let deal = ws.data.deals.iter().next().unwrap();
    let history = ws.history::<quota_core::deal::Deal>(deal.id);
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].op, Op::Create);
    assert!(history[0].by.is_some(), "the sample is made by its first member");
}

#[test]
fn written_in_batches_the_sample_is_the_same_and_reads_back_from_its_documents() {
    // The bulk path builds each record's tree in memory instead of writing field by field; the
    // documents it writes must read back as exactly the records given.
    let mut batched = Workspace::new(KEY, [1; 16]);
    generate::sized(&mut batched, 1, today(), &SAMPLE).unwrap();
    assert_eq!(batched.data, sample(1).data);
    assert_eq!(reloaded(&batched).data, batched.data);
}

#[test]
fn a_larger_workspace_stretches_every_list_of_names_and_stays_valid() {
    let size = Size {
        people: 40,
        teams: 5,
        regions: 7,
        territories: 60,
        products: 230,
        accounts: 300,
        contacts: 600,
        leads: 100,
        deals: 600,
        activities: 2_000,
        partners: 30,
        service_cases: 40,
        communications: 60,
        invoice_months: 12,
        invoiced_partners: 20,
        candidates: 14,
        trainings: 30,
        history_days: 730,
    };
    let mut ws = Workspace::new(KEY, [1; 16]);
    generate::sized(&mut ws, 3, today(), &size).unwrap();
    let data = &ws.data;
    assert_eq!(data.accounts.len(), 300);
    assert_eq!(data.contacts.len(), 600);
    assert_eq!(data.territories.len(), 60);
    assert_eq!(data.people.len(), 40);
    let skus: BTreeSet<&str> = data.products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus.len(), 230, "every SKU is unique");
    let names: BTreeSet<&str> = data.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names.len(), 300, "every account name is unique");
    assert!(data.deals.iter().all(|d| d.lines.len() <= 3));
}

#[test]
fn imported_accounts_refer_to_what_the_workspace_holds() {
    let mut ws = sample(1);
    let accounts = generate::import_accounts(&ws.data, 5, today(), 250);
    let stamp = quota_core::Stamp::new(today().start(), None);
    ws.create_batch(accounts.clone(), stamp).unwrap();
    for account in &accounts {
        assert_eq!(ws.data.accounts.get(account.id), Some(account));
    }
}

fn territory(fx: &mut Fx, name: &str, parent: Option<TerritoryId>) -> Territory {
    Territory { id: fx.id(), name: name.into(), parent, ..Default::default() }
}

#[test]
fn a_batch_may_refer_to_records_earlier_in_the_same_batch() {
    let mut fx = Fx::new();
    let country = territory(&mut fx, "Germany", None);
    let region = territory(&mut fx, "North", Some(country.id));
    let city = territory(&mut fx, "Hamburg", Some(region.id));
    let stamp = fx.stamp();
    fx.ws.create_batch(vec![country, region, city.clone()], stamp).unwrap();
    assert_eq!(fx.ws.data.territories.get(city.id), Some(&city));
}

#[test]
fn a_batch_with_bad_records_names_each_one_and_writes_nothing() {
    let mut fx = Fx::new();
    let existing = fx.account("Already here");
    let mut accounts: Vec<Account> =
        (0..6).map(|i| Account { id: fx.id(), name: format!("Account {i}"), ..Default::default() }).collect();
    accounts[2].name = " ".into();
    accounts[4].email = "not-an-email".into();
    accounts[5].id = existing;
    let before: Vec<DocName> = fx.ws.unsaved().collect();
    let stamp = fx.stamp();

    let Err(BatchError::Rejected(rejected)) = fx.ws.create_batch(accounts.clone(), stamp) else {
        panic!("expected the batch to be rejected")
    };
    let found: Vec<(usize, Option<&str>)> = rejected
        .iter()
        .map(|r| match &r.error {
            Error::Invalid(invalid) => (r.index, invalid.0.first().map(|p| p.field)),
            Error::AlreadyExists { .. } => (r.index, None),
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(found, vec![(2, Some("name")), (4, Some("email")), (5, None)]);
    assert_eq!(rejected[0].id, accounts[2].id.to_string());
    assert!(rejected[0].to_string().starts_with("record 3 ("), "{}", rejected[0]);

    assert_eq!(fx.ws.data.accounts.len(), 1, "the valid records of the batch are not kept either");
    assert_eq!(fx.ws.unsaved().collect::<Vec<_>>(), before, "no document was changed");

    // Dropping the rejected rows and trying again imports the rest.
    let good: Vec<Account> =
        accounts.into_iter().enumerate().filter(|(i, _)| ![2, 4, 5].contains(i)).map(|a| a.1).collect();
    let stamp = fx.stamp();
    fx.ws.create_batch(good, stamp).unwrap();
    assert_eq!(fx.ws.data.accounts.len(), 4);
}

#[test]
fn a_batch_that_refers_to_a_rejected_record_is_rejected_too() {
    let mut fx = Fx::new();
    let country = Territory { name: String::new(), ..territory(&mut fx, "", None) };
    let region = territory(&mut fx, "North", Some(country.id));
    let stamp = fx.stamp();
    let Err(BatchError::Rejected(rejected)) = fx.ws.create_batch(vec![country, region], stamp) else {
        panic!("expected the batch to be rejected")
    };
    let indexes: Vec<usize> = rejected.iter().map(|r| r.index).collect();
    assert_eq!(indexes, vec![0, 1]);
    assert!(fx.ws.data.territories.is_empty());
}

#[test]
fn a_batch_makes_one_change_per_document_and_history_still_shows_each_creation() {
    let mut fx = Fx::new();
    let accounts: Vec<Account> =
        (0..40).map(|i| Account { id: fx.id(), name: format!("Account {i}"), ..Default::default() }).collect();
    let contacts: Vec<Contact> = accounts
        .iter()
        .map(|a| Contact {
            id: fx.id(),
            account: Some(a.id),
            name: format!("Contact of {}", a.name),
            ..Default::default()
        })
        .collect();
    let stamp = fx.stamp();
    fx.ws.create_batch(accounts.clone(), stamp).unwrap();
    fx.ws.create_batch(contacts, stamp).unwrap();

    for shard in 0..Collection::Accounts.shards() {
        let doc = fx.ws.doc(DocName::live(Collection::Accounts, shard)).unwrap();
        let messages: Vec<String> =
            doc.get_changes_meta(&[]).iter().map(|m| m.message.as_deref().unwrap_or("").to_string()).collect();
        let in_shard = accounts.iter().filter(|a| Workspace::doc_of::<Account>(a.id).shard == shard).count();
        assert_eq!(messages, vec![format!("import accounts/* by=- count={in_shard}")]);
    }

    let id: AccountId = accounts[7].id;
    let history = fx.ws.history::<Account>(id);
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].op, history[0].at), (Op::Create, stamp.at));
    let stamp = fx.stamp();
    fx.ws.modify::<Account>(id, stamp, |a| a.city = "Bremen".into()).unwrap();
    let ops: Vec<Op> = fx.ws.history::<Account>(id).iter().map(|h| h.op).collect();
    assert_eq!(ops, vec![Op::Create, Op::Update]);
}

#[test]
fn a_batch_into_a_document_that_is_not_loaded_is_refused() {
    let mut ws = Workspace::new(KEY, [1; 16]);
    let id = quota_core::id::TypedId::from_raw(quota_core::id::RawId::from_parts(1, 1));
    let result = ws.create_batch(vec![Account { id, name: "Acme".into(), ..Default::default() }], Fx::new().stamp());
    assert!(matches!(result, Err(BatchError::Workspace(Error::NotLoaded(_)))));
    assert!(ws.data.accounts.is_empty());
}

/// The shard documents of `sample(seed = 1, today = 2026-11-26)` as the first version of the
/// schema wrote them. Later versions must keep loading them.
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sample-v1");

fn fixture() -> Workspace {
    let mut ws = Workspace::new(KEY, [3; 16]);
    let mut files: Vec<_> = std::fs::read_dir(FIXTURE).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let (collection, shard) = stem.rsplit_once('-').unwrap();
        let name: DocName = format!("{collection}/{shard}").parse().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let report = ws.load(name, [("fixture", bytes.as_slice())], true);
        assert!(report.skipped.is_empty() && report.unreadable.is_empty(), "{name}: {report:?}");
    }
    ws
}

#[test]
fn the_first_schemas_sample_documents_still_load() {
    let ws = fixture();
    let counts: Vec<(&str, usize)> = ws.data.counts().into_iter().map(|(c, n)| (c.name(), n)).collect();
    // The counts the first version wrote, listed when the fixture was made.
    assert_eq!(counts, FIXTURE_COUNTS);

    let data = &ws.data;
    let settings = data.settings.iter().next().unwrap();
    assert_eq!((settings.name.as_str(), settings.currency.as_str()), ("Nordwind Tools", "EUR"));
    let product = data.products.iter().find(|p| p.sku == "PT-0001").unwrap();
    assert_eq!(product.name, "Cordless drill CD-18");
    assert_eq!(product.price.to_string(), "189.00 EUR");
    let root: Vec<&str> = data.territories.iter().filter(|t| t.parent.is_none()).map(|t| t.name.as_str()).collect();
    assert_eq!(root, ["Germany"]);
    let plan = data.plan_versions.iter().next().unwrap();
    assert_eq!((plan.name.as_str(), plan.period.to_string()), ("Plan 2027 – first draft", "2027".to_string()));
    let member = data.members.iter().next().unwrap();
    assert_eq!(member.person.and_then(|p| data.people.get(p)).map(|p| p.name.as_str()), Some(member.name.as_str()));
    let won = data.deals.iter().filter(|d| d.status == DealStatus::Won).count();
    assert_eq!(won, FIXTURE_WON_DEALS);
}

#[test]
fn the_fixture_documents_take_new_edits() {
    let mut ws = fixture();
    let deal = ws.data.deals.iter().find(|d| d.status == DealStatus::Open).unwrap().clone();
    let won = ws.data.pipelines.get(deal.pipeline).unwrap().stage_of_kind(StageKind::Won).unwrap();
    let stamp = quota_core::Stamp::new(today().start(), None);
    ws.modify::<quota_core::deal::Deal>(deal.id, stamp, |d| {
        d.stage = won;
        d.status = DealStatus::Won;
        d.closed_on = Some(today());
    })
    .unwrap();
    assert_eq!(reloaded(&ws).data.deals.get(deal.id).unwrap().status, DealStatus::Won);
}

/// Records per collection in the fixture, in the order of `Tables::counts`.
const FIXTURE_COUNTS: &[(&str, usize)] = &[
    ("settings", 1),
    ("members", 1),
    ("pipelines", 1),
    ("segments", 4),
    ("niches", 6),
    ("entry-plans", 3),
    ("channels", 4),
    ("conditions", 7),
    ("partners", 12),
    ("incentives", 5),
    ("communications", 36),
    ("invoices", 48),
    ("payments", 39),
    ("service-ratings", 22),
    ("partner-evaluations", 22),
    ("org-units", 4),
    ("people", 12),
    ("territories", 10),
    ("assignments", 11),
    ("targets", 145),
    ("candidates", 10),
    ("trainings", 16),
    ("commission-plans", 2),
    ("evaluations", 12),
    ("costs", 332),
    ("budgets", 42),
    ("leads", 40),
    ("accounts", 60),
    ("contacts", 110),
    ("product-categories", 5),
    ("products", 20),
    ("price-lists", 3),
    ("deals", 120),
    ("activities", 360),
    ("service-cases", 16),
    ("plan-versions", 1),
];

const FIXTURE_WON_DEALS: usize = 62;
