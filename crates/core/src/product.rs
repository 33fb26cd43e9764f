//! Products, their categories and priority, and price lists per price category.

use std::collections::BTreeMap;

use crate::collection::Tables;
use crate::date::Date;
use crate::error::Invalid;
use crate::field::LongText;
use crate::market::PriceCategory;
use crate::money::{Currency, Money};
use crate::record::Validate;
use crate::validate::{check_ref, require_text};
use crate::{define_id, nested, record};

define_id!(ProductCategoryId);
define_id!(ProductId);
define_id!(PriceListId);

record! {
    /// A product category; its priority ranks what the sales force should push.
    pub struct ProductCategory: ProductCategoryId in ProductCategories {
        name: String,
        /// 1 is the highest priority.
        priority: u32,
        description: LongText,
    }
}

impl Validate for ProductCategory {
    fn validate(&self, _: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the category's name");
        inv.check(self.priority == 0 || self.priority > 10, "priority", "Priority is from 1 (highest) to 10");
        inv.finish()
    }
}

record! {
    /// Something the company sells.
    pub struct Product: ProductId in Products {
        name: String,
        sku: String,
        category: Option<ProductCategoryId>,
        /// The list price.
        price: Money,
        /// What one unit costs the company, for margins.
        unit_cost: Option<Money>,
        /// 1 is the highest priority; overrides the category's when set.
        priority: Option<u32>,
        active: bool,
        description: LongText,
    }
}

impl Validate for Product {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the product's name");
        inv.check(self.price.minor < 0, "price", "The price cannot be negative");
        inv.check(self.unit_cost.is_some_and(|c| c.minor < 0), "unit_cost", "The cost cannot be negative");
        inv.check(self.priority.is_some_and(|p| p == 0 || p > 10), "priority", "Priority is from 1 (highest) to 10");
        check_ref(&mut inv, "category", self.category, &data.product_categories, "product category");
        let sku = self.sku.trim();
        if !sku.is_empty() {
            let taken = data.products.iter().any(|p| p.id != self.id && p.sku.trim().eq_ignore_ascii_case(sku));
            inv.check(taken, "sku", "Another product has this SKU");
        }
        inv.finish()
    }
}

nested! {
    /// A product's price in one price list.
    pub struct PriceEntry: ProductId {
        price: Money,
    }
}

record! {
    /// Prices for one price category (the segment's price level).
    pub struct PriceList: PriceListId in PriceLists {
        name: String,
        price_category: PriceCategory,
        currency: Currency,
        valid_from: Option<Date>,
        prices: BTreeMap<ProductId, PriceEntry>,
    }
}

impl Validate for PriceList {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the price list's name");
        inv.check(self.prices.keys().any(|p| !data.products.contains(*p)), "prices", "A priced product does not exist");
        inv.check(self.prices.values().any(|e| e.price.minor < 0), "prices", "A price cannot be negative");
        inv.check(
            self.prices.values().any(|e| e.price.currency != self.currency),
            "prices",
            "Every price must be in the list's currency",
        );
        inv.finish()
    }
}
