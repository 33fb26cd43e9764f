//! Products, their categories (with priorities) and price lists per price category.

use leptos::prelude::*;
use quota_core::market::PriceCategory;
use quota_core::product::{PriceList, Product, ProductCategory};
use quota_core::{Collection, Tables};

use crate::components::form::FieldSpec;
use crate::components::table::Column;
use crate::crud::{self, RecordUi};
use crate::ids;
use crate::names;
use crate::options;
use crate::pages::{Tab, tabbed};
use crate::route::{Area, Route};

pub fn page(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "products", label: "Products", page: crud::page::<Product> },
            Tab { slug: "categories", label: "Categories", page: crud::page::<ProductCategory> },
            Tab { slug: "price-lists", label: "Price lists", page: crud::page::<PriceList> },
        ],
    )
}

impl RecordUi for Product {
    const SINGULAR: &'static str = "product";
    const PLURAL: &'static str = "Products";
    const READS: &'static [Collection] = &[Collection::ProductCategories];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Products, &["products"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Product>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::text("sku", "SKU", |r| &r.sku, |r| &mut r.sku),
            F::reference(
                "category",
                "Category",
                &[Collection::ProductCategories],
                options::categories,
                |r| r.category,
                |r, v| r.category = v,
            ),
            F::money("price", "List price", |r| r.price, |r, v| r.price = v),
            F::optional_money("unit_cost", "Unit cost", |r| r.unit_cost, |r, v| r.unit_cost = v),
            F::optional_number("priority", "Priority (1 highest)", |r| r.priority, |r, v| r.priority = v),
            F::check("active", "On sale", |r| r.active, |r, v| r.active = v),
            F::long_text("description", "Description", |r| &r.description, |r| &mut r.description),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::wide("SKU"),
            Column::wide("Category"),
            Column::number("Price"),
            Column::number("Margin"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let margin = self
            .unit_cost
            .filter(|c| c.currency == self.price.currency && self.price.minor > 0)
            .map(|c| crate::format::percent_bp((self.price.minor - c.minor) * 10_000 / self.price.minor))
            .unwrap_or_default();
        vec![self.name.clone(), self.sku.clone(), names::category(d, self.category), self.price.display(), margin]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(d: &Tables) -> Self {
        let currency = d.settings.iter().next().map(|s| s.currency).unwrap_or_default();
        Product { id: ids::new_id(), active: true, price: quota_core::Money::zero(currency), ..Default::default() }
    }
}

impl RecordUi for ProductCategory {
    const SINGULAR: &'static str = "category";
    const PLURAL: &'static str = "Product categories";
    const READS: &'static [Collection] = &[Collection::Products];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Products, &["categories"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<ProductCategory>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::number("priority", "Priority (1 highest)", |r| r.priority, |r, v| r.priority = v),
            F::long_text("description", "Description", |r| &r.description, |r| &mut r.description),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Name"), Column::number("Priority"), Column::number("Products")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let products = d.products.iter().filter(|p| p.category == Some(self.id)).count();
        vec![self.name.clone(), self.priority.to_string(), products.to_string()]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        ProductCategory { id: ids::new_id(), priority: 3, ..Default::default() }
    }
}

impl RecordUi for PriceList {
    const SINGULAR: &'static str = "price list";
    const PLURAL: &'static str = "Price lists";
    const READS: &'static [Collection] = &[Collection::Products];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Products, &["price-lists"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<PriceList>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice(
                "price_category",
                "Price category",
                PriceCategory::ALL,
                |r| r.price_category,
                |r, v| r.price_category = v,
            ),
            F::optional_date("valid_from", "Valid from", |r| r.valid_from, |r, v| r.valid_from = v),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Price category"),
            Column::number("Products priced"),
            Column::wide("Currency"),
        ]
    }

    fn cells(&self, _: &Tables, _: &()) -> Vec<String> {
        vec![
            self.name.clone(),
            self.price_category.label().into(),
            self.prices.len().to_string(),
            self.currency.to_string(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(d: &Tables) -> Self {
        let currency = d.settings.iter().next().map(|s| s.currency).unwrap_or_default();
        PriceList { id: ids::new_id(), currency, ..Default::default() }
    }

    fn related(id: Self::Id) -> Option<AnyView> {
        Some(view! { <crate::pages::nested::PriceEntries id/> }.into_any())
    }
}
