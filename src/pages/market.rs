//! Target customers: segments with their needs and price category, niches (strategic or
//! supporting), and entry plans for new niches.

use std::collections::HashMap;

use quota_core::market::{EntryPlan, Niche, NicheRole, PlanStatus, PriceCategory, Segment, SegmentId};
use quota_core::{Collection, Tables};

use crate::components::form::FieldSpec;
use crate::components::table::Column;
use crate::crud::{self, RecordUi};
use crate::ids;
use crate::names;
use crate::options;
use crate::pages::{Tab, tabbed};
use crate::route::{Area, Route};
use leptos::prelude::*;

crate::choices!(PriceCategory, NicheRole, PlanStatus);

pub fn page(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "segments", label: "Segments", page: crud::page::<Segment> },
            Tab { slug: "niches", label: "Niches", page: crud::page::<Niche> },
            Tab { slug: "entry-plans", label: "Entry plans", page: crud::page::<EntryPlan> },
        ],
    )
}

impl RecordUi for Segment {
    const SINGULAR: &'static str = "segment";
    const PLURAL: &'static str = "Segments";
    const READS: &'static [Collection] = &[];

    /// Niches and accounts per segment.
    type Aux = HashMap<SegmentId, (usize, usize)>;

    fn aux(d: &Tables) -> Self::Aux {
        let mut counts: Self::Aux = HashMap::new();
        for n in d.niches.iter() {
            if let Some(s) = n.segment {
                counts.entry(s).or_default().0 += 1;
            }
        }
        for a in d.accounts.iter() {
            if let Some(s) = a.segment {
                counts.entry(s).or_default().1 += 1;
            }
        }
        counts
    }

    fn base() -> Route {
        Route::to(Area::Market, &["segments"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Segment>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice(
                "price_category",
                "Price category",
                PriceCategory::ALL,
                |r| r.price_category,
                |r, v| r.price_category = v,
            ),
            F::long_text("needs", "Buyers' needs", |r| &r.needs, |r| &mut r.needs),
            F::long_text("description", "Description", |r| &r.description, |r| &mut r.description),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Name"), Column::new("Price category"), Column::wide("Niches"), Column::number("Accounts")]
    }

    fn cells(&self, _: &Tables, aux: &Self::Aux) -> Vec<String> {
        let (niches, accounts) = aux.get(&self.id).copied().unwrap_or_default();
        vec![self.name.clone(), self.price_category.label().into(), niches.to_string(), accounts.to_string()]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Segment { id: ids::new_id(), ..Default::default() }
    }
}

impl RecordUi for Niche {
    const SINGULAR: &'static str = "niche";
    const PLURAL: &'static str = "Niches";
    const READS: &'static [Collection] = &[Collection::Segments];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Market, &["niches"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Niche>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::reference(
                "segment",
                "Segment",
                &[Collection::Segments],
                options::segments,
                |r| r.segment,
                |r, v| r.segment = v,
            ),
            F::choice("role", "Role", NicheRole::ALL, |r| r.role, |r, v| r.role = v),
            F::optional_money(
                "estimated_size",
                "Estimated yearly potential",
                |r| r.estimated_size,
                |r, v| r.estimated_size = v,
            ),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Name"), Column::new("Role"), Column::wide("Segment"), Column::number("Potential")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let segment = self.segment.and_then(|s| d.segments.get(s)).map(|s| s.name.clone()).unwrap_or_default();
        vec![
            self.name.clone(),
            self.role.label().into(),
            segment,
            self.estimated_size.map(|m| m.display()).unwrap_or_default(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Niche { id: ids::new_id(), ..Default::default() }
    }
}

impl RecordUi for EntryPlan {
    const SINGULAR: &'static str = "entry plan";
    const PLURAL: &'static str = "Entry plans";
    const READS: &'static [Collection] = &[Collection::Niches, Collection::People];

    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Market, &["entry-plans"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<EntryPlan>;
        vec![
            F::text("title", "Title", |r| &r.title, |r| &mut r.title).required(),
            F::required_reference(
                "niche",
                "Niche",
                &[Collection::Niches],
                options::niches,
                |r| r.niche,
                |r, v| r.niche = v,
            ),
            F::choice("status", "Status", PlanStatus::ALL, |r| r.status, |r, v| r.status = v),
            F::reference("owner", "Owner", &[Collection::People], options::people, |r| r.owner, |r, v| r.owner = v),
            F::optional_date("start", "Start", |r| r.start, |r, v| r.start = v),
            F::optional_date("due", "Due", |r| r.due, |r, v| r.due = v),
            F::long_text("strategy", "Strategy", |r| &r.strategy, |r| &mut r.strategy),
            F::long_text("tactics", "Tactics", |r| &r.tactics, |r| &mut r.tactics),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Title"),
            Column::new("Status"),
            Column::wide("Niche"),
            Column::wide("Owner"),
            Column::wide("Due"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let niche = d.niches.get(self.niche).map(|n| n.name.clone()).unwrap_or_default();
        vec![
            self.title.clone(),
            self.status.label().into(),
            niche,
            names::person(d, self.owner),
            self.due.map(|d| d.to_string()).unwrap_or_default(),
        ]
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn blank(_: &Tables) -> Self {
        EntryPlan { id: ids::new_id(), ..Default::default() }
    }
}
