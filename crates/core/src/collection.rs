//! Every collection of the workspace, how many shard documents it spreads over, and the
//! materialized tables that reports and the UI read.
//!
//! A collection's records live at the root of its shard documents, keyed by id; a record's shard
//! follows from its id, so it never moves. Shard counts are part of the stored format: changing
//! one would strand records in the wrong document.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use automerge::{ObjType, ROOT, ReadDoc, Value};
use serde::{Deserialize, Serialize};

use crate::record::Record;

use crate::account::{Account, Contact};
use crate::activity::Activity;
use crate::channel::{
    Channel, Communication, Condition, Incentive, Invoice, Partner, PartnerEvaluation, Payment, ServiceRating,
};
use crate::deal::Deal;
use crate::lead::Lead;
use crate::management::{Budget, Candidate, CommissionPlan, CostEntry, Evaluation, Target, Training};
use crate::market::{EntryPlan, Niche, Segment};
use crate::org::{Assignment, OrgUnit, Person, Territory};
use crate::product::{PriceList, Product, ProductCategory};
use crate::review::PlanVersion;
use crate::service::ServiceCase;
use crate::settings::{Member, Pipeline, Settings};

/// A record of one collection that could not be read from its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadProblem {
    pub doc: DocName,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} record {:?} could not be read: {}", self.doc, self.key, self.message)
    }
}

/// The records of one collection, by id.
#[derive(Clone, Debug, PartialEq)]
pub struct Table<R: Record> {
    rows: BTreeMap<R::Id, R>,
}

impl<R: Record> Default for Table<R> {
    fn default() -> Self {
        Table { rows: BTreeMap::new() }
    }
}

impl<R: Record> Table<R> {
    pub fn get(&self, id: R::Id) -> Option<&R> {
        self.rows.get(&id)
    }

    pub fn contains(&self, id: R::Id) -> bool {
        self.rows.contains_key(&id)
    }

    /// Records in id order, which is creation order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &R> + ExactSizeIterator + '_ {
        self.rows.values()
    }

    pub fn ids(&self) -> impl Iterator<Item = R::Id> + '_ {
        self.rows.keys().copied()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) fn put(&mut self, record: R) {
        self.rows.insert(record.id(), record);
    }

    pub(crate) fn remove(&mut self, id: R::Id) -> Option<R> {
        self.rows.remove(&id)
    }

    fn shard_rows(&self, shard: u32) -> impl Iterator<Item = &R> + '_ {
        self.rows.values().filter(move |r| R::shard(r.id()) == shard)
    }

    /// Re-reads the given root keys of a shard document (all of them when `keys` is `None`).
    fn reload<D: ReadDoc>(&mut self, name: DocName, doc: &D, keys: Option<&[String]>) -> Vec<ReadProblem> {
        let mut problems = Vec::new();
        let owned_keys;
        let keys = match keys {
            Some(keys) => keys,
            None => {
                self.rows.retain(|id, _| R::shard(*id) != name.shard);
                owned_keys = doc.keys(ROOT).collect::<Vec<_>>();
                &owned_keys
            }
        };
        for key in keys {
            let problem = |message: String| ReadProblem { doc: name, key: key.clone(), message };
            let id: R::Id = match key.parse() {
                Ok(id) => id,
                Err(e) => {
                    problems.push(problem(format!("{e}")));
                    continue;
                }
            };
            match doc.get(ROOT, key.as_str()) {
                Ok(Some((Value::Object(ObjType::Map), obj))) => match R::read_fields(id, doc, &obj) {
                    Ok(record) => {
                        self.rows.insert(id, record);
                    }
                    Err(e) => {
                        self.rows.remove(&id);
                        problems.push(problem(e.to_string()));
                    }
                },
                Ok(None) => {
                    self.rows.remove(&id);
                }
                Ok(Some(_)) => problems.push(problem("not a record".into())),
                Err(e) => problems.push(problem(e.to_string())),
            }
        }
        problems
    }

    /// The cache of one shard: a fingerprint of the record's schema, then the records.
    fn encode_shard(&self, shard: u32) -> Vec<u8> {
        let rows: Vec<&R> = self.shard_rows(shard).collect();
        let mut out = schema_fingerprint::<R>().to_le_bytes().to_vec();
        out.extend(postcard::to_allocvec(&rows).expect("records serialize"));
        out
    }

    fn decode_shard(&mut self, shard: u32, bytes: &[u8]) -> Result<(), CacheError> {
        let (fingerprint, rest) = bytes.split_at_checked(8).ok_or(CacheError::Damaged("too short".into()))?;
        if fingerprint != schema_fingerprint::<R>().to_le_bytes() {
            return Err(CacheError::OtherSchema);
        }
        let rows: Vec<R> = postcard::from_bytes(rest).map_err(|e| CacheError::Damaged(e.to_string()))?;
        self.rows.retain(|id, _| R::shard(*id) != shard);
        for row in rows {
            if R::shard(row.id()) == shard {
                self.rows.insert(row.id(), row);
            }
        }
        Ok(())
    }
}

/// A 64-bit FNV-1a hash of a record type's schema.
fn schema_fingerprint<R: Record>() -> u64 {
    R::schema().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Why a start-up cache was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    #[error("cache written by another version of the schema")]
    OtherSchema,
    #[error("cache damaged: {0}")]
    Damaged(String),
}

/// Gives generic code the table of one record type.
pub trait HasTable<R: Record> {
    fn table(&self) -> &Table<R>;
    fn table_mut(&mut self) -> &mut Table<R>;
}

/// Names one shard document: `deals/3`, or `plan/<id>/targets/0` for a draft plan's copy.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct DocName {
    pub collection: Collection,
    pub shard: u32,
    /// The plan version whose draft this document belongs to; `None` for live data.
    pub draft: Option<crate::review::PlanVersionId>,
}

impl DocName {
    pub fn live(collection: Collection, shard: u32) -> DocName {
        DocName { collection, shard, draft: None }
    }

    /// Every live document of every collection.
    pub fn all_live() -> impl Iterator<Item = DocName> {
        Collection::ALL.iter().flat_map(|&c| (0..c.shards()).map(move |s| DocName::live(c, s)))
    }
}

impl fmt::Display for DocName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(plan) = self.draft {
            write!(f, "plan/{plan}/")?;
        }
        write!(f, "{}/{}", self.collection.name(), self.shard)
    }
}

/// The text did not name a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid document name {0:?}")]
pub struct BadDocName(pub String);

impl FromStr for DocName {
    type Err = BadDocName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadDocName(s.to_string());
        let (draft, rest) = match s.strip_prefix("plan/") {
            Some(rest) => {
                let (plan, rest) = rest.split_once('/').ok_or_else(bad)?;
                (Some(plan.parse().map_err(|_| bad())?), rest)
            }
            None => (None, s),
        };
        let (name, shard) = rest.split_once('/').ok_or_else(bad)?;
        let collection = Collection::from_name(name).ok_or_else(bad)?;
        let shard: u32 = shard.parse().map_err(|_| bad())?;
        if shard >= collection.shards() {
            return Err(bad());
        }
        Ok(DocName { collection, shard, draft })
    }
}

macro_rules! collections {
    ($( $variant:ident => $field:ident : $ty:ty, $name:literal, $shards:literal; )*) => {
        /// A kind of record, stored in its own set of shard documents.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        pub enum Collection { $($variant),* }

        impl Collection {
            pub const ALL: &'static [Collection] = &[$(Collection::$variant),*];

            /// The stored name, used in document names.
            pub fn name(self) -> &'static str {
                match self { $(Collection::$variant => $name),* }
            }

            /// How many shard documents the collection spreads over.
            pub fn shards(self) -> u32 {
                match self { $(Collection::$variant => $shards),* }
            }

            pub fn from_name(name: &str) -> Option<Collection> {
                match name { $($name => Some(Collection::$variant),)* _ => None }
            }
        }

        /// The materialized records of every collection: what reports and the UI read.
        #[derive(Clone, Default, Debug, PartialEq)]
        pub struct Tables { $(pub $field: Table<$ty>,)* }

        impl Tables {
            /// Re-reads keys of one shard document into its table.
            pub(crate) fn reload<D: ReadDoc>(&mut self, name: DocName, doc: &D, keys: Option<&[String]>) -> Vec<ReadProblem> {
                match name.collection { $(Collection::$variant => self.$field.reload(name, doc, keys)),* }
            }

            /// The records of one shard, serialized for the start-up cache.
            pub(crate) fn encode_shard(&self, name: DocName) -> Vec<u8> {
                match name.collection { $(Collection::$variant => self.$field.encode_shard(name.shard)),* }
            }

            /// Replaces one shard's records with those of a start-up cache.
            pub(crate) fn decode_shard(&mut self, name: DocName, bytes: &[u8]) -> Result<(), CacheError> {
                match name.collection { $(Collection::$variant => self.$field.decode_shard(name.shard, bytes)),* }
            }

            /// How many records each collection holds.
            pub fn counts(&self) -> Vec<(Collection, usize)> {
                vec![$((Collection::$variant, self.$field.len())),*]
            }
        }

        $(
            impl HasTable<$ty> for Tables {
                fn table(&self) -> &Table<$ty> { &self.$field }
                fn table_mut(&mut self) -> &mut Table<$ty> { &mut self.$field }
            }
        )*
    };
}

collections! {
    Settings => settings: Settings, "settings", 1;
    Members => members: Member, "members", 1;
    Pipelines => pipelines: Pipeline, "pipelines", 1;
    Segments => segments: Segment, "segments", 1;
    Niches => niches: Niche, "niches", 1;
    EntryPlans => entry_plans: EntryPlan, "entry-plans", 1;
    Channels => channels: Channel, "channels", 1;
    Conditions => conditions: Condition, "conditions", 1;
    Partners => partners: Partner, "partners", 1;
    Incentives => incentives: Incentive, "incentives", 1;
    Communications => communications: Communication, "communications", 2;
    Invoices => invoices: Invoice, "invoices", 2;
    Payments => payments: Payment, "payments", 2;
    ServiceRatings => service_ratings: ServiceRating, "service-ratings", 1;
    PartnerEvaluations => partner_evaluations: PartnerEvaluation, "partner-evaluations", 1;
    OrgUnits => org_units: OrgUnit, "org-units", 1;
    People => people: Person, "people", 1;
    Territories => territories: Territory, "territories", 1;
    Assignments => assignments: Assignment, "assignments", 1;
    Targets => targets: Target, "targets", 1;
    Candidates => candidates: Candidate, "candidates", 1;
    Trainings => trainings: Training, "trainings", 1;
    CommissionPlans => commission_plans: CommissionPlan, "commission-plans", 1;
    Evaluations => evaluations: Evaluation, "evaluations", 1;
    Costs => costs: CostEntry, "costs", 2;
    Budgets => budgets: Budget, "budgets", 1;
    Leads => leads: Lead, "leads", 4;
    Accounts => accounts: Account, "accounts", 4;
    Contacts => contacts: Contact, "contacts", 8;
    ProductCategories => product_categories: ProductCategory, "product-categories", 1;
    Products => products: Product, "products", 1;
    PriceLists => price_lists: PriceList, "price-lists", 1;
    Deals => deals: Deal, "deals", 16;
    Activities => activities: Activity, "activities", 32;
    ServiceCases => service_cases: ServiceCase, "service-cases", 2;
    PlanVersions => plan_versions: PlanVersion, "plan-versions", 1;
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_round_trip() {
        for name in DocName::all_live() {
            assert_eq!(name.to_string().parse::<DocName>(), Ok(name));
        }
        assert!("deals/16".parse::<DocName>().is_err());
        assert!("nothing/0".parse::<DocName>().is_err());
    }

    #[test]
    fn collection_names_are_unique() {
        let mut names: Vec<_> = Collection::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Collection::ALL.len());
    }
}
