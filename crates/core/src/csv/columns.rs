//! The six record types that import and export, and their columns: what each is called, how it
//! is written, how it matches an existing record, and how a cell reaches the record.

use crate::account::{Account, AccountId, Contact, ContactId};
use crate::channel::{Partner, PartnerId};
use crate::collection::{Table, Tables};
use crate::commands::selling::default_pipeline;
use crate::date::Date;
use crate::deal::{Deal, DealId, DealStatus};
use crate::field::LongText;
use crate::id::{RawId, TypedId};
use crate::lead::{Lead, LeadId};
use crate::money::{Currency, Money};
use crate::product::{Product, ProductId};
use crate::record::Record;
use crate::settings::PipelineId;

use super::cell::{Cell, Cx, Format, email, name_key, percent};

/// A record type that imports and exports as CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Accounts,
    Contacts,
    Leads,
    Deals,
    Products,
    Partners,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Accounts, Kind::Contacts, Kind::Leads, Kind::Deals, Kind::Products, Kind::Partners];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Accounts => "Accounts",
            Kind::Contacts => "Contacts",
            Kind::Leads => "Leads",
            Kind::Deals => "Deals",
            Kind::Products => "Products",
            Kind::Partners => "Partners",
        }
    }

    /// The columns that import, in the order export writes them (import-only ones last).
    pub fn fields(self) -> Vec<&'static FieldInfo> {
        fn infos<R: Importable>() -> Vec<&'static FieldInfo> {
            R::columns().iter().map(|c| &c.info).collect()
        }
        match self {
            Kind::Accounts => infos::<Account>(),
            Kind::Contacts => infos::<Contact>(),
            Kind::Leads => infos::<Lead>(),
            Kind::Deals => infos::<Deal>(),
            Kind::Products => infos::<Product>(),
            Kind::Partners => infos::<Partner>(),
        }
    }

    /// The column with this stored name.
    pub fn field(self, name: &str) -> Option<&'static FieldInfo> {
        self.fields().into_iter().find(|f| f.name == name)
    }

    /// How the kind's records match existing ones, in words for the import screen.
    pub fn matching(self) -> &'static str {
        match self {
            Kind::Accounts => {
                "An account with the same name (ignoring case and spaces), else the same email, is updated."
            }
            Kind::Contacts => "A contact with the same email, else the same name at the same account, is updated.",
            Kind::Leads => "A lead with the same email, else the same name and company, is updated.",
            Kind::Deals => "A deal with the same name at the same account is updated.",
            Kind::Products => "A product with the same SKU (or, without an SKU, the same name) is updated.",
            Kind::Partners => "A partner with the same name is updated.",
        }
    }

    /// The words the headers of other tools put before a field's name, as in "Deal - Stage".
    pub(crate) fn prefixes(self) -> &'static [&'static str] {
        match self {
            Kind::Accounts => &["account", "company", "organization", "organisation"],
            Kind::Contacts => &["contact", "person"],
            Kind::Leads => &["lead", "prospect"],
            Kind::Deals => &["deal", "opportunity"],
            Kind::Products => &["product", "item"],
            Kind::Partners => &["partner"],
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One column a file can map to.
#[derive(Debug)]
pub struct FieldInfo {
    /// The stored field name, or a name of its own for the columns that are not one field
    /// (`currency`, `first_name`, `last_name`).
    pub name: &'static str,
    /// The header export writes and the mapping screen shows.
    pub label: &'static str,
    /// A row without it cannot make a record.
    pub required: bool,
    pub format: Format,
    /// Other headers that mean this column, as other tools write them.
    pub synonyms: &'static [&'static str],
    /// The stored fields the column writes, to place validation messages on it.
    pub(crate) fills: &'static [&'static str],
    pub(crate) choices: fn() -> Vec<&'static str>,
    /// Written on export; the name parts only import.
    pub(crate) exported: bool,
}

impl FieldInfo {
    /// The labels of the allowed values of a choice column.
    pub fn choices(&self) -> Vec<&'static str> {
        (self.choices)()
    }

    /// Whether the column writes the stored field `field`.
    pub fn fills(&self, field: &str) -> bool {
        self.fills.contains(&field)
    }
}

/// A column bound to a record type.
pub(crate) struct Column<R> {
    pub info: FieldInfo,
    /// Parses a trimmed, non-blank cell into the record.
    pub read: fn(&mut R, &str, &Cx) -> Result<(), String>,
    /// The cell for a record on export.
    pub show: fn(&R, &Cx) -> String,
    /// Copies what the column wrote from one record to another.
    pub copy: fn(&R, &mut R),
}

/// A record type with CSV columns.
pub(crate) trait Importable: Record + Send + Sync {
    const KIND: Kind;
    /// What one record is called in messages.
    const NOUN: &'static str;
    fn columns() -> &'static [Column<Self>];
    fn table(data: &Tables) -> &Table<Self>;
    /// The record a new row starts from.
    fn fresh(id: RawId, cx: &Cx, today: Date) -> Self;
    /// The natural keys a row is matched by, tried in order.
    fn match_keys(&self) -> Vec<String>;
    /// Every natural key the record can be found by.
    fn index_keys(&self) -> Vec<String> {
        self.match_keys()
    }
    /// What a row updating this record is read into: values that reading depends on.
    fn seed(&self) -> Self {
        Self::default()
    }
    /// The currency of the record's amounts, written in the currency column.
    fn currency(&self) -> Option<Currency> {
        None
    }
    /// Brings derived fields in line after a row changed `before` into `self`; `is_new` when
    /// the record is being created (`before` is then what a new record starts from).
    fn settle(&mut self, _before: &Self, _is_new: bool, _today: Date) {}
}

/// A natural key: its kind and the parts' name keys; `None` when the first part is blank.
fn key(kind: &str, parts: &[&str]) -> Option<String> {
    let first = name_key(parts.first()?);
    if first.is_empty() {
        return None;
    }
    let rest: Vec<String> = parts[1..].iter().map(|p| name_key(p)).collect();
    Some(format!("{kind}:{first}|{}", rest.join("|")))
}

fn id_text<I: TypedId>(id: Option<I>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// A column for one field, parsed and written through the field type's [`Cell`].
macro_rules! col {
    ($r:ty, $field:ident : $ty:ty, $label:literal, $required:literal, [$($syn:literal),* $(,)?]) => {
        col!($r, $field: $ty, $label, $required, [$($syn),*], <$ty as Cell>::FORMAT, <$ty as Cell>::parse)
    };
    ($r:ty, $field:ident : $ty:ty, $label:literal, $required:literal, [$($syn:literal),* $(,)?], $format:expr, $parse:expr) => {
        Column::<$r> {
            info: FieldInfo {
                name: stringify!($field),
                label: $label,
                required: $required,
                format: $format,
                synonyms: &[$($syn),*],
                fills: &[stringify!($field)],
                choices: <$ty as Cell>::choices,
                exported: true,
            },
            read: |r, text, cx| {
                r.$field = ($parse)(text, cx)?;
                Ok(())
            },
            show: |r, cx| Cell::show(&r.$field, cx),
            copy: |from, to| to.$field.clone_from(&from.$field),
        }
    };
}

/// The currency column of a record type with amounts: it sets the row's currency before the
/// amounts are read, so reading it here only checks it.
macro_rules! currency_col {
    ($r:ty) => {
        Column::<$r> {
            info: FieldInfo {
                name: "currency",
                label: "Currency",
                required: false,
                format: Format::Currency,
                synonyms: &["currency code", "curr", "ccy"],
                fills: &[],
                choices: Vec::new,
                exported: true,
            },
            read: |_, text, cx| <Currency as Cell>::parse(text, cx).map(drop),
            show: |r, _| Importable::currency(r).map(|c| c.to_string()).unwrap_or_default(),
            copy: |_, _| {},
        }
    };
}

/// Import-only columns for a person's first and last name, joined into `name`.
macro_rules! name_part_cols {
    ($r:ty) => {
        [
            Column::<$r> {
                info: FieldInfo {
                    name: "first_name",
                    label: "First name",
                    required: false,
                    format: Format::Text,
                    synonyms: &["first", "given name", "firstname", "forename"],
                    fills: &["name"],
                    choices: Vec::new,
                    exported: false,
                },
                read: |r, text, _| {
                    r.name = if r.name.is_empty() { text.to_string() } else { format!("{text} {}", r.name) };
                    Ok(())
                },
                show: |_, _| String::new(),
                copy: |from, to| to.name.clone_from(&from.name),
            },
            Column::<$r> {
                info: FieldInfo {
                    name: "last_name",
                    label: "Last name",
                    required: false,
                    format: Format::Text,
                    synonyms: &["last", "surname", "family name", "lastname"],
                    fills: &["name"],
                    choices: Vec::new,
                    exported: false,
                },
                read: |r, text, _| {
                    r.name = if r.name.is_empty() { text.to_string() } else { format!("{} {text}", r.name) };
                    Ok(())
                },
                show: |_, _| String::new(),
                copy: |from, to| to.name.clone_from(&from.name),
            },
        ]
    };
}

static ACCOUNT_COLUMNS: [Column<Account>; 15] = [
    col!(Account, name: String, "Name", true, ["company", "company name", "account name", "account", "organization",
        "organisation", "organization name", "business name", "customer", "customer name"]),
    col!(Account, status: crate::account::AccountStatus, "Status", false, ["account status", "type", "account type",
        "relationship"]),
    col!(Account, industry: String, "Industry", false, ["sector", "vertical", "branch"]),
    col!(Account, segment: Option<crate::market::SegmentId>, "Segment", false, ["customer segment", "market segment"]),
    col!(Account, niche: Option<crate::market::NicheId>, "Niche", false, ["market niche"]),
    col!(Account, territory: Option<crate::org::TerritoryId>, "Territory", false, ["sales territory", "region",
        "area"]),
    col!(Account, owner: Option<crate::org::PersonId>, "Owner", false, ["account owner", "owner name", "sales rep",
        "rep", "salesperson", "account manager", "assigned to"]),
    col!(Account, partner: Option<PartnerId>, "Partner", false, ["channel partner", "reseller", "dealer",
        "served by"]),
    col!(Account, website: String, "Website", false, ["web site", "web", "url", "homepage", "domain",
        "company domain name"]),
    col!(Account, phone: String, "Phone", false, ["phone number", "telephone", "tel", "main phone", "company phone"]),
    col!(Account, email: String, "Email", false, ["e-mail", "email address", "e-mail address", "mail"], Format::Email,
        email),
    col!(Account, address: String, "Address", false, ["street", "street address", "address line 1",
        "billing street", "billing address", "shipping street"]),
    col!(Account, city: String, "City", false, ["town", "billing city", "shipping city", "locality"]),
    col!(Account, country: String, "Country", false, ["billing country", "shipping country", "country/region",
        "country region", "nation"]),
    col!(Account, notes: LongText, "Notes", false, ["note", "description", "comments", "comment", "remarks",
        "about"]),
];

impl Importable for Account {
    const KIND: Kind = Kind::Accounts;
    const NOUN: &'static str = "account";

    fn columns() -> &'static [Column<Self>] {
        &ACCOUNT_COLUMNS
    }

    fn table(data: &Tables) -> &Table<Self> {
        &data.accounts
    }

    fn fresh(id: RawId, _: &Cx, _: Date) -> Self {
        Account { id: AccountId::from_raw(id), ..Default::default() }
    }

    fn match_keys(&self) -> Vec<String> {
        [key("name", &[&self.name]), key("email", &[&self.email])].into_iter().flatten().collect()
    }
}

static CONTACT_COLUMNS: [Column<Contact>; 9] = {
    let [first, last] = name_part_cols!(Contact);
    [
        col!(Contact, name: String, "Name", true, ["full name", "contact name", "contact", "person", "display name"]),
        col!(Contact, account: Option<AccountId>, "Account", false, ["account name", "company", "company name",
            "organization", "organisation", "organization name", "employer", "customer"]),
        col!(Contact, title: String, "Title", false, ["job title", "position", "role", "job"]),
        col!(Contact, email: String, "Email", false, ["e-mail", "email address", "e-mail address", "mail",
            "work email"], Format::Email, email),
        col!(Contact, phone: String, "Phone", false, ["phone number", "telephone", "tel", "mobile", "mobile phone",
            "cell", "work phone", "direct phone"]),
        col!(Contact, primary: bool, "Primary contact", false, ["primary", "main contact", "is primary",
            "key contact"]),
        col!(Contact, notes: LongText, "Notes", false, ["note", "description", "comments", "comment", "remarks"]),
        first,
        last,
    ]
};

impl Importable for Contact {
    const KIND: Kind = Kind::Contacts;
    const NOUN: &'static str = "contact";

    fn columns() -> &'static [Column<Self>] {
        &CONTACT_COLUMNS
    }

    fn table(data: &Tables) -> &Table<Self> {
        &data.contacts
    }

    fn fresh(id: RawId, _: &Cx, _: Date) -> Self {
        Contact { id: ContactId::from_raw(id), ..Default::default() }
    }

    fn match_keys(&self) -> Vec<String> {
        match key("email", &[&self.email]) {
            Some(email) => vec![email],
            None => key("name", &[&self.name, &id_text(self.account)]).into_iter().collect(),
        }
    }

    fn index_keys(&self) -> Vec<String> {
        [key("email", &[&self.email]), key("name", &[&self.name, &id_text(self.account)])]
            .into_iter()
            .flatten()
            .collect()
    }
}

static LEAD_COLUMNS: [Column<Lead>; 20] = {
    let [first, last] = name_part_cols!(Lead);
    [
        col!(Lead, name: String, "Name", false, ["full name", "lead name", "contact name", "person", "contact"]),
        col!(Lead, company: String, "Company", false, ["company name", "organization", "organisation",
            "organization name", "account name", "business", "employer"]),
        col!(Lead, title: String, "Title", false, ["job title", "position", "role"]),
        col!(Lead, email: String, "Email", false, ["e-mail", "email address", "e-mail address", "mail"],
            Format::Email, email),
        col!(Lead, phone: String, "Phone", false, ["phone number", "telephone", "tel", "mobile", "mobile phone"]),
        col!(Lead, source: crate::lead::LeadSource, "Source", false, ["lead source", "origin", "original source"]),
        col!(Lead, status: crate::lead::LeadStatus, "Status", false, ["lead status", "stage"]),
        col!(Lead, owner: Option<crate::org::PersonId>, "Owner", false, ["lead owner", "owner name", "sales rep",
            "rep", "salesperson", "assigned to"]),
        col!(Lead, segment: Option<crate::market::SegmentId>, "Segment", false, ["customer segment",
            "market segment"]),
        col!(Lead, territory: Option<crate::org::TerritoryId>, "Territory", false, ["region", "area",
            "sales territory"]),
        col!(Lead, has_budget: bool, "Has budget", false, ["budget", "budget confirmed"]),
        col!(Lead, has_authority: bool, "Has authority", false, ["authority", "decision maker"]),
        col!(Lead, has_need: bool, "Has need", false, ["need", "need confirmed"]),
        col!(Lead, timeline: Option<Date>, "Timeline", false, ["decision date", "buying timeline", "timeframe"]),
        col!(Lead, estimated_value: Option<Money>, "Estimated value", false, ["value", "amount", "estimated amount",
            "potential value", "deal value", "expected revenue"]),
        currency_col!(Lead),
        col!(Lead, created: Date, "Created", false, ["created on", "created date", "date created", "create date",
            "created at"]),
        col!(Lead, notes: LongText, "Notes", false, ["note", "description", "comments", "comment", "remarks"]),
        first,
        last,
    ]
};

impl Importable for Lead {
    const KIND: Kind = Kind::Leads;
    const NOUN: &'static str = "lead";

    fn columns() -> &'static [Column<Self>] {
        &LEAD_COLUMNS
    }

    fn table(data: &Tables) -> &Table<Self> {
        &data.leads
    }

    fn fresh(id: RawId, _: &Cx, today: Date) -> Self {
        Lead { id: LeadId::from_raw(id), created: today, ..Default::default() }
    }

    fn match_keys(&self) -> Vec<String> {
        match key("email", &[&self.email]) {
            Some(email) => vec![email],
            None => lead_name_key(self).into_iter().collect(),
        }
    }

    fn index_keys(&self) -> Vec<String> {
        [key("email", &[&self.email]), lead_name_key(self)].into_iter().flatten().collect()
    }

    fn currency(&self) -> Option<Currency> {
        self.estimated_value.map(|m| m.currency)
    }
}

/// A lead's name and company; a lead may have a company and no person's name.
fn lead_name_key(lead: &Lead) -> Option<String> {
    key("name", &[&lead.name, &lead.company]).or_else(|| key("company", &[&lead.company]))
}

static DEAL_COLUMNS: [Column<Deal>; 17] = [
    col!(Deal, name: String, "Name", true, ["deal name", "deal", "title", "opportunity", "opportunity name",
        "subject"]),
    col!(Deal, account: AccountId, "Account", true, ["account name", "company", "company name", "organization",
        "organisation", "organization name", "customer"]),
    Column::<Deal> {
        info: FieldInfo {
            name: "contact",
            label: "Contact",
            required: false,
            format: Format::Reference("contact"),
            synonyms: &["contact name", "contact person", "person", "primary contact"],
            fills: &["contact"],
            choices: Vec::new,
            exported: true,
        },
        // Columns are read in this order, so the account is known and picks among namesakes.
        read: |r, text, cx| {
            let account = Some(r.account).filter(|a| *a != AccountId::default());
            r.contact = Some(cx.names.contact(text, account)?);
            Ok(())
        },
        show: |r, cx| Cell::show(&r.contact, cx),
        copy: |from, to| to.contact = from.contact,
    },
    Column::<Deal> {
        info: FieldInfo {
            name: "pipeline",
            label: "Pipeline",
            required: false,
            format: Format::Reference("pipeline"),
            synonyms: &["pipeline name", "sales pipeline"],
            fills: &["pipeline"],
            choices: Vec::new,
            exported: true,
        },
        // A deal that moves to another pipeline starts in its first open stage, unless the row
        // names a stage too (read next).
        read: |r, text, cx| {
            let pipeline = cx.names.pipeline(text)?;
            let stage = pipeline
                .first_open_stage()
                .ok_or_else(|| format!("The {} pipeline has no open stage", pipeline.name))?;
            (r.pipeline, r.stage, r.status) = (pipeline.id, stage, DealStatus::Open);
            Ok(())
        },
        show: |r, cx| cx.data.pipelines.get(r.pipeline).map(|p| p.name.clone()).unwrap_or_default(),
        copy: |from, to| {
            if to.pipeline != from.pipeline {
                (to.pipeline, to.stage, to.status) = (from.pipeline, from.stage, from.status);
            }
        },
    },
    Column::<Deal> {
        info: FieldInfo {
            name: "stage",
            label: "Stage",
            required: false,
            format: Format::Reference("stage"),
            synonyms: &["deal stage", "pipeline stage", "sales stage", "phase"],
            fills: &["stage", "status"],
            choices: Vec::new,
            exported: true,
        },
        // Stages are looked up in the row's pipeline (read before), else the default one.
        read: |r, text, cx| {
            let pipeline = Some(r.pipeline).filter(|p| *p != PipelineId::default());
            (r.pipeline, r.stage, r.status) = cx.names.stage(text, pipeline)?;
            Ok(())
        },
        show: |r, cx| {
            let stage = cx.data.pipelines.get(r.pipeline).and_then(|p| p.stages.get(&r.stage));
            stage.map(|s| s.name.clone()).unwrap_or_default()
        },
        copy: |from, to| {
            to.pipeline = from.pipeline;
            to.stage = from.stage;
            to.status = from.status;
        },
    },
    col!(Deal, amount: Money, "Amount", false, ["value", "deal value", "deal amount", "total", "revenue",
        "opportunity amount"]),
    currency_col!(Deal),
    col!(Deal, probability: Option<u32>, "Probability", false, ["probability (%)", "win probability", "chance",
        "likelihood", "deal probability"], Format::Percent, percent),
    col!(Deal, expected_close: Date, "Expected close", false, ["close date", "expected close date", "closing date",
        "expected closing date", "close"]),
    col!(Deal, owner: Option<crate::org::PersonId>, "Owner", false, ["deal owner", "opportunity owner",
        "owner name", "sales rep", "rep", "salesperson", "assigned to"]),
    col!(Deal, channel: Option<crate::channel::ChannelId>, "Channel", false, ["sales channel"]),
    col!(Deal, partner: Option<PartnerId>, "Partner", false, ["channel partner", "reseller", "dealer"]),
    col!(Deal, created: Date, "Created", false, ["created on", "created date", "date created", "create date",
        "deal created", "created at"]),
    col!(Deal, closed_on: Option<Date>, "Closed on", false, ["closed", "date closed", "actual close date",
        "won date", "won time", "close time"]),
    col!(Deal, loss_reason: Option<crate::deal::LossReason>, "Loss reason", false, ["lost reason", "reason lost",
        "reason for loss"]),
    col!(Deal, competitor: String, "Competitor", false, ["lost to", "competitor name", "main competitor"]),
    col!(Deal, notes: LongText, "Notes", false, ["note", "description", "comments", "comment", "remarks"]),
];

impl Importable for Deal {
    const KIND: Kind = Kind::Deals;
    const NOUN: &'static str = "deal";

    fn columns() -> &'static [Column<Self>] {
        &DEAL_COLUMNS
    }

    fn table(data: &Tables) -> &Table<Self> {
        &data.deals
    }

    /// A new deal starts open, in the first open stage of the default pipeline, at zero in the
    /// row's currency.
    fn fresh(id: RawId, cx: &Cx, today: Date) -> Self {
        let pipeline = default_pipeline(cx.data);
        Deal {
            id: DealId::from_raw(id),
            pipeline: pipeline.map(|p| p.id).unwrap_or_default(),
            stage: pipeline.and_then(|p| p.first_open_stage()).unwrap_or_default(),
            status: DealStatus::Open,
            amount: Money::zero(cx.currency),
            expected_close: today,
            created: today,
            stage_changed: today,
            ..Default::default()
        }
    }

    fn match_keys(&self) -> Vec<String> {
        key("name", &[&self.name, &self.account.to_string()]).into_iter().collect()
    }

    fn currency(&self) -> Option<Currency> {
        Some(self.amount.currency)
    }

    /// A stage is looked up in the deal's own pipeline unless the row names another.
    fn seed(&self) -> Self {
        Deal { pipeline: self.pipeline, ..Default::default() }
    }

    /// The rules of moving a deal by hand: a new stage restarts the stage clock (from the
    /// creation day for a new deal); closing records the day unless the row gives one; opening
    /// again clears the close day and loss reason.
    fn settle(&mut self, before: &Self, is_new: bool, today: Date) {
        if is_new {
            self.stage_changed = self.created;
        } else if self.stage != before.stage || self.pipeline != before.pipeline {
            self.stage_changed = today;
        }
        if self.status != before.status {
            match self.status {
                DealStatus::Open => {
                    self.closed_on = None;
                    self.loss_reason = None;
                }
                DealStatus::Won | DealStatus::Lost => {
                    self.closed_on.get_or_insert(today);
                }
            }
        }
    }
}

static PRODUCT_COLUMNS: [Column<Product>; 9] = [
    col!(Product, name: String, "Name", true, ["product name", "product", "item", "item name", "title",
        "article"]),
    col!(Product, sku: String, "SKU", false, ["code", "product code", "item code", "article number", "part number",
        "item number", "product id", "reference"]),
    col!(Product, category: Option<crate::product::ProductCategoryId>, "Category", false, ["product category",
        "product family", "family", "group", "product group", "product type"]),
    col!(Product, price: Money, "Price", false, ["list price", "unit price", "sales price", "selling price",
        "price per unit"]),
    currency_col!(Product),
    col!(Product, unit_cost: Option<Money>, "Unit cost", false, ["cost", "cost price", "purchase price",
        "unit cost price", "cogs"]),
    col!(Product, priority: Option<u32>, "Priority", false, ["rank", "product priority"]),
    col!(Product, active: bool, "Active", false, ["is active", "enabled", "available", "status active"]),
    col!(Product, description: LongText, "Description", false, ["details", "notes", "product description",
        "long description"]),
];

impl Importable for Product {
    const KIND: Kind = Kind::Products;
    const NOUN: &'static str = "product";

    fn columns() -> &'static [Column<Self>] {
        &PRODUCT_COLUMNS
    }

    fn table(data: &Tables) -> &Table<Self> {
        &data.products
    }

    fn fresh(id: RawId, cx: &Cx, _: Date) -> Self {
        Product { id: ProductId::from_raw(id), price: Money::zero(cx.currency), active: true, ..Default::default() }
    }

    fn match_keys(&self) -> Vec<String> {
        match key("sku", &[&self.sku]) {
            Some(sku) => vec![sku],
            None => key("name", &[&self.name]).into_iter().collect(),
        }
    }

    fn index_keys(&self) -> Vec<String> {
        [key("sku", &[&self.sku]), key("name", &[&self.name])].into_iter().flatten().collect()
    }

    fn currency(&self) -> Option<Currency> {
        Some(self.price.currency)
    }
}

static PARTNER_COLUMNS: [Column<Partner>; 14] = [
    col!(Partner, name: String, "Name", true, ["partner name", "partner", "company", "company name",
        "organization", "organisation", "dealer", "distributor"]),
    col!(Partner, kind: crate::channel::PartnerKind, "Type", false, ["kind", "partner type", "partner kind", "role"]),
    col!(Partner, channel: Option<crate::channel::ChannelId>, "Channel", false, ["sales channel", "channel name"]),
    col!(Partner, tier: crate::channel::PartnerTier, "Tier", false, ["level", "partner tier", "partner level"]),
    col!(Partner, status: crate::channel::PartnerStatus, "Status", false, ["partner status"]),
    col!(Partner, territory: Option<crate::org::TerritoryId>, "Territory", false, ["region", "area",
        "sales territory"]),
    col!(Partner, manager: Option<crate::org::PersonId>, "Manager", false, ["partner manager", "channel manager",
        "account manager", "owner", "managed by"]),
    col!(Partner, contact_name: String, "Contact name", false, ["contact", "contact person", "main contact"]),
    col!(Partner, email: String, "Email", false, ["e-mail", "email address", "e-mail address", "mail"],
        Format::Email, email),
    col!(Partner, phone: String, "Phone", false, ["phone number", "telephone", "tel"]),
    col!(Partner, needs: LongText, "Needs", false, ["partner needs", "what they need"]),
    col!(Partner, requirements: LongText, "Requirements", false, ["partner requirements"]),
    col!(Partner, cooperation: LongText, "Conditions of cooperation", false, ["conditions", "cooperation",
        "terms", "agreement", "cooperation terms"]),
    col!(Partner, since: Option<Date>, "Partner since", false, ["since", "start date", "joined", "partner from"]),
];

impl Importable for Partner {
    const KIND: Kind = Kind::Partners;
    const NOUN: &'static str = "partner";

    fn columns() -> &'static [Column<Self>] {
        &PARTNER_COLUMNS
    }

    fn table(data: &Tables) -> &Table<Self> {
        &data.partners
    }

    fn fresh(id: RawId, _: &Cx, _: Date) -> Self {
        Partner { id: PartnerId::from_raw(id), ..Default::default() }
    }

    fn match_keys(&self) -> Vec<String> {
        key("name", &[&self.name]).into_iter().collect()
    }
}
