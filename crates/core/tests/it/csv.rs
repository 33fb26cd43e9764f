//! CSV import and export: the reader, column mapping, previews, import plans with row errors,
//! natural-key matching, batches with progress, formula neutralization and round trips.

use proptest::prelude::*;

use quota_core::account::{Account, AccountId, AccountStatus, Contact, ContactId};
use quota_core::channel::{
    Channel, ChannelId, ChannelKind, Partner, PartnerId, PartnerKind, PartnerStatus, PartnerTier,
};
use quota_core::collection::Tables;
use quota_core::commands::selling::create_standard_pipeline;
use quota_core::csv::{
    CsvError, ImportPlan, Kind, Malformed, Mapping, MappingError, Outcome, Progress, Reader, RowError, Sheet, export,
    export_ids, plan_import, preview, suggest_mapping,
};
use quota_core::date::Date;
use quota_core::deal::{Deal, DealStatus, LossReason};
use quota_core::error::Error;
use quota_core::field::LongText;
use quota_core::id::{RawId, TypedId};
use quota_core::lead::{Lead, LeadId, LeadSource, LeadStatus};
use quota_core::market::{Niche, NicheId, Segment, SegmentId};
use quota_core::money::{Currency, Money};
use quota_core::org::{Person, PersonId, Territory, TerritoryId};
use quota_core::product::{Product, ProductCategory, ProductCategoryId};
use quota_core::settings::{Pipeline, PipelineId, Settings, SettingsId, StageId};
use quota_core::{DocName, Workspace};

use crate::support::{Fx, KEY};

const EUR: Currency = Currency::EUR;

fn eur(minor: i64) -> Money {
    Money::new(minor, EUR)
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Every row as `line: [fields]`, and errors as `line: message`, one per line of the result.
fn read(text: &str) -> String {
    Reader::new(text)
        .map(|row| match row {
            Ok(row) => format!("{}: {:?}", row.line, row.fields),
            Err(e) => format!("{}: error: {}", e.line, e.problem),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn check_read(text: &str, expect: &str) {
    assert_eq!(read(text), expect, "reading {text:?}");
}

#[test]
fn fields_are_split_on_commas_and_quotes_protect_what_is_inside() {
    check_read("a,b,c\n1,2,3\n", "1: [\"a\", \"b\", \"c\"]\n2: [\"1\", \"2\", \"3\"]");
    check_read(
        "name,note\n\"Smith, Ana\",\"says \"\"hi\"\"\"\n",
        "1: [\"name\", \"note\"]\n2: [\"Smith, Ana\", \"says \\\"hi\\\"\"]",
    );
    check_read("a,b\n,\n\"\",x\n", "1: [\"a\", \"b\"]\n2: [\"\", \"\"]\n3: [\"\", \"x\"]");
    // Quotes inside an unquoted field are kept as they are.
    check_read("a\n5\" screen\n", "1: [\"a\"]\n2: [\"5\\\" screen\"]");
    // Spaces before an opening quote and after a closing one are tolerated.
    check_read("a,b\n \"x,y\" ,z\n", "1: [\"a\", \"b\"]\n2: [\"x,y\", \"z\"]");
}

#[test]
fn a_quoted_line_break_stays_in_its_field_and_later_rows_keep_their_line_numbers() {
    check_read(
        "name,notes\nAcme,\"first line\nsecond line\nthird\"\nGlobex,plain\n",
        "1: [\"name\", \"notes\"]\n2: [\"Acme\", \"first line\\nsecond line\\nthird\"]\n5: [\"Globex\", \"plain\"]",
    );
    check_read("a\r\n\"x\r\ny\"\r\nz\r\n", "1: [\"a\"]\n2: [\"x\\r\\ny\"]\n4: [\"z\"]");
}

#[test]
fn line_ends_may_be_crlf_lf_or_cr_and_the_last_may_be_missing() {
    check_read("a,b\r\n1,2\r\n", "1: [\"a\", \"b\"]\n2: [\"1\", \"2\"]");
    check_read("a,b\r1,2\r", "1: [\"a\", \"b\"]\n2: [\"1\", \"2\"]");
    check_read("a,b\n1,2", "1: [\"a\", \"b\"]\n2: [\"1\", \"2\"]");
    // Blank lines are skipped but still counted.
    check_read("a\n\n\nb\n", "1: [\"a\"]\n4: [\"b\"]");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_header() {
    check_read("\u{feff}Name,City\nAcme,Lisbon\n", "1: [\"Name\", \"City\"]\n2: [\"Acme\", \"Lisbon\"]");
}

#[test]
fn the_delimiter_is_the_one_the_header_uses_most() {
    check_read(
        "Name;City;Notes\nAcme;Lisbon;\"a, b; c\"\n",
        "1: [\"Name\", \"City\", \"Notes\"]\n2: [\"Acme\", \"Lisbon\", \"a, b; c\"]",
    );
    check_read("Name\tCity\nAcme, Inc.\tLisbon\n", "1: [\"Name\", \"City\"]\n2: [\"Acme, Inc.\", \"Lisbon\"]");
    // A comma inside a quoted header does not count.
    check_read("\"Name, full\";City\nAna;Porto\n", "1: [\"Name, full\", \"City\"]\n2: [\"Ana\", \"Porto\"]");
    check_read("Name\nAcme; Lisbon\n", "1: [\"Name\"]\n2: [\"Acme; Lisbon\"]");
}

#[test]
fn ragged_rows_keep_the_fields_they_have() {
    check_read("a,b,c\n1\n1,2,3,4\n", "1: [\"a\", \"b\", \"c\"]\n2: [\"1\"]\n3: [\"1\", \"2\", \"3\", \"4\"]");
}

#[test]
fn an_unterminated_quote_is_reported_at_the_line_it_opens_and_ends_the_file() {
    check_read(
        "name,notes\nAcme,ok\nGlobex,\"never closed\nInitech,lost\n",
        "1: [\"name\", \"notes\"]\n2: [\"Acme\", \"ok\"]\n3: error: a quoted value is never closed: add the missing \" \
         or double the quotes inside it (\"\")",
    );
}

#[test]
fn text_after_a_closing_quote_breaks_only_its_own_row() {
    check_read(
        "name,notes\n\"Acme\"x,1\nGlobex,2\n",
        "1: [\"name\", \"notes\"]\n2: error: text follows a closing quote: inside a quoted value, write a quote as two \
         quotes (\"\")\n3: [\"Globex\", \"2\"]",
    );
}

#[test]
fn a_sheet_needs_a_header() {
    assert_eq!(Sheet::parse(""), Err(CsvError { line: 1, problem: Malformed::Empty }));
    assert_eq!(Sheet::parse("\u{feff}\r\n\n"), Err(CsvError { line: 1, problem: Malformed::Empty }));
    let sheet = Sheet::parse(" Name , City \nAcme,Lisbon\n\"broken\n").unwrap();
    assert_eq!(sheet.header, ["Name", "City"]);
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.errors, [CsvError { line: 3, problem: Malformed::UnterminatedQuote }]);
}

// ---------------------------------------------------------------------------------------------
// Mapping

/// The mapping as `Header→field` pairs, `-` for a column left out.
fn mapping_line(mapping: &Mapping) -> String {
    (0..mapping.header().len())
        .map(|c| format!("{}→{}", mapping.header()[c], mapping.field(c).map_or("-", |f| f.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[track_caller]
fn check_mapping(kind: Kind, header: &str, expect: &str) {
    let header: Vec<String> = header.split(',').map(str::to_string).collect();
    assert_eq!(mapping_line(&suggest_mapping(kind, &header)), expect, "{kind}");
}

#[test]
fn headers_exported_by_other_tools_map_to_fields() {
    // An account export in the style of a large hosted CRM.
    check_mapping(
        Kind::Accounts,
        "Account ID,Account Name,Type,Industry,Billing Street,Billing City,Billing Country,Phone,Website,Account \
         Owner,Description",
        "Account ID→-, Account Name→name, Type→status, Industry→industry, Billing Street→address, Billing \
         City→city, Billing Country→country, Phone→phone, Website→website, Account Owner→owner, \
         Description→notes",
    );
    // A contact export in the style of an inbound-marketing CRM: names in two columns.
    check_mapping(
        Kind::Contacts,
        "First Name,Last Name,Email,Phone Number,Company Name,Job Title,Contact owner,Lifecycle Stage",
        "First Name→first_name, Last Name→last_name, Email→email, Phone Number→phone, Company Name→account, Job \
         Title→title, Contact owner→-, Lifecycle Stage→-",
    );
    // A deal export whose headers all start with the record type.
    check_mapping(
        Kind::Deals,
        "Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Contact person,Deal - Stage,Deal - \
         Owner,Deal - Expected close date,Deal - Lost reason,Deal - Status",
        "Deal - Title→name, Deal - Value→amount, Deal - Currency→currency, Deal - Organization→account, Deal - \
         Contact person→contact, Deal - Stage→stage, Deal - Owner→owner, Deal - Expected close \
         date→expected_close, Deal - Lost reason→loss_reason, Deal - Status→-",
    );
    check_mapping(
        Kind::Leads,
        "First Name,Last Name,Company,Title,E-mail,Phone,Lead Source,Lead Status,Lead Owner,Annual Revenue,Created \
         Date",
        "First Name→first_name, Last Name→last_name, Company→company, Title→title, E-mail→email, Phone→phone, Lead \
         Source→source, Lead Status→status, Lead Owner→owner, Annual Revenue→-, Created Date→created",
    );
    check_mapping(
        Kind::Products,
        "Product Code,Product Name,Unit Price,Currency,Cost,Active,Product Family",
        "Product Code→sku, Product Name→name, Unit Price→price, Currency→currency, Cost→unit_cost, Active→active, \
         Product Family→category",
    );
    check_mapping(
        Kind::Partners,
        "Partner Name,Partner Type,Tier,Region,Partner Manager,Contact,EMAIL,Since",
        "Partner Name→name, Partner Type→kind, Tier→tier, Region→territory, Partner Manager→manager, \
         Contact→contact_name, EMAIL→email, Since→since",
    );
}

#[test]
fn each_field_is_filled_by_one_column_and_exact_names_win() {
    // "Company" is an exact synonym of the account's name; "Account Name" would also match.
    check_mapping(
        Kind::Accounts,
        "Company,Account Name,E-mail,Email",
        "Company→name, Account Name→-, E-mail→email, Email→-",
    );
    // "Account Phone" matches only after dropping "Account"; "Phone" matches exactly and wins.
    check_mapping(Kind::Accounts, "Account Phone,Phone", "Account Phone→-, Phone→phone");
}

#[test]
fn a_mapping_can_be_corrected_and_says_what_it_still_needs() {
    let header: Vec<String> = ["Deal", "Customer", "Notes"].map(String::from).to_vec();
    let mut mapping = Mapping::new(Kind::Deals, &header);
    let missing: Vec<&str> = mapping.missing_required().iter().map(|f| f.label).collect();
    assert_eq!(missing, ["Name", "Account"]);
    mapping.set(0, Some("name")).unwrap();
    mapping.set(1, Some("account")).unwrap();
    assert!(mapping.missing_required().is_empty());
    // Mapping a field to another column moves it there.
    mapping.set(2, Some("name")).unwrap();
    assert_eq!(mapping_line(&mapping), "Deal→-, Customer→account, Notes→name");
    assert_eq!(mapping.set(3, Some("name")), Err(MappingError::NoColumn(3)));
    assert_eq!(
        mapping.set(0, Some("salary")).map_err(|e| e.to_string()),
        Err("Deals have no field \"salary\"".to_string())
    );
    // First and last name together stand in for a contact's name.
    let header: Vec<String> = ["First", "Last"].map(String::from).to_vec();
    assert!(suggest_mapping(Kind::Contacts, &header).missing_required().is_empty());
}

// ---------------------------------------------------------------------------------------------
// A workspace with the records that imported rows refer to.

struct World {
    ana: PersonId,
    ben: PersonId,
    stages: [StageId; 6],
    north: TerritoryId,
    smb: SegmentId,
    retail: NicheId,
    dealers: ChannelId,
    northwind: PartnerId,
    hardware: ProductCategoryId,
    acme: AccountId,
    globex: AccountId,
    ana_at_acme: ContactId,
}

const PROPOSAL: usize = 2;
const WON: usize = 4;
const LOST: usize = 5;

/// The same ids every time, so two fixtures built with it hold the same references.
fn world(fx: &mut Fx) -> World {
    let stamp = fx.stamp();
    let settings = Settings {
        id: SettingsId::SINGLETON,
        name: "Quota".into(),
        currency: EUR,
        fiscal_year_start: 1,
        stale_after_days: 30,
    };
    fx.ws.create(settings, stamp).unwrap();
    let pipeline: PipelineId = fx.id();
    let stages: [StageId; 6] = std::array::from_fn(|_| fx.id());
    let stamp = fx.stamp();
    create_standard_pipeline(&mut fx.ws, pipeline, stages, stamp).unwrap();
    let person = |fx: &mut Fx, name: &str, email: &str| {
        let id = fx.id();
        let stamp = fx.stamp();
        fx.ws
            .create(Person { id, name: name.into(), email: email.into(), active: true, ..Default::default() }, stamp)
            .unwrap();
        id
    };
    let ana = person(fx, "Ana Reyes", "ana@quota.example");
    let ben = person(fx, "Ben Ode", "ben@quota.example");
    let north = fx.id();
    let smb = fx.id();
    let retail = fx.id();
    let dealers = fx.id();
    let northwind = fx.id();
    let hardware = fx.id();
    let s = fx.stamp();
    fx.ws.create(Territory { id: north, name: "North".into(), ..Default::default() }, s).unwrap();
    fx.ws.create(Segment { id: smb, name: "Small business".into(), ..Default::default() }, s).unwrap();
    fx.ws
        .create(Niche { id: retail, name: "Retail chains".into(), segment: Some(smb), ..Default::default() }, s)
        .unwrap();
    fx.ws
        .create(
            Channel {
                id: dealers,
                name: "Dealers".into(),
                kind: ChannelKind::Dealer,
                active: true,
                ..Default::default()
            },
            s,
        )
        .unwrap();
    let partner =
        Partner { id: northwind, name: "Northwind Supply".into(), channel: Some(dealers), ..Default::default() };
    fx.ws.create(partner, s).unwrap();
    fx.ws
        .create(ProductCategory { id: hardware, name: "Hardware".into(), priority: 1, ..Default::default() }, s)
        .unwrap();
    let acme = fx.account("Acme");
    let globex = fx.account("Globex");
    let ana_at_acme = fx.id();
    let contact = Contact {
        id: ana_at_acme,
        account: Some(acme),
        name: "Ana Silva".into(),
        email: "ana.silva@acme.example".into(),
        ..Default::default()
    };
    let s = fx.stamp();
    fx.ws.create(contact, s).unwrap();
    World { ana, ben, stages, north, smb, retail, dealers, northwind, hardware, acme, globex, ana_at_acme }
}

/// Ids for new records, drawn from the fixture beforehand so the plan can borrow the tables.
fn new_ids(fx: &mut Fx, count: usize) -> impl FnMut() -> RawId + use<> {
    let mut pool: Vec<RawId> = (0..count).map(|_| fx.id::<AccountId>().raw()).collect();
    pool.reverse();
    move || pool.pop().expect("enough ids for the rows")
}

fn plan(fx: &mut Fx, kind: Kind, text: &str) -> ImportPlan {
    let sheet = Sheet::parse(text).unwrap();
    let mapping = suggest_mapping(kind, &sheet.header);
    let ids = new_ids(fx, sheet.rows.len());
    plan_import(&mapping, &sheet, &fx.ws.data, fx.now.date(), ids)
}

/// Plans and writes a file, mapped as suggested.
fn import(fx: &mut Fx, kind: Kind, text: &str) -> ImportPlan {
    let mut plan = plan(fx, kind, text);
    let stamp = fx.stamp();
    let progress = plan.apply_all(&mut fx.ws, stamp).unwrap();
    assert!(progress.is_finished());
    plan
}

/// What a plan does, in a line, followed by its errors one per line.
fn summary(plan: &ImportPlan) -> String {
    let mut out = format!("create {}, update {}, unchanged {}", plan.creates(), plan.updates(), plan.unchanged());
    for e in plan.errors() {
        out.push('\n');
        out.push_str(&e.to_string());
    }
    out
}

fn account_named<'a>(data: &'a Tables, name: &str) -> &'a Account {
    data.accounts.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no account {name}"))
}

fn deal_named<'a>(data: &'a Tables, name: &str) -> &'a Deal {
    data.deals.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("no deal {name}"))
}

// ---------------------------------------------------------------------------------------------
// Importing rows with problems

#[test]
fn broken_account_rows_are_reported_and_every_good_row_imports() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let file = "Company,E-mail,Owner,Status,City\n\
                Initrode,sales@initrode.example,Ana Reyes,Customer,Lisbon\n\
                Globalmart,not-an-email,,,\n\
                Vandelay,,Nobody Here,,\n\
                ,info@blank.example,,,Faro\n\
                Umbrella,,,Gold,\n\
                Hooli,hi@hooli.example,BEN@quota.example,prospect,Porto\n";
    let plan = import(&mut fx, Kind::Accounts, file);
    assert_eq!(
        summary(&plan),
        "create 2, update 0, unchanged 0\n\
         line 3, column \"E-mail\": \"not-an-email\" is not an email address; write one such as ana@example.com\n\
         line 4, column \"Owner\": There is no person named \"Nobody Here\"\n\
         line 5, column \"Company\": Enter the account's name\n\
         line 6, column \"Status\": \"Gold\" is not one of: Prospect, Customer, Former customer"
    );
    let initrode = account_named(&fx.ws.data, "Initrode");
    assert_eq!(
        (initrode.owner, initrode.status, initrode.city.as_str()),
        (Some(w.ana), AccountStatus::Customer, "Lisbon")
    );
    // People are found by email address too; choices by their stored value in any case.
    let hooli = account_named(&fx.ws.data, "Hooli");
    assert_eq!((hooli.owner, hooli.status), (Some(w.ben), AccountStatus::Prospect));
    assert_eq!(fx.ws.data.accounts.len(), 4, "Acme and Globex were there before");
}

#[test]
fn broken_deal_rows_are_reported_and_every_good_row_imports() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let file = "Deal Name,Account,Amount,Close Date,Stage,Lost Reason\n\
                Big order,acme ,\"12,500.00\",2026-09-30,Proposal,\n\
                Tiny order,Nowhere Ltd,100,2026-09-30,,\n\
                Odd amount,Acme,12.5.0,2026-09-30,,\n\
                Bad day,Acme,100,30/09/2026,,\n\
                Ghost stage,Acme,100,2026-09-30,Dreaming,\n\
                Lost one,Acme,100,2026-09-30,Lost,\n\
                Lost two,Globex,100,2026-09-30,lost,Price\n\
                \"Half quoted,Acme,100\n";
    let plan = import(&mut fx, Kind::Deals, file);
    assert_eq!(
        summary(&plan),
        "create 2, update 0, unchanged 0\n\
         line 3, column \"Account\": There is no account named \"Nowhere Ltd\"\n\
         line 4, column \"Amount\": \"12.5.0\" is not an amount: use digits with an optional decimal point, such as \
         1250.50\n\
         line 5, column \"Close Date\": \"30/09/2026\" is not a date; write dates as YYYY-MM-DD, such as 2026-03-31 \
         (a date like 03/04/2026 means March or April depending on the country)\n\
         line 6, column \"Stage\": The Sales pipeline has no stage \"Dreaming\"; its stages are Lead in, Qualified, \
         Proposal, Negotiation, Won, Lost\n\
         line 7, column \"Lost Reason\": Say why the deal was lost\n\
         line 9: a quoted value is never closed: add the missing \" or double the quotes inside it (\"\")"
    );
    let big = deal_named(&fx.ws.data, "Big order");
    assert_eq!(
        (big.account, big.amount, big.stage, big.status),
        (w.acme, eur(1_250_000), w.stages[PROPOSAL], DealStatus::Open)
    );
    assert_eq!(big.expected_close, day("2026-09-30"));
    // A deal imported straight into a closed stage is closed on the day of the import.
    let lost = deal_named(&fx.ws.data, "Lost two");
    assert_eq!(
        (lost.status, lost.loss_reason, lost.closed_on),
        (DealStatus::Lost, Some(LossReason::Price), Some(fx.now.date()))
    );
}

#[test]
fn a_row_with_more_values_than_the_header_is_refused_and_a_shorter_one_is_fine() {
    let mut fx = Fx::new();
    world(&mut fx);
    let plan = import(&mut fx, Kind::Accounts, "Name,City\nSmith, Jones and Co,Leeds\nShort\n,,\n");
    assert_eq!(
        summary(&plan),
        "create 1, update 0, unchanged 0\n\
         line 2: This line has 3 values but the header has 2 columns; a value with a comma in it may be missing its \
         quotes"
    );
    assert_eq!(plan.blank(), 1);
    account_named(&fx.ws.data, "Short");
}

#[test]
fn a_required_column_that_is_not_mapped_fails_every_row_with_the_field_named() {
    let mut fx = Fx::new();
    world(&mut fx);
    let plan = import(&mut fx, Kind::Contacts, "Title,Phone\nBuyer,555\n");
    assert_eq!(summary(&plan), "create 0, update 0, unchanged 0\nline 2: Name: Enter the contact's name");
}

// ---------------------------------------------------------------------------------------------
// Natural keys

#[test]
fn an_account_row_matching_by_name_or_email_updates_only_its_filled_cells() {
    let mut fx = Fx::new();
    world(&mut fx);
    import(&mut fx, Kind::Accounts, "Name,Email,City,Phone\nInitrode,sales@initrode.example,Lisbon,+351 1\n");
    let before = fx.ws.data.accounts.len();
    // Case and spaces do not matter to matching, and the row's spelling is then written; the
    // blank phone leaves the phone alone.
    let plan = import(&mut fx, Kind::Accounts, "Name,City,Phone\n  INITRODE  ,Porto,\n");
    assert_eq!(summary(&plan), "create 0, update 1, unchanged 0");
    let initrode = account_named(&fx.ws.data, "INITRODE");
    assert_eq!((initrode.city.as_str(), initrode.phone.as_str()), ("Porto", "+351 1"));
    // A new name with a known email renames the account it finds.
    let plan = import(&mut fx, Kind::Accounts, "Name,Email\nInitrode Group,sales@initrode.example\n");
    assert_eq!(summary(&plan), "create 0, update 1, unchanged 0");
    assert_eq!(account_named(&fx.ws.data, "Initrode Group").city, "Porto");
    assert_eq!(fx.ws.data.accounts.len(), before);
}

#[test]
fn each_record_type_matches_on_its_own_natural_key() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    // Contacts: by email; else by name at the same account.
    let plan = import(
        &mut fx,
        Kind::Contacts,
        "Name,Account,Email,Title\nAna S.,Acme,Ana.Silva@acme.example,Buyer\nAna Silva,Globex,,Engineer\nBo,Acme,,\n",
    );
    assert_eq!(summary(&plan), "create 2, update 1, unchanged 0");
    let ana = fx.ws.data.contacts.get(w.ana_at_acme).unwrap();
    assert_eq!((ana.name.as_str(), ana.title.as_str()), ("Ana S.", "Buyer"));
    let plan = import(&mut fx, Kind::Contacts, "Name,Account,Title\nana silva,globex,Lead engineer\n");
    assert_eq!(summary(&plan), "create 0, update 1, unchanged 0");

    // Leads: by email; else by name and company.
    import(&mut fx, Kind::Leads, "Name,Company,Email\nKim,Kite Co,kim@kite.example\nLee,Loom Ltd,\n");
    let plan = import(
        &mut fx,
        Kind::Leads,
        "Name,Company,Email,Status\nKimberly,Kite Co,KIM@kite.example,Qualified\nLee,Loom Ltd,,Contacted\nLee,Other Ltd,,\n",
    );
    assert_eq!(summary(&plan), "create 1, update 2, unchanged 0");
    let kim = fx.ws.data.leads.iter().find(|l| l.name == "Kimberly").unwrap();
    assert_eq!((kim.email.as_str(), kim.status), ("KIM@kite.example", LeadStatus::Qualified));

    // Deals: by name at the same account.
    import(&mut fx, Kind::Deals, "Name,Account,Amount\nRenewal,Acme,100\n");
    let plan = import(&mut fx, Kind::Deals, "Name,Account,Amount\nrenewal,ACME,150\nRenewal,Globex,90\n");
    assert_eq!(summary(&plan), "create 1, update 1, unchanged 0");
    let renewals: Vec<(AccountId, Money)> = fx
        .ws
        .data
        .deals
        .iter()
        .filter(|d| d.name.eq_ignore_ascii_case("renewal"))
        .map(|d| (d.account, d.amount))
        .collect();
    assert_eq!(renewals, [(w.acme, eur(15_000)), (w.globex, eur(9_000))]);

    // Products: by SKU; a row without an SKU by name. Matching ignores case, and the row's
    // spelling is what the record keeps.
    import(&mut fx, Kind::Products, "Name,SKU,Price\nWidget,W-1,10\nGadget,,20\n");
    let plan = import(&mut fx, Kind::Products, "Name,SKU,Price\nWidget Pro,w-1,12\ngadget,,25\nWidget,W-2,30\n");
    assert_eq!(summary(&plan), "create 1, update 2, unchanged 0");
    let products: Vec<(String, String, Money)> =
        fx.ws.data.products.iter().map(|p| (p.name.clone(), p.sku.clone(), p.price)).collect();
    assert_eq!(
        products,
        [
            ("Widget Pro".to_string(), "w-1".to_string(), eur(1_200)),
            ("gadget".to_string(), String::new(), eur(2_500)),
            ("Widget".to_string(), "W-2".to_string(), eur(3_000)),
        ]
    );

    // Partners: by name.
    let plan = import(&mut fx, Kind::Partners, "Name,Tier\nnorthwind supply,Gold\nSouthwind,Silver\n");
    assert_eq!(summary(&plan), "create 1, update 1, unchanged 0");
    assert_eq!(fx.ws.data.partners.get(w.northwind).unwrap().tier, PartnerTier::Gold);
}

#[test]
fn rows_with_the_same_key_in_one_file_act_on_one_record_in_turn() {
    let mut fx = Fx::new();
    world(&mut fx);
    let file = "Name,City,Phone,Industry\n\
                Initrode,Lisbon,+351 1,\n\
                Initrode,Porto,,Machinery\n\
                Acme,Leeds,,\n\
                acme,,+44 2,\n\
                acme,,,\n";
    let plan = import(&mut fx, Kind::Accounts, file);
    // The second Initrode row changes the record the first creates. Acme's rows make one update
    // (respelling its name, adding a city and a phone); the last one finds nothing to change.
    assert_eq!(summary(&plan), "create 1, update 1, unchanged 1");
    let initrode = account_named(&fx.ws.data, "Initrode");
    assert_eq!(
        (initrode.city.as_str(), initrode.phone.as_str(), initrode.industry.as_str()),
        ("Porto", "+351 1", "Machinery")
    );
    let acme = account_named(&fx.ws.data, "acme");
    assert_eq!((acme.city.as_str(), acme.phone.as_str()), ("Leeds", "+44 2"));
    assert_eq!(fx.ws.data.accounts.iter().filter(|a| a.name.eq_ignore_ascii_case("initrode")).count(), 1);
}

#[test]
fn a_row_matching_several_records_is_refused_rather_than_guessed() {
    let mut fx = Fx::new();
    world(&mut fx);
    fx.account("Twin");
    fx.account("twin ");
    let plan = import(&mut fx, Kind::Accounts, "Name,City\nTwin,Oslo\n");
    assert_eq!(
        summary(&plan),
        "create 0, update 0, unchanged 0\n\
         line 2: 2 accounts already match this row, so it is unclear which to update; make them differ first"
    );
    let plan = import(&mut fx, Kind::Contacts, "Name,Account\nBo,twin\n");
    assert_eq!(
        summary(&plan),
        "create 0, update 0, unchanged 0\n\
         line 2, column \"Account\": 2 account records are named \"twin\"; give them different names first"
    );
}

#[test]
fn a_deal_moved_by_import_follows_the_rules_of_moving_it_by_hand() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    import(&mut fx, Kind::Deals, "Name,Account,Stage,Created\nRenewal,Acme,Qualified,2026-01-10\n");
    let deal = deal_named(&fx.ws.data, "Renewal").clone();
    assert_eq!((deal.created, deal.stage_changed), (day("2026-01-10"), day("2026-01-10")));
    let plan = import(&mut fx, Kind::Deals, "Name,Account,Stage\nRenewal,Acme,Won\n");
    assert_eq!(summary(&plan), "create 0, update 1, unchanged 0");
    let today = fx.now.date();
    let won = deal_named(&fx.ws.data, "Renewal");
    assert_eq!(
        (won.stage, won.status, won.closed_on, won.stage_changed),
        (w.stages[WON], DealStatus::Won, Some(today), today)
    );
    import(&mut fx, Kind::Deals, "Name,Account,Stage\nRenewal,Acme,Proposal\n");
    let reopened = deal_named(&fx.ws.data, "Renewal");
    assert_eq!((reopened.status, reopened.closed_on), (DealStatus::Open, None));
}

#[test]
fn stages_are_found_in_the_pipeline_the_row_names_else_the_deal_s_own() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let id: PipelineId = fx.id();
    let stages: [StageId; 6] = std::array::from_fn(|_| fx.id());
    let renewals = Pipeline { name: "Renewals".into(), is_default: false, ..Pipeline::standard(id, stages) };
    let stamp = fx.stamp();
    fx.ws.create(renewals, stamp).unwrap();
    let sales = fx.ws.data.pipelines.iter().find(|p| p.is_default).unwrap().id;
    let place = |fx: &Fx, name: &str| {
        let deal = deal_named(&fx.ws.data, name);
        (deal.pipeline, deal.stage)
    };

    import(&mut fx, Kind::Deals, "Name,Account,Pipeline,Stage\nSupport,Acme,renewals,Proposal\nFleet,Acme,,Proposal\n");
    assert_eq!(place(&fx, "Support"), (id, stages[PROPOSAL]));
    assert_eq!(place(&fx, "Fleet"), (sales, w.stages[PROPOSAL]));
    // Without a pipeline, a deal's stage is looked up in the pipeline it is in.
    import(&mut fx, Kind::Deals, "Name,Account,Stage\nSupport,Acme,Negotiation\n");
    assert_eq!(place(&fx, "Support"), (id, stages[3]));
    // Every deal exports with its pipeline and imports back unchanged.
    let text = export(Kind::Deals, &fx.ws.data);
    assert_eq!(summary(&plan(&mut fx, Kind::Deals, &text)), "create 0, update 0, unchanged 2");
    // A deal moved to another pipeline starts in its first open stage unless the row names one.
    import(&mut fx, Kind::Deals, "Name,Account,Pipeline\nSupport,Acme,Sales\n");
    assert_eq!(place(&fx, "Support"), (sales, w.stages[0]));
    let plan = import(&mut fx, Kind::Deals, "Name,Account,Pipeline,Stage\nFleet,Acme,Renewals,Won\nFleet,Acme,Nope,\n");
    assert_eq!(
        summary(&plan),
        "create 0, update 1, unchanged 0\nline 3, column \"Pipeline\": There is no pipeline named \"Nope\""
    );
    assert_eq!(place(&fx, "Fleet"), (id, stages[WON]));
}

#[test]
fn amounts_take_the_currency_column_else_the_matched_record_s_currency() {
    let mut fx = Fx::new();
    world(&mut fx);
    let usd = Currency::USD;
    import(&mut fx, Kind::Products, "Name,Price,Currency,Unit cost\nWidget,10.50,usd,4 EUR\n");
    let widget = fx.ws.data.products.iter().next().unwrap().clone();
    assert_eq!((widget.price, widget.unit_cost), (Money::new(1_050, usd), Some(eur(400))));
    import(&mut fx, Kind::Products, "Name,Price\nWidget,11\n");
    assert_eq!(fx.ws.data.products.get(widget.id).unwrap().price, Money::new(1_100, usd));
    let plan = import(&mut fx, Kind::Products, "Name,Price,Currency\nGizmo,1.005,EUR\nGadget,3,EURO\n");
    assert_eq!(
        summary(&plan),
        "create 0, update 0, unchanged 0\n\
         line 2, column \"Price\": \"1.005\" has more than 2 decimal places for EUR\n\
         line 3, column \"Currency\": \"EURO\" is not a currency code; write three letters such as EUR"
    );
}

// ---------------------------------------------------------------------------------------------
// Preview

#[test]
fn the_preview_shows_each_cell_as_read_and_what_each_row_would_do() {
    let mut fx = Fx::new();
    world(&mut fx);
    let text = "Deal,Company,Value,Stage,Contact,Ignored\n\
                Renewal,ACME,\"1,200\",negotiation,ana silva,x\n\
                Expansion,Acme,12a,,,\n\
                Upgrade,Globex,300,Won,,\n\
                Later,Acme,1,,,\n";
    let sheet = Sheet::parse(text).unwrap();
    let mapping = suggest_mapping(Kind::Deals, &sheet.header);
    let rows = preview(&mapping, &sheet, &fx.ws.data, fx.now.date(), 3);
    let lines: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r
                .cells
                .iter()
                .map(|c| match &c.value {
                    Ok(v) => format!("{}={v}", c.field),
                    Err(e) => format!("{}!{e}", c.field),
                })
                .collect();
            let outcome = match &r.outcome {
                Outcome::Invalid(errors) => format!("invalid ({} problem)", errors.len()),
                other => format!("{other:?}"),
            };
            format!("{}: {} => {outcome}", r.line, cells.join(" | "))
        })
        .collect();
    assert_eq!(
        lines,
        [
            "2: name=Renewal | account=Acme | amount=1200.00 | stage=Negotiation | contact=Ana Silva => Create",
            "3: name=Expansion | account=Acme | amount!\"12a\" is not an amount: use digits with an optional decimal \
             point, such as 1250.50 | stage= | contact= => invalid (1 problem)",
            "4: name=Upgrade | account=Globex | amount=300.00 | stage=Won | contact= => Create",
        ]
    );
    assert!(fx.ws.data.deals.is_empty(), "a preview writes nothing");
}

// ---------------------------------------------------------------------------------------------
// Applying in batches

#[test]
fn batches_report_progress_until_every_record_is_written() {
    let mut fx = Fx::new();
    world(&mut fx);
    let mut text = String::from("Name,City\n");
    for i in 0..500 {
        text.push_str(&format!("Company {i},City {}\n", i % 7));
    }
    text.push_str("Acme,Leeds\n");
    let mut plan = plan(&mut fx, Kind::Accounts, &text);
    assert_eq!((plan.creates(), plan.updates()), (500, 1));
    let stamp = fx.stamp();
    let mut seen = Vec::new();
    loop {
        let progress = plan.apply_batch(&mut fx.ws, 200, stamp).unwrap();
        seen.push((progress.done, progress.total));
        if progress.is_finished() {
            assert_eq!(progress, Progress { done: 501, total: 501, created: 500, updated: 1, failed: 0 });
            break;
        }
    }
    assert_eq!(seen, [(200, 501), (400, 501), (501, 501)]);
    assert_eq!(fx.ws.data.accounts.len(), 502, "Globex and the 500 new ones; Acme was updated");
    // 499 = 7 × 71 + 2.
    assert_eq!(account_named(&fx.ws.data, "Company 499").city, "City 2");
    // Nothing is left to do.
    assert_eq!(plan.apply_batch(&mut fx.ws, 200, stamp).unwrap().done, 501);
}

#[test]
fn a_record_that_went_bad_since_the_plan_is_reported_and_the_rest_are_written() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let mut plan = plan(&mut fx, Kind::Contacts, "Name,Account\nBo,Acme\nCy,Globex\nDi,Acme\n");
    assert_eq!(plan.creates(), 3);
    let stamp = fx.stamp();
    fx.ws.delete::<Account>(w.globex, stamp).unwrap();
    let stamp = fx.stamp();
    let progress = plan.apply_all(&mut fx.ws, stamp).unwrap();
    assert_eq!(progress, Progress { done: 3, total: 3, created: 2, updated: 0, failed: 1 });
    assert_eq!(
        plan.errors(),
        [RowError { line: 3, column: Some("Account".into()), message: "That account does not exist".into() }]
    );
    assert_eq!(fx.ws.data.contacts.len(), 3, "Ana Silva, Bo and Di");
}

#[test]
fn an_update_keeps_edits_made_to_other_fields_since_the_plan() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let mut plan = plan(&mut fx, Kind::Accounts, "Name,City\nAcme,Leeds\n");
    let stamp = fx.stamp();
    fx.ws.modify::<Account>(w.acme, stamp, |a| a.phone = "+44 1".into()).unwrap();
    let stamp = fx.stamp();
    plan.apply_all(&mut fx.ws, stamp).unwrap();
    let acme = fx.ws.data.accounts.get(w.acme).unwrap();
    assert_eq!((acme.city.as_str(), acme.phone.as_str()), ("Leeds", "+44 1"));
}

#[test]
fn a_plan_waits_while_a_document_it_writes_to_is_not_loaded() {
    let mut fx = Fx::new();
    world(&mut fx);
    let mut plan = plan(&mut fx, Kind::Accounts, "Name\nInitrode\n");
    // A second device that has loaded everything but the accounts documents.
    let mut other = Workspace::new(KEY, [9; 16]);
    for name in DocName::all_live() {
        if name.collection != quota_core::collection::Collection::Accounts {
            other.start_empty(name);
        }
    }
    let stamp = fx.stamp();
    assert!(matches!(plan.apply_batch(&mut other, 10, stamp), Err(Error::NotLoaded(_))));
    assert_eq!(plan.progress().done, 0);
    let progress = plan.apply_batch(&mut fx.ws, 10, stamp).unwrap();
    assert_eq!((progress.done, progress.created), (1, 1));
}

// ---------------------------------------------------------------------------------------------
// Export, formula injection and round trips

#[test]
fn export_writes_labels_names_and_plain_amounts() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let deal = Deal {
        id: fx.id(),
        name: "Fleet, phase \"2\"".into(),
        account: w.acme,
        contact: Some(w.ana_at_acme),
        pipeline: fx.ws.data.pipelines.iter().next().unwrap().id,
        stage: w.stages[PROPOSAL],
        amount: Money::new(1_234_550, Currency::USD),
        probability: Some(40),
        expected_close: day("2026-09-30"),
        owner: Some(w.ana),
        created: day("2026-05-01"),
        stage_changed: day("2026-05-01"),
        notes: LongText("Call back\nafter the fair".into()),
        ..Default::default()
    };
    let stamp = fx.stamp();
    fx.ws.create(deal, stamp).unwrap();
    assert_eq!(
        export(Kind::Deals, &fx.ws.data),
        "\u{feff}Name,Account,Contact,Pipeline,Stage,Amount,Currency,Probability,Expected close,Owner,Channel,Partner,Created,\
         Closed on,Loss reason,Competitor,Notes\r\n\
         \"Fleet, phase \"\"2\"\"\",Acme,Ana Silva,Sales,Proposal,12345.50,USD,40,2026-09-30,Ana Reyes,,,2026-05-01,,,,\
         \"Call back\nafter the fair\"\r\n"
    );
    let ids = [w.globex.raw(), RawId(12345), w.acme.raw()];
    let partial = export_ids(Kind::Accounts, &fx.ws.data, &ids);
    let names: Vec<&str> = partial.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(names, ["Globex", "Acme"]);
}

#[test]
fn formula_like_text_is_neutralized_on_export_and_imported_as_written() {
    let mut fx = Fx::new();
    world(&mut fx);
    let name = "=HYPERLINK(\"http://x\")";
    let stamp = fx.stamp();
    let id: AccountId = fx.id();
    let account = Account { id, name: name.into(), city: "@home".into(), phone: "+351 1".into(), ..Default::default() };
    fx.ws.create(account, stamp).unwrap();
    let text = export(Kind::Accounts, &fx.ws.data);
    let row = text.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(row.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\","), "{row}");
    assert!(row.contains(",'+351 1,") && row.contains(",'@home,"), "{row}");

    let mut fresh = Fx::new();
    world(&mut fresh);
    import(&mut fresh, Kind::Accounts, &text);
    let imported = account_named(&fresh.ws.data, name);
    assert_eq!((imported.city.as_str(), imported.phone.as_str()), ("@home", "+351 1"));
}

/// Records of every kind that use every column, named from `names`.
fn samples(fx: &mut Fx, w: &World, kind: Kind, names: &[String]) {
    let usd = Currency::USD;
    let pipeline = fx.ws.data.pipelines.iter().next().unwrap().id;
    for (i, name) in names.iter().enumerate() {
        let stamp = fx.stamp();
        let raw = fx.id::<AccountId>().raw();
        let note = LongText(format!("Met {name} at the fair,\n\"keen\" on = terms"));
        let result = match kind {
            Kind::Accounts => fx.ws.create(
                Account {
                    id: TypedId::from_raw(raw),
                    name: name.clone(),
                    status: AccountStatus::Customer,
                    industry: "Machinery".into(),
                    segment: Some(w.smb),
                    niche: Some(w.retail),
                    territory: Some(w.north),
                    owner: Some(w.ana),
                    partner: Some(w.northwind),
                    website: "https://example.com".into(),
                    phone: "+351 21 000".into(),
                    email: format!("a{i}@example.com"),
                    address: "Rua Nova, 2".into(),
                    city: "Lisbon".into(),
                    country: "Portugal".into(),
                    notes: note,
                },
                stamp,
            ),
            Kind::Contacts => fx.ws.create(
                Contact {
                    id: TypedId::from_raw(raw),
                    account: Some(if i % 2 == 0 { w.acme } else { w.globex }),
                    name: name.clone(),
                    title: "Buyer".into(),
                    email: if i % 2 == 0 { format!("c{i}@example.com") } else { String::new() },
                    phone: "-1".into(),
                    primary: i == 0,
                    notes: note,
                },
                stamp,
            ),
            Kind::Leads => fx.ws.create(
                Lead {
                    id: TypedId::from_raw(raw),
                    name: name.clone(),
                    company: format!("{name} Ltd"),
                    title: "Owner".into(),
                    email: if i % 2 == 0 { format!("l{i}@example.com") } else { String::new() },
                    phone: "555".into(),
                    source: LeadSource::TradeShow,
                    status: LeadStatus::Qualified,
                    owner: Some(w.ben),
                    segment: Some(w.smb),
                    territory: Some(w.north),
                    has_budget: true,
                    has_authority: false,
                    has_need: true,
                    timeline: Some(day("2026-12-01")),
                    estimated_value: (i != 1).then(|| Money::new(250_000 + i as i64, if i == 2 { usd } else { EUR })),
                    created: day("2026-04-02"),
                    notes: note,
                    ..Default::default()
                },
                stamp,
            ),
            Kind::Deals => {
                let (stage, status, closed_on, loss_reason) = match i % 3 {
                    0 => (w.stages[PROPOSAL], DealStatus::Open, None, None),
                    1 => (w.stages[WON], DealStatus::Won, Some(day("2026-06-30")), None),
                    _ => (w.stages[LOST], DealStatus::Lost, Some(day("2026-07-01")), Some(LossReason::Competitor)),
                };
                fx.ws.create(
                    Deal {
                        id: TypedId::from_raw(raw),
                        name: name.clone(),
                        account: w.acme,
                        contact: Some(w.ana_at_acme),
                        pipeline,
                        stage,
                        status,
                        amount: Money::new(1_000_000 + i as i64, if i == 1 { usd } else { EUR }),
                        probability: (i == 0).then_some(35),
                        expected_close: day("2026-08-31"),
                        owner: Some(w.ana),
                        channel: Some(w.dealers),
                        partner: Some(w.northwind),
                        created: day("2026-03-01"),
                        stage_changed: day("2026-03-01"),
                        closed_on,
                        loss_reason,
                        competitor: "Initech".into(),
                        notes: note,
                        ..Default::default()
                    },
                    stamp,
                )
            }
            Kind::Products => fx.ws.create(
                Product {
                    id: TypedId::from_raw(raw),
                    name: name.clone(),
                    sku: if i == 1 { String::new() } else { format!("SKU-{i}") },
                    category: Some(w.hardware),
                    price: eur(9_990 + i as i64),
                    unit_cost: Some(Money::new(450, if i == 0 { usd } else { EUR })),
                    priority: Some(2),
                    active: i != 2,
                    description: note,
                },
                stamp,
            ),
            Kind::Partners => fx.ws.create(
                Partner {
                    id: TypedId::from_raw(raw),
                    name: name.clone(),
                    kind: PartnerKind::Distributor,
                    channel: Some(w.dealers),
                    tier: PartnerTier::Platinum,
                    status: PartnerStatus::Probation,
                    territory: Some(w.north),
                    manager: Some(w.ben),
                    contact_name: "Dee".into(),
                    email: format!("p{i}@example.com"),
                    phone: "@1".into(),
                    needs: note.clone(),
                    requirements: LongText("Training".into()),
                    cooperation: note,
                    since: Some(day("2025-01-15")),
                },
                stamp,
            ),
        };
        result.unwrap();
    }
}

/// The records of a kind without their ids, sorted: what must survive a round trip.
fn without_ids(data: &Tables, kind: Kind) -> Vec<String> {
    macro_rules! strip {
        ($table:ident) => {
            data.$table
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.id = Default::default();
                    format!("{r:?}")
                })
                .collect()
        };
    }
    let mut out: Vec<String> = match kind {
        Kind::Accounts => strip!(accounts),
        Kind::Contacts => strip!(contacts),
        Kind::Leads => strip!(leads),
        Kind::Deals => strip!(deals),
        Kind::Products => strip!(products),
        Kind::Partners => strip!(partners),
    };
    out.sort();
    out
}

/// Exports `names` as records of `kind`, imports them into a fresh workspace with the same
/// references and back into their own workspace, and says what differs.
fn round_trip(kind: Kind, names: &[String]) -> Result<(), String> {
    let mut source = Fx::new();
    let w = world(&mut source);
    samples(&mut source, &w, kind, names);
    let text = export(kind, &source.ws.data);

    let mut fresh = Fx::new();
    world(&mut fresh);
    let imported = import(&mut fresh, kind, &text);
    if !imported.errors().is_empty() {
        return Err(format!("{kind}: {}\n{text}", summary(&imported)));
    }
    if without_ids(&fresh.ws.data, kind) != without_ids(&source.ws.data, kind) {
        return Err(format!(
            "{kind} differ after the round trip:\n{:#?}\n{:#?}",
            without_ids(&source.ws.data, kind),
            without_ids(&fresh.ws.data, kind)
        ));
    }
    if export(kind, &fresh.ws.data) != text {
        return Err(format!("{kind}: the second export differs"));
    }
    let again = plan(&mut source, kind, &text);
    if (again.creates(), again.updates(), again.unchanged(), again.errors().len())
        != (0, 0, source_count(&source.ws.data, kind), 0)
    {
        return Err(format!("{kind}: importing the export into its own workspace: {}", summary(&again)));
    }
    Ok(())
}

fn source_count(data: &Tables, kind: Kind) -> usize {
    match kind {
        Kind::Accounts => data.accounts.len(),
        Kind::Contacts => data.contacts.len(),
        Kind::Leads => data.leads.len(),
        Kind::Deals => data.deals.len(),
        Kind::Products => data.products.len(),
        Kind::Partners => data.partners.len(),
    }
}

#[test]
fn an_export_recreates_equal_records_elsewhere_and_changes_nothing_at_home() {
    let names: Vec<String> =
        ["Alpha, Inc.", "=1+2", "Beta \"B\" GmbH", "-minus", "Multi\nline", "'@quoted", "+plus", "Über Öl"]
            .map(String::from)
            .to_vec();
    for kind in Kind::ALL {
        round_trip(kind, &names).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn any_names_survive_a_round_trip(
        kind in proptest::sample::select(Kind::ALL.to_vec()),
        prefixes in proptest::collection::vec("[=+@'\"a-zA-Z,;-][=+@'\"a-z ,;\n\t-]{0,10}", 1..4),
    ) {
        // A number at the end keeps the names distinct however the random part comes out.
        let names: Vec<String> = prefixes.iter().enumerate().map(|(i, p)| format!("{p}{i}")).collect();
        prop_assert_eq!(round_trip(kind, &names), Ok(()));
    }
}

#[test]
fn ids_given_to_a_plan_become_the_new_records_ids() {
    let mut fx = Fx::new();
    world(&mut fx);
    let sheet = Sheet::parse("Name\nOne\nTwo\n").unwrap();
    let mapping = suggest_mapping(Kind::Leads, &sheet.header);
    let mut next = 0u128;
    let mut plan = plan_import(&mapping, &sheet, &fx.ws.data, fx.now.date(), || {
        next += 1;
        RawId::from_parts(5, next)
    });
    let stamp = fx.stamp();
    plan.apply_all(&mut fx.ws, stamp).unwrap();
    let ids: Vec<LeadId> = fx.ws.data.leads.ids().collect();
    assert_eq!(ids, [LeadId::new(5, 1), LeadId::new(5, 2)]);
}
