//! Browser tests of the dashboard and the reports area over a small workspace built in the test:
//! the figures shown are the workspace's, they follow edits, a rep sees their own work, and a
//! report's address keeps its breakdown and period.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use quota::ids;
use quota::pages::dashboard::Dashboard;
use quota::pages::reports::{self, Report};
use quota::repo::Repo;
use quota::route::Route;
use quota::state::{Ctx, Phase};
use quota_core::account::{Account, AccountId};
use quota_core::activity::{Activity, ActivityId, ActivityKind};
use quota_core::deal::{Deal, DealId, DealStatus, LossReason};
use quota_core::org::{Person, PersonId};
use quota_core::settings::{Member, MemberId, MemberRole, Pipeline, PipelineId, Settings, SettingsId, StageId};
use quota_core::{Currency, Date, Money, Period, Record, Stamp, Tables, Workspace, WorkspaceKey};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

mod support;

use support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn eur(units: i64) -> Money {
    Money::units(units, Currency::EUR)
}

fn today() -> Date {
    ids::now().date()
}

/// A workspace with the standard pipeline, one account and two people, open in a repo the way
/// the app holds it.
struct Setup {
    key: WorkspaceKey,
    ctx: Ctx,
    pipeline: PipelineId,
    stages: [StageId; 6],
    account: AccountId,
    ana: PersonId,
    ben: PersonId,
}

impl Setup {
    async fn new(role: MemberRole) -> Setup {
        let key = WorkspaceKey(ids::random_bytes());
        let repo = Repo::open(key, ids::random_bytes()).await.expect("repo opens");
        let ctx = Ctx::new(Route::default());
        ctx.repo.set_value(Some(repo));
        let stages: [StageId; 6] = std::array::from_fn(|_| ids::new_id());
        let setup = Setup {
            key,
            ctx,
            pipeline: ids::new_id(),
            stages,
            account: ids::new_id(),
            ana: ids::new_id(),
            ben: ids::new_id(),
        };
        let member: MemberId = ids::new_id();
        setup.add(Settings {
            id: SettingsId::SINGLETON,
            name: "Test".into(),
            currency: Currency::EUR,
            fiscal_year_start: 1,
            stale_after_days: 21,
        });
        setup.add(Pipeline::standard(setup.pipeline, stages));
        setup.add(Person { id: setup.ana, name: "Ana Silva".into(), active: true, ..Default::default() });
        setup.add(Person { id: setup.ben, name: "Ben Okafor".into(), active: true, ..Default::default() });
        setup.add(Member { id: member, name: "Ana".into(), role, person: Some(setup.ana), ..Default::default() });
        setup.add(Account { id: setup.account, name: "Acme Tools".into(), ..Default::default() });
        ctx.me.set(Some(member));
        ctx.phase.set(Phase::Ready);
        setup
    }

    /// Saves everything with its start-up caches and opens the workspace again, as the next
    /// start of the app does: the tables come from the caches and no document is loaded.
    async fn reopen_from_caches(&self) {
        let mut repo = self.ctx.repo.try_update_value(Option::take).flatten().expect("a repo is open");
        while let Some(chunk) = repo.next_unsaved() {
            repo.store.put_chunk(&chunk.doc.to_string(), &chunk.key, &chunk.bytes).await.unwrap();
            repo.saved(chunk);
        }
        for cache in repo.take_stale_caches() {
            repo.store.put_cache(&cache).await.unwrap();
        }
        let fresh = Repo::open(self.key, ids::random_bytes()).await.expect("repo opens again");
        assert!(fresh.stale_docs().is_empty(), "every document has an exact cache");
        self.ctx.repo.set_value(Some(fresh));
        self.ctx.bump_all();
    }

    /// Creates a record as an edit in the app does, telling views that its collection changed.
    fn add<R: Record>(&self, record: R)
    where
        Tables: quota_core::collection::HasTable<R>,
    {
        self.ctx.repo.update_value(|r| {
            let repo = r.as_mut().expect("a repo is open");
            repo.start_if_new(Workspace::doc_of::<R>(record.id()));
            repo.ws.create(record, Stamp::new(ids::now(), None)).expect("the record is valid");
        });
        self.ctx.bump(R::COLLECTION);
    }

    /// A deal in stage `stage` (an index into the standard pipeline: 1 Qualified, 2 Proposal,
    /// 3 Negotiation, 4 Won, 5 Lost), owned by `owner`, expected to close today.
    fn deal(&self, name: &str, stage: usize, units: i64, owner: PersonId) -> DealId {
        let id: DealId = ids::new_id();
        let status = match stage {
            4 => DealStatus::Won,
            5 => DealStatus::Lost,
            _ => DealStatus::Open,
        };
        self.add(Deal {
            id,
            name: name.into(),
            account: self.account,
            pipeline: self.pipeline,
            stage: self.stages[stage],
            status,
            amount: eur(units),
            expected_close: today(),
            owner: Some(owner),
            created: today(),
            stage_changed: today(),
            closed_on: (status != DealStatus::Open).then(today),
            loss_reason: (status == DealStatus::Lost).then_some(LossReason::Price),
            ..Default::default()
        });
        id
    }

    fn activity(&self, subject: &str, due: Date, done: bool, person: PersonId) -> ActivityId {
        let id: ActivityId = ids::new_id();
        self.add(Activity {
            id,
            kind: ActivityKind::Call,
            subject: subject.into(),
            due: Some(due),
            done,
            done_at: done.then(ids::now),
            person: Some(person),
            account: Some(self.account),
            ..Default::default()
        });
        id
    }

    /// Mounts a view with this workspace's context into a fresh box `width` pixels wide.
    fn mount<V: IntoView + 'static>(&self, width: u32, view: impl FnOnce() -> V + 'static) -> (HtmlElement, impl Drop) {
        let root = container(width);
        let ctx = self.ctx;
        let mounted = leptos::mount::mount_to(root.clone(), move || {
            provide_context(ctx);
            view()
        });
        (root, mounted)
    }
}

/// The key figures shown, as `(label, value)`.
fn facts(root: &Element, selector: &str) -> Vec<(String, String)> {
    all(root, &format!("{selector} .report-fact"))
        .iter()
        .map(|f| (texts(f, "dt").concat(), texts(f, "dd").concat()))
        .collect()
}

fn fact(root: &Element, selector: &str, label: &str) -> String {
    facts(root, selector).into_iter().find(|(l, _)| l == label).unwrap_or_else(|| panic!("no fact {label}")).1
}

#[wasm_bindgen_test]
async fn the_dashboard_funnel_shows_each_stage_of_the_workspace_and_follows_edits() {
    let s = Setup::new(MemberRole::Manager).await;
    s.deal("Lathe order", 1, 10_000, s.ana);
    s.deal("Drill order", 1, 6_000, s.ben);
    s.deal("Press order", 2, 8_000, s.ana);
    s.deal("Saw order", 4, 5_000, s.ben);
    s.deal("Mill order", 5, 3_000, s.ben);
    let (root, _mounted) = s.mount(1280, || view! { <Dashboard/> });
    settle().await;

    let funnel = find(&root, "[data-testid=dashboard-funnel]");
    assert_eq!(texts(&funnel, ".stage text.category"), vec!["Lead in", "Qualified", "Proposal", "Negotiation", "Won"]);
    // Qualified: 10,000 + 6,000 at 25% is 4,000 weighted; Proposal: 8,000 at 50% is 4,000; the
    // won deal counts in full; the lost deal is not part of the funnel.
    assert_eq!(
        texts(&funnel, ".stage text.value"),
        vec![
            "0 EUR · 0 deals · weighted 0 EUR",
            "16k EUR · 2 deals · weighted 4k EUR",
            "8k EUR · 1 deal · weighted 4k EUR",
            "0 EUR · 0 deals · weighted 0 EUR",
            "5k EUR · 1 deal · weighted 5k EUR",
        ]
    );
    let team = "[data-testid=team-view]";
    assert_eq!(fact(&root, team, "Open deals"), "3");
    assert_eq!(fact(&root, team, "Open pipeline"), "24,000.00 EUR");
    assert_eq!(fact(&root, team, "Weighted"), "8,000.00 EUR");

    // A new deal in Negotiation: 4,000 at 75% is 3,000 weighted.
    s.deal("Grinder order", 3, 4_000, s.ana);
    settle().await;
    assert_eq!(texts(&funnel, ".stage text.value")[3], "4k EUR · 1 deal · weighted 3k EUR");
    assert_eq!(fact(&root, team, "Open pipeline"), "28,000.00 EUR");
}

#[wasm_bindgen_test]
async fn the_leaderboard_ranks_people_by_what_they_won_this_quarter() {
    let s = Setup::new(MemberRole::Admin).await;
    s.deal("Small win", 4, 2_000, s.ana);
    s.deal("Large win", 4, 9_000, s.ben);
    s.deal("Lost one", 5, 1_000, s.ana);
    let (root, _mounted) = s.mount(900, || view! { <Dashboard/> });
    settle().await;
    let board = find(&root, "[data-testid=dashboard-leaderboard]");
    assert_eq!(texts(&board, ".chart-svg text.category"), vec!["Ben Okafor", "Ana Silva"]);
    assert_eq!(texts(&board, ".chart-svg text.value"), vec!["9k", "2k"]);
    let losses = find(&root, "[data-testid=dashboard-losses]");
    assert_eq!(texts(&losses, ".chart-svg text.category"), vec!["Price"]);
}

#[wasm_bindgen_test]
async fn a_rep_sees_their_own_open_deals_and_what_is_due_but_not_the_team_view() {
    let s = Setup::new(MemberRole::Rep).await;
    s.deal("Ana's lathe", 2, 8_000, s.ana);
    s.deal("Ana's won press", 4, 5_000, s.ana);
    s.deal("Ben's drill", 1, 6_000, s.ben);
    s.activity("Call about the lathe", today().add_days(-3), false, s.ana);
    s.activity("Send the quote", today(), false, s.ana);
    s.activity("Called last week", today().add_days(-7), true, s.ana);
    s.activity("Ben's call", today().add_days(-1), false, s.ben);
    s.activity("Next week's visit", today().add_days(7), false, s.ana);
    let (root, _mounted) = s.mount(360, || view! { <Dashboard/> });
    settle().await;

    assert!(root.query_selector("[data-testid=team-view]").unwrap().is_none(), "a rep does not see the team view");
    let deals = find(&root, "[data-testid=my-deals]");
    assert_eq!(texts(&deals, "tbody td:first-child a"), vec!["Ana's lathe"]);
    let due = find(&root, "[data-testid=my-activities]");
    assert_eq!(texts(&due, ".agenda-item a"), vec!["Call about the lathe", "Send the quote"]);
    assert_eq!(all(&due, ".agenda-item.overdue").len(), 1);
    let mine = "[data-testid=my-work]";
    assert_eq!(fact(&root, mine, "My open deals"), "1");
    assert_eq!(fact(&root, mine, "Overdue"), "1");
    assert_eq!(fact(&root, mine, "Due today"), "1");
}

#[wasm_bindgen_test]
async fn a_report_opened_from_its_address_keeps_its_breakdown_and_period_in_the_address() {
    let s = Setup::new(MemberRole::Manager).await;
    let route = Route::parse("/reports/forecast?by=team&period=2026-Q4");
    let (root, _mounted) = s.mount(1280, move || reports::page(route));
    settle().await;
    let by: HtmlSelectElement = find(&root, "#report-by").dyn_into().unwrap();
    assert_eq!(by.value(), "team");
    assert_eq!(texts(&root, "[data-testid=period-current]"), vec!["2026-Q4"]);

    find(&root, "[data-testid=period-next]").dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(texts(&root, "[data-testid=period-current]"), vec!["2027-Q1"]);
    assert_eq!(quota::browser::hash(), "/reports/forecast?by=team&period=2027-Q1");

    by.set_value("channel");
    by.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(quota::browser::hash(), "/reports/forecast?by=channel&period=2027-Q1");
}

#[wasm_bindgen_test]
async fn the_forecast_report_shows_each_persons_won_and_weighted_pipeline() {
    let s = Setup::new(MemberRole::Manager).await;
    s.deal("Ana's win", 4, 5_000, s.ana);
    s.deal("Ana's proposal", 2, 8_000, s.ana);
    s.deal("Ben's lead", 1, 6_000, s.ben);
    let period = Period::quarter_of(today());
    let route = Report::Forecast.route("person", Some(period));
    let (root, _mounted) = s.mount(1280, move || reports::page(route));
    settle().await;
    let table = find(&root, "[data-testid=data-table]");
    let rows: Vec<Vec<String>> =
        all(&table, "tbody tr").iter().map(|r| texts(r, "th, td").into_iter().take(6).collect()).collect();
    // Ana: 5,000 won, 8,000 open at 50% is 4,000 weighted, so 9,000 forecast. Ben: 6,000 open
    // at 25% is 1,500 weighted.
    assert_eq!(
        rows,
        vec![
            vec!["Ana Silva", "5,000.00 EUR", "1", "8,000.00 EUR", "1", "4,000.00 EUR"],
            vec!["Ben Okafor", "0.00 EUR", "0", "6,000.00 EUR", "1", "1,500.00 EUR"],
        ]
    );
    assert_eq!(all(&root, ".chart-bullet .chart-svg").len(), 1, "the bullet chart is drawn");
}

#[wasm_bindgen_test]
async fn every_report_in_the_list_opens_with_its_figures() {
    let s = Setup::new(MemberRole::Manager).await;
    s.deal("A win", 4, 5_000, s.ana);
    s.deal("A loss", 5, 2_000, s.ben);
    s.deal("An open deal", 2, 8_000, s.ana);
    let (list, _list) = s.mount(1280, || reports::page(Route::parse("/reports")));
    settle().await;
    assert_eq!(all(&list, "[data-testid=report-list] li").len(), Report::ALL.len() + 1, "every report and the review");
    for report in Report::ALL {
        let route = report.route("", None);
        let (root, _mounted) = s.mount(360, move || reports::page(route));
        settle().await;
        let figures = all(&root, "[data-testid=chart], [data-testid=data-table]").len();
        assert!(figures >= 1, "{} shows a figure", report.title());
        assert_eq!(texts(&root, "h1"), vec![report.title()]);
        let labels = all(&root, "select");
        for select in labels {
            let id = select.id();
            assert!(root.query_selector(&format!("label[for={id}]")).unwrap().is_some(), "{id} is labelled");
        }
    }
}

#[wasm_bindgen_test]
async fn the_dashboard_shows_data_from_start_up_caches_without_loading_documents() {
    let s = Setup::new(MemberRole::Manager).await;
    let deal = s.deal("Lathe order", 1, 10_000, s.ana);
    s.reopen_from_caches().await;
    let deals_doc = Workspace::doc_of::<Deal>(deal);
    assert!(s.ctx.with_ws(|ws| !ws.is_loaded(deals_doc)).unwrap(), "the deal's document is not loaded at start");
    let (root, _mounted) = s.mount(1280, || view! { <Dashboard/> });
    settle().await;
    let funnel = find(&root, "[data-testid=dashboard-funnel]");
    assert_eq!(texts(&funnel, ".stage text.value")[1], "10k EUR · 1 deal · weighted 2.5k EUR");
    assert!(s.ctx.with_ws(|ws| !ws.is_loaded(deals_doc)).unwrap(), "showing the dashboard loaded no document");
    assert!(s.ctx.repo.with_value(|r| !r.as_ref().unwrap().unloaded().is_empty()));
}
