//! Commands for channel management: payments against partner invoices and what is still open or
//! overdue, the communication log, incentive participants and cost, partner evaluations and the
//! adjustment each decision makes, channel conditions, and sales plans per channel and partner.

use crate::channel::{
    ChannelId, Communication, CommunicationId, Condition, Incentive, IncentiveId, Invoice, InvoiceId, Partner,
    PartnerDecision, PartnerEvaluation, PartnerId, PartnerStatus, PartnerTier, Payment, PaymentId,
};
use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::error::{Error, Invalid, Result};
use crate::management::{Metric, Subject, Target, TargetId};
use crate::money::{Currency, Money};
use crate::record::{Record, Validate};
use crate::reports::forecast::workspace_currency;
use crate::reports::plan_actual::IdMap;
use crate::workspace::{Stamp, Workspace};

fn not_found<R: Record>(id: R::Id) -> Error {
    Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() }
}

fn one_problem(field: &'static str, message: impl Into<String>) -> Error {
    let mut inv = Invalid::new();
    inv.add(field, message);
    Error::Invalid(inv)
}

/// What is needed to record a payment against an invoice; the partner comes from the invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEntry {
    pub invoice: InvoiceId,
    pub date: Date,
    pub amount: Money,
    pub reference: String,
    /// Accept a payment above the open balance (the partner paid too much, or twice).
    pub allow_overpayment: bool,
}

/// Records a payment against an invoice. The payment must be in the invoice's currency and, unless
/// `allow_overpayment` is set, no larger than what is still open on the invoice.
pub fn record_payment(ws: &mut Workspace, id: PaymentId, entry: PaymentEntry, stamp: Stamp) -> Result<Payment> {
    let data = &ws.data;
    let invoice = data.invoices.get(entry.invoice).ok_or_else(|| not_found::<Invoice>(entry.invoice))?;
    let mut inv = Invalid::new();
    if entry.amount.currency != invoice.amount.currency {
        inv.add(
            "amount",
            format!("The payment is in {} but the invoice is in {}", entry.amount.currency, invoice.amount.currency),
        );
    } else if entry.amount.minor <= 0 {
        inv.add("amount", "The amount must be above zero");
    } else {
        let (_, open) = invoice_balance(data, entry.invoice)?;
        inv.check(
            entry.amount.minor > open.minor && !entry.allow_overpayment,
            "amount",
            format!("That is more than the open balance of {}", open.display()),
        );
    }
    inv.finish()?;
    let payment = Payment {
        id,
        partner: invoice.partner,
        invoice: Some(entry.invoice),
        date: entry.date,
        amount: entry.amount,
        reference: entry.reference,
    };
    ws.create(payment.clone(), stamp)?;
    Ok(payment)
}

/// What has been paid on an invoice and what is still open, in the invoice's currency. Open is
/// never below zero: an overpayment shows as `paid` above the invoice amount.
pub fn invoice_balance(data: &Tables, invoice: InvoiceId) -> Result<(Money, Money)> {
    let found = data.invoices.get(invoice).ok_or_else(|| not_found::<Invoice>(invoice))?;
    let currency = found.amount.currency;
    let paid: i64 = data
        .payments
        .iter()
        .filter(|p| p.invoice == Some(invoice) && p.amount.currency == currency)
        .map(|p| p.amount.minor)
        .sum();
    Ok((Money::new(paid, currency), Money::new((found.amount.minor - paid).max(0), currency)))
}

/// What has been paid on every invoice, gathered in one pass over the payments so that lists of
/// many invoices read each balance at once.
#[derive(Clone, Debug, Default)]
pub struct InvoicePayments {
    /// Keyed by invoice and currency, so that only payments in the invoice's currency count
    /// without looking each invoice up.
    paid: IdMap<(InvoiceId, Currency), i64>,
}

impl InvoicePayments {
    /// Gathers the payments against invoices, only those dated on or before `as_of` when given.
    pub fn new(data: &Tables, as_of: Option<Date>) -> InvoicePayments {
        let mut paid: IdMap<(InvoiceId, Currency), i64> = IdMap::default();
        for payment in data.payments.iter() {
            let Some(invoice) = payment.invoice else { continue };
            if as_of.is_none_or(|d| payment.date <= d) {
                *paid.entry((invoice, payment.amount.currency)).or_default() += payment.amount.minor;
            }
        }
        InvoicePayments { paid }
    }

    /// What has been paid on an invoice, in its currency.
    pub fn paid(&self, invoice: &Invoice) -> Money {
        let currency = invoice.amount.currency;
        Money::new(self.paid.get(&(invoice.id, currency)).copied().unwrap_or(0), currency)
    }

    /// What is still open on an invoice; never below zero.
    pub fn open(&self, invoice: &Invoice) -> Money {
        Money::new((invoice.amount.minor - self.paid(invoice).minor).max(0), invoice.amount.currency)
    }
}

/// An invoice past its due date with money still open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueInvoice {
    pub invoice: InvoiceId,
    pub partner: PartnerId,
    pub number: String,
    pub due: Date,
    pub amount: Money,
    pub open: Money,
    /// Days since the due date; one on the day after it.
    pub days_overdue: i32,
}

/// Invoices overdue as of a date, the longest overdue first. An invoice is overdue from the day
/// after its due date while payments dated up to `as_of` leave part of it open.
pub fn overdue_invoices(data: &Tables, as_of: Date) -> Vec<OverdueInvoice> {
    let payments = InvoicePayments::new(data, Some(as_of));
    let mut out: Vec<OverdueInvoice> = data
        .invoices
        .iter()
        .filter(|invoice| invoice.due < as_of)
        .filter_map(|invoice| {
            let open = payments.open(invoice);
            (open.minor > 0).then(|| OverdueInvoice {
                invoice: invoice.id,
                partner: invoice.partner,
                number: invoice.number.clone(),
                due: invoice.due,
                amount: invoice.amount,
                open,
                days_overdue: invoice.due.days_until(as_of),
            })
        })
        .collect();
    out.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.number.cmp(&b.number)));
    out
}

fn follow_up_problem(communication: &Communication, follow_up: Option<Date>) -> Option<String> {
    let day = communication.at.date();
    follow_up.filter(|f| *f < day).map(|_| format!("The follow-up is before the conversation on {day}"))
}

/// Adds an entry to a partner's communication log.
pub fn log_communication(ws: &mut Workspace, communication: Communication, stamp: Stamp) -> Result<()> {
    let mut inv = communication.validate(&ws.data).err().unwrap_or_default();
    if let Some(message) = follow_up_problem(&communication, communication.follow_up) {
        inv.add("follow_up", message);
    }
    inv.finish()?;
    ws.create(communication, stamp)
}

/// Sets or clears (with `None`) the date to follow up a logged communication.
pub fn set_follow_up(ws: &mut Workspace, id: CommunicationId, follow_up: Option<Date>, stamp: Stamp) -> Result<()> {
    let communication = ws.data.communications.get(id).ok_or_else(|| not_found::<Communication>(id))?;
    if let Some(message) = follow_up_problem(communication, follow_up) {
        return Err(one_problem("follow_up", message));
    }
    ws.modify::<Communication>(id, stamp, |c| c.follow_up = follow_up)?;
    Ok(())
}

/// Communications whose follow-up falls on or before `day`, the earliest first.
pub fn follow_ups_due(data: &Tables, day: Date) -> Vec<&Communication> {
    let mut due: Vec<&Communication> =
        data.communications.iter().filter(|c| c.follow_up.is_some_and(|f| f <= day)).collect();
    due.sort_by_key(|c| (c.follow_up, c.id));
    due
}

fn partner_name(data: &Tables, id: PartnerId) -> String {
    data.partners.get(id).map_or_else(|| id.to_string(), |p| p.name.clone())
}

/// Enrols a partner in an incentive program. Refused for a partner whose cooperation has ended,
/// one outside the program's channel, and one already taking part.
pub fn add_incentive_participant(
    ws: &mut Workspace,
    incentive: IncentiveId,
    partner: PartnerId,
    stamp: Stamp,
) -> Result<()> {
    let data = &ws.data;
    let program = data.incentives.get(incentive).ok_or_else(|| not_found::<Incentive>(incentive))?;
    let member = data.partners.get(partner).ok_or_else(|| not_found::<Partner>(partner))?;
    let problem = if program.participants.contains(&partner) {
        Some(format!("{} already takes part in this program", member.name))
    } else if member.status == PartnerStatus::Ended {
        Some(format!("Cooperation with {} has ended", member.name))
    } else if program.channel.is_some() && member.channel != program.channel {
        Some(format!("{} is not in the program's channel", member.name))
    } else {
        None
    };
    if let Some(message) = problem {
        return Err(one_problem("participants", message));
    }
    ws.modify::<Incentive>(incentive, stamp, |i| {
        i.participants.insert(partner);
    })?;
    Ok(())
}

/// Takes a partner out of an incentive program.
pub fn remove_incentive_participant(
    ws: &mut Workspace,
    incentive: IncentiveId,
    partner: PartnerId,
    stamp: Stamp,
) -> Result<()> {
    let program = ws.data.incentives.get(incentive).ok_or_else(|| not_found::<Incentive>(incentive))?;
    if !program.participants.contains(&partner) {
        let name = partner_name(&ws.data, partner);
        return Err(one_problem("participants", format!("{name} does not take part in this program")));
    }
    ws.modify::<Incentive>(incentive, stamp, |i| {
        i.participants.remove(&partner);
    })?;
    Ok(())
}

/// Records what an incentive program has cost so far: the running total, not an addition, so two
/// people entering the same figure at once do not count it twice. It must be in the currency of
/// the program's budget when a budget is set.
pub fn record_incentive_cost(ws: &mut Workspace, incentive: IncentiveId, cost: Money, stamp: Stamp) -> Result<()> {
    let program = ws.data.incentives.get(incentive).ok_or_else(|| not_found::<Incentive>(incentive))?;
    if cost.minor < 0 {
        return Err(one_problem("cost", "The cost cannot be negative"));
    }
    if !program.budget.is_zero() && program.budget.currency != cost.currency {
        return Err(one_problem(
            "cost",
            format!("The cost is in {} but the budget is in {}", cost.currency, program.budget.currency),
        ));
    }
    ws.modify::<Incentive>(incentive, stamp, |i| i.cost = cost)?;
    Ok(())
}

/// What an evaluation changed on the partner: `(before, after)` for each field it changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Adjustment {
    pub tier: Option<(PartnerTier, PartnerTier)>,
    pub status: Option<(PartnerStatus, PartnerStatus)>,
}

/// The tier one step above, or the same tier at the top.
pub fn next_tier(tier: PartnerTier) -> PartnerTier {
    match tier {
        PartnerTier::Standard => PartnerTier::Silver,
        PartnerTier::Silver => PartnerTier::Gold,
        PartnerTier::Gold | PartnerTier::Platinum => PartnerTier::Platinum,
    }
}

/// The tier and status a decision leaves a partner with:
/// - **Keep**: nothing changes.
/// - **Develop**: the tier rises one step (platinum stays platinum), and a prospect or a partner
///   on probation becomes active.
/// - **Adjust**: nothing changes here; the user changes the channel's conditions.
/// - **Warn**: the partner goes on probation; the tier stays.
/// - **End**: the cooperation ends; the tier stays, for the record.
pub fn decision_outcome(
    decision: PartnerDecision,
    tier: PartnerTier,
    status: PartnerStatus,
) -> (PartnerTier, PartnerStatus) {
    match decision {
        PartnerDecision::Keep | PartnerDecision::Adjust => (tier, status),
        PartnerDecision::Develop => {
            let status = match status {
                PartnerStatus::Prospect | PartnerStatus::Probation => PartnerStatus::Active,
                other => other,
            };
            (next_tier(tier), status)
        }
        PartnerDecision::Warn => (tier, PartnerStatus::Probation),
        PartnerDecision::End => (tier, PartnerStatus::Ended),
    }
}

/// Records a partner's evaluation for a period and applies its decision to the partner (see
/// [`decision_outcome`]). A partner has one evaluation per period, and one whose cooperation has
/// ended is not evaluated: reactivate it by hand first.
pub fn evaluate_partner(ws: &mut Workspace, evaluation: PartnerEvaluation, stamp: Stamp) -> Result<Adjustment> {
    let data = &ws.data;
    let partner = data.partners.get(evaluation.partner).ok_or_else(|| not_found::<Partner>(evaluation.partner))?;
    if partner.status == PartnerStatus::Ended {
        return Err(Error::Rejected(format!("Cooperation with {} has ended; it is not evaluated", partner.name)));
    }
    let mut inv = evaluation.validate(data).err().unwrap_or_default();
    let duplicate = data
        .partner_evaluations
        .iter()
        .any(|e| e.id != evaluation.id && e.partner == evaluation.partner && e.period == evaluation.period);
    inv.check(duplicate, "period", format!("{} already has an evaluation for {}", partner.name, evaluation.period));
    inv.finish()?;
    let (tier, status) = decision_outcome(evaluation.decision, partner.tier, partner.status);
    let adjustment = Adjustment {
        tier: (tier != partner.tier).then_some((partner.tier, tier)),
        status: (status != partner.status).then_some((partner.status, status)),
    };
    let partner_id = evaluation.partner;
    ws.create(evaluation, stamp)?;
    ws.modify::<Partner>(partner_id, stamp, |p| {
        p.tier = tier;
        p.status = status;
    })?;
    Ok(adjustment)
}

fn windows_overlap(a: (Option<Date>, Option<Date>), b: (Option<Date>, Option<Date>)) -> bool {
    let starts_before_b_ends = match (a.0, b.1) {
        (Some(from), Some(to)) => from <= to,
        _ => true,
    };
    let b_starts_before_a_ends = match (b.0, a.1) {
        (Some(from), Some(to)) => from <= to,
        _ => true,
    };
    starts_before_b_ends && b_starts_before_a_ends
}

fn window_text(from: Option<Date>, to: Option<Date>) -> String {
    match (from, to) {
        (Some(from), Some(to)) => format!("from {from} to {to}"),
        (Some(from), None) => format!("from {from} on"),
        (None, Some(to)) => format!("until {to}"),
        (None, None) => "with no end date".to_string(),
    }
}

fn tier_text(tier: Option<PartnerTier>) -> String {
    tier.map_or_else(|| "every tier".to_string(), |t| format!("{t} partners"))
}

/// Creates or replaces (by id) the conditions of a channel for one tier, or for every tier when
/// `tier` is `None`. Only one set of conditions may apply to a channel and tier on any day, so a
/// validity window that overlaps another's for the same channel and tier is refused. Conditions
/// for one tier and those for every tier may overlap: the tier's own take precedence (see
/// [`condition_for`]). Missing dates leave the window open at that end.
pub fn set_condition(ws: &mut Workspace, condition: Condition, stamp: Stamp) -> Result<()> {
    let data = &ws.data;
    let mut inv = condition.validate(data).err().unwrap_or_default();
    let window = (condition.valid_from, condition.valid_to);
    let clash = data.conditions.iter().find(|c| {
        c.id != condition.id
            && c.channel == condition.channel
            && c.tier == condition.tier
            && windows_overlap(window, (c.valid_from, c.valid_to))
    });
    if let Some(other) = clash {
        let channel = data.channels.get(condition.channel).map_or("The channel", |c| c.name.as_str());
        inv.add(
            "valid_from",
            format!(
                "{channel} already has conditions for {} {}",
                tier_text(condition.tier),
                window_text(other.valid_from, other.valid_to)
            ),
        );
    }
    inv.finish()?;
    if data.conditions.contains(condition.id) {
        ws.update(condition, stamp)?;
    } else {
        ws.create(condition, stamp)?;
    }
    Ok(())
}

/// The conditions that apply to a partner of `tier` in a channel on a day: the tier's own if
/// set, else those for every tier.
pub fn condition_for(data: &Tables, channel: ChannelId, tier: PartnerTier, day: Date) -> Option<&Condition> {
    let applies = |c: &&Condition| {
        c.channel == channel && c.valid_from.is_none_or(|f| f <= day) && c.valid_to.is_none_or(|t| day <= t)
    };
    let candidates: Vec<&Condition> = data.conditions.iter().filter(applies).collect();
    candidates.iter().find(|c| c.tier == Some(tier)).or_else(|| candidates.iter().find(|c| c.tier.is_none())).copied()
}

/// Sets the sales plan of a channel or partner for a period: a revenue target in the workspace
/// currency. When the subject already has a revenue target for exactly that period its amount is
/// changed and its id returned; otherwise a target is created with `id`.
pub fn set_sales_plan(
    ws: &mut Workspace,
    id: TargetId,
    subject: Subject,
    period: Period,
    amount: Money,
    stamp: Stamp,
) -> Result<TargetId> {
    let data = &ws.data;
    if !matches!(subject, Subject::Channel(_) | Subject::Partner(_)) {
        return Err(one_problem("subject", "A sales plan is set for a channel or a partner"));
    }
    let currency = workspace_currency(data);
    if amount.currency != currency {
        return Err(one_problem("amount", format!("Plans are in the workspace currency, {currency}")));
    }
    let existing =
        data.targets.iter().find(|t| t.subject == subject && t.period == period && t.metric == Metric::Revenue);
    match existing {
        Some(target) => {
            let target_id = target.id;
            ws.modify::<Target>(target_id, stamp, |t| t.amount = amount)?;
            Ok(target_id)
        }
        None => {
            ws.create(Target { id, subject, period, metric: Metric::Revenue, amount, ..Default::default() }, stamp)?;
            Ok(id)
        }
    }
}
