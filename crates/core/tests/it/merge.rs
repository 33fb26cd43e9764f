//! Concurrent edits of one record on two devices, for the record types whose own test files have
//! no merge test: edits of different fields both survive, and edits of the same field settle on
//! one of the two values, the same on both devices.

use std::fmt::Debug;

use quota_core::channel::{Invoice, ServiceRating};
use quota_core::generate;
use quota_core::management::CommissionPlan;
use quota_core::market::{EntryPlan, Niche, Segment};
use quota_core::org::{OrgUnit, Person, Territory};
use quota_core::product::{PriceList, Product};
use quota_core::record::Record;
use quota_core::{Currency, Date, DocName, HasTable, LongText, Money, Tables};

use crate::support::Fx;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn eur(units: i64) -> Money {
    Money::new(units * 100, Currency::EUR)
}

/// Copies every document of `from` into `to` by merging, as sync would.
fn merge_all(to: &mut Fx, from: &Fx) {
    let names: Vec<DocName> = from.ws.loaded().collect();
    for name in names {
        let mut theirs = from.ws.doc(name).unwrap().clone();
        to.ws.apply(name, |doc| doc.merge(&mut theirs).unwrap()).unwrap();
    }
}

/// The sample company on one device, and a second device that has synced it.
fn two_devices() -> (Fx, Fx) {
    let mut a = Fx::with_actor(1);
    generate::sample(&mut a.ws, 7, day("2026-11-26")).unwrap();
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);
    (a, b)
}

/// Edits the sample's first record of type `R` on both devices at once, syncs both ways, checks
/// that both devices agree, and returns the merged record.
fn check<R>(mine: impl FnOnce(&mut R), theirs: impl FnOnce(&mut R)) -> R
where
    R: Record + Clone + Debug + PartialEq,
    Tables: HasTable<R>,
{
    let (mut a, mut b) = two_devices();
    let id = HasTable::<R>::table(&a.ws.data).iter().next().expect("the sample has one").id();
    let stamp = a.stamp();
    a.ws.modify::<R>(id, stamp, mine).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<R>(id, stamp, theirs).unwrap();
    merge_all(&mut a, &b);
    merge_all(&mut b, &a);
    let on_a: &R = HasTable::<R>::table(&a.ws.data).get(id).unwrap();
    let on_b: &R = HasTable::<R>::table(&b.ws.data).get(id).unwrap();
    assert_eq!(on_a, on_b, "both devices agree");
    on_a.clone()
}

#[test]
fn concurrent_segment_edits_keep_both_fields_and_agree_on_one_name() {
    let s: Segment =
        check(|s: &mut Segment| s.name = "Hospitals".into(), |s| s.needs = LongText::from("Fast delivery"));
    assert_eq!((s.name.as_str(), s.needs.to_string().as_str()), ("Hospitals", "Fast delivery"));
    let s: Segment = check(|s: &mut Segment| s.name = "Clinics".into(), |s| s.name = "Labs".into());
    assert!(["Clinics", "Labs"].contains(&s.name.as_str()));
}

#[test]
fn concurrent_niche_edits_keep_both_fields_and_agree_on_one_size() {
    let n: Niche = check(|n: &mut Niche| n.name = "Dental labs".into(), |n| n.estimated_size = Some(eur(250_000)));
    assert_eq!((n.name.as_str(), n.estimated_size), ("Dental labs", Some(eur(250_000))));
    let n: Niche = check(|n: &mut Niche| n.estimated_size = Some(eur(1)), |n| n.estimated_size = Some(eur(2)));
    assert!([Some(eur(1)), Some(eur(2))].contains(&n.estimated_size));
}

#[test]
fn concurrent_entry_plan_edits_keep_both_fields() {
    let p: EntryPlan =
        check(|p: &mut EntryPlan| p.title = "Enter dental labs".into(), |p| p.tactics = LongText::from("Trade fairs"));
    assert_eq!((p.title.as_str(), p.tactics.to_string().as_str()), ("Enter dental labs", "Trade fairs"));
}

#[test]
fn concurrent_product_edits_keep_both_fields_and_agree_on_one_sku() {
    let p: Product = check(|p: &mut Product| p.name = "Autoclave XL".into(), |p| p.sku = "AX-200".into());
    assert_eq!((p.name.as_str(), p.sku.as_str()), ("Autoclave XL", "AX-200"));
    let p: Product = check(|p: &mut Product| p.sku = "A-1".into(), |p| p.sku = "B-2".into());
    assert!(["A-1", "B-2"].contains(&p.sku.as_str()));
}

#[test]
fn concurrent_price_list_edits_keep_both_fields() {
    let l: PriceList =
        check(|l: &mut PriceList| l.name = "Retail 2027".into(), |l| l.valid_from = Some(day("2027-01-01")));
    assert_eq!((l.name.as_str(), l.valid_from), ("Retail 2027", Some(day("2027-01-01"))));
}

#[test]
fn concurrent_invoice_edits_keep_both_fields_and_agree_on_one_number() {
    let i: Invoice =
        check(|i: &mut Invoice| i.number = "INV-9001".into(), |i| i.notes = LongText::from("Sent by post"));
    assert_eq!((i.number.as_str(), i.notes.to_string().as_str()), ("INV-9001", "Sent by post"));
    let i: Invoice = check(|i: &mut Invoice| i.number = "X-1".into(), |i| i.number = "X-2".into());
    assert!(["X-1", "X-2"].contains(&i.number.as_str()));
}

#[test]
fn concurrent_service_rating_edits_keep_both_fields() {
    let r: ServiceRating = check(|r: &mut ServiceRating| r.score = 2, |r| r.cost = Some(eur(120)));
    assert_eq!((r.score, r.cost), (2, Some(eur(120))));
}

#[test]
fn concurrent_org_unit_edits_keep_both_fields() {
    let u: OrgUnit =
        check(|u: &mut OrgUnit| u.name = "Field sales".into(), |u| u.functions = LongText::from("Visits and demos"));
    assert_eq!((u.name.as_str(), u.functions.to_string().as_str()), ("Field sales", "Visits and demos"));
}

#[test]
fn concurrent_person_edits_keep_both_fields_and_agree_on_one_title() {
    let p: Person =
        check(|p: &mut Person| p.phone = "+351 900 000 001".into(), |p| p.title = "Key account manager".into());
    assert_eq!((p.phone.as_str(), p.title.as_str()), ("+351 900 000 001", "Key account manager"));
    let p: Person = check(|p: &mut Person| p.title = "Rep".into(), |p| p.title = "Senior rep".into());
    assert!(["Rep", "Senior rep"].contains(&p.title.as_str()));
}

#[test]
fn concurrent_territory_edits_keep_both_fields() {
    let t: Territory = check(|t: &mut Territory| t.name = "North coast".into(), |t| t.code = "NC".into());
    assert_eq!((t.name.as_str(), t.code.as_str()), ("North coast", "NC"));
}

#[test]
fn concurrent_commission_plan_edits_keep_both_fields_and_agree_on_one_rate() {
    let p: CommissionPlan =
        check(|p: &mut CommissionPlan| p.name = "Field reps 2027".into(), |p| p.cap = Some(eur(20_000)));
    assert_eq!((p.name.as_str(), p.cap), ("Field reps 2027", Some(eur(20_000))));
    let p: CommissionPlan = check(|p: &mut CommissionPlan| p.base_rate_bp = 300, |p| p.base_rate_bp = 450);
    assert!([300, 450].contains(&p.base_rate_bp));
}
