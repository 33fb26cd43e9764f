//! Choices for reference fields: records of a collection as (id, label) pairs, sorted by label.

use quota_core::Tables;

fn sorted(mut options: Vec<(String, String)>) -> Vec<(String, String)> {
    options.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()));
    options
}

pub fn people(d: &Tables) -> Vec<(String, String)> {
    sorted(
        d.people.iter().filter(|p| p.active || p.hired.is_none()).map(|p| (p.id.to_string(), p.name.clone())).collect(),
    )
}

pub fn segments(d: &Tables) -> Vec<(String, String)> {
    sorted(d.segments.iter().map(|s| (s.id.to_string(), s.name.clone())).collect())
}

pub fn niches(d: &Tables) -> Vec<(String, String)> {
    sorted(d.niches.iter().map(|n| (n.id.to_string(), n.name.clone())).collect())
}

pub fn territories(d: &Tables) -> Vec<(String, String)> {
    sorted(d.territories.iter().map(|t| (t.id.to_string(), t.name.clone())).collect())
}

pub fn partners(d: &Tables) -> Vec<(String, String)> {
    sorted(d.partners.iter().map(|p| (p.id.to_string(), p.name.clone())).collect())
}

pub fn accounts(d: &Tables) -> Vec<(String, String)> {
    sorted(d.accounts.iter().map(|a| (a.id.to_string(), a.name.clone())).collect())
}
