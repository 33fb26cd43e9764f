//! How the text of one cell becomes a field's value and back: text, email addresses, money,
//! dates, yes/no, numbers, choices, and references to other records by their name.
//!
//! Import hands a parser the cell already trimmed and never blank: a blank cell leaves a field
//! as it is. Export writes what the matching parser reads back.

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::account::{AccountId, AccountStatus, ContactId};
use crate::channel::{ChannelId, PartnerId, PartnerKind, PartnerStatus, PartnerTier};
use crate::collection::{Table, Tables};
use crate::date::Date;
use crate::deal::{DealStatus, LossReason};
use crate::field::LongText;
use crate::lead::{LeadSource, LeadStatus};
use crate::market::{NicheId, SegmentId};
use crate::money::{Currency, Money};
use crate::org::{PersonId, TerritoryId};
use crate::product::ProductCategoryId;
use crate::record::Record;
use crate::settings::{Pipeline, PipelineId, StageId, StageKind};
use crate::validate::looks_like_email;

/// How a column's cells are written, for hints on the mapping screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    /// Text that may run over several lines.
    LongText,
    Email,
    /// A decimal amount such as `1250.50`, in the row's currency (see the currency column); an
    /// amount may also carry its own code: `1250.50 USD`.
    Money,
    /// A three-letter code such as `EUR`.
    Currency,
    /// `YYYY-MM-DD`.
    Date,
    /// `yes` or `no` (also `true`/`false`, `1`/`0`, `y`/`n`, `x`).
    YesNo,
    /// A whole number.
    Number,
    /// A whole number of percent, with or without `%`.
    Percent,
    /// One of a fixed list, by its label or its stored value, in any case.
    Choice,
    /// The name of another record of the named kind (a person also by email address).
    Reference(&'static str),
}

/// What a parser sees besides the cell: the tables, name lookups and the row's currency.
pub(crate) struct Cx<'a> {
    pub data: &'a Tables,
    pub names: &'a Names<'a>,
    /// The currency of amounts in this row.
    pub currency: Currency,
}

/// A value that one cell holds.
pub(crate) trait Cell: Sized {
    const FORMAT: Format;
    /// Reads a trimmed, non-blank cell.
    fn parse(text: &str, cx: &Cx) -> Result<Self, String>;
    /// The cell's text on export; `""` for nothing.
    fn show(&self, cx: &Cx) -> String;
    /// The labels of the allowed values, for [`Format::Choice`].
    fn choices() -> Vec<&'static str> {
        Vec::new()
    }
}

impl Cell for String {
    const FORMAT: Format = Format::Text;

    fn parse(text: &str, _: &Cx) -> Result<Self, String> {
        Ok(text.to_string())
    }

    fn show(&self, _: &Cx) -> String {
        self.clone()
    }
}

impl Cell for LongText {
    const FORMAT: Format = Format::LongText;

    fn parse(text: &str, _: &Cx) -> Result<Self, String> {
        Ok(LongText(text.to_string()))
    }

    fn show(&self, _: &Cx) -> String {
        self.0.clone()
    }
}

/// An email address, checked the way records check it.
pub(crate) fn email(text: &str, _: &Cx) -> Result<String, String> {
    if looks_like_email(text) {
        Ok(text.to_string())
    } else {
        Err(format!("{text:?} is not an email address; write one such as ana@example.com"))
    }
}

impl Cell for Money {
    const FORMAT: Format = Format::Money;

    fn parse(text: &str, cx: &Cx) -> Result<Self, String> {
        // A three-letter code before or after the amount names its currency.
        let (amount, currency) = match (text.get(..3), text.get(text.len().saturating_sub(3)..)) {
            (_, Some(code)) if text.len() > 3 && is_code(code) => (&text[..text.len() - 3], code),
            (Some(code), _) if text.len() > 3 && is_code(code) => (&text[3..], code),
            _ => (text, ""),
        };
        let currency = if currency.is_empty() {
            cx.currency
        } else {
            currency.parse().map_err(|_| format!("{currency:?} is not a currency code"))?
        };
        Money::parse(amount, currency).map_err(|e| e.to_string())
    }

    fn show(&self, cx: &Cx) -> String {
        if self.currency == cx.currency {
            self.amount_text()
        } else {
            format!("{} {}", self.amount_text(), self.currency)
        }
    }
}

/// Only capitals count as a code, so that `1.5 Mio` is refused rather than read as a currency.
fn is_code(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())
}

impl Cell for Currency {
    const FORMAT: Format = Format::Currency;

    fn parse(text: &str, _: &Cx) -> Result<Self, String> {
        text.parse().map_err(|_| format!("{text:?} is not a currency code; write three letters such as EUR"))
    }

    fn show(&self, _: &Cx) -> String {
        self.to_string()
    }
}

/// Dates are read only as `YYYY-MM-DD`: `03/04/2026` is the 3rd of April in Europe and the 4th
/// of March in the United States, and a guess would silently misdate records. A date-time such
/// as `2026-03-31T09:00:00Z` or `2026-03-31 09:00` keeps its date.
impl Cell for Date {
    const FORMAT: Format = Format::Date;

    fn parse(text: &str, _: &Cx) -> Result<Self, String> {
        let day = match text.as_bytes().get(10) {
            Some(b'T' | b' ') => &text[..10],
            _ => text,
        };
        day.parse().map_err(|_| {
            if text.contains(['/', '.']) {
                format!(
                    "{text:?} is not a date; write dates as YYYY-MM-DD, such as 2026-03-31 (a date like 03/04/2026 \
                     means March or April depending on the country)"
                )
            } else {
                format!("{text:?} is not a date; write dates as YYYY-MM-DD, such as 2026-03-31")
            }
        })
    }

    fn show(&self, _: &Cx) -> String {
        self.to_string()
    }
}

impl Cell for bool {
    const FORMAT: Format = Format::YesNo;

    fn parse(text: &str, _: &Cx) -> Result<Self, String> {
        match text.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "x" | "on" => Ok(true),
            "no" | "n" | "false" | "0" | "off" => Ok(false),
            _ => Err(format!("{text:?} is neither yes nor no")),
        }
    }

    fn show(&self, _: &Cx) -> String {
        if *self { "yes" } else { "no" }.to_string()
    }
}

impl Cell for u32 {
    const FORMAT: Format = Format::Number;

    fn parse(text: &str, _: &Cx) -> Result<Self, String> {
        text.parse().map_err(|_| format!("{text:?} is not a whole number"))
    }

    fn show(&self, _: &Cx) -> String {
        self.to_string()
    }
}

/// A percentage such as `40` or `40%`.
pub(crate) fn percent(text: &str, _: &Cx) -> Result<Option<u32>, String> {
    let digits = text.strip_suffix('%').unwrap_or(text).trim_end();
    digits.parse().map(Some).map_err(|_| format!("{text:?} is not a percentage; write a whole number such as 40"))
}

/// A blank cell is never parsed, so an optional value read from a cell is always present.
impl<T: Cell> Cell for Option<T> {
    const FORMAT: Format = T::FORMAT;

    fn parse(text: &str, cx: &Cx) -> Result<Self, String> {
        T::parse(text, cx).map(Some)
    }

    fn show(&self, cx: &Cx) -> String {
        self.as_ref().map(|v| v.show(cx)).unwrap_or_default()
    }

    fn choices() -> Vec<&'static str> {
        T::choices()
    }
}

/// Choices are read by label or stored value in any case, and written by label.
macro_rules! choice_cell {
    ($($t:ty),* $(,)?) => {$(
        impl Cell for $t {
            const FORMAT: Format = Format::Choice;

            fn parse(text: &str, _: &Cx) -> Result<Self, String> {
                text.parse().map_err(|_| format!("{text:?} is not one of: {}", Self::choices().join(", ")))
            }

            fn show(&self, _: &Cx) -> String {
                self.label().to_string()
            }

            fn choices() -> Vec<&'static str> {
                <$t>::ALL.iter().map(|v| v.label()).collect()
            }
        }
    )*};
}

choice_cell!(AccountStatus, LeadSource, LeadStatus, DealStatus, LossReason, PartnerKind, PartnerTier, PartnerStatus);

/// The form of a name that lookups compare: trimmed, lower case, inner spaces collapsed.
pub(crate) fn name_key(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// Records of one table by the keys of their names (and email addresses, for people).
type Index<I> = HashMap<String, Vec<I>>;

fn index<R: Record>(table: &Table<R>, names: impl Fn(&R) -> [&str; 2]) -> Index<R::Id> {
    let mut index: Index<R::Id> = HashMap::with_capacity(table.len());
    for record in table.iter() {
        for name in names(record) {
            let key = name_key(name);
            if key.is_empty() {
                continue;
            }
            let ids = index.entry(key).or_default();
            if !ids.contains(&record.id()) {
                ids.push(record.id());
            }
        }
    }
    index
}

/// Finds records by name; each table's index is built the first time it is needed.
pub(crate) struct Names<'a> {
    data: &'a Tables,
    accounts: OnceCell<Index<AccountId>>,
    contacts: OnceCell<Index<ContactId>>,
    people: OnceCell<Index<PersonId>>,
    segments: OnceCell<Index<SegmentId>>,
    niches: OnceCell<Index<NicheId>>,
    territories: OnceCell<Index<TerritoryId>>,
    partners: OnceCell<Index<PartnerId>>,
    channels: OnceCell<Index<ChannelId>>,
    categories: OnceCell<Index<ProductCategoryId>>,
}

/// The one id a name leads to, or a message saying there is none or more than one.
fn one<I: Copy>(found: Option<&Vec<I>>, text: &str, what: &str) -> Result<I, String> {
    match found.map(Vec::as_slice) {
        Some([id]) => Ok(*id),
        Some(ids) if ids.len() > 1 => {
            Err(format!("{} {what} records are named {text:?}; give them different names first", ids.len()))
        }
        _ => Err(format!("There is no {what} named {text:?}")),
    }
}

impl<'a> Names<'a> {
    pub fn new(data: &'a Tables) -> Names<'a> {
        Names {
            data,
            accounts: OnceCell::new(),
            contacts: OnceCell::new(),
            people: OnceCell::new(),
            segments: OnceCell::new(),
            niches: OnceCell::new(),
            territories: OnceCell::new(),
            partners: OnceCell::new(),
            channels: OnceCell::new(),
            categories: OnceCell::new(),
        }
    }

    /// A contact by name or email address; among several, the one at `account`.
    pub fn contact(&self, text: &str, account: Option<AccountId>) -> Result<ContactId, String> {
        let index = self.contacts.get_or_init(|| index(&self.data.contacts, |c| [c.name.as_str(), c.email.as_str()]));
        let found = index.get(&name_key(text));
        if let (Some(ids), Some(account)) = (found, account)
            && ids.len() > 1
        {
            let at: Vec<ContactId> = ids
                .iter()
                .copied()
                .filter(|id| self.data.contacts.get(*id).is_some_and(|c| c.account == Some(account)))
                .collect();
            if !at.is_empty() {
                return one(Some(&at), text, "contact");
            }
        }
        one(found, text, "contact")
    }

    /// A pipeline by name.
    pub fn pipeline(&self, text: &str) -> Result<&'a Pipeline, String> {
        let key = name_key(text);
        let found: Vec<&Pipeline> = self.data.pipelines.iter().filter(|p| name_key(&p.name) == key).collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("There is no pipeline named {text:?}")),
            many => Err(format!("{} pipelines are named {text:?}; give them different names first", many.len())),
        }
    }

    /// A stage by name in `pipeline`, else in the default pipeline, with the deal status it
    /// implies.
    pub fn stage(&self, text: &str, pipeline: Option<PipelineId>) -> Result<(PipelineId, StageId, DealStatus), String> {
        let pipeline = match pipeline.and_then(|id| self.data.pipelines.get(id)) {
            Some(pipeline) => pipeline,
            None => crate::commands::selling::default_pipeline(self.data)
                .ok_or_else(|| "The workspace has no pipeline yet; set one up before importing deals".to_string())?,
        };
        let key = name_key(text);
        let stage = pipeline.ordered_stages().into_iter().find(|(_, s)| name_key(&s.name) == key);
        match stage {
            Some((id, s)) => Ok((pipeline.id, id, status_of(s.kind))),
            None => {
                let names: Vec<&str> = pipeline.ordered_stages().into_iter().map(|(_, s)| s.name.as_str()).collect();
                Err(format!(
                    "The {} pipeline has no stage {text:?}; its stages are {}",
                    pipeline.name,
                    names.join(", ")
                ))
            }
        }
    }
}

/// The status of a deal in a stage of this kind.
pub(crate) fn status_of(kind: StageKind) -> DealStatus {
    match kind {
        StageKind::Open => DealStatus::Open,
        StageKind::Won => DealStatus::Won,
        StageKind::Lost => DealStatus::Lost,
    }
}

/// Ids that a cell names by the referenced record's name.
macro_rules! named_cell {
    ($($id:ty => $field:ident, $table:ident, $what:literal, |$r:ident| $names:expr;)*) => {$(
        impl Cell for $id {
            const FORMAT: Format = Format::Reference($what);

            fn parse(text: &str, cx: &Cx) -> Result<Self, String> {
                let index = cx.names.$field.get_or_init(|| index(&cx.data.$table, |$r| $names));
                one(index.get(&name_key(text)), text, $what)
            }

            fn show(&self, cx: &Cx) -> String {
                cx.data.$table.get(*self).map(|$r| $names[0].to_string()).unwrap_or_default()
            }
        }
    )*};
}

named_cell! {
    AccountId => accounts, accounts, "account", |r| [r.name.as_str(), ""];
    PersonId => people, people, "person", |r| [r.name.as_str(), r.email.as_str()];
    SegmentId => segments, segments, "segment", |r| [r.name.as_str(), ""];
    NicheId => niches, niches, "niche", |r| [r.name.as_str(), ""];
    TerritoryId => territories, territories, "territory", |r| [r.name.as_str(), ""];
    PartnerId => partners, partners, "partner", |r| [r.name.as_str(), ""];
    ChannelId => channels, channels, "channel", |r| [r.name.as_str(), ""];
    ProductCategoryId => categories, product_categories, "product category", |r| [r.name.as_str(), ""];
}

impl Cell for ContactId {
    const FORMAT: Format = Format::Reference("contact");

    fn parse(text: &str, cx: &Cx) -> Result<Self, String> {
        cx.names.contact(text, None)
    }

    fn show(&self, cx: &Cx) -> String {
        cx.data.contacts.get(*self).map(|c| c.name.clone()).unwrap_or_default()
    }
}
