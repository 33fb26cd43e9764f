//! Small word lists that generated workspaces draw plausible names from. All invented: any
//! likeness to a real company is chance.

pub const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannes", "Ines", "Jonas", "Katrin", "Lukas", "Mara",
    "Niklas", "Olga", "Paul", "Rosa", "Samir", "Tanja", "Uwe", "Vera", "Wim", "Yara", "Zoran", "Lea", "Tom", "Nina",
    "Erik", "Sofia", "Moritz", "Amira", "Jan",
];

pub const LAST_NAMES: &[&str] = &[
    "Becker",
    "Schulz",
    "Ruiz",
    "Novak",
    "Keller",
    "Lange",
    "Brandt",
    "Vogel",
    "Krüger",
    "Hofmann",
    "Wagner",
    "Yilmaz",
    "Richter",
    "Wolf",
    "Peters",
    "Lindqvist",
    "Moreau",
    "Jansen",
    "Kowalski",
    "Berger",
    "Fischer",
    "Haas",
    "Costa",
    "Meyer",
    "Arnold",
    "Franke",
    "Simon",
    "Horn",
    "Engel",
    "Roth",
    "Kraus",
    "Dietrich",
];

/// The first part of a company name.
pub const COMPANY_STEMS: &[&str] = &[
    "Becker",
    "Nordhafen",
    "Alpenblick",
    "Rheinland",
    "Elbtal",
    "Sonnenfeld",
    "Weser",
    "Hansa",
    "Brückner",
    "Lindenhof",
    "Kranich",
    "Falkenstein",
    "Maintal",
    "Ostwind",
    "Steinbach",
    "Grünwald",
    "Havel",
    "Isar",
    "Mosel",
    "Ruhrtal",
    "Westend",
    "Birkenau",
    "Donau",
    "Eichwald",
    "Fichtel",
    "Harzer",
    "Kaiser",
    "Lahn",
    "Neckar",
    "Oder",
];

/// The trade a company is in, as it appears in its name, and the industry it stands for.
pub const COMPANY_TRADES: &[(&str, &str)] = &[
    ("Logistik", "Logistics"),
    ("Bau", "Construction"),
    ("Solartechnik", "Renewable energy"),
    ("Metallbau", "Metalworking"),
    ("Haustechnik", "Building services"),
    ("Lebensmittel", "Food processing"),
    ("Werkstatt", "Automotive service"),
    ("Facility Services", "Facility management"),
    ("Elektro", "Electrical installation"),
    ("Holzbau", "Carpentry"),
    ("Stadtwerke", "Municipal services"),
    ("Anlagenbau", "Plant engineering"),
];

pub const LEGAL_FORMS: &[&str] = &["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."];

/// Countries at the root of the territory tree, then regions and cities within them.
pub const COUNTRY: (&str, &str) = ("Germany", "DE");

pub const REGIONS: &[(&str, &str)] = &[
    ("North", "N"),
    ("South", "S"),
    ("West", "W"),
    ("East", "E"),
    ("Central", "C"),
    ("South-West", "SW"),
    ("North-West", "NW"),
];

pub const CITIES: &[&str] = &[
    "Hamburg",
    "Munich",
    "Cologne",
    "Berlin",
    "Stuttgart",
    "Düsseldorf",
    "Bremen",
    "Nuremberg",
    "Essen",
    "Leipzig",
    "Frankfurt",
    "Karlsruhe",
    "Hanover",
    "Augsburg",
    "Dortmund",
    "Dresden",
    "Kassel",
    "Freiburg",
    "Kiel",
    "Regensburg",
    "Bonn",
    "Magdeburg",
    "Erfurt",
    "Mannheim",
    "Lübeck",
    "Ulm",
    "Münster",
    "Potsdam",
    "Würzburg",
    "Osnabrück",
    "Rostock",
    "Heidelberg",
    "Bielefeld",
    "Halle",
    "Jena",
    "Mainz",
    "Oldenburg",
    "Chemnitz",
    "Saarbrücken",
    "Wiesbaden",
    "Aachen",
    "Göttingen",
    "Koblenz",
    "Trier",
    "Passau",
    "Bamberg",
    "Flensburg",
    "Cottbus",
    "Gera",
];

/// A product: name, SKU prefix, list price and unit cost in whole euros.
pub type ProductSpec = (&'static str, &'static str, i64, i64);

/// Product categories: name, priority (1 is highest), and the products in them.
pub const CATEGORIES: &[(&str, u32, &[ProductSpec])] = &[
    (
        "Power tools",
        1,
        &[
            ("Cordless drill CD-18", "PT", 189, 96),
            ("Impact driver ID-20", "PT", 229, 118),
            ("Angle grinder AG-125", "PT", 149, 71),
            ("Circular saw CS-190", "PT", 279, 140),
            ("Rotary hammer RH-26", "PT", 349, 181),
            ("Workshop vacuum WV-30", "PT", 259, 128),
        ],
    ),
    (
        "Measuring instruments",
        2,
        &[
            ("Laser distance meter LD-50", "MI", 129, 52),
            ("Rotary laser RL-500", "MI", 1290, 610),
            ("Digital caliper DC-150", "MI", 59, 21),
            ("Moisture meter MM-3", "MI", 89, 37),
        ],
    ),
    (
        "Safety equipment",
        3,
        &[
            ("Safety helmet SH-1", "SE", 39, 14),
            ("Fall arrest kit FA-2", "SE", 449, 205),
            ("Hearing protection HP-30", "SE", 29, 9),
            ("Safety goggles SG-5", "SE", 19, 6),
        ],
    ),
    (
        "Consumables",
        4,
        &[
            ("Drill bit set DB-25", "CO", 49, 18),
            ("Cutting discs CD-10, pack of 25", "CO", 35, 12),
            ("Saw blades SB-190, pack of 5", "CO", 79, 31),
        ],
    ),
    (
        "Service contracts",
        2,
        &[
            ("Tool service plan Basic", "SV", 490, 180),
            ("Tool service plan Plus", "SV", 990, 390),
            ("Calibration service", "SV", 240, 95),
        ],
    ),
];

/// What deals are about; the account's name follows.
pub const DEAL_TOPICS: &[&str] = &[
    "Workshop refit",
    "Fleet upgrade",
    "Annual supply contract",
    "Safety equipment rollout",
    "Measuring kit",
    "Service contract renewal",
    "Pilot order",
    "Framework agreement",
    "Replacement of old tools",
    "New site equipment",
];

pub const COMPETITORS: &[&str] = &["Hartmann Werkzeuge", "ProTool Systems", "Kessler & Sohn", "Nordic Supply"];

pub const ACTIVITY_SUBJECTS: &[&str] = &[
    "Discovery call",
    "Site visit",
    "Product demo",
    "Send proposal",
    "Follow up on proposal",
    "Price negotiation",
    "Check delivery date",
    "Quarterly review",
    "Introduce service plan",
    "Answer technical questions",
];

pub const PARTNER_NAMES: &[&str] = &[
    "Werkzeug Kontor",
    "Bauprofi Handel",
    "TechnoParts",
    "Profi Depot",
    "Handwerk Plus",
    "Industriebedarf Zentral",
    "ToolNet",
    "Baumarkt Service",
    "Fachhandel Mitte",
    "Maschinen Partner",
    "ProShop Online",
    "Werkstattwelt",
];

pub const SEGMENTS: &[(&str, &str, crate::market::PriceCategory)] = &[
    (
        "Enterprise",
        "Framework agreements, fleet management, fast service and one contact for many sites.",
        crate::market::PriceCategory::Premium,
    ),
    (
        "Mid-market",
        "Reliable tools at fair prices, delivery within two days, on-site demos.",
        crate::market::PriceCategory::Standard,
    ),
    ("Small business", "Low prices, stock at the dealer, simple ordering.", crate::market::PriceCategory::Economy),
    (
        "Public sector",
        "Tender-compliant offers, long warranties, fixed prices for the contract term.",
        crate::market::PriceCategory::Standard,
    ),
];

/// Niches: name, the segment they sit in (index into `SEGMENTS`), whether strategic, and the
/// estimated yearly potential in thousands of euros.
pub const NICHES: &[(&str, usize, bool, i64)] = &[
    ("Solar installers", 1, true, 4_800),
    ("Food processing plants", 0, true, 6_500),
    ("Logistics hubs", 0, true, 5_200),
    ("Car repair workshops", 2, false, 2_100),
    ("Facility management", 1, false, 1_900),
    ("Municipal utilities", 3, false, 2_600),
];

pub const LOSS_NOTES: &[&str] = &[
    "Went with a cheaper offer.",
    "Budget moved to next year.",
    "Needed a delivery date we could not meet.",
    "The buyer changed and restarted the selection.",
];
