//! Activities: calls, meetings, visits, emails and tasks, done or due as follow-ups.

use crate::account::{AccountId, ContactId};
use crate::channel::PartnerId;
use crate::collection::Tables;
use crate::date::{Date, Timestamp};
use crate::deal::DealId;
use crate::error::Invalid;
use crate::field::LongText;
use crate::lead::LeadId;
use crate::org::PersonId;
use crate::record::Validate;
use crate::validate::{check_ref, require_text};
use crate::{define_id, record, string_enum};

define_id!(ActivityId);

string_enum! {
    /// What kind of work an activity is.
    pub enum ActivityKind {
        Call = "call" / "Call",
        Meeting = "meeting" / "Meeting",
        Visit = "visit" / "Visit",
        Email = "email" / "Email",
        Task = "task" / "Task",
        Demo = "demo" / "Demo",
        Note = "note" / "Note",
    }
}

record! {
    /// Something a salesperson did or must do.
    pub struct Activity: ActivityId in Activities {
        kind: ActivityKind,
        subject: String,
        notes: LongText,
        /// The day it is due (a follow-up) or planned.
        due: Option<Date>,
        done: bool,
        /// When it was done.
        done_at: Option<Timestamp>,
        person: Option<PersonId>,
        account: Option<AccountId>,
        contact: Option<ContactId>,
        deal: Option<DealId>,
        lead: Option<LeadId>,
        partner: Option<PartnerId>,
        outcome: String,
    }
}

impl Activity {
    /// The day that counts for reports: when it was done, else when it is due.
    pub fn day(&self) -> Option<Date> {
        self.done_at.map(|t| t.date()).or(self.due)
    }

    /// Open and due before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.done && self.due.is_some_and(|d| d < today)
    }
}

impl Validate for Activity {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "subject", &self.subject, "Enter what the activity is about");
        check_ref(&mut inv, "person", self.person, &data.people, "person");
        check_ref(&mut inv, "account", self.account, &data.accounts, "account");
        check_ref(&mut inv, "contact", self.contact, &data.contacts, "contact");
        check_ref(&mut inv, "deal", self.deal, &data.deals, "deal");
        check_ref(&mut inv, "lead", self.lead, &data.leads, "lead");
        check_ref(&mut inv, "partner", self.partner, &data.partners, "partner");
        inv.check(self.done && self.done_at.is_none(), "done_at", "A done activity needs the time it was done");
        inv.finish()
    }
}
