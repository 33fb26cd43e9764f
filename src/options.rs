//! Choices for reference fields: records of a collection as (id, label) pairs, sorted by label.

use quota_core::Tables;

fn sorted(mut options: Vec<(String, String)>) -> Vec<(String, String)> {
    options.sort_by_key(|a| a.1.to_lowercase());
    options
}

macro_rules! options {
    ($($name:ident: $table:ident => |$r:ident| $label:expr;)*) => {$(
        pub fn $name(d: &Tables) -> Vec<(String, String)> {
            sorted(d.$table.iter().map(|$r| ($r.id.to_string(), $label)).collect())
        }
    )*};
}

options! {
    people: people => |p| if p.active && p.left.is_none() { p.name.clone() } else { format!("{} (left)", p.name) };
    segments: segments => |s| s.name.clone();
    niches: niches => |n| n.name.clone();
    territories: territories => |t| t.name.clone();
    partners: partners => |p| p.name.clone();
    accounts: accounts => |a| a.name.clone();
    contacts: contacts => |c| c.name.clone();
    channels: channels => |c| c.name.clone();
    products: products => |p| if p.sku.is_empty() { p.name.clone() } else { format!("{} ({})", p.name, p.sku) };
    categories: product_categories => |c| c.name.clone();
    units: org_units => |u| u.name.clone();
    pipelines: pipelines => |p| p.name.clone();
    invoices: invoices => |i| i.number.clone();
    deals: deals => |d| d.name.clone();
    leads: leads => |l| if l.company.is_empty() { l.name.clone() } else { format!("{} ({})", l.name, l.company) };
    members: members => |m| m.name.clone();
}

/// Every stage of every pipeline, labelled with its pipeline when there are several.
pub fn stages(d: &Tables) -> Vec<(String, String)> {
    let several = d.pipelines.len() > 1;
    d.pipelines
        .iter()
        .flat_map(|p| {
            p.ordered_stages().into_iter().map(move |(id, s)| {
                (id.to_string(), if several { format!("{} · {}", p.name, s.name) } else { s.name.clone() })
            })
        })
        .collect()
}
