//! How edits reach documents and tables: validation, field-level writes, merges, saving and
//! loading, damaged chunks, the start-up cache, history and conflicts.

use automerge::Automerge;
use quota_core::account::{Account, AccountId, Contact};
use quota_core::error::Error;
use quota_core::workspace::{Op, chunk_key};
use quota_core::{DocName, LongText, Workspace};

use crate::support::{Fx, KEY};

fn account_doc(id: AccountId) -> DocName {
    Workspace::doc_of::<Account>(id)
}

/// Copies every document of `from` into `to` by merging, as sync would.
fn merge_all(to: &mut Fx, from: &Fx) {
    let names: Vec<DocName> = from.ws.loaded().collect();
    for name in names {
        let mut theirs = from.ws.doc(name).unwrap().clone();
        to.ws.apply(name, |doc| doc.merge(&mut theirs).unwrap()).unwrap();
    }
}

#[test]
fn a_created_account_is_in_the_table_and_the_document() {
    let mut fx = Fx::new();
    let id = fx.account("Acme Tools");
    assert_eq!(fx.ws.data.accounts.get(id).unwrap().name, "Acme Tools");

    let mut reread = Workspace::new(KEY, [9; 16]);
    let (bytes, _) = fx.ws.snapshot(account_doc(id)).unwrap();
    let report = reread.load(account_doc(id), [("snapshot", bytes.as_slice())], true);
    assert!(report.skipped.is_empty() && report.unreadable.is_empty());
    assert_eq!(reread.data.accounts.get(id), fx.ws.data.accounts.get(id));
}

#[test]
fn invalid_records_are_rejected_with_every_problem_and_nothing_is_written() {
    let mut fx = Fx::new();
    let id = fx.id();
    let stamp = fx.stamp();
    let bad = Account { id, name: "  ".into(), email: "not-an-email".into(), ..Default::default() };
    let Err(Error::Invalid(invalid)) = fx.ws.create(bad, stamp) else { panic!("expected invalid") };
    assert_eq!(invalid.message_for("name"), Some("Enter the account's name"));
    assert!(invalid.message_for("email").is_some());
    assert!(fx.ws.data.accounts.is_empty());
    assert!(fx.ws.unsaved().next().is_none(), "a rejected edit must not reach the document");
}

#[test]
fn an_update_writes_only_the_fields_that_changed() {
    let mut fx = Fx::new();
    let id = fx.account("Acme");
    let stamp = fx.stamp();
    let changed = fx.ws.modify::<Account>(id, stamp, |a| a.city = "Lyon".into()).unwrap();
    assert_eq!(changed, vec!["city"]);
    let stamp = fx.stamp();
    let unchanged = fx.ws.modify::<Account>(id, stamp, |a| a.city = "Lyon".into()).unwrap();
    assert!(unchanged.is_empty());
    let history = fx.ws.history::<Account>(id);
    assert_eq!(history.len(), 2, "saving an unchanged record adds no change");
    assert_eq!(history[1].op, Op::Update);
    assert_eq!(history[1].fields, vec!["city".to_string()]);
}

#[test]
fn concurrent_edits_of_different_fields_both_survive() {
    let mut a = Fx::with_actor(1);
    let id = a.account("Acme");
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);
    assert_eq!(b.ws.data.accounts.get(id).unwrap().name, "Acme");

    let s = a.stamp();
    a.ws.modify::<Account>(id, s, |r| r.phone = "+33 1 23".into()).unwrap();
    let s = b.stamp();
    b.ws.modify::<Account>(id, s, |r| r.city = "Paris".into()).unwrap();
    merge_all(&mut a, &b);
    merge_all(&mut b, &a);
    for fx in [&a, &b] {
        let account = fx.ws.data.accounts.get(id).unwrap();
        assert_eq!((account.phone.as_str(), account.city.as_str()), ("+33 1 23", "Paris"));
    }
}

#[test]
fn concurrent_edits_of_long_text_merge_character_by_character() {
    let mut a = Fx::with_actor(1);
    let id = a.account("Acme");
    let s = a.stamp();
    a.ws.modify::<Account>(id, s, |r| r.notes = LongText::from("Met at the fair.")).unwrap();
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);

    let s = a.stamp();
    a.ws.modify::<Account>(id, s, |r| r.notes = LongText::from("Met at the fair. Wants a demo.")).unwrap();
    let s = b.stamp();
    b.ws.modify::<Account>(id, s, |r| r.notes = LongText::from("CEO met at the fair.")).unwrap();
    merge_all(&mut a, &b);
    assert_eq!(a.ws.data.accounts.get(id).unwrap().notes.as_str(), "CEO met at the fair. Wants a demo.");
}

#[test]
fn concurrent_edits_of_one_field_pick_one_value_and_show_the_other() {
    let mut a = Fx::with_actor(1);
    let id = a.account("Acme");
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);
    let s = a.stamp();
    a.ws.modify::<Account>(id, s, |r| r.city = "Paris".into()).unwrap();
    let s = b.stamp();
    b.ws.modify::<Account>(id, s, |r| r.city = "Berlin".into()).unwrap();
    merge_all(&mut a, &b);
    merge_all(&mut b, &a);

    let winner = a.ws.data.accounts.get(id).unwrap().city.clone();
    assert_eq!(b.ws.data.accounts.get(id).unwrap().city, winner, "both sides pick the same value");
    let conflicts = a.ws.conflicts::<Account>(id);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "city");
    assert_eq!(conflicts[0].values[0], winner);
    let mut values = conflicts[0].values.clone();
    values.sort();
    assert_eq!(values, vec!["Berlin".to_string(), "Paris".to_string()]);

    // Picking the value that was not shown settles the field, and the choice syncs.
    let other = conflicts[0].values.iter().position(|v| *v != winner).unwrap();
    let chosen = conflicts[0].values[other].clone();
    let s = a.stamp();
    a.ws.resolve::<Account>(id, "city", other, s).unwrap();
    assert!(a.ws.conflicts::<Account>(id).is_empty());
    assert_eq!(a.ws.data.accounts.get(id).unwrap().city, chosen);
    merge_all(&mut b, &a);
    assert_eq!(b.ws.data.accounts.get(id).unwrap().city, chosen);
    assert!(b.ws.conflicts::<Account>(id).is_empty());
    let s = a.stamp();
    assert!(a.ws.resolve::<Account>(id, "city", 5, s).is_err());
}

#[test]
fn a_delete_can_be_undone_by_creating_the_returned_record() {
    let mut fx = Fx::new();
    let id = fx.account("Acme");
    let s = fx.stamp();
    let removed = fx.ws.delete::<Account>(id, s).unwrap();
    assert!(!fx.ws.data.accounts.contains(id));
    let s = fx.stamp();
    fx.ws.create(removed, s).unwrap();
    assert_eq!(fx.ws.data.accounts.get(id).unwrap().name, "Acme");
    let ops: Vec<Op> = fx.ws.history::<Account>(id).iter().map(|h| h.op).collect();
    assert_eq!(ops, vec![Op::Create, Op::Delete, Op::Create]);
}

#[test]
fn incremental_chunks_load_back_in_any_order() {
    let mut fx = Fx::new();
    let id = fx.account("Acme");
    let name = account_doc(id);
    let (first, heads) = fx.ws.pending_chunk(name).unwrap();
    fx.ws.mark_saved(name, heads);
    let s = fx.stamp();
    fx.ws.modify::<Account>(id, s, |a| a.city = "Oslo".into()).unwrap();
    let (second, heads) = fx.ws.pending_chunk(name).unwrap();
    fx.ws.mark_saved(name, heads);
    assert!(fx.ws.pending_chunk(name).is_none());

    let mut reread = Workspace::new(KEY, [9; 16]);
    reread.load(name, [("2", second.as_slice()), ("1", first.as_slice())], true);
    assert_eq!(reread.data.accounts.get(id).unwrap().city, "Oslo");
}

#[test]
fn a_damaged_chunk_is_skipped_and_reported_and_the_rest_loads() {
    let mut fx = Fx::new();
    let ids: Vec<AccountId> = (0..40).map(|i| fx.account(&format!("Account {i}"))).collect();
    let name = account_doc(ids[0]);
    let in_doc: Vec<AccountId> = ids.iter().copied().filter(|id| account_doc(*id) == name).collect();
    let (good, heads) = fx.ws.pending_chunk(name).unwrap();
    fx.ws.mark_saved(name, heads);
    let s = fx.stamp();
    fx.ws.modify::<Account>(in_doc[0], s, |a| a.city = "Rome".into()).unwrap();
    let (later, _) = fx.ws.pending_chunk(name).unwrap();
    // Stored chunks are keyed by the hash of their content, so damage shows as a mismatch.
    let later_key = chunk_key(&later);
    let mut damaged = later.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xFF;
    let truncated = &later[..later.len() / 3];
    let garbage = b"not an automerge chunk at all";

    let mut reread = Workspace::new(KEY, [9; 16]);
    let good_key = chunk_key(&good);
    let report = reread.load(
        name,
        [
            (good_key.as_str(), good.as_slice()),
            (later_key.as_str(), damaged.as_slice()),
            (later_key.as_str(), truncated),
            ("garbage", garbage.as_slice()),
        ],
        true,
    );
    let keys: Vec<&str> = report.skipped.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, vec![later_key.as_str(), later_key.as_str(), "garbage"]);
    assert!(report.skipped[0].to_string().contains("damaged"));
    for id in &in_doc {
        assert!(reread.data.accounts.contains(*id), "every record of the good chunk loads");
    }
    assert_eq!(reread.data.accounts.get(in_doc[0]).unwrap().city, "", "the damaged edit is not applied");
}

#[test]
fn the_start_up_cache_reproduces_the_tables() {
    let mut fx = Fx::new();
    for i in 0..30 {
        fx.account(&format!("Account {i}"));
    }
    let mut cached = Workspace::new(KEY, [9; 16]);
    for name in (0..Account::shards()).map(|s| DocName::live(quota_core::Collection::Accounts, s)) {
        cached.load_projection(name, &fx.ws.projection(name)).unwrap();
    }
    assert_eq!(cached.data.accounts, fx.ws.data.accounts);
    let name = DocName::live(quota_core::Collection::Accounts, 0);
    assert!(cached.load_projection(name, &[99, 1, 2]).is_err());
    assert!(cached.load_projection(name, &[]).is_err());
}

trait Shards {
    fn shards() -> u32;
}

impl Shards for Account {
    fn shards() -> u32 {
        quota_core::Collection::Accounts.shards()
    }
}

#[test]
fn records_spread_over_the_collections_shards() {
    let mut fx = Fx::new();
    let docs: std::collections::BTreeSet<DocName> =
        (0..64).map(|i| account_doc(fx.account(&format!("A{i}")))).collect();
    assert_eq!(docs.len(), quota_core::Collection::Accounts.shards() as usize);
}

#[test]
fn a_record_written_by_a_javascript_peer_with_text_strings_still_reads() {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    let mut fx = Fx::new();
    let id: AccountId = fx.id();
    let name = account_doc(id);
    fx.ws
        .apply(name, |doc: &mut Automerge| {
            let mut tx = doc.transaction();
            let obj = tx.put_object(ROOT, id.to_string().as_str(), ObjType::Map).unwrap();
            let text = tx.put_object(&obj, "name", ObjType::Text).unwrap();
            tx.splice_text(&text, 0, 0, "Written in JS").unwrap();
            tx.put(&obj, "unknown_field", 5).unwrap();
            tx.commit();
        })
        .unwrap();
    assert_eq!(fx.ws.data.accounts.get(id).unwrap().name, "Written in JS");
}

#[test]
fn an_unreadable_record_is_reported_and_its_neighbours_load() {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    let mut fx = Fx::new();
    let good = fx.account("Good");
    let name = account_doc(good);
    fx.ws
        .apply(name, |doc: &mut Automerge| {
            let mut tx = doc.transaction();
            let obj = tx.put_object(ROOT, "not-an-id", ObjType::Map).unwrap();
            tx.put(&obj, "name", "x").unwrap();
            tx.commit();
        })
        .unwrap();
    let problems: Vec<_> = fx.ws.unreadable().collect();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "not-an-id");
    assert!(fx.ws.data.accounts.contains(good));
}

#[test]
fn contacts_must_point_at_an_existing_account() {
    let mut fx = Fx::new();
    let missing: AccountId = fx.id();
    let id = fx.id();
    let s = fx.stamp();
    let err =
        fx.ws.create(Contact { id, name: "Ana".into(), account: Some(missing), ..Default::default() }, s).unwrap_err();
    assert_eq!(err.to_string(), "invalid record: account: That account does not exist");
}

#[test]
fn the_past_can_be_viewed_as_it_was() {
    let mut fx = Fx::new();
    let id = fx.account("Acme");
    let before_rename = fx.now;
    let s = fx.stamp();
    fx.ws.modify::<Account>(id, s, |a| a.name = "Acme Group".into()).unwrap();
    let past = fx.ws.as_of(before_rename).unwrap();
    assert_eq!(past.data.accounts.get(id).unwrap().name, "Acme");
    assert_eq!(fx.ws.data.accounts.get(id).unwrap().name, "Acme Group");
}

#[test]
fn a_cache_written_for_another_schema_is_refused_not_misread() {
    let mut fx = Fx::new();
    fx.account("Acme");
    let name = DocName::live(quota_core::Collection::Accounts, 0);
    let mut cache = fx.ws.projection(name);
    // Flip a byte of the schema fingerprint that follows the version byte.
    cache[3] ^= 0xFF;
    let mut other = Workspace::new(KEY, [9; 16]);
    assert_eq!(other.load_projection(name, &cache), Err(quota_core::workspace::ProjectionError::OtherSchema));
}

#[test]
fn the_schema_names_every_field_with_its_type_and_nested_fields() {
    use quota_core::Record;
    let schema = quota_core::deal::Deal::schema();
    assert!(schema.contains("name:String"));
    assert!(schema.contains("lines:BTreeMap<LineId, LineItem>{product:ProductId"), "{schema}");
}

#[test]
fn concurrent_first_additions_to_an_empty_set_both_survive() {
    use quota_core::channel::{Channel, ChannelId, Incentive, Partner, PartnerId};
    let mut a = Fx::with_actor(1);
    let channel: ChannelId = a.id();
    let s = a.stamp();
    a.ws.create(Channel { id: channel, name: "Dealers".into(), active: true, ..Default::default() }, s).unwrap();
    let partners: Vec<PartnerId> = (0..2).map(|_| a.id()).collect();
    for (i, id) in partners.iter().enumerate() {
        let s = a.stamp();
        a.ws.create(Partner { id: *id, name: format!("P{i}"), channel: Some(channel), ..Default::default() }, s)
            .unwrap();
    }
    let program = a.id();
    let s = a.stamp();
    let start = a.now.date();
    a.ws.create(
        Incentive { id: program, name: "Spring".into(), start, end: start.add_days(30), ..Default::default() },
        s,
    )
    .unwrap();
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);

    let s = a.stamp();
    a.ws.modify::<Incentive>(program, s, |i| {
        i.participants.insert(partners[0]);
    })
    .unwrap();
    let s = b.stamp();
    b.ws.modify::<Incentive>(program, s, |i| {
        i.participants.insert(partners[1]);
    })
    .unwrap();
    merge_all(&mut a, &b);
    assert_eq!(a.ws.data.incentives.get(program).unwrap().participants.len(), 2);
}

#[test]
fn two_people_typing_into_empty_notes_at_once_keep_both_texts() {
    let mut a = Fx::with_actor(1);
    let id = a.account("Acme");
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);
    let s = a.stamp();
    a.ws.modify::<Account>(id, s, |r| r.notes = LongText::from("Alpha.")).unwrap();
    let s = b.stamp();
    b.ws.modify::<Account>(id, s, |r| r.notes = LongText::from("Beta.")).unwrap();
    merge_all(&mut a, &b);
    let notes = a.ws.data.accounts.get(id).unwrap().notes.0.clone();
    assert!(notes.contains("Alpha.") && notes.contains("Beta."), "{notes}");
}
