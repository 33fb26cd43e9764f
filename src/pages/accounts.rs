//! Accounts (customer organisations) and their contacts.

use std::collections::HashMap;

use leptos::prelude::*;
use quota_core::account::{Account, AccountId, AccountStatus, Contact};
use quota_core::{Collection, Tables};

use crate::components::form::{FieldSpec, Input};
use crate::components::table::Column;
use crate::crud::{self, RecordUi};
use crate::ids;
use crate::names;
use crate::options;
use crate::route::{Area, Route};
use crate::state::ctx;

crate::choices!(AccountStatus);

pub fn page(route: Route) -> AnyView {
    let rest = route.rest.clone();
    crud::page::<Account>(&route, &rest)
}

pub fn contacts_page(route: Route) -> AnyView {
    let rest = route.rest.clone();
    crud::page::<Contact>(&route, &rest)
}

impl RecordUi for Account {
    const SINGULAR: &'static str = "account";
    const PLURAL: &'static str = "Accounts";
    const READS: &'static [Collection] =
        &[Collection::People, Collection::Segments, Collection::Niches, Collection::Territories, Collection::Partners];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::area(Area::Accounts)
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Account>;
        vec![
            F::text("name", "Name", |a| &a.name, |a| &mut a.name).required(),
            F::choice("status", "Status", AccountStatus::ALL, |a| a.status, |a, v| a.status = v),
            F::text("industry", "Industry", |a| &a.industry, |a| &mut a.industry),
            F::reference(
                "segment",
                "Segment",
                &[Collection::Segments],
                options::segments,
                |a| a.segment,
                |a, v| a.segment = v,
            ),
            F::reference("niche", "Niche", &[Collection::Niches], options::niches, |a| a.niche, |a, v| a.niche = v),
            F::reference(
                "territory",
                "Territory",
                &[Collection::Territories],
                options::territories,
                |a| a.territory,
                |a, v| a.territory = v,
            ),
            F::reference("owner", "Owner", &[Collection::People], options::people, |a| a.owner, |a, v| a.owner = v),
            F::reference(
                "partner",
                "Served by partner",
                &[Collection::Partners],
                options::partners,
                |a| a.partner,
                |a, v| a.partner = v,
            ),
            F::text("email", "Email", |a| &a.email, |a| &mut a.email).typed(Input::Email),
            F::text("phone", "Phone", |a| &a.phone, |a| &mut a.phone).typed(Input::Tel),
            F::text("website", "Website", |a| &a.website, |a| &mut a.website).typed(Input::Url),
            F::text("address", "Address", |a| &a.address, |a| &mut a.address),
            F::text("city", "City", |a| &a.city, |a| &mut a.city),
            F::text("country", "Country", |a| &a.country, |a| &mut a.country),
            F::long_text("notes", "Notes", |a| &a.notes, |a| &mut a.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Status"),
            Column::wide("City"),
            Column::wide("Owner"),
            Column::wide("Segment"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            self.name.clone(),
            self.status.label().to_string(),
            self.city.clone(),
            names::person(d, self.owner),
            self.segment.and_then(|s| d.segments.get(s)).map(|s| s.name.clone()).unwrap_or_default(),
        ]
    }

    fn search_text(&self, _: &Tables, _: &()) -> String {
        format!("{} {} {} {}", self.email, self.industry, self.country, self.phone)
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Account { id: ids::new_id(), ..Default::default() }
    }

    fn related(id: AccountId) -> Option<AnyView> {
        Some(view! { <AccountRelated id/> }.into_any())
    }
}

/// An account's contacts, deals and open service cases.
#[component]
fn AccountRelated(id: AccountId) -> impl IntoView {
    let ctx = ctx();
    let data = move || {
        ctx.read(&[Collection::Contacts, Collection::Deals, Collection::ServiceCases], |d| {
            let contacts: Vec<(String, String, String)> = d
                .contacts
                .iter()
                .filter(|c| c.account == Some(id))
                .map(|c| (crud::href::<Contact>(c.id), c.name.clone(), format!("{} {}", c.title, c.email)))
                .collect();
            let deals: Vec<(String, String, String)> = d
                .deals
                .iter()
                .filter(|x| x.account == id)
                .map(|x| {
                    (
                        format!("#/deals/{}", x.id),
                        x.name.clone(),
                        format!("{} · {}", x.status.label(), x.value().display()),
                    )
                })
                .collect();
            let cases: Vec<(String, String, String)> = d
                .service_cases
                .iter()
                .filter(|c| c.account == id)
                .map(|c| (format!("#/service/{}", c.id), c.subject.clone(), c.status.label().to_string()))
                .collect();
            (contacts, deals, cases)
        })
        .unwrap_or_default()
    };
    let list = |items: Vec<(String, String, String)>, empty: &'static str| {
        if items.is_empty() {
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! {
                <ul class="plain">{items.into_iter().map(|(href, name, more)| view! {
                    <li><a href=href>{name}</a>" "<span class="muted">{more}</span></li>
                }).collect_view()}</ul>
            }
            .into_any()
        }
    };
    view! {
        <div class="related">
            <section class="panel"><h2>"Contacts"</h2>{move || list(data().0, "No contacts yet.")}
                <a class="button" href=format!("#/contacts/new?account={id}")>"Add contact"</a></section>
            <section class="panel"><h2>"Deals"</h2>{move || list(data().1, "No deals yet.")}</section>
            <section class="panel"><h2>"Service cases"</h2>{move || list(data().2, "No service cases.")}</section>
        </div>
        <crate::pages::activities::ActivitiesOf account=id/>
    }
}

impl RecordUi for Contact {
    const SINGULAR: &'static str = "contact";
    const PLURAL: &'static str = "Contacts";
    const READS: &'static [Collection] = &[Collection::Accounts];
    /// Account names by id.
    type Aux = HashMap<AccountId, String>;

    fn aux(d: &Tables) -> Self::Aux {
        d.accounts.iter().map(|a| (a.id, a.name.clone())).collect()
    }

    fn base() -> Route {
        Route::area(Area::Contacts)
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Contact>;
        vec![
            F::text("name", "Name", |c| &c.name, |c| &mut c.name).required(),
            F::reference(
                "account",
                "Account",
                &[Collection::Accounts],
                options::accounts,
                |c| c.account,
                |c, v| c.account = v,
            ),
            F::text("title", "Job title", |c| &c.title, |c| &mut c.title),
            F::text("email", "Email", |c| &c.email, |c| &mut c.email).typed(Input::Email),
            F::text("phone", "Phone", |c| &c.phone, |c| &mut c.phone).typed(Input::Tel),
            F::check("primary", "Main contact", |c| c.primary, |c, v| c.primary = v),
            F::long_text("notes", "Notes", |c| &c.notes, |c| &mut c.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Account"),
            Column::wide("Title"),
            Column::wide("Email"),
            Column::wide("Phone"),
        ]
    }

    fn cells(&self, _: &Tables, accounts: &Self::Aux) -> Vec<String> {
        vec![
            self.name.clone(),
            self.account.and_then(|a| accounts.get(&a).cloned()).unwrap_or_default(),
            self.title.clone(),
            self.email.clone(),
            self.phone.clone(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        let account = ctx().route.get_untracked().param("account").and_then(|a| a.parse().ok());
        Contact { id: ids::new_id(), account, ..Default::default() }
    }
}
