//! Exporting records as CSV: a header of labels, one row per record, references written as
//! names, amounts as plain decimals beside a currency column, formula-like text neutralized.

use crate::account::{Account, Contact};
use crate::channel::Partner;
use crate::collection::Tables;
use crate::commands::selling::workspace_currency;
use crate::deal::Deal;
use crate::id::{RawId, TypedId};
use crate::lead::Lead;
use crate::product::Product;

use super::cell::{Cx, Names};
use super::columns::{Importable, Kind};
use super::import::for_kind;
use super::write::Writer;

/// Every record of a kind, in creation order.
pub fn export(kind: Kind, data: &Tables) -> String {
    for_kind!(kind, R => write::<R>(data, R::table(data).iter()))
}

/// The records with these ids, in this order (a filtered list as shown); unknown ids are skipped.
pub fn export_ids(kind: Kind, data: &Tables, ids: &[RawId]) -> String {
    for_kind!(kind, R => {
        let table = R::table(data);
        write::<R>(data, ids.iter().filter_map(|id| table.get(<R as crate::record::Record>::Id::from_raw(*id))))
    })
}

fn write<'a, R: Importable>(data: &Tables, records: impl Iterator<Item = &'a R>) -> String {
    let columns: Vec<_> = R::columns().iter().filter(|c| c.info.exported).collect();
    let names = Names::new(data);
    let currency = workspace_currency(data);
    let mut out = Writer::new();
    out.row(columns.iter().map(|c| c.info.label));
    for record in records {
        let cx = Cx { data, names: &names, currency: record.currency().unwrap_or(currency) };
        out.row(columns.iter().map(|c| (c.show)(record, &cx)));
    }
    out.finish()
}
