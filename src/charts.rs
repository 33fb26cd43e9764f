//! Charts for dashboards and reports: SVG drawn at the size it has on screen, each with a table
//! view of the same data and a CSV export.
//!
//! A report becomes a [`ChartData`] (categories and named series of integers with their
//! [`ValueFormat`]; [`reports`] has conversions for the core's reports), and a component draws
//! it: [`BarChart`], [`LineChart`], [`FunnelChart`], [`BulletChart`], or [`Chart`] with a
//! [`ChartKind`]; [`DataTable`] shows data with many columns as a table only. Layout, scales,
//! labels, summaries and CSV are plain functions over the data, tested natively; the components
//! measure their width, insert the markup and wire the buttons.
//! Colors come from CSS custom properties (`--chart-1` … `--chart-6` in `style/charts.css`), and
//! series also differ by fill pattern, dash and marker shape.

pub mod bar;
pub mod bullet;
pub mod data;
pub mod export;
pub mod frame;
pub mod funnel;
pub mod grid;
pub mod line;
pub mod reports;
pub mod scale;
pub mod svg;

pub use bar::BarOptions;
pub use data::{ChartData, Series, Target, ValueFormat};
pub use export::{TableView, table_view, to_csv};
pub use frame::{BarChart, BulletChart, Chart, ChartKind, DataTable, FunnelChart, LineChart, NO_DATA};
pub use line::LineOptions;
