//! Accounts (customer organisations) and their contacts.

use crate::channel::PartnerId;
use crate::collection::Tables;
use crate::error::Invalid;
use crate::field::LongText;
use crate::market::{NicheId, SegmentId};
use crate::org::{PersonId, TerritoryId};
use crate::record::Validate;
use crate::validate::{check_ref, looks_like_email, require_text};
use crate::{define_id, record, string_enum};

define_id!(AccountId);
define_id!(ContactId);

string_enum! {
    /// Where the relationship with an account stands.
    pub enum AccountStatus {
        Prospect = "prospect" / "Prospect",
        Customer = "customer" / "Customer",
        Former = "former" / "Former customer",
    }
}

record! {
    /// A customer organisation, current or prospective.
    pub struct Account: AccountId in Accounts {
        name: String,
        status: AccountStatus,
        industry: String,
        segment: Option<SegmentId>,
        /// The market niche the account belongs to, for niche performance.
        niche: Option<NicheId>,
        territory: Option<TerritoryId>,
        /// The salesperson responsible for the account.
        owner: Option<PersonId>,
        /// The partner that serves this account, when it buys through a channel partner.
        partner: Option<PartnerId>,
        website: String,
        phone: String,
        email: String,
        address: String,
        city: String,
        country: String,
        notes: LongText,
    }
}

impl Validate for Account {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the account's name");
        inv.check(self.name.chars().count() > 200, "name", "Keep the name under 200 characters");
        inv.check(
            !self.email.is_empty() && !looks_like_email(&self.email),
            "email",
            "Enter an email address such as sales@example.com",
        );
        check_ref(&mut inv, "segment", self.segment, &data.segments, "segment");
        check_ref(&mut inv, "niche", self.niche, &data.niches, "niche");
        check_ref(&mut inv, "territory", self.territory, &data.territories, "territory");
        check_ref(&mut inv, "owner", self.owner, &data.people, "person");
        check_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        inv.finish()
    }
}

record! {
    /// A person at an account.
    pub struct Contact: ContactId in Contacts {
        account: Option<AccountId>,
        name: String,
        title: String,
        email: String,
        phone: String,
        /// The main person to talk to at the account.
        primary: bool,
        notes: LongText,
    }
}

impl Validate for Contact {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the contact's name");
        inv.check(
            !self.email.is_empty() && !looks_like_email(&self.email),
            "email",
            "Enter an email address such as ana@example.com",
        );
        check_ref(&mut inv, "account", self.account, &data.accounts, "account");
        inv.finish()
    }
}
