//! After-sales service cases.

use crate::account::{AccountId, ContactId};
use crate::collection::Tables;
use crate::date::Date;
use crate::deal::DealId;
use crate::error::Invalid;
use crate::field::LongText;
use crate::org::PersonId;
use crate::product::ProductId;
use crate::record::Validate;
use crate::validate::{check_ref, require_ref, require_text};
use crate::{define_id, record, string_enum};

define_id!(ServiceCaseId);

string_enum! {
    /// Where a case stands.
    pub enum CaseStatus {
        Open = "open" / "Open",
        InProgress = "in-progress" / "In progress",
        Waiting = "waiting" / "Waiting on customer",
        Resolved = "resolved" / "Resolved",
        Closed = "closed" / "Closed",
    }
}

string_enum! {
    /// How urgent a case is.
    pub enum Priority {
        Normal = "normal" / "Normal",
        Low = "low" / "Low",
        High = "high" / "High",
        Urgent = "urgent" / "Urgent",
    }
}

record! {
    /// A customer's request or problem after the sale.
    pub struct ServiceCase: ServiceCaseId in ServiceCases {
        account: AccountId,
        contact: Option<ContactId>,
        deal: Option<DealId>,
        product: Option<ProductId>,
        subject: String,
        description: LongText,
        status: CaseStatus,
        priority: Priority,
        opened: Date,
        resolved: Option<Date>,
        owner: Option<PersonId>,
        /// Customer satisfaction from 1 to 5, asked when the case is resolved.
        satisfaction: Option<u32>,
    }
}

impl ServiceCase {
    pub fn is_open(&self) -> bool {
        !matches!(self.status, CaseStatus::Resolved | CaseStatus::Closed)
    }
}

impl Validate for ServiceCase {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "account", self.account, &data.accounts, "account");
        require_text(&mut inv, "subject", &self.subject, "Enter what the case is about");
        check_ref(&mut inv, "contact", self.contact, &data.contacts, "contact");
        check_ref(&mut inv, "deal", self.deal, &data.deals, "deal");
        check_ref(&mut inv, "product", self.product, &data.products, "product");
        check_ref(&mut inv, "owner", self.owner, &data.people, "person");
        inv.check(
            self.satisfaction.is_some_and(|s| !(1..=5).contains(&s)),
            "satisfaction",
            "Satisfaction is from 1 to 5",
        );
        if let Some(resolved) = self.resolved {
            inv.check(resolved < self.opened, "resolved", "Resolved before it was opened");
        }
        inv.finish()
    }
}
