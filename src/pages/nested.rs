//! Editors for records nested inside another record: a price list's prices, a person's
//! onboarding checklist, a commission plan's tiers and members.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::collection::HasTable;
use quota_core::management::{CommissionPlan, CommissionPlanId, Tier, TierId};
use quota_core::money::Money;
use quota_core::org::{ChecklistItem, ChecklistItemId, Person, PersonId};
use quota_core::product::{PriceEntry, PriceList, PriceListId, ProductId};
use quota_core::{Collection, Record, Tables};

use crate::ids;
use crate::state::{NoticeKind, ctx};

/// Changes one record through a closure and reports a failure.
fn change<R: Record + Send + Sync>(id: R::Id, f: impl FnOnce(&mut R) + 'static)
where
    Tables: HasTable<R>,
{
    let ctx = ctx();
    spawn_local(async move {
        let Some(mut record) = ctx.with_ws(|ws| ws.data.table().get(id).cloned()).flatten() else { return };
        f(&mut record);
        if let Err(e) = ctx.update(record).await {
            ctx.notify(NoticeKind::Error, format!("Not saved: {e}"));
        }
    });
}

#[component]
pub fn PriceEntries(id: PriceListId) -> impl IntoView {
    let ctx = ctx();
    let rows = move || {
        ctx.read(&[Collection::PriceLists, Collection::Products], |d| {
            let list = d.price_lists.get(id)?;
            let mut rows: Vec<(ProductId, String, String, String)> = list
                .prices
                .iter()
                .map(|(p, e)| {
                    let product = d.products.get(*p);
                    (
                        *p,
                        product.map(|x| x.name.clone()).unwrap_or_default(),
                        e.price.display(),
                        product.map(|x| x.price.display()).unwrap_or_default(),
                    )
                })
                .collect();
            rows.sort_by(|a, b| a.1.cmp(&b.1));
            let unpriced: Vec<(ProductId, String)> = d
                .products
                .iter()
                .filter(|p| !list.prices.contains_key(&p.id))
                .map(|p| (p.id, p.name.clone()))
                .collect();
            Some((rows, unpriced, list.currency))
        })
        .flatten()
    };
    let product = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let Some((_, _, currency)) = rows() else { return };
        let Ok(product_id) = product.get_untracked().parse::<ProductId>() else {
            error.set(Some("Choose a product".into()));
            return;
        };
        match Money::parse(&price.get_untracked(), currency) {
            Ok(amount) => {
                error.set(None);
                price.set(String::new());
                change::<PriceList>(id, move |list| {
                    list.prices.insert(product_id, PriceEntry { price: amount });
                });
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <section class="panel" aria-labelledby="prices-title">
            <h2 id="prices-title">"Prices"</h2>
            <table class="simple">
                <thead><tr><th>"Product"</th><th class="num">"Price"</th><th class="num">"List price"</th><th></th></tr></thead>
                <tbody>
                    {move || rows().map(|(r, _, _)| r).unwrap_or_default().into_iter().map(|(pid, name, p, list)| view! {
                        <tr><td>{name}</td><td class="num">{p}</td><td class="num muted">{list}</td>
                        <td><button class="link" on:click={move |_| change::<PriceList>(id, move |l| { l.prices.remove(&pid); })}>"Remove"</button></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="inline-form">
                <label class="visually-hidden" for="price-product">"Product"</label>
                <select id="price-product" on:change=move |ev| product.set(event_target_value(&ev))>
                    <option value="">"Choose a product…"</option>
                    {move || rows().map(|(_, u, _)| u).unwrap_or_default().into_iter().map(|(pid, name)| view! { <option value=pid.to_string()>{name}</option> }).collect_view()}
                </select>
                <label class="visually-hidden" for="price-amount">"Price"</label>
                <input id="price-amount" inputmode="decimal" placeholder="Price" prop:value=move || price.get() on:input=move |ev| price.set(event_target_value(&ev))/>
                <button on:click=add>"Set price"</button>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </section>
    }
}

#[component]
pub fn Checklist(id: PersonId) -> impl IntoView {
    let ctx = ctx();
    let items = move || {
        ctx.read(&[Collection::People], |d| {
            let person = d.people.get(id)?;
            let mut items: Vec<(ChecklistItemId, ChecklistItem)> =
                person.onboarding.iter().map(|(k, v)| (*k, v.clone())).collect();
            items.sort_by_key(|(k, i)| (i.order, *k));
            Some(items)
        })
        .flatten()
        .unwrap_or_default()
    };
    let title = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = title.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        title.set(String::new());
        change::<Person>(id, move |p| {
            let order = p.onboarding.values().map(|i| i.order).max().unwrap_or(0) + 10;
            p.onboarding
                .insert(ids::new_id(), ChecklistItem { title: text.trim().to_string(), order, due: None, done: false });
        });
    };
    view! {
        <section class="panel" aria-labelledby="onboarding-title">
            <h2 id="onboarding-title">"Onboarding checklist"</h2>
            <ul class="plain checklist">
                {move || items().into_iter().map(|(item_id, item)| {
                    let done = item.done;
                    view! {
                        <li>
                            <label>
                                <input type="checkbox" prop:checked=done on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    change::<Person>(id, move |p| if let Some(i) = p.onboarding.get_mut(&item_id) { i.done = checked; });
                                }/>
                                " "{item.title.clone()}
                            </label>
                            {item.due.map(|d| view! { <span class="muted">" due "{d.to_string()}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline-form" on:submit=add>
                <label class="visually-hidden" for="new-step">"New step"</label>
                <input id="new-step" placeholder="Add a step" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                <button type="submit">"Add step"</button>
            </form>
        </section>
    }
}

/// Everyone with onboarding steps left.
#[component]
pub fn OnboardingOverview() -> impl IntoView {
    let ctx = ctx();
    let people = move || {
        ctx.read(&[Collection::People], |d| {
            d.people
                .iter()
                .filter(|p| !p.onboarding.is_empty())
                .map(|p| {
                    let (done, total) = p.onboarding_progress();
                    (crate::crud::href::<Person>(p.id), p.name.clone(), done, total)
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <section class="page">
            <h1>"Onboarding"</h1>
            <p class="muted">"New hires and their onboarding progress. Hiring a candidate starts their checklist."</p>
            <ul class="plain progress-list">
                {move || {
                    let list = people();
                    if list.is_empty() {
                        view! { <li class="muted">"Nobody is onboarding right now."</li> }.into_any()
                    } else {
                        list.into_iter().map(|(href, name, done, total)| view! {
                            <li><a href=href>{name}</a>" "
                                <progress max=total.to_string() value=done.to_string()></progress>
                                <span class="muted">{format!(" {done} of {total} done")}</span></li>
                        }).collect_view().into_any()
                    }
                }}
            </ul>
        </section>
    }
}

#[component]
pub fn PlanTiers(id: CommissionPlanId) -> impl IntoView {
    let ctx = ctx();
    let tiers = move || {
        ctx.read(&[Collection::CommissionPlans], |d| {
            let plan = d.commission_plans.get(id)?;
            let mut tiers: Vec<(TierId, Tier)> = plan.tiers.iter().map(|(k, v)| (*k, v.clone())).collect();
            tiers.sort_by_key(|(k, t)| (t.from_attainment, *k));
            Some(tiers)
        })
        .flatten()
        .unwrap_or_default()
    };
    let from = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(from_attainment) = from.get_untracked().trim().parse::<u32>() else {
            error.set(Some("Enter the attainment (%) the tier starts at, such as 100".into()));
            return;
        };
        match crate::format::parse_percent_bp(&rate.get_untracked()) {
            Ok(rate_bp) => {
                error.set(None);
                from.set(String::new());
                rate.set(String::new());
                change::<CommissionPlan>(id, move |p| {
                    p.tiers.insert(ids::new_id(), Tier { from_attainment, rate_bp });
                });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <section class="panel" aria-labelledby="tiers-title">
            <h2 id="tiers-title">"Tiers"</h2>
            <table class="simple">
                <thead><tr><th>"From attainment"</th><th class="num">"Rate"</th><th></th></tr></thead>
                <tbody>
                    {move || tiers().into_iter().map(|(tid, t)| view! {
                        <tr><td>{format!("{}% of target", t.from_attainment)}</td><td class="num">{crate::format::percent_bp(t.rate_bp)}</td>
                        <td><button class="link" on:click={move |_| change::<CommissionPlan>(id, move |p| { p.tiers.remove(&tid); })}>"Remove"</button></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=add>
                <label for="tier-from">"From (% of target)"</label>
                <input id="tier-from" inputmode="numeric" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                <label for="tier-rate">"Rate (%)"</label>
                <input id="tier-rate" inputmode="decimal" prop:value=move || rate.get() on:input=move |ev| rate.set(event_target_value(&ev))/>
                <button type="submit">"Add tier"</button>
            </form>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </section>
    }
}

#[component]
pub fn PlanMembers(id: CommissionPlanId) -> impl IntoView {
    let ctx = ctx();
    let data = move || {
        ctx.read(&[Collection::CommissionPlans, Collection::People], |d| {
            let plan = d.commission_plans.get(id)?;
            let members: Vec<(PersonId, String)> = plan
                .members
                .iter()
                .map(|p| (*p, d.people.get(*p).map(|x| x.name.clone()).unwrap_or_default()))
                .collect();
            let others: Vec<(PersonId, String)> =
                d.people.iter().filter(|p| !plan.members.contains(&p.id)).map(|p| (p.id, p.name.clone())).collect();
            Some((members, others))
        })
        .flatten()
        .unwrap_or_default()
    };
    let pick = RwSignal::new(String::new());
    view! {
        <section class="panel" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <ul class="plain">
                {move || data().0.into_iter().map(|(pid, name)| view! {
                    <li>{name}" "<button class="link" on:click={move |_| change::<CommissionPlan>(id, move |p| { p.members.remove(&pid); })}>"Remove"</button></li>
                }).collect_view()}
            </ul>
            <div class="inline-form">
                <label for="add-member">"Add a person"</label>
                <select id="add-member" on:change=move |ev| pick.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {move || data().1.into_iter().map(|(pid, name)| view! { <option value=pid.to_string()>{name}</option> }).collect_view()}
                </select>
                <button on:click=move |_| {
                    if let Ok(person) = pick.get_untracked().parse::<PersonId>() {
                        change::<CommissionPlan>(id, move |p| { p.members.insert(person); });
                    }
                }>"Add"</button>
            </div>
        </section>
    }
}
