//! The builder behind both generated workspaces: a tool maker's sales organisation, its market,
//! channels and partners, and its selling history up to today.
//!
//! Records are made in dependency order (what a record refers to exists before it), so every
//! one passes the same validation as a record typed in the app.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::names::{self, CATEGORIES, CITIES, REGIONS};
use super::{Generated, Rng, Size, start_all};
use crate::account::{Account, AccountId, AccountStatus, Contact, ContactId};
use crate::activity::{Activity, ActivityKind};
use crate::channel::{
    Channel, ChannelId, ChannelKind, Communication, CommunicationKind, Condition, Incentive, IncentiveKind, Invoice,
    Partner, PartnerDecision, PartnerEvaluation, PartnerId, PartnerKind, PartnerStatus, PartnerTier, Payment,
    ServiceArea, ServiceRating,
};
use crate::collection::{HasTable, Tables};
use crate::date::{Date, Period, Timestamp};
use crate::deal::{Deal, DealId, DealStatus, LineItem, LossReason};
use crate::error::Result;
use crate::field::LongText;
use crate::lead::{Lead, LeadId, LeadSource, LeadStatus};
use crate::management::{
    Budget, Candidate, CommissionPlan, CostCategory, CostEntry, Evaluation, HiringStage, Metric, PayPeriod, Subject,
    Target, Tier, Training, TrainingKind,
};
use crate::market::{EntryPlan, Niche, NicheId, NicheRole, PlanStatus, PriceCategory, Segment, SegmentId};
use crate::money::{Currency, Money};
use crate::org::{
    Assignment, ChecklistItem, OrgUnit, OrgUnitId, Person, PersonId, Role, Territory, TerritoryId, UnitKind,
};
use crate::product::{PriceEntry, PriceList, Product, ProductCategory, ProductCategoryId, ProductId};
use crate::record::Record;
use crate::review::{PlanVersion, VersionStatus};
use crate::service::{CaseStatus, Priority, ServiceCase};
use crate::settings::{Member, MemberId, MemberRole, Settings, SettingsId, StageId, StageKind};
use crate::workspace::{Stamp, Workspace};

/// How records reach the workspace.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// One change per record, as people typing them would make.
    OneByOne,
    /// One change per document and collection, through the bulk path.
    Batch,
}

const EUR: Currency = Currency::EUR;
const HOUR: i64 = 3_600_000;

fn eur(units: i64) -> Money {
    Money::units(units, EUR)
}

/// The stages of the standard pipeline ([`Pipeline::standard`](crate::settings::Pipeline::standard)), left to right, with their
/// default probability.
const STAGES: [(&str, u32, StageKind); 6] = [
    ("Lead in", 10, StageKind::Open),
    ("Qualified", 25, StageKind::Open),
    ("Proposal", 50, StageKind::Open),
    ("Negotiation", 75, StageKind::Open),
    ("Won", 100, StageKind::Won),
    ("Lost", 0, StageKind::Lost),
];
const WON: usize = 4;
const LOST: usize = 5;

struct Seller {
    id: PersonId,
    team: usize,
    role: Role,
    hired: Date,
}

struct PartnerInfo {
    id: PartnerId,
    kind: PartnerKind,
    channel: ChannelId,
    region: usize,
    manager: PersonId,
    status: PartnerStatus,
}

struct AccountInfo {
    id: AccountId,
    name: String,
    status: AccountStatus,
    segment: usize,
    region: usize,
    owner: PersonId,
    partner: Option<usize>,
}

#[derive(Clone)]
struct DealInfo {
    id: DealId,
    account: usize,
    owner: PersonId,
    status: DealStatus,
    created: Date,
    closed: Option<Date>,
    channel: ChannelId,
    partner: Option<PartnerId>,
    /// (product, category index, line total in cents)
    lines: Vec<(ProductId, usize, i64)>,
    value: i64,
}

struct Channels {
    direct: ChannelId,
    dealers: ChannelId,
    distributors: ChannelId,
    online: ChannelId,
}

struct Builder<'w> {
    ws: &'w mut Workspace,
    rng: Rng,
    today: Date,
    stamp: Stamp,
    mode: Mode,
    size: Size,
    member: MemberId,

    pipeline: crate::settings::PipelineId,
    stages: Vec<StageId>,
    segments: Vec<SegmentId>,
    niches: Vec<(NicheId, usize, bool)>,
    categories: Vec<ProductCategoryId>,
    /// (id, list price, category index)
    products: Vec<(ProductId, Money, usize)>,
    country: TerritoryId,
    regions: Vec<TerritoryId>,
    /// (city, region index)
    cities: Vec<(TerritoryId, usize)>,
    department: OrgUnitId,
    teams: Vec<OrgUnitId>,
    head: PersonId,
    managers: Vec<PersonId>,
    sellers: Vec<Seller>,
    service: Vec<PersonId>,
    salaries: Vec<(PersonId, Money, Date)>,
    channels: Channels,
    partners: Vec<PartnerInfo>,
    accounts: Vec<AccountInfo>,
    contacts: Vec<Vec<ContactId>>,
    deals: Vec<DealInfo>,
    leads: Vec<LeadId>,
    /// The leads that became deals, by deal index.
    converted: BTreeMap<usize, LeadId>,
    names_used: HashSet<String>,
}

pub(super) fn build(ws: &mut Workspace, seed: u64, today: Date, size: &Size, mode: Mode) -> Result<Generated> {
    start_all(ws);
    let mut rng = Rng::new(seed);
    let setup = today.add_days(-size.history_days - 90).start();
    let member: MemberId = rng.id(setup);
    let stamp = Stamp::new(Timestamp(today.start().0 + 7 * HOUR), Some(member));
    let mut b = Builder {
        ws,
        rng,
        today,
        stamp,
        mode,
        size: *size,
        member,
        pipeline: Default::default(),
        stages: Vec::new(),
        segments: Vec::new(),
        niches: Vec::new(),
        categories: Vec::new(),
        products: Vec::new(),
        country: Default::default(),
        regions: Vec::new(),
        cities: Vec::new(),
        department: Default::default(),
        teams: Vec::new(),
        head: Default::default(),
        managers: Vec::new(),
        sellers: Vec::new(),
        service: Vec::new(),
        salaries: Vec::new(),
        channels: Channels {
            direct: Default::default(),
            dealers: Default::default(),
            distributors: Default::default(),
            online: Default::default(),
        },
        partners: Vec::new(),
        accounts: Vec::new(),
        contacts: Vec::new(),
        deals: Vec::new(),
        leads: Vec::new(),
        converted: BTreeMap::new(),
        names_used: HashSet::new(),
    };
    b.settings()?;
    b.market()?;
    b.products()?;
    b.territories()?;
    b.organisation()?;
    b.channels()?;
    b.entry_plans()?;
    b.accounts()?;
    b.deals()?;
    b.leads()?;
    b.activities()?;
    b.service_cases()?;
    b.channel_management()?;
    b.targets()?;
    b.people_management()?;
    b.costs_and_budgets()?;
    b.plan_version()?;
    Ok(Generated { member: b.member, person: b.head })
}

impl Builder<'_> {
    fn put<R: Record>(&mut self, records: Vec<R>) -> Result<()>
    where
        Tables: HasTable<R>,
    {
        match self.mode {
            Mode::OneByOne => {
                for record in records {
                    self.ws.create(record, self.stamp)?;
                }
            }
            Mode::Batch => self.ws.create_batch(records, self.stamp)?,
        }
        Ok(())
    }

    /// A time during working hours on `day`.
    fn at(&mut self, day: Date) -> Timestamp {
        Timestamp(day.start().0 + 8 * HOUR + self.rng.between(0, 9 * 60) * 60_000)
    }

    /// A new id for a record made on `day`.
    fn id_on<I: crate::id::TypedId>(&mut self, day: Date) -> I {
        let at = self.at(day);
        self.rng.id(at)
    }

    /// A day between `from` and `to`, both included (`from` when the range is empty).
    fn day_between(&mut self, from: Date, to: Date) -> Date {
        if to <= from { from } else { from.add_days(self.rng.between(0, i64::from(from.days_until(to))) as i32) }
    }

    fn first_day(&self) -> Date {
        self.today.add_days(-self.size.history_days)
    }

    fn person_name(&mut self) -> String {
        for _ in 0..64 {
            let name = format!("{} {}", self.rng.pick(names::FIRST_NAMES), self.rng.pick(names::LAST_NAMES));
            if self.names_used.insert(name.clone()) {
                return name;
            }
        }
        let n = self.names_used.len();
        format!("{} {} {n}", self.rng.pick(names::FIRST_NAMES), self.rng.pick(names::LAST_NAMES))
    }

    fn settings(&mut self) -> Result<()> {
        let name = if self.size.accounts > 1_000 { "Nordwind Tools (large)" } else { "Nordwind Tools" };
        self.put(vec![Settings {
            id: SettingsId::SINGLETON,
            name: name.into(),
            currency: EUR,
            fiscal_year_start: 1,
            stale_after_days: 30,
        }])?;
        let created = self.first_day().add_days(-60);
        self.pipeline = self.id_on(created);
        let mut stages = [StageId::default(); 6];
        for stage in &mut stages {
            *stage = self.id_on(created);
        }
        self.stages = stages.to_vec();
        crate::commands::selling::create_standard_pipeline(self.ws, self.pipeline, stages, self.stamp)
    }

    fn market(&mut self) -> Result<()> {
        let created = self.first_day().add_days(-50);
        let mut segments = Vec::new();
        for (name, needs, price_category) in names::SEGMENTS {
            let id = self.id_on(created);
            self.segments.push(id);
            segments.push(Segment {
                id,
                name: (*name).into(),
                needs: LongText::from(*needs),
                price_category: *price_category,
                description: LongText::default(),
            });
        }
        self.put(segments)?;
        let mut niches = Vec::new();
        for (name, segment, strategic, thousands) in names::NICHES {
            let id = self.id_on(created);
            self.niches.push((id, *segment, *strategic));
            niches.push(Niche {
                id,
                name: (*name).into(),
                segment: Some(self.segments[*segment]),
                role: if *strategic { NicheRole::Strategic } else { NicheRole::Supporting },
                estimated_size: Some(eur(thousands * 1_000)),
                notes: LongText::default(),
            });
        }
        self.put(niches)
    }

    fn products(&mut self) -> Result<()> {
        let created = self.first_day().add_days(-45);
        let mut categories = Vec::new();
        for (name, priority, _) in CATEGORIES {
            let id = self.id_on(created);
            self.categories.push(id);
            categories.push(ProductCategory {
                id,
                name: (*name).into(),
                priority: *priority,
                description: LongText::default(),
            });
        }
        self.put(categories)?;
        let base: Vec<(usize, &str, &str, i64, i64)> = CATEGORIES
            .iter()
            .enumerate()
            .flat_map(|(c, (_, _, items))| items.iter().map(move |(n, sku, price, cost)| (c, *n, *sku, *price, *cost)))
            .collect();
        const VARIANTS: &[&str] = &["", " Pro", " Compact", " XL", " Plus", " Eco", " Max", " Lite", " Duo", " Ultra"];
        let mut products = Vec::new();
        for i in 0..self.size.products {
            let (category, name, prefix, price, cost) = base[i % base.len()];
            let variant = i / base.len();
            let name = match VARIANTS.get(variant) {
                Some(suffix) => format!("{name}{suffix}"),
                None => format!("{name} series {variant}"),
            };
            let step = 100 + 7 * variant as i64;
            let id = self.id_on(created);
            let price = eur(price * step / 100);
            self.products.push((id, price, category));
            products.push(Product {
                id,
                name,
                sku: format!("{prefix}-{:04}", i + 1),
                category: Some(self.categories[category]),
                price,
                unit_cost: Some(eur(cost * step / 100)),
                // A few products are pushed harder than their category.
                priority: (i % 9 == 4).then_some(1),
                active: i % 23 != 22,
                description: LongText::default(),
            });
        }
        self.put(products)?;
        let valid_from = Date::from_ymd(self.today.year(), 1, 1);
        let mut lists = Vec::new();
        for category in PriceCategory::ALL {
            let id = self.id_on(created);
            let prices = self
                .products
                .iter()
                .map(|(product, price, _)| (*product, PriceEntry { price: price_for(*price, *category) }))
                .collect();
            lists.push(PriceList {
                id,
                name: format!("{} prices {}", category.label(), self.today.year()),
                price_category: *category,
                currency: EUR,
                valid_from,
                prices,
            });
        }
        self.put(lists)
    }

    fn territories(&mut self) -> Result<()> {
        let created = self.first_day().add_days(-40);
        let mut records = Vec::new();
        self.country = self.id_on(created);
        records.push(Territory {
            id: self.country,
            name: names::COUNTRY.0.into(),
            code: names::COUNTRY.1.into(),
            parent: None,
            notes: LongText::default(),
        });
        for r in 0..self.size.regions {
            let (name, code) = REGIONS[r % REGIONS.len()];
            let id = self.id_on(created);
            self.regions.push(id);
            records.push(Territory {
                id,
                name: name.into(),
                code: format!("{}-{code}", names::COUNTRY.1),
                parent: Some(self.country),
                notes: LongText::default(),
            });
        }
        let cities = self.size.territories.saturating_sub(1 + self.size.regions);
        for c in 0..cities {
            let region = c % self.size.regions;
            let name = match c / CITIES.len() {
                0 => CITIES[c].to_string(),
                n => format!("{} {}", CITIES[c % CITIES.len()], n + 1),
            };
            let id = self.id_on(created);
            self.cities.push((id, region));
            records.push(Territory {
                id,
                code: format!("{}-{}", names::COUNTRY.1, name.chars().take(3).collect::<String>().to_uppercase()),
                name,
                parent: Some(self.regions[region]),
                notes: LongText::default(),
            });
        }
        self.put(records)
    }

    fn organisation(&mut self) -> Result<()> {
        let created = self.first_day().add_days(-35);
        let mut units = Vec::new();
        self.department = self.id_on(created);
        units.push(OrgUnit {
            id: self.department,
            name: "Sales".into(),
            kind: UnitKind::Department,
            parent: None,
            lead: None,
            functions: LongText::from(
                "Win and keep customers in every region and channel; plan and control sales; manage partners.",
            ),
        });
        const OTHER_TEAMS: &[&str] = &["Key Accounts", "Inside Sales", "Online Sales"];
        for t in 0..self.size.teams {
            let name = if t < self.size.regions {
                format!("Field Sales {}", REGIONS[t % REGIONS.len()].0)
            } else {
                let k = t - self.size.regions;
                match k / OTHER_TEAMS.len() {
                    0 => OTHER_TEAMS[k].to_string(),
                    n => format!("{} {}", OTHER_TEAMS[k % OTHER_TEAMS.len()], n + 1),
                }
            };
            let id = self.id_on(created);
            self.teams.push(id);
            units.push(OrgUnit {
                id,
                name,
                kind: UnitKind::Team,
                parent: Some(self.department),
                lead: None,
                functions: LongText::from("Prospecting, selling and looking after the accounts of its territory."),
            });
        }
        self.put(units.clone())?;

        let service_count = 1 + self.size.people.saturating_sub(1 + self.size.teams) / 12;
        let seller_count = self.size.people.saturating_sub(1 + self.size.teams + service_count);
        let mut people = Vec::new();
        let head = self.new_person(Role::Head, "Head of Sales", Some(self.department), None, 9_000, 2_000);
        self.head = head.id;
        people.push(head);
        for t in 0..self.size.teams {
            let manager =
                self.new_person(Role::Manager, "Sales Manager", Some(self.teams[t]), Some(self.head), 6_500, 1_500);
            self.managers.push(manager.id);
            people.push(manager);
        }
        for s in 0..seller_count {
            let team = s % self.size.teams;
            let (role, title, salary) = if s % 4 == 3 {
                (Role::KeyAccount, "Key Account Manager", 5_500)
            } else {
                (Role::Rep, "Sales Representative", 4_200)
            };
            // The last seller joined recently and is still onboarding.
            let newest = s + 1 == seller_count;
            let tenure = if newest { 40 } else { 400 + self.rng.between(0, 1_500) };
            let mut person =
                self.new_person(role, title, Some(self.teams[team]), Some(self.managers[team]), salary, tenure);
            if newest {
                person.onboarding = self.onboarding(person.hired.unwrap_or(self.today));
            }
            self.sellers.push(Seller { id: person.id, team, role, hired: person.hired.unwrap_or(self.today) });
            people.push(person);
        }
        for _ in 0..service_count {
            let person =
                self.new_person(Role::Service, "Service Engineer", Some(self.department), Some(self.head), 3_800, 900);
            self.service.push(person.id);
            people.push(person);
        }
        self.salaries =
            people.iter().map(|p| (p.id, p.salary.unwrap_or(eur(0)), p.hired.unwrap_or(self.today))).collect();
        self.put(people)?;

        // Units name their leads once the people exist.
        for (i, unit) in units.into_iter().enumerate() {
            let lead = if i == 0 { self.head } else { self.managers[i - 1] };
            self.ws.update(OrgUnit { lead: Some(lead), ..unit }, self.stamp)?;
        }

        let head = self.ws.data.people.get(self.head).expect("just created").clone();
        self.put(vec![Member {
            id: self.member,
            name: head.name,
            email: head.email,
            role: MemberRole::Admin,
            person: Some(self.head),
        }])?;

        let mut assignments = Vec::new();
        for t in 0..self.size.teams {
            let from = self.first_day().add_days(-30);
            let id = self.id_on(from);
            assignments.push(Assignment {
                id,
                person: self.managers[t],
                territory: Some(self.team_territory(t)),
                product_category: None,
                segment: None,
                from: Some(from),
                to: None,
            });
        }
        for s in 0..self.sellers.len() {
            let (person, team, role, hired) =
                (self.sellers[s].id, self.sellers[s].team, self.sellers[s].role, self.sellers[s].hired);
            let id = self.id_on(hired);
            let key_account = role == Role::KeyAccount;
            assignments.push(Assignment {
                id,
                person,
                territory: Some(self.team_territory(team)),
                product_category: key_account.then(|| self.categories[s % self.categories.len()]),
                segment: key_account.then(|| self.segments[0]),
                from: Some(hired),
                to: None,
            });
        }
        for p in 0..self.service.len() {
            let id = self.id_on(self.first_day());
            assignments.push(Assignment {
                id,
                person: self.service[p],
                territory: None,
                product_category: Some(self.categories[self.categories.len() - 1]),
                segment: None,
                from: None,
                to: None,
            });
        }
        self.put(assignments)
    }

    /// The region a team works in; teams beyond the regions cover the whole country.
    fn team_territory(&self, team: usize) -> TerritoryId {
        if team < self.regions.len() { self.regions[team] } else { self.country }
    }

    fn team_region(&self, team: usize) -> Option<usize> {
        (team < self.regions.len()).then_some(team)
    }

    fn new_person(
        &mut self,
        role: Role,
        title: &str,
        unit: Option<OrgUnitId>,
        manager: Option<PersonId>,
        salary: i64,
        tenure_days: i64,
    ) -> Person {
        let name = self.person_name();
        let hired = self.today.add_days(-(tenure_days as i32));
        let id = self.id_on(hired);
        Person {
            id,
            email: format!("{}@nordwind.example", slug(&name, '.')),
            phone: format!("+49 40 {:07}", self.rng.between(1_000_000, 9_999_999)),
            name,
            role,
            title: title.into(),
            unit,
            manager,
            hired: Some(hired),
            left: None,
            active: true,
            salary: Some(eur(salary + self.rng.between(0, 8) * 100)),
            onboarding: BTreeMap::new(),
            notes: LongText::default(),
        }
    }

    fn onboarding(&mut self, hired: Date) -> BTreeMap<crate::org::ChecklistItemId, ChecklistItem> {
        const STEPS: &[&str] = &[
            "Laptop, phone and accounts",
            "Product training: power tools",
            "Shadow a senior rep for a week",
            "Meet the key partners of the region",
            "First customer visits on your own",
            "Commission plan explained and signed",
        ];
        let mut items = BTreeMap::new();
        for (i, title) in STEPS.iter().enumerate() {
            let due = hired.add_days(7 * (i as i32 + 1));
            let id = self.id_on(hired);
            items.insert(
                id,
                ChecklistItem { title: (*title).into(), order: i as i64, due: Some(due), done: due < self.today },
            );
        }
        items
    }

    fn channels(&mut self) -> Result<()> {
        let created = self.first_day().add_days(-30);
        let mut channels = Vec::new();
        let mut add = |b: &mut Self, name: &str, kind: ChannelKind, description: &str| {
            let id: ChannelId = b.id_on(created);
            channels.push(Channel {
                id,
                name: name.into(),
                kind,
                description: LongText::from(description),
                active: true,
            });
            id
        };
        let direct = add(self, "Direct sales", ChannelKind::Direct, "Our own reps sell to larger customers.");
        let dealers = add(self, "Dealers", ChannelKind::Dealer, "Tool dealers stock and sell to trades.");
        let distributors =
            add(self, "Distributors", ChannelKind::Distributor, "Wholesale distributors supply dealers and industry.");
        let online = add(self, "Online shop", ChannelKind::Online, "Small businesses order on the web shop.");
        self.channels = Channels { direct, dealers, distributors, online };
        self.put(channels)?;

        let conditions = [
            (dealers, Some(PartnerTier::Standard), 1_000, 30, None),
            (dealers, Some(PartnerTier::Silver), 1_200, 30, None),
            (dealers, Some(PartnerTier::Gold), 1_500, 45, None),
            (dealers, Some(PartnerTier::Platinum), 1_800, 60, None),
            (distributors, None, 2_000, 60, Some(eur(10_000))),
            (online, None, 500, 14, None),
            (direct, None, 0, 30, None),
        ];
        let valid_from = Date::from_ymd(self.today.year(), 1, 1);
        let mut records = Vec::new();
        for (channel, tier, discount_bp, payment_terms_days, minimum_order) in conditions {
            let id = self.id_on(created);
            records.push(crate::channel::Condition {
                id,
                channel,
                tier,
                discount_bp,
                payment_terms_days,
                minimum_order,
                valid_from,
                valid_to: valid_from.map(|d| d.add_months(12).add_days(-1)),
                notes: LongText::default(),
            });
        }
        self.put::<Condition>(records)?;

        let mut partners = Vec::new();
        for i in 0..self.size.partners {
            let (kind, channel) = match i % 12 {
                0..=5 => (PartnerKind::Dealer, dealers),
                6..=8 => (PartnerKind::Distributor, distributors),
                9 => (PartnerKind::Retailer, dealers),
                10 => (PartnerKind::Reseller, online),
                _ => (PartnerKind::Agent, direct),
            };
            let status = match i % 12 {
                7 => PartnerStatus::Probation,
                11 => PartnerStatus::Prospect,
                _ => PartnerStatus::Active,
            };
            let tier = match self.rng.below(10) {
                0..=4 => PartnerTier::Standard,
                5..=7 => PartnerTier::Silver,
                8 => PartnerTier::Gold,
                _ => PartnerTier::Platinum,
            };
            let region = i % self.size.regions;
            let base = names::PARTNER_NAMES[i % names::PARTNER_NAMES.len()];
            let name = match i / names::PARTNER_NAMES.len() {
                0 => base.to_string(),
                n => format!("{base} {}", CITIES[(n + i) % CITIES.len()]),
            };
            let team = region.min(self.size.teams - 1);
            let manager = self.managers[team];
            let since = self.today.add_days(-(self.rng.between(200, 2_000) as i32));
            let id = self.id_on(since);
            let contact = self.person_name();
            self.partners.push(PartnerInfo { id, kind, channel, region, manager, status });
            partners.push(Partner {
                id,
                email: format!("orders@{}.example", slug(&name, '-')),
                name,
                kind,
                channel: Some(channel),
                tier,
                status,
                territory: Some(self.regions[region]),
                manager: Some(manager),
                contact_name: contact,
                phone: format!("+49 30 {:07}", self.rng.between(1_000_000, 9_999_999)),
                needs: LongText::from("Fast delivery of spare parts, demo units for the showroom, co-op marketing."),
                requirements: LongText::from("Exclusive territory for premium lines, 30 days of payment."),
                cooperation: LongText::from("Tier discounts by yearly volume; training for sales staff twice a year."),
                since: Some(since),
            });
        }
        self.put(partners)
    }

    fn entry_plans(&mut self) -> Result<()> {
        let mut plans = Vec::new();
        let strategic: Vec<NicheId> = self.niches.iter().filter(|n| n.2).map(|n| n.0).collect();
        let statuses = [PlanStatus::Active, PlanStatus::Draft, PlanStatus::Done];
        for (i, niche) in strategic.into_iter().enumerate() {
            let start = self.today.add_days(-200 + 90 * i as i32);
            let id = self.id_on(start.add_days(-30));
            let owner = self.managers[i % self.managers.len()];
            plans.push(EntryPlan {
                id,
                niche,
                title: format!("Enter the niche, wave {}", i + 1),
                strategy: LongText::from("Win three reference customers, then grow through the dealers of the region."),
                tactics: LongText::from("Trade fair presence, demo days on site, an introductory service plan."),
                owner: Some(owner),
                status: statuses[i % statuses.len()],
                start: Some(start),
                due: Some(start.add_days(270)),
            });
        }
        self.put(plans)
    }

    fn account_name(&mut self, city: &str) -> String {
        let stem = self.rng.pick(names::COMPANY_STEMS);
        let (trade, _) = self.rng.pick(names::COMPANY_TRADES);
        let form = self.rng.pick(names::LEGAL_FORMS);
        let mut name = format!("{stem} {trade} {form}");
        if !self.names_used.insert(name.clone()) {
            name = format!("{stem} {trade} {city} {form}");
            let mut n = 2;
            while !self.names_used.insert(name.clone()) {
                name = format!("{stem} {trade} {city} {n} {form}");
                n += 1;
            }
        }
        name
    }

    fn accounts(&mut self) -> Result<()> {
        let mut accounts = Vec::new();
        let mut contacts = Vec::new();
        let per_account = self.size.contacts / self.size.accounts.max(1);
        let extra = self.size.contacts % self.size.accounts.max(1);
        for i in 0..self.size.accounts {
            let status = match i % 20 {
                0..=11 => AccountStatus::Customer,
                12..=18 => AccountStatus::Prospect,
                _ => AccountStatus::Former,
            };
            let (city, region) = if self.cities.is_empty() {
                (self.country, 0)
            } else {
                let c = self.rng.index(self.cities.len());
                self.cities[c]
            };
            let city_name = self.ws.data.territories.get(city).map(|t| t.name.clone()).unwrap_or_default();
            let name = self.account_name(&city_name);
            let industry = names::COMPANY_TRADES
                .iter()
                .find(|(trade, _)| name.contains(trade))
                .map_or("Other", |(_, industry)| industry);
            let segment = match self.rng.below(10) {
                0 | 1 => 0,
                2..=5 => 1,
                6..=8 => 2,
                _ => 3,
            };
            let niche = self.niches.iter().filter(|n| n.1 == segment).map(|n| n.0).collect::<Vec<_>>();
            let niche = (!niche.is_empty() && self.rng.chance(70)).then(|| *self.rng.pick(&niche));
            let owners: Vec<PersonId> = self
                .sellers
                .iter()
                .filter(|s| self.team_region(s.team) == Some(region) || (segment == 0 && s.role == Role::KeyAccount))
                .map(|s| s.id)
                .collect();
            let owner =
                if owners.is_empty() { self.sellers[i % self.sellers.len()].id } else { *self.rng.pick(&owners) };
            let local: Vec<usize> = (0..self.partners.len())
                .filter(|&p| {
                    self.partners[p].region == region
                        && self.partners[p].status != PartnerStatus::Prospect
                        && self.partners[p].kind != PartnerKind::Agent
                })
                .collect();
            let partner = (segment >= 1 && !local.is_empty() && self.rng.chance(30)).then(|| *self.rng.pick(&local));
            let created = self.today.add_days(-(self.rng.between(30, i64::from(self.size.history_days) + 300) as i32));
            let id = self.id_on(created);
            let domain = slug(&name, '-');
            accounts.push(Account {
                id,
                status,
                industry: industry.into(),
                segment: Some(self.segments[segment]),
                niche,
                territory: Some(city),
                owner: Some(owner),
                partner: partner.map(|p| self.partners[p].id),
                website: format!("https://www.{domain}.example"),
                phone: format!("+49 {} {:07}", 30 + region * 10, self.rng.between(1_000_000, 9_999_999)),
                email: format!("info@{domain}.example"),
                address: format!(
                    "{} {}",
                    self.rng.pick(&["Hafenstraße", "Industrieweg", "Am Markt", "Ringstraße"]),
                    self.rng.between(1, 120)
                ),
                city: city_name,
                country: names::COUNTRY.0.into(),
                notes: if i % 7 == 0 {
                    LongText::from("Prefers visits on Tuesdays. Buying decisions go through the workshop lead.")
                } else {
                    LongText::default()
                },
                name: name.clone(),
            });
            let count = per_account + usize::from(i < extra);
            let mut ids = Vec::new();
            for c in 0..count {
                let person = self.person_name();
                let cid: ContactId = self.id_on(created);
                ids.push(cid);
                contacts.push(Contact {
                    id: cid,
                    account: Some(id),
                    email: format!("{}@{domain}.example", slug(&person, '.')),
                    name: person,
                    title: (*self.rng.pick(&[
                        "Managing Director",
                        "Purchasing",
                        "Workshop Lead",
                        "Site Manager",
                        "Buyer",
                    ]))
                    .into(),
                    phone: format!("+49 170 {:07}", self.rng.between(1_000_000, 9_999_999)),
                    primary: c == 0,
                    notes: LongText::default(),
                });
            }
            self.contacts.push(ids);
            self.accounts.push(AccountInfo { id, name, status, segment, region, owner, partner });
        }
        self.put(accounts)?;
        self.put(contacts)
    }

    fn deals(&mut self) -> Result<()> {
        let converted = self.size.leads / LeadStatus::ALL.len();
        let step = (self.size.deals / converted.max(1)).max(1);
        for j in 0..converted.min(self.size.deals) {
            let lead: LeadId = self.rng.id(self.first_day().start());
            self.converted.insert(j * step, lead);
        }
        let customers: Vec<usize> =
            (0..self.accounts.len()).filter(|&a| self.accounts[a].status != AccountStatus::Prospect).collect();
        let mut deals = Vec::new();
        for i in 0..self.size.deals {
            let span = i64::from(self.size.history_days);
            let created = self.today.add_days(-(self.rng.between(3, span) as i32));
            let cycle = self.rng.between(14, 150) as i32;
            let close = created.add_days(cycle);
            // The first deals cover every stage, so even a tiny workspace shows a full board.
            let stage = if i < STAGES.len() {
                i
            } else if close < self.today {
                if self.rng.chance(55) { WON } else { LOST }
            } else {
                let progress = created.days_until(self.today) * 4 / cycle;
                progress.clamp(0, 3) as usize
            };
            let status = match STAGES[stage].2 {
                StageKind::Open => DealStatus::Open,
                StageKind::Won => DealStatus::Won,
                StageKind::Lost => DealStatus::Lost,
            };
            let account = if status == DealStatus::Won && !customers.is_empty() {
                customers[self.rng.index(customers.len())]
            } else {
                self.rng.index(self.accounts.len())
            };
            let deal = self.deal(i, account, stage, status, created, close);
            deals.push(deal);
        }
        self.put(deals)
    }

    fn deal(&mut self, i: usize, a: usize, stage: usize, status: DealStatus, created: Date, close: Date) -> Deal {
        let today = self.today;
        let account = &self.accounts[a];
        let (account_id, owner, segment, partner) = (account.id, account.owner, account.segment, account.partner);
        let topic = self.rng.pick(names::DEAL_TOPICS);
        let name = format!("{topic} – {}", short_name(&account.name));
        let price_category = names::SEGMENTS[segment].2;
        let mut lines = BTreeMap::new();
        let mut line_info = Vec::new();
        if self.rng.chance(85) {
            let count = self.rng.between(1, 3) as usize;
            let mut used = BTreeSet::new();
            for _ in 0..count {
                let p = self.rng.index(self.products.len());
                if !used.insert(p) {
                    continue;
                }
                let (product, list, category) = self.products[p];
                let expensive = list.minor >= 40_000;
                let mut quantity = if expensive { self.rng.between(1, 4) } else { self.rng.between(2, 40) };
                if segment == 0 {
                    quantity *= 3;
                }
                let discount_bp = *self.rng.pick(&[0, 0, 500, 1_000, 1_500]);
                let line = LineItem { product, quantity, unit_price: price_for(list, price_category), discount_bp };
                line_info.push((product, category, line.total().minor));
                let id = self.id_on(created);
                lines.insert(id, line);
            }
        }
        let value =
            if line_info.is_empty() { self.rng.between(20, 600) * 10_000 } else { line_info.iter().map(|l| l.2).sum() };
        let (channel, partner_id) = match partner {
            Some(p) => (self.partners[p].channel, Some(self.partners[p].id)),
            None if segment == 2 && self.rng.chance(40) => (self.channels.online, None),
            None => (self.channels.direct, None),
        };
        let closed_on = (status != DealStatus::Open).then(|| close.min(today.add_days(-1)).max(created));
        let expected_close = match status {
            DealStatus::Open if self.rng.chance(10) => today.add_days(-(self.rng.between(1, 20) as i32)),
            DealStatus::Open => close.max(today.add_days(1)),
            _ => closed_on.unwrap_or(close),
        };
        let stage_changed = match closed_on {
            Some(day) => day,
            None => self.day_between(created, today),
        };
        let loss_reason = (status == DealStatus::Lost).then(|| match self.rng.below(10) {
            0..=2 => LossReason::Price,
            3..=5 => LossReason::Competitor,
            6 => LossReason::Timing,
            7 => LossReason::NoBudget,
            8 => LossReason::NoDecision,
            _ => LossReason::Product,
        });
        let competitor = match loss_reason {
            Some(LossReason::Competitor | LossReason::Price) => self.rng.pick(names::COMPETITORS).to_string(),
            _ => String::new(),
        };
        let probability = (status == DealStatus::Open && self.rng.chance(10)).then(|| (STAGES[stage].1 + 10).min(95));
        let notes = match loss_reason {
            Some(_) if i.is_multiple_of(3) => LongText::from(*self.rng.pick(names::LOSS_NOTES)),
            _ => LongText::default(),
        };
        let id = self.id_on(created);
        let contact = self.contacts[a].first().copied();
        self.deals.push(DealInfo {
            id,
            account: a,
            owner,
            status,
            created,
            closed: closed_on,
            channel,
            partner: partner_id,
            lines: line_info,
            value,
        });
        Deal {
            id,
            name,
            account: account_id,
            contact,
            pipeline: self.pipeline,
            stage: self.stages[stage],
            status,
            amount: Money::new(value, EUR),
            lines,
            probability,
            expected_close,
            owner: Some(owner),
            channel: Some(channel),
            partner: partner_id,
            lead: self.converted.get(&i).copied(),
            created,
            stage_changed,
            closed_on,
            loss_reason,
            competitor,
            notes,
        }
    }

    fn leads(&mut self) -> Result<()> {
        let mut leads = Vec::new();
        let mut converted = self.converted.clone().into_iter();
        for i in 0..self.size.leads {
            let status = LeadStatus::ALL[i % LeadStatus::ALL.len()];
            let source = LeadSource::ALL[self.rng.index(LeadSource::ALL.len())];
            let owner = self.sellers[self.rng.index(self.sellers.len())].id;
            let name = self.person_name();
            let mut lead = Lead {
                id: Default::default(),
                company: String::new(),
                title: (*self.rng.pick(&["Owner", "Purchasing", "Workshop Lead", "Facility Manager"])).into(),
                email: String::new(),
                phone: format!("+49 171 {:07}", self.rng.between(1_000_000, 9_999_999)),
                source,
                status,
                owner: Some(owner),
                segment: Some(self.segments[self.rng.index(self.segments.len())]),
                territory: self.cities.get(self.rng.index(self.cities.len().max(1))).map(|c| c.0),
                has_budget: false,
                has_authority: false,
                has_need: false,
                timeline: None,
                estimated_value: Some(eur(self.rng.between(20, 400) * 100)),
                created: self.today,
                notes: LongText::default(),
                converted_account: None,
                converted_contact: None,
                converted_deal: None,
                name: name.clone(),
            };
            match status {
                LeadStatus::Converted => {
                    let Some((d, id)) = converted.next() else { continue };
                    let deal = self.deals[d].clone();
                    let account = &self.accounts[deal.account];
                    lead.id = id;
                    lead.company = account.name.clone();
                    lead.owner = Some(deal.owner);
                    lead.created = deal.created.add_days(-(self.rng.between(3, 30) as i32));
                    lead.has_budget = true;
                    lead.has_authority = true;
                    lead.has_need = true;
                    lead.timeline = Some(deal.created.add_days(60));
                    lead.converted_account = Some(account.id);
                    lead.converted_contact = self.contacts[deal.account].first().copied();
                    lead.converted_deal = Some(deal.id);
                }
                _ => {
                    let age = match status {
                        LeadStatus::New => self.rng.between(0, 14),
                        _ => self.rng.between(7, 150),
                    };
                    lead.created = self.today.add_days(-(age as i32));
                    lead.id = self.id_on(lead.created);
                    let city = self.rng.pick(CITIES);
                    lead.company = self.account_name(city);
                    let qualified = status == LeadStatus::Qualified;
                    lead.has_need = qualified || self.rng.chance(50);
                    lead.has_budget = qualified || self.rng.chance(30);
                    lead.has_authority = qualified && self.rng.chance(80);
                    lead.timeline = (qualified || self.rng.chance(20)).then(|| self.today.add_days(30));
                    if status == LeadStatus::Disqualified {
                        lead.notes = LongText::from("No need for our products in the next two years.");
                    }
                }
            }
            lead.email = format!("{}@{}.example", slug(&name, '.'), slug(&lead.company, '-'));
            self.leads.push(lead.id);
            leads.push(lead);
        }
        self.put(leads)
    }

    fn activities(&mut self) -> Result<()> {
        let today = self.today;
        let open: Vec<usize> = (0..self.deals.len()).filter(|&d| self.deals[d].status == DealStatus::Open).collect();
        let open_leads: Vec<LeadId> = self
            .leads
            .iter()
            .copied()
            .filter(|l| self.ws.data.leads.get(*l).is_some_and(|l| l.status != LeadStatus::Converted))
            .collect();
        let mut activities = Vec::new();
        for i in 0..self.size.activities {
            let pattern = i % 20;
            let kind = ActivityKind::ALL[self.rng.index(ActivityKind::ALL.len() - 1)];
            let subject = (*self.rng.pick(names::ACTIVITY_SUBJECTS)).to_string();
            let mut activity = Activity { kind, subject, ..Default::default() };
            match pattern {
                12..=15 if !open.is_empty() => {
                    let d = open[self.rng.index(open.len())];
                    let due = match pattern {
                        12 | 13 => today.add_days(self.rng.between(1, 21) as i32),
                        14 => today.add_days(-(self.rng.between(1, 14) as i32)),
                        _ => today,
                    };
                    self.on_deal(&mut activity, d);
                    activity.due = Some(due);
                    let made = today.add_days(-(self.rng.between(0, 10) as i32));
                    activity.id = self.id_on(made);
                }
                16 | 17 if !open_leads.is_empty() => {
                    let lead = open_leads[self.rng.index(open_leads.len())];
                    let record = self.ws.data.leads.get(lead).expect("lead exists");
                    let (created, owner) = (record.created, record.owner);
                    activity.kind = ActivityKind::Call;
                    activity.subject = "Qualify the lead".into();
                    activity.lead = Some(lead);
                    activity.person = owner;
                    if pattern == 16 {
                        let day = self.day_between(created, today.add_days(-1));
                        self.done_on(&mut activity, day);
                    } else {
                        activity.due = Some(today.add_days(self.rng.between(0, 10) as i32));
                        activity.id = self.id_on(created);
                    }
                }
                18 if !self.partners.is_empty() => {
                    let p = self.rng.index(self.partners.len());
                    activity.kind = ActivityKind::Visit;
                    activity.subject = "Partner visit: stock and promotions".into();
                    activity.partner = Some(self.partners[p].id);
                    activity.person = Some(self.partners[p].manager);
                    let day = today.add_days(-(self.rng.between(1, i64::from(self.size.history_days)) as i32));
                    self.done_on(&mut activity, day);
                }
                19 => {
                    let a = self.rng.index(self.accounts.len());
                    activity.kind = ActivityKind::Note;
                    activity.subject = "Customer check-in".into();
                    activity.account = Some(self.accounts[a].id);
                    activity.person = Some(self.accounts[a].owner);
                    let day = today.add_days(-(self.rng.between(1, 120) as i32));
                    self.done_on(&mut activity, day);
                }
                _ => {
                    let d = self.rng.index(self.deals.len());
                    let (created, closed) = (self.deals[d].created, self.deals[d].closed);
                    self.on_deal(&mut activity, d);
                    let last = closed.unwrap_or(today.add_days(-1)).min(today.add_days(-1));
                    let day = self.day_between(created, last);
                    self.done_on(&mut activity, day);
                }
            }
            activities.push(activity);
        }
        self.put(activities)
    }

    fn on_deal(&mut self, activity: &mut Activity, d: usize) {
        let deal = &self.deals[d];
        activity.deal = Some(deal.id);
        activity.account = Some(self.accounts[deal.account].id);
        activity.contact = self.contacts[deal.account].first().copied();
        activity.person = Some(deal.owner);
    }

    /// Marks an activity done on `day`, or yesterday if `day` is later: nothing is done today
    /// before the workspace is made.
    fn done_on(&mut self, activity: &mut Activity, day: Date) {
        let at = self.at(day.min(self.today.add_days(-1)));
        activity.id = self.rng.id(at);
        activity.due = Some(at.date());
        activity.done = true;
        activity.done_at = Some(at);
        activity.outcome =
            (*self.rng.pick(&["Interested", "Sent documents", "Call back next week", "Agreed next steps", ""])).into();
    }

    fn service_cases(&mut self) -> Result<()> {
        let won: Vec<usize> = (0..self.deals.len()).filter(|&d| self.deals[d].status == DealStatus::Won).collect();
        if won.is_empty() {
            return Ok(());
        }
        const SUBJECTS: &[&str] = &[
            "Battery does not charge",
            "Wrong item delivered",
            "Calibration certificate missing",
            "Request for spare parts",
            "Noise from the gearbox",
            "Training for new staff",
        ];
        let mut cases = Vec::new();
        for i in 0..self.size.service_cases {
            let d = won[self.rng.index(won.len())];
            let deal = self.deals[d].clone();
            let won_on = deal.closed.unwrap_or(self.today);
            let opened = won_on.add_days(self.rng.between(3, 120) as i32).min(self.today);
            let status = CaseStatus::ALL[i % CaseStatus::ALL.len()];
            let resolved = matches!(status, CaseStatus::Resolved | CaseStatus::Closed)
                .then(|| opened.add_days(self.rng.between(0, 20) as i32).min(self.today));
            let satisfaction = resolved.map(|_| *self.rng.pick(&[5, 5, 4, 4, 4, 3, 2]));
            let id = self.id_on(opened);
            cases.push(ServiceCase {
                id,
                account: self.accounts[deal.account].id,
                contact: self.contacts[deal.account].first().copied(),
                deal: Some(deal.id),
                product: deal.lines.first().map(|l| l.0),
                subject: (*self.rng.pick(SUBJECTS)).into(),
                description: LongText::from("Reported by phone; details in the call notes."),
                status,
                priority: Priority::ALL[self.rng.index(Priority::ALL.len())],
                opened,
                resolved,
                owner: Some(self.service[i % self.service.len()]),
                satisfaction,
            });
        }
        self.put(cases)
    }

    fn channel_management(&mut self) -> Result<()> {
        let today = self.today;
        let year = today.year();
        let of_channel = |b: &Self, channel: ChannelId| -> BTreeSet<PartnerId> {
            b.partners
                .iter()
                .filter(|p| p.channel == channel && p.status == PartnerStatus::Active)
                .take(40)
                .map(|p| p.id)
                .collect()
        };
        let d = |y: i32, m: u32, day: u32| Date::from_ymd(y, m, day).expect("valid date");
        let programs = [
            (
                "Spring promotion",
                IncentiveKind::Promotion,
                self.channels.dealers,
                d(year, 3, 1),
                d(year, 5, 31),
                15_000,
            ),
            (
                "Distributor volume bonus",
                IncentiveKind::Bonus,
                self.channels.distributors,
                d(year, 1, 1),
                d(year, 12, 31),
                40_000,
            ),
            (
                "Product training day",
                IncentiveKind::TrainingEvent,
                self.channels.dealers,
                d(year - 1, 10, 14),
                d(year - 1, 10, 14),
                6_000,
            ),
            (
                "Dealer sales contest",
                IncentiveKind::Contest,
                self.channels.dealers,
                d(year - 1, 9, 1),
                d(year - 1, 12, 15),
                10_000,
            ),
            (
                "Web shop launch offer",
                IncentiveKind::Promotion,
                self.channels.online,
                today.add_days(20),
                today.add_days(80),
                8_000,
            ),
        ];
        let mut incentives = Vec::new();
        for (name, kind, channel, start, end, budget) in programs {
            let status = if end < today {
                PlanStatus::Done
            } else if start > today {
                PlanStatus::Draft
            } else {
                PlanStatus::Active
            };
            let spent = match status {
                PlanStatus::Done => budget * self.rng.between(80, 110) / 100,
                PlanStatus::Active => {
                    budget * i64::from(start.days_until(today)) / i64::from(start.days_until(end).max(1))
                }
                _ => 0,
            };
            let id = self.id_on(start.add_days(-30).min(today));
            incentives.push(Incentive {
                id,
                name: format!("{name} {}", start.year()),
                kind,
                channel: Some(channel),
                participants: of_channel(self, channel),
                budget: eur(budget),
                cost: eur(spent),
                start,
                end,
                goal: LongText::from("Grow sell-out of the priority categories by 10% over the period."),
                status,
            });
        }
        self.put(incentives)?;

        const SUBJECTS: &[&str] = &[
            "Monthly sell-out report",
            "Stock levels for the spring season",
            "Complaint about late delivery",
            "New price list sent",
            "Planning the joint trade fair stand",
            "Payment reminder",
        ];
        let mut log = Vec::new();
        for i in 0..self.size.communications {
            let p = i % self.partners.len();
            let day = today.add_days(-(self.rng.between(1, 180) as i32));
            let at = self.at(day);
            let follow_up = self.rng.chance(25).then(|| today.add_days(self.rng.between(-5, 20) as i32));
            log.push(Communication {
                id: self.rng.id(at),
                partner: self.partners[p].id,
                at,
                kind: CommunicationKind::ALL[self.rng.index(CommunicationKind::ALL.len())],
                by: Some(self.partners[p].manager),
                subject: (*self.rng.pick(SUBJECTS)).into(),
                notes: LongText::default(),
                follow_up,
            });
        }
        self.put(log)?;

        let invoiced: Vec<usize> = (0..self.partners.len())
            .filter(|&p| {
                matches!(self.partners[p].kind, PartnerKind::Dealer | PartnerKind::Distributor)
                    && self.partners[p].status != PartnerStatus::Prospect
            })
            .take(self.size.invoiced_partners)
            .collect();
        let mut invoices = Vec::new();
        let mut payments = Vec::new();
        let mut number = 0;
        for m in (0..self.size.invoice_months).rev() {
            let month = Period::month_of(today).shift(-(m as i32));
            for &p in &invoiced {
                let issued = month.first_day().add_days(self.rng.between(0, 9) as i32);
                if issued > today {
                    continue;
                }
                let distributor = self.partners[p].kind == PartnerKind::Distributor;
                let terms = if distributor { 60 } else { 30 };
                let due = issued.add_days(terms);
                let amount = eur(self.rng.between(15, if distributor { 400 } else { 120 }) * 100);
                number += 1;
                let id = self.id_on(issued);
                let invoice = Invoice {
                    id,
                    partner: self.partners[p].id,
                    number: format!("INV-{}-{number:05}", issued.year()),
                    issued,
                    due,
                    amount,
                    notes: LongText::default(),
                };
                // Most invoices are paid in full by the due date; some partly, some not at all.
                // A partner on probation pays late more often.
                let late_risk = if self.partners[p].status == PartnerStatus::Probation { 40 } else { 8 };
                let roll = self.rng.below(100);
                let paid = if due >= today {
                    if roll < 30 { amount.minor } else { 0 }
                } else if roll < late_risk {
                    0
                } else if roll < late_risk + 10 {
                    amount.minor * self.rng.between(30, 80) / 100
                } else {
                    amount.minor
                };
                if paid > 0 {
                    let last = due.add_days(10).min(today);
                    let date = self.day_between(issued.add_days(5).min(last), last);
                    let pid = self.id_on(date);
                    payments.push(Payment {
                        id: pid,
                        partner: invoice.partner,
                        invoice: Some(id),
                        date,
                        amount: Money::new(paid, EUR),
                        reference: format!("Transfer {}", invoice.number),
                    });
                }
                invoices.push(invoice);
            }
        }
        self.put(invoices)?;
        self.put(payments)?;

        let mut ratings = Vec::new();
        let mut evaluations = Vec::new();
        let last_quarter = Period::quarter_of(today).previous();
        for p in 0..self.partners.len() {
            let info = &self.partners[p];
            let (id_p, status, manager) = (info.id, info.status, info.manager);
            if status == PartnerStatus::Prospect {
                continue;
            }
            let weak = status == PartnerStatus::Probation;
            for r in 0..2 {
                let date = today.add_days(-(self.rng.between(10, 300) as i32));
                let area = ServiceArea::ALL[(p + r) % ServiceArea::ALL.len()];
                let score = if weak { self.rng.between(1, 3) } else { self.rng.between(3, 5) } as u32;
                let id = self.id_on(date);
                ratings.push(ServiceRating {
                    id,
                    partner: id_p,
                    date,
                    area,
                    score,
                    cost: (area == ServiceArea::Delivery).then(|| eur(self.rng.between(2, 30) * 100)),
                    notes: LongText::default(),
                });
            }
            for period in [last_quarter.previous(), last_quarter] {
                let mut score = || if weak { self.rng.between(1, 3) } else { self.rng.between(3, 5) } as u32;
                let (sales_score, payment_score, service_score, cooperation_score) =
                    (score(), score(), score(), score());
                let overall = sales_score + payment_score + service_score + cooperation_score;
                let decision = match overall {
                    0..=8 => PartnerDecision::Warn,
                    9..=11 => PartnerDecision::Adjust,
                    12..=16 => PartnerDecision::Keep,
                    _ => PartnerDecision::Develop,
                };
                let id = self.id_on(period.last_day().add_days(5).min(today));
                evaluations.push(PartnerEvaluation {
                    id,
                    partner: id_p,
                    period,
                    evaluator: Some(manager),
                    sales_score,
                    payment_score,
                    service_score,
                    cooperation_score,
                    decision,
                    adjustments: if decision == PartnerDecision::Warn {
                        LongText::from("Payment terms cut to 14 days until overdue invoices are settled.")
                    } else {
                        LongText::default()
                    },
                });
            }
        }
        self.put(ratings)?;
        self.put(evaluations)
    }

    /// Won revenue in cents per subject and period (years and quarters), for targets that sit
    /// near what was actually sold.
    fn actuals(&self) -> BTreeMap<(Subject, Period), i64> {
        let mut sums: BTreeMap<(Subject, Period), i64> = BTreeMap::new();
        let team_of: BTreeMap<PersonId, usize> = self.sellers.iter().map(|s| (s.id, s.team)).collect();
        for deal in self.deals.iter().filter(|d| d.status == DealStatus::Won) {
            let Some(day) = deal.closed else { continue };
            let account = &self.accounts[deal.account];
            let mut whole = vec![Subject::Company, Subject::Person(deal.owner), Subject::Channel(deal.channel)];
            if let Some(team) = team_of.get(&deal.owner) {
                whole.push(Subject::Unit(self.teams[*team]));
            }
            whole.push(Subject::Territory(self.regions[account.region.min(self.regions.len() - 1)]));
            if let Some(partner) = deal.partner {
                whole.push(Subject::Partner(partner));
            }
            for period in [Period::year_of(day), Period::quarter_of(day)] {
                for subject in &whole {
                    *sums.entry((*subject, period)).or_default() += deal.value;
                }
                for (product, category, total) in &deal.lines {
                    *sums.entry((Subject::Product(*product), period)).or_default() += total;
                    *sums.entry((Subject::Category(self.categories[*category]), period)).or_default() += total;
                }
            }
        }
        sums
    }

    fn targets(&mut self) -> Result<()> {
        let actuals = self.actuals();
        let year = self.today.year();
        let days_so_far = i64::from(Period::Year { year }.first_day().days_until(self.today)) + 1;
        let mut targets = Vec::new();
        let mut subjects = vec![Subject::Company];
        subjects.extend(self.teams.iter().map(|t| Subject::Unit(*t)));
        subjects.extend(self.sellers.iter().map(|s| Subject::Person(s.id)));
        subjects.extend(self.regions.iter().map(|r| Subject::Territory(*r)));
        subjects.extend(
            [self.channels.direct, self.channels.dealers, self.channels.distributors, self.channels.online]
                .map(Subject::Channel),
        );
        subjects
            .extend(self.partners.iter().filter(|p| p.status == PartnerStatus::Active).map(|p| Subject::Partner(p.id)));
        subjects.extend(self.products.iter().take(5).map(|p| Subject::Product(p.0)));
        subjects.extend(self.categories.iter().map(|c| Subject::Category(*c)));
        let quarterly: BTreeSet<Subject> = self.sellers.iter().map(|s| Subject::Person(s.id)).collect();
        for y in [year - 1, year] {
            let mut periods = vec![Period::Year { year: y }];
            periods.extend((1..=4).map(|quarter| Period::Quarter { year: y, quarter }));
            for subject in &subjects {
                for period in &periods {
                    if matches!(period, Period::Quarter { .. }) && !quarterly.contains(subject) {
                        continue;
                    }
                    let actual = actuals.get(&(*subject, *period)).copied().unwrap_or(0);
                    // A year still under way is planned on its pace so far.
                    let pace = if period.contains(self.today) && matches!(period, Period::Year { .. }) {
                        actual * 365 / days_so_far
                    } else {
                        actual
                    };
                    let goal = pace * self.rng.between(90, 125) / 100;
                    let rounded = (goal / 100_000).max(10) * 100_000;
                    let id = self.id_on(period.first_day().add_days(-20));
                    targets.push(Target {
                        id,
                        subject: *subject,
                        period: *period,
                        metric: Metric::Revenue,
                        amount: Money::new(rounded, EUR),
                        count: 0,
                        notes: LongText::default(),
                    });
                }
            }
        }
        let quarter = Period::quarter_of(self.today);
        for s in 0..self.sellers.len() {
            let (person, team) = (self.sellers[s].id, self.sellers[s].team);
            let id = self.id_on(quarter.first_day().add_days(-10));
            targets.push(Target {
                id,
                subject: Subject::Person(person),
                period: quarter,
                metric: Metric::Activities,
                amount: Money::zero(EUR),
                count: 120,
                notes: LongText::default(),
            });
            if s < self.teams.len() {
                let id = self.id_on(quarter.first_day().add_days(-10));
                targets.push(Target {
                    id,
                    subject: Subject::Unit(self.teams[team]),
                    period: Period::Year { year },
                    metric: Metric::WonDeals,
                    amount: Money::zero(EUR),
                    count: 40,
                    notes: LongText::default(),
                });
            }
        }
        for r in 0..self.regions.len() {
            let id = self.id_on(Period::Year { year }.first_day().add_days(-10));
            targets.push(Target {
                id,
                subject: Subject::Territory(self.regions[r]),
                period: Period::Year { year },
                metric: Metric::NewAccounts,
                amount: Money::zero(EUR),
                count: 12,
                notes: LongText::default(),
            });
        }
        self.put(targets)
    }

    fn people_management(&mut self) -> Result<()> {
        let today = self.today;
        let year = today.year();
        let mut plans = Vec::new();
        let field: BTreeSet<PersonId> = self.sellers.iter().filter(|s| s.role == Role::Rep).map(|s| s.id).collect();
        let key: BTreeSet<PersonId> =
            self.sellers.iter().filter(|s| s.role == Role::KeyAccount).map(|s| s.id).collect();
        let specs = [
            ("Field sales", PayPeriod::Quarterly, 300, [(80, 400), (100, 500)], 15_000, 20_000, 1_500, 110, field),
            ("Key accounts", PayPeriod::Yearly, 200, [(90, 300), (100, 400)], 12_500, 60_000, 5_000, 100, key),
        ];
        for (name, pay_period, base_rate_bp, tiers, accelerator_bp, cap, bonus, bonus_attainment, members) in specs {
            let created = Period::Year { year }.first_day().add_days(-20);
            let mut tier_map = BTreeMap::new();
            for (from_attainment, rate_bp) in tiers {
                let id = self.id_on(created);
                tier_map.insert(id, Tier { from_attainment, rate_bp });
            }
            let id = self.id_on(created);
            plans.push(CommissionPlan {
                id,
                name: format!("{name} {year}"),
                pay_period,
                base_rate_bp,
                tiers: tier_map,
                accelerator_bp,
                cap: Some(eur(cap)),
                bonus: Some(eur(bonus)),
                bonus_attainment,
                members,
                active: true,
            });
        }
        self.put(plans)?;

        let newest = self.sellers.last().map(|s| (s.id, s.hired));
        let mut candidates = Vec::new();
        let mut hired_linked = false;
        for i in 0..self.size.candidates {
            let stage = HiringStage::ALL[i % HiringStage::ALL.len()];
            let name = self.person_name();
            let applied = match (stage, newest) {
                (HiringStage::Hired, Some((_, hired))) => hired.add_days(-60),
                _ => today.add_days(-(self.rng.between(3, 90) as i32)),
            };
            let hired_as = match (stage, newest) {
                (HiringStage::Hired, Some((person, _))) if !hired_linked => {
                    hired_linked = true;
                    Some(person)
                }
                _ => None,
            };
            let id = self.id_on(applied);
            candidates.push(Candidate {
                id,
                email: format!("{}@mail.example", slug(&name, '.')),
                phone: format!("+49 160 {:07}", self.rng.between(1_000_000, 9_999_999)),
                name,
                position: (*self.rng.pick(&["Sales Representative", "Key Account Manager", "Inside Sales"])).into(),
                stage,
                source: (*self.rng.pick(&["Job board", "Referral", "Career fair", "Website"])).into(),
                applied,
                owner: Some(self.managers[i % self.managers.len()]),
                expected_salary: Some(eur(self.rng.between(38, 70) * 1_000)),
                notes: LongText::default(),
                hired_as,
            });
        }
        self.put(candidates)?;

        const COURSES: &[(&str, TrainingKind)] = &[
            ("Consultative selling", TrainingKind::Course),
            ("Negotiation workshop", TrainingKind::Workshop),
            ("Power tools product certification", TrainingKind::Certification),
            ("Ride-along coaching", TrainingKind::Coaching),
            ("Shadowing a key account manager", TrainingKind::Shadowing),
        ];
        let mut trainings = Vec::new();
        for i in 0..self.size.trainings {
            let person = self.sellers[i % self.sellers.len()].id;
            let (title, kind) = COURSES[self.rng.index(COURSES.len())];
            // Most trainings are done; every fourth is still to come.
            let date = if i % 4 == 3 {
                today.add_days(self.rng.between(7, 90) as i32)
            } else {
                today.add_days(-(self.rng.between(7, i64::from(self.size.history_days)) as i32))
            };
            let completed = date < today;
            let id = self.id_on(date.min(today));
            trainings.push(Training {
                id,
                person,
                title: title.into(),
                kind,
                date,
                hours: self.rng.between(4, 40) as u32,
                cost: eur(self.rng.between(2, 25) * 100),
                completed,
                score: (completed && kind == TrainingKind::Certification).then(|| self.rng.between(60, 100) as u32),
                notes: LongText::default(),
            });
        }
        self.put(trainings)?;

        let mut evaluations = Vec::new();
        let last_quarter = Period::quarter_of(today).previous();
        for s in 0..self.sellers.len() {
            let (person, team, hired) = (self.sellers[s].id, self.sellers[s].team, self.sellers[s].hired);
            for period in [Period::Year { year: year - 1 }, last_quarter] {
                if hired > period.last_day() {
                    continue;
                }
                let mut score = || self.rng.between(2, 5) as u32;
                let (results_score, activity_score, skills_score, teamwork_score) =
                    (score(), score(), score(), score());
                let id = self.id_on(period.last_day().add_days(10).min(today));
                evaluations.push(Evaluation {
                    id,
                    person,
                    period,
                    reviewer: Some(self.managers[team]),
                    results_score,
                    activity_score,
                    skills_score,
                    teamwork_score,
                    strengths: LongText::from("Knows the product range well; customers trust the advice."),
                    improvements: LongText::from("Log activities the same day; qualify leads before quoting."),
                });
            }
        }
        self.put(evaluations)
    }

    fn costs_and_budgets(&mut self) -> Result<()> {
        let today = self.today;
        let months = self.size.history_days / 30;
        let mut costs = Vec::new();
        let mut won_by_month: BTreeMap<Period, i64> = BTreeMap::new();
        for deal in self.deals.iter().filter(|d| d.status == DealStatus::Won) {
            if let Some(day) = deal.closed {
                *won_by_month.entry(Period::month_of(day)).or_default() += deal.value;
            }
        }
        let salaries = self.salaries.clone();
        for m in (0..=months).rev() {
            let month = Period::month_of(today).shift(-m);
            let payday = month.first_day().add_days(24);
            if payday <= today {
                for (person, salary, hired) in &salaries {
                    if *hired <= payday {
                        let id = self.id_on(payday);
                        costs.push(cost(
                            id,
                            payday,
                            CostCategory::Salaries,
                            *salary,
                            Some(*person),
                            None,
                            "Monthly salary",
                        ));
                    }
                }
            }
            let end = month.last_day().min(today);
            if let Some(won) = won_by_month.get(&month).filter(|w| **w > 0) {
                let id = self.id_on(end);
                let amount = Money::new((won * 4 / 100).max(100), EUR);
                costs.push(cost(id, end, CostCategory::Commissions, amount, None, None, "Commissions on won deals"));
            }
            for t in 0..self.regions.len().min(self.teams.len()) {
                let day = self.day_between(month.first_day(), end);
                let id = self.id_on(day);
                let amount = eur(self.rng.between(6, 30) * 100);
                costs.push(CostEntry {
                    territory: Some(self.regions[t]),
                    ..cost(id, day, CostCategory::Travel, amount, None, None, "Travel to customers")
                });
            }
            let day = self.day_between(month.first_day(), end);
            let id = self.id_on(day);
            let amount = eur(self.rng.between(10, 80) * 100);
            let channel = Some(self.channels.online);
            costs.push(cost(id, day, CostCategory::Marketing, amount, None, channel, "Online advertising"));
            let id = self.id_on(month.first_day());
            let amount = eur(self.rng.between(4, 9) * 100);
            costs.push(cost(id, month.first_day(), CostCategory::Tools, amount, None, None, "Sales software"));
        }
        let incentives: Vec<Incentive> = self.ws.data.incentives.iter().cloned().collect();
        for incentive in incentives.iter().filter(|i| i.cost.minor > 0) {
            let day = incentive.end.min(today);
            let id = self.id_on(day);
            costs.push(cost(
                id,
                day,
                CostCategory::Incentives,
                incentive.cost,
                None,
                incentive.channel,
                &incentive.name,
            ));
        }
        let trainings: Vec<Training> = self.ws.data.trainings.iter().filter(|t| t.completed).cloned().collect();
        for training in &trainings {
            let id = self.id_on(training.date);
            costs.push(cost(
                id,
                training.date,
                CostCategory::Training,
                training.cost,
                Some(training.person),
                None,
                &training.title,
            ));
        }
        let hiring_day = today.add_days(-45);
        let id = self.id_on(hiring_day);
        costs.push(cost(id, hiring_day, CostCategory::Hiring, eur(4_500), None, None, "Recruiting agency fee"));

        let year = today.year();
        let mut spend: BTreeMap<(CostCategory, Period), i64> = BTreeMap::new();
        for c in &costs {
            *spend.entry((c.category, Period::year_of(c.date))).or_default() += c.amount.minor;
            *spend.entry((c.category, Period::quarter_of(c.date))).or_default() += c.amount.minor;
        }
        self.put(costs)?;

        let mut budgets = Vec::new();
        let categories = [
            CostCategory::Salaries,
            CostCategory::Commissions,
            CostCategory::Incentives,
            CostCategory::Travel,
            CostCategory::Marketing,
            CostCategory::Training,
            CostCategory::Tools,
        ];
        let mut periods = vec![Period::Year { year: year - 1 }, Period::Year { year }];
        periods.extend((1..=4).map(|quarter| Period::Quarter { year, quarter }));
        for category in categories {
            for period in &periods {
                let spent = spend.get(&(category, *period)).copied().unwrap_or(0);
                // Budgets sit near the spend so that some are overrun and some are not.
                let amount = (spent * self.rng.between(85, 120) / 100 / 10_000).max(1) * 10_000;
                let id = self.id_on(period.first_day().add_days(-15));
                budgets.push(Budget {
                    id,
                    period: *period,
                    category,
                    amount: Money::new(amount, EUR),
                    unit: None,
                    notes: LongText::default(),
                });
            }
        }
        self.put(budgets)
    }

    fn plan_version(&mut self) -> Result<()> {
        let year = self.today.year();
        let id = self.id_on(self.today.add_days(-7));
        self.put(vec![PlanVersion {
            id,
            name: format!("Plan {} – first draft", year + 1),
            period: Period::Year { year: year + 1 },
            status: VersionStatus::Draft,
            author: Some(self.member),
            notes: LongText::from("Growth of 12% with two more reps in the South; online channel doubled."),
            adopted_at: None,
        }])
    }
}

#[allow(clippy::too_many_arguments)]
fn cost(
    id: crate::management::CostId,
    date: Date,
    category: CostCategory,
    amount: Money,
    person: Option<PersonId>,
    channel: Option<ChannelId>,
    description: &str,
) -> CostEntry {
    CostEntry { id, date, category, amount, person, channel, territory: None, description: description.into() }
}

/// The price of a product for a price category: economy buyers pay 8% less than list, premium
/// buyers 6% more for the service that comes with it.
fn price_for(list: Money, category: PriceCategory) -> Money {
    let bp = match category {
        PriceCategory::Economy => 9_200,
        PriceCategory::Standard => 10_000,
        PriceCategory::Premium => 10_600,
    };
    let price = list.percent_bp(bp);
    // Round to whole euros, as price lists are printed.
    Money::new((price.minor + 50) / 100 * 100, list.currency)
}

/// The name without its legal form, for deal names.
fn short_name(name: &str) -> &str {
    names::LEGAL_FORMS
        .iter()
        .filter_map(|form| name.strip_suffix(form))
        .map(str::trim_end)
        .max_by_key(|rest| std::cmp::Reverse(rest.len()))
        .unwrap_or(name)
}

/// Lower-case ASCII for email addresses and domains: umlauts spelled out, other characters
/// dropped, words joined by `sep`.
fn slug(text: &str, sep: char) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let mut w = String::new();
        for ch in word.chars() {
            match ch.to_ascii_lowercase() {
                'ä' | 'Ä' => w.push_str("ae"),
                'ö' | 'Ö' => w.push_str("oe"),
                'ü' | 'Ü' => w.push_str("ue"),
                'ß' => w.push_str("ss"),
                c if c.is_ascii_alphanumeric() => w.push(c),
                _ => {}
            }
        }
        if !w.is_empty() {
            if !out.is_empty() {
                out.push(sep);
            }
            out.push_str(&w);
        }
    }
    out
}

pub(super) fn import_accounts(data: &Tables, rng: &mut Rng, today: Date, count: usize) -> Vec<Account> {
    let segments: Vec<SegmentId> = data.segments.ids().collect();
    let niches: Vec<NicheId> = data.niches.ids().collect();
    let territories: Vec<(TerritoryId, String)> =
        data.territories.iter().filter(|t| t.parent.is_some()).map(|t| (t.id, t.name.clone())).collect();
    let owners: Vec<PersonId> =
        data.people.iter().filter(|p| matches!(p.role, Role::Rep | Role::KeyAccount)).map(|p| p.id).collect();
    let partners: Vec<PartnerId> = data.partners.ids().collect();
    let at = today.start();
    (0..count)
        .map(|i| {
            let stem = rng.pick(names::COMPANY_STEMS);
            let (trade, industry) = rng.pick(names::COMPANY_TRADES);
            let territory = (!territories.is_empty()).then(|| rng.pick(&territories).clone());
            let city = territory.as_ref().map(|t| t.1.clone()).unwrap_or_default();
            let name = format!("{stem} {trade} {city} {} GmbH", i + 1);
            let domain = slug(&name, '-');
            Account {
                id: rng.id(at),
                status: AccountStatus::Prospect,
                industry: (*industry).into(),
                segment: (!segments.is_empty()).then(|| *rng.pick(&segments)),
                niche: (!niches.is_empty() && rng.chance(50)).then(|| *rng.pick(&niches)),
                territory: territory.map(|t| t.0),
                owner: (!owners.is_empty()).then(|| *rng.pick(&owners)),
                partner: (!partners.is_empty() && rng.chance(20)).then(|| *rng.pick(&partners)),
                website: format!("https://www.{domain}.example"),
                phone: format!("+49 89 {:07}", rng.between(1_000_000, 9_999_999)),
                email: format!("info@{domain}.example"),
                address: format!("Gewerbepark {}", rng.between(1, 90)),
                city,
                country: names::COUNTRY.0.into(),
                notes: LongText::default(),
                name,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_ascii() {
        assert_eq!(slug("Jürgen Groß", '.'), "juergen.gross");
        assert_eq!(slug("Becker Logistik GmbH & Co. KG", '-'), "becker-logistik-gmbh-co-kg");
    }

    #[test]
    fn short_names_drop_the_legal_form() {
        assert_eq!(short_name("Havel Bau GmbH & Co. KG"), "Havel Bau");
        assert_eq!(short_name("Isar Elektro AG"), "Isar Elektro");
        assert_eq!(short_name("Plain Name"), "Plain Name");
    }
}
