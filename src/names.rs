//! Names of referenced records for list cells and detail pages: direct lookups by id.

use quota_core::Tables;
use quota_core::account::{AccountId, ContactId};
use quota_core::channel::{ChannelId, PartnerId};
use quota_core::org::{OrgUnitId, PersonId, TerritoryId};
use quota_core::product::{ProductCategoryId, ProductId};

pub fn person(d: &Tables, id: Option<PersonId>) -> String {
    id.and_then(|i| d.people.get(i)).map(|p| p.name.clone()).unwrap_or_default()
}

pub fn account(d: &Tables, id: Option<AccountId>) -> String {
    id.and_then(|i| d.accounts.get(i)).map(|a| a.name.clone()).unwrap_or_default()
}

pub fn contact(d: &Tables, id: Option<ContactId>) -> String {
    id.and_then(|i| d.contacts.get(i)).map(|c| c.name.clone()).unwrap_or_default()
}

pub fn partner(d: &Tables, id: Option<PartnerId>) -> String {
    id.and_then(|i| d.partners.get(i)).map(|p| p.name.clone()).unwrap_or_default()
}

pub fn channel(d: &Tables, id: Option<ChannelId>) -> String {
    id.and_then(|i| d.channels.get(i)).map(|c| c.name.clone()).unwrap_or_default()
}

pub fn territory(d: &Tables, id: Option<TerritoryId>) -> String {
    id.and_then(|i| d.territories.get(i)).map(|t| t.name.clone()).unwrap_or_default()
}

pub fn unit(d: &Tables, id: Option<OrgUnitId>) -> String {
    id.and_then(|i| d.org_units.get(i)).map(|u| u.name.clone()).unwrap_or_default()
}

pub fn product(d: &Tables, id: Option<ProductId>) -> String {
    id.and_then(|i| d.products.get(i)).map(|p| p.name.clone()).unwrap_or_default()
}

pub fn category(d: &Tables, id: Option<ProductCategoryId>) -> String {
    id.and_then(|i| d.product_categories.get(i)).map(|c| c.name.clone()).unwrap_or_default()
}
