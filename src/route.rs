//! Routes live in the URL fragment (`#/accounts/<id>`), so every route works on reload and
//! from any sub-path of any static host, with no server configuration.

use std::fmt;

macro_rules! areas {
    ($( $variant:ident = $path:literal / $label:literal in $group:literal ),* $(,)?) => {
        /// A top-level area of the app, one per navigation entry.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Area { $($variant),* }

        impl Area {
            pub const ALL: &'static [Area] = &[$(Area::$variant),*];

            pub fn path(self) -> &'static str {
                match self { $(Area::$variant => $path),* }
            }

            pub fn label(self) -> &'static str {
                match self { $(Area::$variant => $label),* }
            }

            /// The navigation group the area is listed under.
            pub fn group(self) -> &'static str {
                match self { $(Area::$variant => $group),* }
            }

            fn from_path(path: &str) -> Option<Area> {
                match path { $($path => Some(Area::$variant),)* _ => None }
            }
        }
    };
}

areas! {
    Dashboard = "dashboard" / "Dashboard" in "",
    Leads = "leads" / "Leads" in "Selling",
    Accounts = "accounts" / "Accounts" in "Selling",
    Contacts = "contacts" / "Contacts" in "Selling",
    Deals = "deals" / "Deals" in "Selling",
    Activities = "activities" / "Activities" in "Selling",
    Service = "service" / "Service cases" in "Selling",
    Products = "products" / "Products & prices" in "Market",
    Market = "market" / "Segments & niches" in "Market",
    Channels = "channels" / "Channels & partners" in "Market",
    Organisation = "organisation" / "Organisation" in "Team",
    Targets = "targets" / "Targets" in "Team",
    Commissions = "commissions" / "Commissions" in "Team",
    Recruiting = "recruiting" / "Hiring & training" in "Team",
    Costs = "costs" / "Costs & budgets" in "Team",
    Reports = "reports" / "Reports" in "Analysis",
    Review = "review" / "Annual review" in "Analysis",
    Settings = "settings" / "Settings" in "Workspace",
    Bench = "bench" / "Benchmark" in "hidden",
}

/// A place in the app: an area, the path segments after it, and query parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub area: Area,
    pub rest: Vec<String>,
    pub query: Vec<(String, String)>,
}

impl Default for Route {
    fn default() -> Self {
        Route::area(Area::Dashboard)
    }
}

impl Route {
    pub fn area(area: Area) -> Route {
        Route { area, rest: Vec::new(), query: Vec::new() }
    }

    /// `#/<area>/<segments...>`.
    pub fn to(area: Area, rest: &[&str]) -> Route {
        Route { area, rest: rest.iter().map(|s| s.to_string()).collect(), query: Vec::new() }
    }

    pub fn with_query(mut self, key: &str, value: &str) -> Route {
        self.query.retain(|(k, _)| k != key);
        if !value.is_empty() {
            self.query.push((key.to_string(), value.to_string()));
        }
        self
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Parses the fragment (without `#`); anything unknown lands on the dashboard.
    pub fn parse(fragment: &str) -> Route {
        let fragment = fragment.trim_start_matches('#');
        let (path, query) = fragment.split_once('?').unwrap_or((fragment, ""));
        let mut segments = path.split('/').filter(|s| !s.is_empty()).map(decode);
        let Some(area) = segments.next().and_then(|s| Area::from_path(&s)) else {
            return Route::default();
        };
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Route { area, rest: segments.collect(), query }
    }

    /// The fragment for this route, starting with `/`.
    pub fn to_hash(&self) -> String {
        let mut out = format!("/{}", self.area.path());
        for segment in &self.rest {
            out.push('/');
            out.push_str(&encode(segment));
        }
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&encode(k));
            out.push('=');
            out.push_str(&encode(v));
        }
        out
    }

    /// The `href` for links: `#/<area>/...`.
    pub fn href(&self) -> String {
        format!("#{}", self.to_hash())
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hash())
    }
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(fragment: &str, area: Area, rest: &[&str], query: &[(&str, &str)]) {
        let route = Route::parse(fragment);
        assert_eq!(route.area, area, "{fragment}");
        assert_eq!(route.rest, rest.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{fragment}");
        let q: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(route.query, q, "{fragment}");
        assert_eq!(Route::parse(&route.to_hash()), route, "round trip of {fragment}");
    }

    #[test]
    fn fragments_parse_into_routes() {
        check("", Area::Dashboard, &[], &[]);
        check("#/accounts", Area::Accounts, &[], &[]);
        check("/accounts/01J0/edit", Area::Accounts, &["01J0", "edit"], &[]);
        check("/accounts?q=acme%20tools&sort=name", Area::Accounts, &[], &[("q", "acme tools"), ("sort", "name")]);
        check("/reports/pipeline", Area::Reports, &["pipeline"], &[]);
        check(
            "/reports/forecast?by=team&period=2026-Q4",
            Area::Reports,
            &["forecast"],
            &[("by", "team"), ("period", "2026-Q4")],
        );
        check("/no-such-area/1", Area::Dashboard, &[], &[]);
        check("/leads?q=100%", Area::Leads, &[], &[("q", "100%")]);
    }

    #[test]
    fn every_area_has_a_distinct_path() {
        for area in Area::ALL {
            assert_eq!(Route::parse(&Route::area(*area).to_hash()).area, *area);
        }
    }
}
