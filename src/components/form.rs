//! The record form: every editable record type is described as a list of [`FieldSpec`]s and
//! edited through [`RecordForm`]. It validates as the user types (with the core's own rules),
//! shows each problem next to its field, keeps exactly what was typed even when it does not parse,
//! and stores a draft so nothing typed is lost on a reload.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::money::{Currency, Money};
use quota_core::{Collection, Date, Error, Invalid, Record, Tables};

use crate::state::ctx;

/// Options for a select: (stored value, label). An empty value means "none".
pub type OptionsFn = Rc<dyn Fn(&Tables) -> Vec<(String, String)>>;

/// How a field is edited.
#[derive(Clone)]
pub enum Input {
    Text,
    Email,
    Tel,
    Url,
    /// Multi-line text.
    Area,
    Number,
    Money,
    Date,
    Check,
    /// A fixed list of choices.
    Choice(Vec<(String, String)>),
    /// Records of a collection, read from the tables.
    Reference(Vec<Collection>, OptionsFn),
}

/// Parses typed text into a record's field, or says what is wrong with it.
pub type Setter<R> = Rc<dyn Fn(&mut R, &str, Currency) -> Result<(), String>>;

/// One field of a form: how to show it, read it and write it back into the record.
pub struct FieldSpec<R> {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    pub get: Rc<dyn Fn(&R) -> String>,
    /// Parses the typed text into the record; an `Err` is shown next to the field.
    pub set: Setter<R>,
}

impl<R: 'static> FieldSpec<R> {
    fn new(
        name: &'static str,
        label: &'static str,
        input: Input,
        get: impl Fn(&R) -> String + 'static,
        set: impl Fn(&mut R, &str, Currency) -> Result<(), String> + 'static,
    ) -> FieldSpec<R> {
        FieldSpec { name, label, input, required: false, get: Rc::new(get), set: Rc::new(set) }
    }

    pub fn required(mut self) -> FieldSpec<R> {
        self.required = true;
        self
    }

    /// A one-line text field.
    pub fn text(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> &String,
        set: fn(&mut R) -> &mut String,
    ) -> Self {
        Self::new(
            name,
            label,
            Input::Text,
            move |r| get(r).clone(),
            move |r, v, _| {
                *set(r) = v.to_string();
                Ok(())
            },
        )
    }

    /// A text field with a specific input type (email, tel, url).
    pub fn typed(self, input: Input) -> Self {
        FieldSpec { input, ..self }
    }

    /// A multi-line text field over Automerge text.
    pub fn long_text(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> &quota_core::LongText,
        set: fn(&mut R) -> &mut quota_core::LongText,
    ) -> Self {
        Self::new(
            name,
            label,
            Input::Area,
            move |r| get(r).0.clone(),
            move |r, v, _| {
                set(r).0 = v.to_string();
                Ok(())
            },
        )
    }

    /// A whole number.
    pub fn number<N>(name: &'static str, label: &'static str, get: fn(&R) -> N, set: fn(&mut R, N)) -> Self
    where
        N: std::fmt::Display + std::str::FromStr + 'static,
    {
        Self::new(
            name,
            label,
            Input::Number,
            move |r| get(r).to_string(),
            move |r, v, _| {
                let n = v.trim().parse::<N>().map_err(|_| "Enter a whole number".to_string())?;
                set(r, n);
                Ok(())
            },
        )
    }

    /// An optional whole number (empty means none).
    pub fn optional_number<N>(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> Option<N>,
        set: fn(&mut R, Option<N>),
    ) -> Self
    where
        N: std::fmt::Display + std::str::FromStr + 'static,
    {
        Self::new(
            name,
            label,
            Input::Number,
            move |r| get(r).map(|n| n.to_string()).unwrap_or_default(),
            move |r, v, _| {
                let v = v.trim();
                let n = if v.is_empty() {
                    None
                } else {
                    Some(v.parse::<N>().map_err(|_| "Enter a whole number".to_string())?)
                };
                set(r, n);
                Ok(())
            },
        )
    }

    /// An amount of money in the record's currency (or the workspace's when new).
    pub fn money(name: &'static str, label: &'static str, get: fn(&R) -> Money, set: fn(&mut R, Money)) -> Self {
        Self::new(
            name,
            label,
            Input::Money,
            move |r| amount_text(get(r)),
            move |r, v, currency| {
                let current = get(r);
                let currency = if current.minor == 0 { currency } else { current.currency };
                let money = if v.trim().is_empty() {
                    Money::zero(currency)
                } else {
                    Money::parse(v, currency).map_err(|e| e.to_string())?
                };
                set(r, money);
                Ok(())
            },
        )
    }

    /// An optional amount of money (empty means none).
    pub fn optional_money(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> Option<Money>,
        set: fn(&mut R, Option<Money>),
    ) -> Self {
        Self::new(
            name,
            label,
            Input::Money,
            move |r| get(r).map(amount_text).unwrap_or_default(),
            move |r, v, currency| {
                let currency = get(r).map_or(currency, |m| m.currency);
                let money = if v.trim().is_empty() {
                    None
                } else {
                    Some(Money::parse(v, currency).map_err(|e| e.to_string())?)
                };
                set(r, money);
                Ok(())
            },
        )
    }

    /// A calendar date.
    pub fn date(name: &'static str, label: &'static str, get: fn(&R) -> Date, set: fn(&mut R, Date)) -> Self {
        Self::new(
            name,
            label,
            Input::Date,
            move |r| date_text(get(r)),
            move |r, v, _| {
                let date = v.parse::<Date>().map_err(|_| "Enter a date".to_string())?;
                set(r, date);
                Ok(())
            },
        )
    }

    /// An optional calendar date.
    pub fn optional_date(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> Option<Date>,
        set: fn(&mut R, Option<Date>),
    ) -> Self {
        Self::new(
            name,
            label,
            Input::Date,
            move |r| get(r).map(date_text).unwrap_or_default(),
            move |r, v, _| {
                let date = if v.trim().is_empty() {
                    None
                } else {
                    Some(v.parse::<Date>().map_err(|_| "Enter a date".to_string())?)
                };
                set(r, date);
                Ok(())
            },
        )
    }

    /// A yes/no box.
    pub fn check(name: &'static str, label: &'static str, get: fn(&R) -> bool, set: fn(&mut R, bool)) -> Self {
        Self::new(
            name,
            label,
            Input::Check,
            move |r| get(r).to_string(),
            move |r, v, _| {
                set(r, v == "true");
                Ok(())
            },
        )
    }

    /// One of a string enum's values.
    pub fn choice<E>(
        name: &'static str,
        label: &'static str,
        all: &'static [E],
        get: fn(&R) -> E,
        set: fn(&mut R, E),
    ) -> Self
    where
        E: Copy + PartialEq + ChoiceLabel + 'static,
    {
        let options = all.iter().map(|e| (e.stored().to_string(), e.shown().to_string())).collect();
        Self::new(
            name,
            label,
            Input::Choice(options),
            move |r| get(r).stored().to_string(),
            move |r, v, _| {
                let value = all
                    .iter()
                    .copied()
                    .find(|e| e.stored() == v)
                    .ok_or_else(|| "Pick one of the choices".to_string())?;
                set(r, value);
                Ok(())
            },
        )
    }

    /// One of a string enum's values, or none.
    pub fn optional_choice<E>(
        name: &'static str,
        label: &'static str,
        all: &'static [E],
        get: fn(&R) -> Option<E>,
        set: fn(&mut R, Option<E>),
    ) -> Self
    where
        E: Copy + PartialEq + ChoiceLabel + 'static,
    {
        let mut options = vec![(String::new(), "Any".to_string())];
        options.extend(all.iter().map(|e| (e.stored().to_string(), e.shown().to_string())));
        Self::new(
            name,
            label,
            Input::Choice(options),
            move |r| get(r).map(|e| e.stored().to_string()).unwrap_or_default(),
            move |r, v, _| {
                let value = if v.is_empty() {
                    None
                } else {
                    Some(
                        all.iter()
                            .copied()
                            .find(|e| e.stored() == v)
                            .ok_or_else(|| "Pick one of the choices".to_string())?,
                    )
                };
                set(r, value);
                Ok(())
            },
        )
    }

    /// A percentage stored in basis points (12.5% is 1250).
    pub fn basis_points(name: &'static str, label: &'static str, get: fn(&R) -> i64, set: fn(&mut R, i64)) -> Self {
        Self::new(
            name,
            label,
            Input::Number,
            move |r| {
                let bp = get(r);
                if bp == 0 { String::new() } else { crate::format::percent_bp(bp).trim_end_matches('%').to_string() }
            },
            move |r, v, _| {
                set(r, crate::format::parse_percent_bp(v)?);
                Ok(())
            },
        )
    }

    /// A three-letter currency code.
    pub fn currency(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> Currency,
        set: fn(&mut R, Currency),
    ) -> Self {
        Self::new(
            name,
            label,
            Input::Text,
            move |r| get(r).to_string(),
            move |r, v, _| {
                set(r, v.parse::<Currency>().map_err(|e| e.to_string())?);
                Ok(())
            },
        )
    }

    /// A reporting period: `2026`, `2026-Q2` or `2026-05`.
    pub fn period(
        name: &'static str,
        label: &'static str,
        get: fn(&R) -> quota_core::Period,
        set: fn(&mut R, quota_core::Period),
    ) -> Self {
        Self::new(
            name,
            label,
            Input::Text,
            move |r| get(r).to_string(),
            move |r, v, _| {
                let period = v
                    .parse::<quota_core::Period>()
                    .map_err(|_| "Enter a period such as 2026, 2026-Q2 or 2026-05".to_string())?;
                set(r, period);
                Ok(())
            },
        )
    }

    /// An optional reference to another record, picked from the tables.
    pub fn reference<I>(
        name: &'static str,
        label: &'static str,
        collections: &[Collection],
        options: fn(&Tables) -> Vec<(String, String)>,
        get: fn(&R) -> Option<I>,
        set: fn(&mut R, Option<I>),
    ) -> Self
    where
        I: std::fmt::Display + std::str::FromStr + 'static,
    {
        let input = Input::Reference(collections.to_vec(), Rc::new(options));
        Self::new(
            name,
            label,
            input,
            move |r| get(r).map(|i| i.to_string()).unwrap_or_default(),
            move |r, v, _| {
                let id = if v.is_empty() {
                    None
                } else {
                    Some(v.parse::<I>().map_err(|_| "Pick one of the choices".to_string())?)
                };
                set(r, id);
                Ok(())
            },
        )
    }

    /// A required reference: the empty choice is offered but fails validation in the core.
    pub fn required_reference<I>(
        name: &'static str,
        label: &'static str,
        collections: &[Collection],
        options: fn(&Tables) -> Vec<(String, String)>,
        get: fn(&R) -> I,
        set: fn(&mut R, I),
    ) -> Self
    where
        I: std::fmt::Display + std::str::FromStr + Default + PartialEq + 'static,
    {
        let input = Input::Reference(collections.to_vec(), Rc::new(options));
        Self::new(
            name,
            label,
            input,
            move |r| {
                let id = get(r);
                if id == I::default() { String::new() } else { id.to_string() }
            },
            move |r, v, _| {
                let id = if v.is_empty() {
                    I::default()
                } else {
                    v.parse::<I>().map_err(|_| "Pick one of the choices".to_string())?
                };
                set(r, id);
                Ok(())
            },
        )
        .required()
    }
}

/// What a string enum offers the form.
pub trait ChoiceLabel {
    fn stored(&self) -> &'static str;
    fn shown(&self) -> &'static str;
}

/// Implements [`ChoiceLabel`] for enums declared with `string_enum!`.
#[macro_export]
macro_rules! choices {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::components::form::ChoiceLabel for $t {
            fn stored(&self) -> &'static str { self.as_str() }
            fn shown(&self) -> &'static str { self.label() }
        }
    )*};
}

fn amount_text(money: Money) -> String {
    if money.minor == 0 { String::new() } else { money.amount_text() }
}

fn date_text(date: Date) -> String {
    if date == Date::default() { String::new() } else { date.to_string() }
}

/// The form's answer when the user saves.
pub type SaveFn<R> = Rc<dyn Fn(R) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>>>>>;

/// A form over one record. `draft_key` names the stored draft ("accounts/new").
#[component]
pub fn RecordForm<R: Record + Send + Sync>(
    initial: R,
    fields: Vec<FieldSpec<R>>,
    /// Collections the record's validation reads (its references).
    validate_with: Vec<Collection>,
    draft_key: String,
    submit_label: &'static str,
    on_save: SaveFn<R>,
    on_cancel: Callback<()>,
    /// Keeps derived fields in step after each change.
    #[prop(optional)]
    normalize: Option<fn(&mut R, &Tables)>,
) -> impl IntoView {
    let ctx = ctx();
    let currency = ctx.settings().currency;
    let specs = StoredValue::new_local(fields);
    let record = RwSignal::new(initial.clone());
    let initial_raw: BTreeMap<&'static str, String> =
        specs.with_value(|s| s.iter().map(|f| (f.name, (f.get)(&initial))).collect());
    let raw = RwSignal::new(initial_raw.clone());
    let parse_errors = RwSignal::new(BTreeMap::<&'static str, String>::new());
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let submitted = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let save_error = RwSignal::new(None::<String>);
    let restored = RwSignal::new(false);
    let draft_key = StoredValue::new(format!("draft:{draft_key}"));
    let draft_timer = StoredValue::new(None::<i32>);

    let validate_with = StoredValue::new(validate_with);
    let problems = Memo::new(move |_| {
        let colls = validate_with.get_value();
        record.with(|r| ctx.read(&colls, |data| r.validate(data).err().unwrap_or_default())).unwrap_or_default()
    });

    let apply = move |name: &'static str, text: String| {
        raw.update(|m| {
            m.insert(name, text.clone());
        });
        let mut r = record.get_untracked();
        let outcome = specs.with_value(|s| s.iter().find(|f| f.name == name).map(|f| (f.set)(&mut r, &text, currency)));
        match outcome {
            Some(Ok(())) => {
                if let Some(normalize) = normalize {
                    ctx.with_ws(|ws| normalize(&mut r, &ws.data));
                }
                record.set(r);
                parse_errors.update(|m| {
                    m.remove(name);
                });
            }
            Some(Err(message)) => parse_errors.update(|m| {
                m.insert(name, message);
            }),
            None => {}
        }
    };

    // Restore a draft left by an earlier visit, and keep one while the user types.
    let store = ctx.repo.with_value(|r| r.as_ref().map(|r| r.store.clone()));
    if let Some(store) = store.clone() {
        let key = draft_key.get_value();
        let initial_raw = initial_raw.clone();
        spawn_local(async move {
            if let Ok(Some(text)) = store.get_text(&key).await
                && let Ok(saved) = serde_json::from_str::<BTreeMap<String, String>>(&text)
            {
                let names: Vec<&'static str> = specs.with_value(|s| s.iter().map(|f| f.name).collect());
                let mut changed = false;
                for name in names {
                    if let Some(value) = saved.get(name)
                        && initial_raw.get(name) != Some(value)
                    {
                        apply(name, value.clone());
                        touched.update(|t| {
                            t.insert(name);
                        });
                        changed = true;
                    }
                }
                restored.set(changed);
            }
        });
    }
    let store = StoredValue::new_local(store);
    let keep_draft = move || {
        if let Some(handle) = draft_timer.get_value()
            && let Some(w) = web_sys::window()
        {
            w.clear_timeout_with_handle(handle);
        }
        let handle = crate::browser::set_timeout(250, move || {
            let Some(store) = store.get_value() else { return };
            let text = raw.with_untracked(|m| serde_json::to_string(m).unwrap_or_default());
            let key = draft_key.get_value();
            spawn_local(async move {
                // A draft that cannot be stored only matters after a reload; the form keeps working.
                store.put_text(&key, &text).await.ok();
            });
        });
        draft_timer.set_value(handle);
    };
    let drop_draft = move || {
        if let Some(handle) = draft_timer.get_value()
            && let Some(w) = web_sys::window()
        {
            w.clear_timeout_with_handle(handle);
        }
        if let Some(store) = store.get_value() {
            let key = draft_key.get_value();
            spawn_local(async move {
                store.delete_text(&key).await.ok();
            });
        }
    };

    let error_for = move |name: &'static str| {
        if !(submitted.get() || touched.with(|t| t.contains(name))) {
            return None;
        }
        parse_errors.with(|p| p.get(name).cloned()).or_else(|| problems.with(|p| p.message_for(name).map(String::from)))
    };
    let count_problems = move || {
        let names: BTreeSet<&str> = parse_errors.with(|p| p.keys().copied().collect());
        let mut all = names.clone();
        problems.with(|p: &Invalid| {
            for problem in &p.0 {
                all.insert(problem.field);
            }
        });
        all.len()
    };

    let on_save = StoredValue::new_local(on_save);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        save_error.set(None);
        if count_problems() > 0 {
            focus_first_invalid();
            return;
        }
        let r = record.get_untracked();
        let save = on_save.get_value();
        saving.set(true);
        spawn_local(async move {
            match save(r).await {
                Ok(()) => drop_draft(),
                Err(Error::Invalid(invalid)) => {
                    save_error.set(Some(format!("Not saved: {invalid}")));
                }
                Err(other) => save_error.set(Some(format!("Not saved: {other}"))),
            }
            saving.set(false);
        });
    };
    let initial_raw = StoredValue::new(initial_raw);
    let discard = move |_| {
        drop_draft();
        restored.set(false);
        for (name, value) in initial_raw.get_value() {
            apply(name, value);
        }
        touched.set(BTreeSet::new());
    };

    let field_views = specs.with_value(|s| {
        s.iter()
            .map(|spec| {
                let name = spec.name;
                let label = spec.label;
                let required = spec.required;
                let input = spec.input.clone();
                let value = Signal::derive(move || raw.with(|m| m.get(name).cloned().unwrap_or_default()));
                let error = Signal::derive(move || error_for(name));
                let on_input = move |text: String| {
                    apply(name, text);
                    keep_draft();
                };
                let on_blur = move || {
                    touched.update(|t| {
                        t.insert(name);
                    });
                };
                view! { <Field name label required input value error on_input on_blur/> }
            })
            .collect_view()
    });

    view! {
        <form class="record-form" novalidate on:submit=submit data-testid="record-form">
            <Show when=move || restored.get()>
                <div class="banner info" role="status">
                    "Unsaved changes from your last visit were restored. "
                    <button type="button" class="link" on:click=discard>"Discard them"</button>
                </div>
            </Show>
            <div class="fields">{field_views}</div>
            <Show when=move || { submitted.get() && count_problems() > 0 }>
                <p class="form-problems" role="alert">
                    {move || match count_problems() {
                        1 => "Fix the problem marked above to save.".to_string(),
                        n => format!("Fix the {n} problems marked above to save."),
                    }}
                </p>
            </Show>
            <Show when=move || save_error.get().is_some()>
                <p class="form-problems" role="alert">{move || save_error.get()}</p>
            </Show>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || saving.get()>{submit_label}</button>
                <button type="button" on:click=move |_| {
                    drop_draft();
                    on_cancel.run(());
                }>"Cancel"</button>
            </div>
        </form>
    }
}

fn focus_first_invalid() {
    crate::browser::set_timeout(0, || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("form.record-form [aria-invalid=true]").ok().flatten());
        if let Some(element) = element
            && let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
        {
            element.focus().ok();
        }
    });
}

/// One labelled control with its problem message.
#[component]
fn Field(
    name: &'static str,
    label: &'static str,
    required: bool,
    input: Input,
    value: Signal<String>,
    error: Signal<Option<String>>,
    on_input: impl Fn(String) + Clone + 'static,
    on_blur: impl Fn() + Clone + 'static,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let invalid = move || error.get().is_some().to_string();
    let described = error_id.clone();
    let ctx = ctx();
    let blur = {
        let on_blur = on_blur.clone();
        move |_| on_blur()
    };
    let control = match input {
        Input::Area => {
            let on_input = on_input.clone();
            view! {
                <textarea id=id.clone() name=name rows="4" aria-invalid=invalid aria-describedby=described.clone()
                    prop:value=move || value.get()
                    on:input=move |ev| on_input(event_target_value(&ev)) on:blur=blur></textarea>
            }
            .into_any()
        }
        Input::Check => {
            let on_input = on_input.clone();
            view! {
                <input type="checkbox" id=id.clone() name=name aria-invalid=invalid aria-describedby=described.clone()
                    prop:checked=move || value.get() == "true"
                    on:change=move |ev| on_input(event_target_checked(&ev).to_string()) on:blur=blur/>
            }
            .into_any()
        }
        Input::Choice(options) => {
            let on_input = on_input.clone();
            let options = options
                .into_iter()
                .map(|(v, l)| {
                    let selected_value = v.clone();
                    view! { <option value=v selected=move || value.get() == selected_value>{l}</option> }
                })
                .collect_view();
            view! {
                <select id=id.clone() name=name aria-invalid=invalid aria-describedby=described.clone()
                    on:change=move |ev| on_input(event_target_value(&ev)) on:blur=blur>{options}</select>
            }
            .into_any()
        }
        Input::Reference(collections, options) => {
            let on_input = on_input.clone();
            let options = StoredValue::new_local(options);
            let collections = StoredValue::new(collections);
            let list = move || {
                let options = options.get_value();
                ctx.read(&collections.get_value(), |d| options(d)).unwrap_or_default()
            };
            view! {
                <select id=id.clone() name=name aria-invalid=invalid aria-describedby=described.clone()
                    on:change=move |ev| on_input(event_target_value(&ev)) on:blur=blur>
                    <option value="" selected=move || value.get().is_empty()>{if required { "Choose…" } else { "None" }}</option>
                    {move || list().into_iter().map(|(v, l)| {
                        let selected_value = v.clone();
                        view! { <option value=v selected=move || value.get() == selected_value>{l}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        other => {
            let kind = match other {
                Input::Email => "email",
                Input::Tel => "tel",
                Input::Url => "url",
                Input::Date => "date",
                _ => "text",
            };
            let mode = match other {
                Input::Number => "decimal",
                Input::Money => "decimal",
                _ => "text",
            };
            let on_input = on_input.clone();
            view! {
                <input type=kind inputmode=mode id=id.clone() name=name aria-invalid=invalid aria-describedby=described.clone()
                    prop:value=move || value.get()
                    on:input=move |ev| on_input(event_target_value(&ev)) on:blur=blur/>
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some() data-field=name>
            <label for=id>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {control}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}
