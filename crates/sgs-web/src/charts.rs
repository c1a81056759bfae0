//! Server-rendered SVG charts. Each chart names itself for screen readers and sits beside a
//! table of the same numbers.

use maud::{html, Markup, PreEscaped};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A "nice" upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten.
pub fn nice_max(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * magnitude)
}

/// A shaded range under a chart: low and high values per x label.
pub type Band<'a> = (&'a [Option<f64>], &'a [Option<f64>]);

/// One line of a [`series_chart`].
pub struct Series {
    /// Name in the legend and tooltips.
    pub name: String,
    /// CSS class: `series` (solid), `target` (dashed), `projection` (dotted).
    pub class: &'static str,
    /// One value per x label; `None` leaves a gap.
    pub values: Vec<Option<f64>>,
}

/// A line chart of values over labelled points. `None` values leave a gap in the line: a year
/// without data is not a zero.
pub fn line_chart(label: &str, points: &[(String, Option<f64>)], unit: &str) -> Markup {
    let labels: Vec<String> = points.iter().map(|(l, _)| l.clone()).collect();
    let series = Series {
        name: label.to_string(),
        class: "series",
        values: points.iter().map(|(_, v)| *v).collect(),
    };
    series_chart(label, &labels, &[series], None, unit)
}

/// Several lines over the same x labels, with an optional shaded band (low, high) such as a
/// projection's range. Lines break where values are missing.
pub fn series_chart(
    label: &str,
    labels: &[String],
    series: &[Series],
    band: Option<Band<'_>>,
    unit: &str,
) -> Markup {
    let all = series
        .iter()
        .flat_map(|s| s.values.iter())
        .chain(band.into_iter().flat_map(|(_, high)| high.iter()))
        .filter_map(|v| *v);
    let max = nice_max(all.fold(0.0, f64::max));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let count = labels.len();
    let step = if count > 1 {
        plot_w / (count - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| LEFT + step * i as f64 + if count == 1 { plot_w / 2.0 } else { 0.0 };
    let y = |v: f64| TOP + plot_h * (1.0 - v / max);

    // Consecutive known points form one segment; a missing value breaks the line.
    let segments = |values: &[Option<f64>]| -> Vec<String> {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, value) in values.iter().enumerate() {
            match value {
                Some(v) => runs.last_mut().unwrap().push((x(i), y(*v))),
                None => runs.push(Vec::new()),
            }
        }
        runs.iter()
            .filter(|r| r.len() > 1)
            .map(|r| {
                r.iter()
                    .map(|(px, py)| format!("{px:.1},{py:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    let band_polygon = band.map(|(low, high)| {
        let upper: Vec<String> = high
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        let lower: Vec<String> = low
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        [upper, lower].concat().join(" ")
    });
    let ticks = [0.0, 0.25, 0.5, 0.75, 1.0].map(|f| f * max);
    // With many points, label every other one so the axis stays readable on a phone.
    let every = if count > 8 { 2 } else { 1 };

    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for tick in ticks {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(tick)) y2=(y(tick)) class="grid" {}
                    text x=(LEFT - 6.0) y=(y(tick) + 4.0) text-anchor="end" class="axis" { (format_number(tick)) (unit) }
                }
                @if let Some(points) = &band_polygon {
                    polygon points=(points) class="band" {}
                }
                @for line in series {
                    @for path in segments(&line.values) {
                        polyline points=(path) class=(line.class) fill="none" {}
                    }
                    @for (i, value) in line.values.iter().enumerate() {
                        @if let Some(v) = value {
                            circle cx=(x(i)) cy=(y(*v)) r="4" class={ "dot " (line.class) } { title { (line.name) " " (labels[i]) ": " (format_number(*v)) (unit) } }
                        }
                    }
                }
                @for (i, name) in labels.iter().enumerate() {
                    @if i % every == 0 || i + 1 == count {
                        text x=(x(i)) y=(HEIGHT - 12.0) text-anchor="middle" class="axis" { (name) }
                    }
                }
            }
            @if series.len() > 1 || band.is_some() {
                figcaption { ul class="legend" {
                    @for line in series { li { span class={ "swatch " (line.class) } aria-hidden="true" {} " " (line.name) } }
                } }
            }
        }
    }
}

/// Horizontal bars, one per labelled value, with the value written at the bar's end.
pub fn bar_chart(label: &str, bars: &[(String, f64, &str)]) -> Markup {
    let max = nice_max(bars.iter().map(|(_, v, _)| *v).fold(0.0, f64::max));
    let row = 30.0;
    let height = TOP + row * bars.len() as f64 + 8.0;
    let left = 140.0;
    let plot_w = WIDTH - left - 70.0;
    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (WIDTH) " " (height) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for (i, (name, value, class)) in bars.iter().enumerate() {
                    @let top = TOP + row * i as f64;
                    text x=(left - 8.0) y=(top + 18.0) text-anchor="end" class="axis" { (name) }
                    rect x=(left) y=(top + 4.0) width=(format!("{:.1}", plot_w * value / max)) height="20" class=(class) {}
                    text x=(left + plot_w * value / max + 6.0) y=(top + 18.0) class="axis" { (format_number(*value)) }
                }
            }
        }
    }
}

/// One row of a [`stacked_bars`] chart: a label and its parts (value, CSS class, name).
pub type StackedRow<'a> = (String, Vec<(f64, &'a str, String)>);

/// Horizontal bars that each fill the width with their parts in proportion: a distribution per
/// row (students by tier per year, say). Each part's share and count are in its tooltip; a row
/// whose parts sum to zero is drawn empty, not as a zero-width bar of some part.
pub fn stacked_bars(label: &str, rows: &[StackedRow<'_>]) -> Markup {
    let row = 30.0;
    let height = TOP + row * rows.len() as f64 + 8.0;
    let left = 90.0;
    let plot_w = WIDTH - left - 20.0;
    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (WIDTH) " " (height) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for (i, (name, parts)) in rows.iter().enumerate() {
                    @let top = TOP + row * i as f64;
                    @let total: f64 = parts.iter().map(|(v, _, _)| *v).sum();
                    text x=(left - 8.0) y=(top + 18.0) text-anchor="end" class="axis" { (name) }
                    @if total > 0.0 {
                        @let mut x = left;
                        @for (value, class, part) in parts {
                            @let width = plot_w * value / total;
                            rect x=(format!("{x:.1}")) y=(top + 4.0) width=(format!("{width:.1}")) height="20" class=(class) {
                                title { (name) " · " (part) ": " (format_number(*value)) " (" (format!("{:.1}%", 100.0 * value / total)) ")" }
                            }
                            @if width > 34.0 {
                                text x=(format!("{:.1}", x + width / 2.0)) y=(top + 18.0) text-anchor="middle" class="on-bar" { (format!("{:.0}%", 100.0 * value / total)) }
                            }
                            ({ x += width; "" })
                        }
                    } @else {
                        rect x=(left) y=(top + 4.0) width=(format!("{plot_w:.1}")) height="20" class="empty" {}
                    }
                }
            }
        }
    }
}

/// One phase of a process chart: first and last point, center line, and limits (low, high).
type PhaseLines = (usize, usize, Option<f64>, Option<(f64, f64)>);

/// Which reading of a measure a [`process_chart`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessChart {
    /// The run chart: values around each phase's median.
    Run,
    /// The XmR chart: values around each phase's mean, with natural process limits.
    Xmr,
}

/// A run chart or an XmR chart of a measure: its values joined by a line (broken where a value
/// is missing), each phase's center line (and for XmR its limits), and the points any signal
/// involves drawn larger and in the signal colour, each with a tooltip saying why. The caller
/// writes the signals in words beside it.
pub fn process_chart(
    label: &str,
    points: &[sgs_improve::Point],
    analysis: &sgs_improve::Analysis,
    chart: ProcessChart,
) -> Markup {
    let values: Vec<Option<f64>> = points.iter().map(|p| p.value).collect();
    let (signals, centers): (&[sgs_improve::Signal], Vec<PhaseLines>) = match chart {
        ProcessChart::Run => (
            &analysis.run_chart.signals,
            analysis
                .run_chart
                .phases
                .iter()
                .map(|p| (p.first, p.last, p.median, None))
                .collect(),
        ),
        ProcessChart::Xmr => (
            &analysis.xmr.signals,
            analysis
                .xmr
                .phases
                .iter()
                .map(|p| (p.first, p.last, p.mean, p.lower_limit.zip(p.upper_limit)))
                .collect(),
        ),
    };
    let known = values
        .iter()
        .flatten()
        .copied()
        .chain(centers.iter().flat_map(|(_, _, c, l)| {
            c.iter()
                .copied()
                .chain(l.iter().flat_map(|(a, b)| [*a, *b]))
        }));
    let (mut low, mut high) = (f64::MAX, f64::MIN);
    for v in known {
        (low, high) = (low.min(v), high.max(v));
    }
    if low > high {
        return html! { p class="muted" { "–" } };
    }
    // A little room above and below; a flat series gets a band of its own.
    let pad = ((high - low) * 0.08).max(high.abs().max(1.0) * 0.02);
    let (low, high) = (low - pad, high + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = points.len();
    let step = if n > 1 { plot_w / (n - 1) as f64 } else { 0.0 };
    let x = |i: usize| LEFT + step * i as f64 + if n == 1 { plot_w / 2.0 } else { 0.0 };
    let y = |v: f64| TOP + plot_h * (1.0 - (v - low) / (high - low));
    let mut why: Vec<Vec<&str>> = vec![Vec::new(); n];
    for signal in signals {
        for &i in &signal.points {
            if let Some(list) = why.get_mut(i) {
                list.push(&signal.text.en);
            }
        }
    }
    let mut segments: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push_str(&format!("{:.1},{:.1} ", x(i), y(*v))),
            None => {
                if !current.is_empty() {
                    segments.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        segments.push(current);
    }
    let ticks = [0.0, 0.25, 0.5, 0.75, 1.0].map(|f| low + f * (high - low));
    let every = (n / 8).max(1);
    let half = step / 2.0;
    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for tick in ticks {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(format!("{:.1}", y(tick))) y2=(format!("{:.1}", y(tick))) class="grid" {}
                    text x=(LEFT - 6.0) y=(format!("{:.1}", y(tick) + 4.0)) text-anchor="end" class="axis" { (format_number((tick * 10.0).round() / 10.0)) }
                }
                @for (first, last, center, limits) in &centers {
                    @let (x1, x2) = ((x(*first) - if *first > 0 { half } else { 0.0 }).max(LEFT), (x(*last) + if *last + 1 < n { half } else { 0.0 }).min(WIDTH - RIGHT));
                    @if let Some(c) = center {
                        line x1=(format!("{x1:.1}")) x2=(format!("{x2:.1}")) y1=(format!("{:.1}", y(*c))) y2=(format!("{:.1}", y(*c))) class="center" {}
                    }
                    @if let Some((lo, hi)) = limits {
                        line x1=(format!("{x1:.1}")) x2=(format!("{x2:.1}")) y1=(format!("{:.1}", y(*lo))) y2=(format!("{:.1}", y(*lo))) class="limit" {}
                        line x1=(format!("{x1:.1}")) x2=(format!("{x2:.1}")) y1=(format!("{:.1}", y(*hi))) y2=(format!("{:.1}", y(*hi))) class="limit" {}
                    }
                    @if *first > 0 {
                        line x1=(format!("{x1:.1}")) x2=(format!("{x1:.1}")) y1=(TOP) y2=(HEIGHT - BOTTOM) class="phase" {}
                    }
                }
                @for path in &segments {
                    polyline points=(path) class="series" fill="none" {}
                }
                @for (i, v) in values.iter().enumerate() {
                    @if let Some(v) = v {
                        @let flagged = !why[i].is_empty();
                        circle cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(*v))) r=(if flagged { "5" } else { "3.5" }) class=(if flagged { "dot signal" } else { "dot" }) {
                            title { (points[i].period) ": " (format_number(*v)) @for w in &why[i] { " · " (w) } }
                        }
                    }
                }
                @for (i, p) in points.iter().enumerate() {
                    @if i % every == 0 || i + 1 == n {
                        text x=(format!("{:.1}", x(i))) y=(HEIGHT - 12.0) text-anchor="middle" class="axis" { (p.period) }
                    }
                }
            }
        }
    }
}

/// Thousands separators for whole numbers, one decimal otherwise.
pub fn format_number(value: f64) -> String {
    if value.fract().abs() > 1e-9 {
        return format!("{value:.1}");
    }
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// Marks up nothing; used where a chart has no data.
pub fn empty() -> Markup {
    PreEscaped(String::new())
}

/// A point on a scatter chart.
pub struct ScatterPoint {
    /// Horizontal value.
    pub x: f64,
    /// Vertical value.
    pub y: f64,
    /// Tooltip and screen-reader text.
    pub label: String,
    /// CSS class (the tier code).
    pub class: &'static str,
    /// Where the point links.
    pub href: String,
}

/// A scatter chart with reference lines at `x_mark` and `y_mark` (for example 100% of capacity
/// and the score of a B).
pub fn scatter_chart(
    label: &str,
    x_label: &str,
    y_label: &str,
    points: &[ScatterPoint],
    x_mark: f64,
    y_mark: f64,
) -> Markup {
    if points.is_empty() {
        return empty();
    }
    let max_x = nice_max(points.iter().map(|p| p.x).fold(x_mark, f64::max));
    let max_y = nice_max(points.iter().map(|p| p.y).fold(y_mark, f64::max));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| LEFT + plot_w * v / max_x;
    let y = |v: f64| TOP + plot_h * (1.0 - v / max_y);
    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for f in [0.0, 0.25, 0.5, 0.75, 1.0] {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(f * max_y)) y2=(y(f * max_y)) class="grid" {}
                    text x=(LEFT - 6.0) y=(y(f * max_y) + 4.0) text-anchor="end" class="axis" { (format_number(f * max_y)) }
                    text x=(x(f * max_x)) y=(HEIGHT - 22.0) text-anchor="middle" class="axis" { (format_number(f * max_x)) }
                }
                line x1=(x(x_mark)) x2=(x(x_mark)) y1=(TOP) y2=(TOP + plot_h) class="target" {}
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(y_mark)) y2=(y(y_mark)) class="target" {}
                text x=(LEFT + plot_w / 2.0) y=(HEIGHT - 4.0) text-anchor="middle" class="axis" { (x_label) }
                text x="12" y=(TOP + plot_h / 2.0) text-anchor="middle" class="axis" transform={ "rotate(-90 12 " (TOP + plot_h / 2.0) ")" } { (y_label) }
                @for p in points {
                    a href=(p.href) { circle cx=(format!("{:.1}", x(p.x))) cy=(format!("{:.1}", y(p.y))) r="5" class={ "campus " (p.class) } { title { (p.label) } } }
                }
            }
        }
    }
}

/// A shape on a map: a GeoJSON `Polygon` or `MultiPolygon` geometry and its label.
pub struct MapShape<'a> {
    /// Label shown at the shape's middle and read by screen readers.
    pub label: &'a str,
    /// CSS class: `area`, or a shade such as `gap-3` on a choropleth.
    pub class: &'a str,
    /// GeoJSON geometry, lon/lat.
    pub geometry: &'a serde_json::Value,
}

/// A point on a map: a campus, linked to its profile and coloured by its tier.
pub struct MapPoint<'a> {
    /// Longitude.
    pub longitude: f64,
    /// Latitude.
    pub latitude: f64,
    /// What the point is, for its tooltip and screen readers.
    pub label: String,
    /// CSS class (the tier code).
    pub class: &'a str,
    /// Where the point links.
    pub href: String,
}

fn rings(geometry: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        Some("MultiPolygon") => geometry["coordinates"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    polygons
        .into_iter()
        .filter_map(|polygon| polygon.as_array())
        .flatten()
        .filter_map(|ring| ring.as_array())
        .map(|ring| {
            ring.iter()
                .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect()
        })
        .collect()
}

/// A map of shapes (planning areas or a district boundary) with campus points, projected
/// equirectangularly around the middle latitude, which is exact enough at a district's scale.
pub fn area_map(label: &str, shapes: &[MapShape], points: &[MapPoint]) -> Markup {
    let shape_rings: Vec<Vec<Vec<(f64, f64)>>> = shapes.iter().map(|s| rings(s.geometry)).collect();
    let all: Vec<(f64, f64)> = shape_rings
        .iter()
        .flatten()
        .flatten()
        .copied()
        .chain(points.iter().map(|p| (p.longitude, p.latitude)))
        .collect();
    if all.is_empty() {
        return empty();
    }
    let (min_x, max_x) = all.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (x, _)| {
        (lo.min(*x), hi.max(*x))
    });
    let (min_y, max_y) = all.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (_, y)| {
        (lo.min(*y), hi.max(*y))
    });
    let shrink = ((min_y + max_y) / 2.0).to_radians().cos();
    let span_x = ((max_x - min_x) * shrink).max(1e-9);
    let span_y = (max_y - min_y).max(1e-9);
    let margin = 12.0;
    let scale = (WIDTH - 2.0 * margin) / span_x;
    let height = (span_y * scale + 2.0 * margin).min(900.0);
    let scale = scale.min((height - 2.0 * margin) / span_y);
    let project = |(x, y): (f64, f64)| {
        (
            margin + (x - min_x) * shrink * scale,
            margin + (max_y - y) * scale,
        )
    };

    let path = |rings: &[Vec<(f64, f64)>]| {
        rings
            .iter()
            .filter(|r| r.len() > 2)
            .map(|ring| {
                let mut d = String::new();
                for (i, point) in ring.iter().enumerate() {
                    let (px, py) = project(*point);
                    d.push_str(&format!(
                        "{}{px:.1},{py:.1} ",
                        if i == 0 { "M" } else { "L" }
                    ));
                }
                d.push('Z');
                d
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let middle = |rings: &[Vec<(f64, f64)>]| {
        let outer = rings.first()?;
        let n = outer.len() as f64;
        let (sx, sy) = outer
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        Some(project((sx / n, sy / n)))
    };

    html! {
        figure class="chart map" {
            svg viewBox={ "0 0 " (WIDTH) " " (format!("{height:.0}")) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for (shape, rings) in shapes.iter().zip(&shape_rings) {
                    path d=(path(rings)) class=(shape.class) fill-rule="evenodd" { title { (shape.label) } }
                }
                @for (shape, rings) in shapes.iter().zip(&shape_rings) {
                    @if let (Some((x, y)), true) = (middle(rings), shapes.len() > 1) {
                        text x=(format!("{x:.1}")) y=(format!("{y:.1}")) text-anchor="middle" class="area-label" { (shape.label) }
                    }
                }
                @for point in points {
                    @let (x, y) = project((point.longitude, point.latitude));
                    a href=(point.href) {
                        circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="5" class={ "campus " (point.class) } { title { (point.label) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_maximum() {
        let cases = [
            (0.0, 1.0),
            (7.0, 10.0),
            (42_000.0, 50_000.0),
            (1_800.0, 2_000.0),
            (230.0, 250.0),
        ];
        for (value, expected) in cases {
            assert_eq!(nice_max(value), expected, "{value}");
        }
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(format_number(45_210.0), "45,210");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(62.57), "62.6");
    }

    #[test]
    fn missing_years_break_the_line() {
        let points = vec![
            ("2019".to_string(), Some(10.0)),
            ("2020".to_string(), Some(12.0)),
            ("2021".to_string(), None),
            ("2022".to_string(), Some(11.0)),
            ("2023".to_string(), Some(13.0)),
        ];
        let svg = line_chart("Enrollment", &points, "").into_string();
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("aria-label=\"Enrollment\""));
    }

    #[test]
    fn the_map_draws_every_area_and_links_every_campus() {
        let square = |x: f64| serde_json::json!({"type": "Polygon", "coordinates": [[[x, 29.0], [x + 1.0, 29.0], [x + 1.0, 30.0], [x, 30.0], [x, 29.0]]]});
        let (west, east) = (square(-99.0), square(-98.0));
        let shapes = [
            MapShape {
                label: "West",
                class: "area",
                geometry: &west,
            },
            MapShape {
                label: "East",
                class: "gap-4",
                geometry: &east,
            },
        ];
        let points = [MapPoint {
            longitude: -98.5,
            latitude: 29.5,
            label: "Alamo El".into(),
            class: "quality",
            href: "/d/1/campuses/2".into(),
        }];
        let svg = area_map("Map", &shapes, &points).into_string();
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains(">West<") && svg.contains(">East<"));
        assert!(
            svg.contains("class=\"gap-4\""),
            "choropleth shades reach the SVG"
        );
        assert!(
            svg.contains("href=\"/d/1/campuses/2\"") && svg.contains("class=\"campus quality\"")
        );
        assert_eq!(area_map("Map", &[], &[]).into_string(), "");
    }
}
