//! CSV import and export for accounts, contacts, leads, deals, products and partners: pick a
//! file, map its columns (suggested automatically), check a preview, then import in batches with
//! a progress bar while bad rows are listed with their line and reason.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::Collection;
use quota_core::csv::{self, ImportPlan, Kind, Mapping, Outcome, Sheet};
use wasm_bindgen::JsCast;

use crate::ids;
use crate::pages::deals::docs_of;
use crate::state::{NoticeKind, ctx};

/// The collections an import of `kind` writes to.
fn collections(kind: Kind) -> Vec<Collection> {
    match kind {
        Kind::Accounts => vec![Collection::Accounts],
        Kind::Contacts => vec![Collection::Contacts],
        Kind::Leads => vec![Collection::Leads],
        Kind::Deals => vec![Collection::Deals, Collection::Accounts],
        Kind::Products => vec![Collection::Products],
        Kind::Partners => vec![Collection::Partners],
    }
}

fn slug(kind: Kind) -> &'static str {
    match kind {
        Kind::Accounts => "accounts",
        Kind::Contacts => "contacts",
        Kind::Leads => "leads",
        Kind::Deals => "deals",
        Kind::Products => "products",
        Kind::Partners => "partners",
    }
}

/// An import in progress: the file, its mapping and, once planned, the plan.
struct Import {
    sheet: Sheet,
    mapping: Mapping,
    name: String,
}

#[component]
pub fn CsvPanel() -> impl IntoView {
    let ctx = ctx();
    let kind = RwSignal::new(Kind::Accounts);
    let import = StoredValue::new_local(None::<Import>);
    let version = RwSignal::new(0u32);
    let plan = StoredValue::new_local(None::<ImportPlan>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let errors = RwSignal::new(Vec::<String>::new());
    let summary = RwSignal::new(None::<String>);
    let bump = move || version.update(|v| *v += 1);

    let export = move |_| {
        let k = kind.get_untracked();
        let text = ctx.with_ws(|ws| csv::export(k, &ws.data)).unwrap_or_default();
        let filename = format!("{}-{}.csv", slug(k), ids::now().date());
        if let Err(e) = crate::browser::download(&filename, "text/csv;charset=utf-8", text.as_bytes()) {
            ctx.notify(NoticeKind::Error, format!("Could not export: {e}"));
        }
    };
    let pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        spawn_local(async move {
            summary.set(None);
            errors.set(Vec::new());
            let bytes = match crate::browser::read_file(&file).await {
                Ok(b) => b,
                Err(e) => {
                    ctx.notify(NoticeKind::Error, format!("The file could not be read: {e}"));
                    return;
                }
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            match Sheet::parse(&text) {
                Ok(sheet) => {
                    let mapping = csv::suggest_mapping(kind.get_untracked(), &sheet.header);
                    import.set_value(Some(Import { sheet, mapping, name: file.name() }));
                    plan.set_value(None);
                    bump();
                }
                Err(e) => {
                    ctx.notify(NoticeKind::Error, format!("This is not a CSV file we can read: {e}"));
                }
            };
        });
    };
    let set_column = move |column: usize, field: String| {
        import.update_value(|i| {
            if let Some(i) = i {
                let field = if field.is_empty() { None } else { Some(field.as_str()) };
                if let Err(e) = i.mapping.set(column, field) {
                    ctx.notify(NoticeKind::Error, e.to_string());
                }
            }
        });
        bump();
    };
    let mapping_rows = move || {
        version.track();
        import.with_value(|i| {
            i.as_ref()
                .map(|i| {
                    let fields = i.mapping.kind().fields();
                    i.mapping
                        .header()
                        .iter()
                        .enumerate()
                        .map(|(column, title)| {
                            let current = i.mapping.field(column).map(|f| f.name).unwrap_or_default();
                            let options: Vec<(String, String)> = fields
                                .iter()
                                .map(|f| {
                                    (f.name.to_string(), format!("{}{}", f.label, if f.required { " *" } else { "" }))
                                })
                                .collect();
                            (column, title.clone(), current.to_string(), options)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let preview_rows = move || {
        version.track();
        ctx.track(Collection::Accounts);
        import
            .with_value(|i| {
                let i = i.as_ref()?;
                ctx.with_ws(|ws| csv::preview(&i.mapping, &i.sheet, &ws.data, ids::now().date(), 8))
            })
            .unwrap_or_default()
    };
    let missing = move || {
        version.track();
        import
            .with_value(|i| {
                i.as_ref().map(|i| i.mapping.missing_required().iter().map(|f| f.label).collect::<Vec<_>>())
            })
            .unwrap_or_default()
    };
    let run = move |_| {
        let k = kind.get_untracked();
        spawn_local(async move {
            if let Err(e) = ctx.ensure_all_loaded().await {
                ctx.notify(NoticeKind::Error, format!("Could not read everything stored: {e}"));
                return;
            }
            for doc in docs_of(&collections(k)) {
                if ctx.ensure_loaded(doc).await.is_err() {
                    return;
                }
            }
            let made = import.with_value(|i| {
                let i = i.as_ref()?;
                ctx.with_ws(|ws| csv::plan_import(&i.mapping, &i.sheet, &ws.data, ids::now().date(), ids::new_raw))
            });
            let Some(mut new_plan) = made else { return };
            errors.set(new_plan.errors().iter().map(|e| e.to_string()).collect());
            let total = new_plan.progress().total;
            progress.set(Some((0, total)));
            loop {
                let stamp = ctx.stamp();
                let step = ctx
                    .repo
                    .try_update_value(|r| r.as_mut().map(|r| new_plan.apply_batch(&mut r.ws, csv::BATCH, stamp)))
                    .flatten();
                match step {
                    Some(Ok(p)) => {
                        progress.set(Some((p.done, p.total)));
                        if p.is_finished() {
                            summary.set(Some(format!(
                                "Imported {}: {} created, {} updated, {} unchanged, {} rows with problems.",
                                i_name(import),
                                p.created,
                                p.updated,
                                new_plan.unchanged(),
                                new_plan.errors().len() + p.failed
                            )));
                            errors.set(new_plan.errors().iter().map(|e| e.to_string()).collect());
                            break;
                        }
                    }
                    Some(Err(e)) => {
                        ctx.notify(NoticeKind::Error, format!("The import stopped: {e}"));
                        break;
                    }
                    None => break,
                }
                for c in collections(k) {
                    ctx.bump(c);
                }
                // Let the page paint the progress bar and handle input between batches.
                crate::browser::sleep(0).await;
            }
            for c in collections(k) {
                ctx.bump(c);
            }
            ctx.schedule_save();
            crate::sync::local_changes(ctx);
            plan.set_value(Some(new_plan));
            import.set_value(None);
            bump();
        });
    };

    view! {
        <section class="panel" aria-labelledby="csv-title" data-testid="csv-panel">
            <h2 id="csv-title">"Spreadsheets (CSV)"</h2>
            <div class="inline-form">
                <label for="csv-kind">"Records"</label>
                <select id="csv-kind" data-testid="csv-kind" on:change=move |ev| {
                    let k = Kind::ALL.iter().copied().find(|k| slug(*k) == event_target_value(&ev)).unwrap_or(Kind::Accounts);
                    kind.set(k);
                    import.set_value(None);
                    bump();
                }>
                    {Kind::ALL.iter().map(|k| view! { <option value=slug(*k)>{k.label()}</option> }).collect_view()}
                </select>
                <button on:click=export data-testid="csv-export">"Export CSV"</button>
                <label class="button" for="csv-file">"Import CSV…"</label>
                <input id="csv-file" class="visually-hidden" type="file" accept=".csv,text/csv" on:change=pick data-testid="csv-file"/>
            </div>
            <p class="muted">{move || kind.get().matching()}</p>
            {move || (!mapping_rows().is_empty()).then(|| view! {
                <h3>"Match the columns"</h3>
                <table class="simple" data-testid="csv-mapping">
                    <thead><tr><th>"Column in the file"</th><th>"Goes into"</th></tr></thead>
                    <tbody>
                        {mapping_rows().into_iter().map(|(column, title, current, options)| view! {
                            <tr>
                                <td>{title.clone()}</td>
                                <td><select aria-label=format!("Field for column {title}") on:change=move |ev| set_column(column, event_target_value(&ev))>
                                    <option value="" selected=current.is_empty()>"Skip this column"</option>
                                    {options.into_iter().map(|(v, l)| {
                                        let selected = v == current;
                                        view! { <option value=v selected=selected>{l}</option> }
                                    }).collect_view()}
                                </select></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {move || {
                    let missing = missing();
                    (!missing.is_empty()).then(|| view! { <p class="form-problems">{format!("Map a column to: {}", missing.join(", "))}</p> })
                }}
                <h3>"Preview"</h3>
                <ul class="plain csv-preview" data-testid="csv-preview">
                    {preview_rows().into_iter().map(|row| {
                        let (class, text) = match &row.outcome {
                            Outcome::Create => ("ok", "new".to_string()),
                            Outcome::Update(fields) => ("ok", format!("updates {}", fields.join(", "))),
                            Outcome::Unchanged => ("muted", "unchanged".to_string()),
                            Outcome::Blank => ("muted", "blank, skipped".to_string()),
                            Outcome::Invalid(problems) => ("error", problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; ")),
                        };
                        let cells = row.cells.iter().map(|c| match &c.value {
                            Ok(v) => v.clone(),
                            Err(e) => format!("⚠ {e}"),
                        }).collect::<Vec<_>>().join(" · ");
                        view! { <li class=class><strong>{format!("Line {}: ", row.line)}</strong>{cells}" — "<em>{text}</em></li> }
                    }).collect_view()}
                </ul>
                <button class="primary" on:click=run disabled=move || !missing().is_empty() data-testid="csv-import">"Import"</button>
            })}
            {move || progress.get().map(|(done, total)| view! {
                <p role="status">
                    <progress max=total.max(1).to_string() value=done.to_string() data-testid="csv-progress"></progress>
                    {format!(" {done} of {total}")}
                </p>
            })}
            {move || summary.get().map(|s| view! { <p class="banner info" role="status" data-testid="csv-summary">{s}</p> })}
            {move || {
                let list = errors.get();
                (!list.is_empty()).then(|| view! {
                    <details open data-testid="csv-errors">
                        <summary>{format!("{} rows were not imported", list.len())}</summary>
                        <ul class="plain">{list.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                    </details>
                })
            }}
        </section>
    }
}

fn i_name(import: StoredValue<Option<Import>, LocalStorage>) -> String {
    import.with_value(|i| i.as_ref().map(|i| i.name.clone())).unwrap_or_else(|| "the file".into())
}
