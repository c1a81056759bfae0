//! Lever 1 screens: the North Star against the goal, the Quality Seats Analysis with its
//! choropleth and traceable supply, enrollment projections with back-tests, and their CSVs.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use sgs_analysis::projection::{backtest, forecast, Average, Series, Settings};
use sgs_analysis::seat_gaps::{SeatGapReport, SeatGapSettings};
use sgs_analysis::triggers::{triggers, Intervention};
use sgs_analysis::utilization::{utilization, UtilizationFlag};
use sgs_analysis::{north_star, seat_gaps, Attribution, Framework, Goal, NorthStarYear};
use sgs_domain::summary::Tier;
use sgs_domain::{Campus, CampusId, CampusStatus, Role, SchoolYear, StudentGroup};

use crate::auth::Viewer;
use crate::charts::{
    area_map, format_number, scatter_chart, series_chart, stacked_bars, MapPoint, MapShape,
    ScatterPoint as MapPointScatter, Series as Line, StackedRow,
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::page;
use crate::pages::{csv_field, csv_response, district_ctx, group_label, tier_label};
use crate::AppState;

type PageResult = Result<Response, AppError>;

/// Everything the Lever 1 analyses read, loaded once per request.
pub struct DistrictData {
    /// Campuses.
    pub campuses: Vec<Campus>,
    /// Yearly facts.
    pub years: BTreeMap<(CampusId, SchoolYear), sgs_domain::CampusYear>,
    /// Planning areas.
    pub areas: Vec<sgs_domain::PlanningArea>,
    /// Resident counts.
    pub residents: Vec<sgs_domain::ResidentCount>,
    /// Grade bands.
    pub bands: Vec<sgs_domain::GradeBand>,
    /// The North Star goal, if set.
    pub goal: Option<Goal>,
    /// The district's definition of great (TEA A–F unless the district set its own).
    pub framework: Framework,
    /// Attendance zones by campus.
    pub zones: BTreeMap<CampusId, serde_json::Value>,
    /// Births by calendar year, for the district's kindergarten projection.
    pub births: BTreeMap<u16, f64>,
}

/// Loads a district's data for the analyses.
pub async fn load(
    store: &sgs_store::Store,
    district: &str,
) -> Result<DistrictData, sgs_store::StoreError> {
    Ok(DistrictData {
        campuses: store.campuses(district).await?,
        years: store.campus_years(district, None).await?,
        areas: store.planning_areas(district).await?,
        residents: store.resident_counts(district).await?,
        bands: store.grade_bands(district).await?,
        goal: store
            .north_star_goal(district)
            .await?
            .map(|(target_percent, target_year)| Goal {
                target_percent,
                target_year,
            }),
        framework: store
            .performance_framework(district)
            .await?
            .and_then(|json| serde_json::from_value(json).ok())
            .unwrap_or_default(),
        zones: store.attendance_zones(district).await?,
        births: store
            .births(district)
            .await?
            .into_iter()
            .map(|(year, births)| (year, f64::from(births)))
            .collect(),
    })
}

/// Seat-gap settings from the page's query: `within` miles, or located in the area.
#[derive(Debug, Default, Deserialize)]
pub struct GapQuery {
    /// Miles within which a campus's seats count for an area; none means located in it.
    pub within: Option<f64>,
    /// `zone`: a campus's seats count for the areas its attendance zone covers.
    pub by: Option<String>,
}

impl GapQuery {
    fn settings(&self, zones: &BTreeMap<CampusId, serde_json::Value>) -> SeatGapSettings {
        let attribution = if self.by.as_deref() == Some("zone") {
            Attribution::AttendanceZone
        } else {
            match self.within.filter(|m| *m > 0.0) {
                Some(miles) => Attribution::WithinMiles(miles.min(50.0)),
                None => Attribution::LocatedIn,
            }
        };
        SeatGapSettings {
            attribution,
            zones: zones.clone(),
            ..Default::default()
        }
    }

    /// The query string that repeats these settings on links.
    fn link(&self) -> String {
        match (self.by.as_deref(), self.within) {
            (Some("zone"), _) => "?by=zone".into(),
            (_, Some(w)) => format!("?within={w}"),
            _ => String::new(),
        }
    }
}

/// The seat gaps for the page's settings.
pub fn qsa(data: &DistrictData, query: &GapQuery) -> SeatGapReport {
    seat_gaps(
        &data.campuses,
        &data.years,
        &data.areas,
        &data.residents,
        &data.bands,
        &data.framework,
        &query.settings(&data.zones),
    )
}

fn percent(value: Option<f64>) -> String {
    value
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "–".into())
}

fn north_star_section(
    data: &DistrictData,
    years: &[NorthStarYear],
    lang: Lang,
    district: &str,
) -> Markup {
    let t = |k| lang.t(k);
    let labels: Vec<String> = years
        .iter()
        .map(|y| y.school_year.end().to_string())
        .collect();
    let mut lines = vec![Line {
        name: t("lever1.actual").into(),
        class: "series",
        values: years.iter().map(|y| y.quality_percent).collect(),
    }];
    if data.goal.is_some() {
        lines.push(Line {
            name: t("lever1.goal_line").into(),
            class: "target",
            values: years.iter().map(|y| y.expected_percent).collect(),
        });
    }
    let groups: Vec<StudentGroup> = StudentGroup::all()
        .into_iter()
        .filter(|g| years.iter().any(|y| y.by_group.contains_key(g)))
        .collect();
    html! {
        p { (t("lever1.intro")) }
        @if let Some(goal) = &data.goal {
            p { strong { (t("lever1.goal")) ": " } (format!("{:.0}%", goal.target_percent)) " · " (goal.target_year) }
        }
        (series_chart(t("lever1.title"), &labels, &lines, None, "%"))
        div class="table-wrap" { table {
            thead { tr {
                th scope="col" { (t("campus.year")) }
                @for tier in Tier::all() { th scope="col" class="num" { (tier_label(tier, lang)) } }
                th scope="col" class="num" { (t("lever1.share")) }
                th scope="col" class="num" { (t("lever1.school_share")) }
                @if data.goal.is_some() { th scope="col" class="num" { (t("lever1.expected")) } th scope="col" { (t("lever1.on_track")) } }
                th scope="col" { (t("lever1.method")) }
            } }
            tbody { @for y in years { tr {
                th scope="row" { (y.school_year) }
                @for tier in Tier::all() { td class="num" { (format_number(f64::from(y.students_by_tier.get(&tier).copied().unwrap_or(0)))) } }
                td class="num" { @match y.quality_percent { Some(p) => (format!("{p:.1}%")), None => span class="muted" { (t("lever1.no_ratings")) } } }
                td class="num" { (percent(y.quality_campus_percent)) }
                @if data.goal.is_some() {
                    td class="num" { (percent(y.expected_percent)) }
                    td { @match y.on_track { Some(true) => (t("lever1.yes")), Some(false) => strong { (t("lever1.no")) }, None => "–" } }
                }
                td { (y.rating_method) }
            } } }
        } }
        (download_links(lang, district, "north-star", ""))
        @if !groups.is_empty() {
            h2 { (t("lever1.by_group")) }
            div class="table-wrap" { table {
                thead { tr { th scope="col" { (t("campus.group")) } @for y in years.iter().filter(|y| y.quality_percent.is_some()) { th scope="col" class="num" { (y.school_year) } } } }
                tbody { @for g in &groups { tr {
                    th scope="row" { (group_label(*g, lang)) }
                    @for y in years.iter().filter(|y| y.quality_percent.is_some()) { td class="num" { (percent(y.by_group.get(g).and_then(|s| s.percent()))) } }
                } } }
            } }
            (download_links(lang, district, "north-star-groups", ""))
        }
        @if !data.areas.is_empty() {
            h2 { (t("lever1.by_area")) }
            div class="table-wrap" { table {
                thead { tr { th scope="col" { (t("campuses.area")) } @for y in years.iter().filter(|y| y.quality_percent.is_some()) { th scope="col" class="num" { (y.school_year) } } } }
                tbody { @for area in &data.areas { tr {
                    th scope="row" { (area.name) }
                    @for y in years.iter().filter(|y| y.quality_percent.is_some()) { td class="num" { (percent(y.by_area.get(&area.id).and_then(|s| s.percent()))) } }
                } } }
            } }
            (download_links(lang, district, "north-star-areas", ""))
        }
    }
}

/// Rows of fields as CSV under a header, each field escaped.
pub fn csv_table(header: &str, rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = format!("{header}\n");
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Students and schools in each tier of the district's definition of great, per year, as two
/// distributions side by side with the counts in a table.
fn tier_section(years: &[NorthStarYear], lang: Lang, district: &str) -> Markup {
    let t = |k| lang.t(k);
    let rows = |students: bool| -> Vec<StackedRow<'static>> {
        years
            .iter()
            .map(|y| {
                let parts = Tier::all()
                    .into_iter()
                    .map(|tier| {
                        let n = if students {
                            f64::from(y.students_by_tier.get(&tier).copied().unwrap_or(0))
                        } else {
                            y.campuses_by_tier.get(&tier).copied().unwrap_or(0) as f64
                        };
                        (n, tier.code(), tier_label(tier, lang).to_string())
                    })
                    .collect();
                (y.school_year.to_string(), parts)
            })
            .collect()
    };
    html! {
        h2 id="tiers" { (t("tiers.title")) }
        p { (t("tiers.intro")) }
        ul class="legend" { @for tier in Tier::all() { li { span class={ "swatch-box " (tier.code()) } aria-hidden="true" {} (tier_label(tier, lang)) } } }
        div class="two-charts" {
            div { h3 { (t("tiers.students")) } (stacked_bars(t("tiers.students"), &rows(true))) }
            div { h3 { (t("tiers.schools")) } (stacked_bars(t("tiers.schools"), &rows(false))) }
        }
        details {
            summary { (t("table.show")) }
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (t("campus.year")) }
                    @for tier in Tier::all() { th scope="col" class="num" { (tier_label(tier, lang)) } }
                } }
                tbody { @for y in years { tr {
                    th scope="row" { (y.school_year) }
                    @for tier in Tier::all() { td class="num" { (y.campuses_by_tier.get(&tier).copied().unwrap_or(0)) } }
                } } }
            } }
        }
        (download_links(lang, district, "tiers", ""))
    }
}

/// "Download CSV · Download XLSX" for one of [`Table`]'s files, keeping the page's settings.
pub(crate) fn download_links(lang: Lang, district: &str, stem: &str, query: &str) -> Markup {
    html! {
        p class="downloads" {
            a href={ "/d/" (district) "/downloads/" (stem) ".csv" (query) } { (lang.t("campus.download_csv")) }
            " · " a href={ "/d/" (district) "/downloads/" (stem) ".xlsx" (query) } { (lang.t("download.xlsx")) }
        }
    }
}

fn seat_gap_section(
    data: &DistrictData,
    report: &SeatGapReport,
    query: &GapQuery,
    lang: Lang,
    district: &str,
) -> Markup {
    let t = |k| lang.t(k);
    let Some(latest) = report.years.last().copied() else {
        return html! { h2 id="qsa" { (t("qsa.title")) } p { (t("qsa.missing")) } };
    };
    // Shade each area by its latest total gap: five steps from surplus to the largest gap.
    let max_gap = report
        .areas
        .iter()
        .map(|a| a.latest_gap)
        .fold(0.0, f64::max);
    let shade = |gap: f64| -> &'static str {
        if gap <= 0.0 || max_gap <= 0.0 {
            "gap-0"
        } else {
            ["gap-1", "gap-2", "gap-3", "gap-4"]
                [(((gap / max_gap) * 4.0).ceil() as usize).clamp(1, 4) - 1]
        }
    };
    let gap_of: BTreeMap<&str, f64> = report
        .areas
        .iter()
        .map(|a| (a.area_id.as_str(), a.latest_gap))
        .collect();
    let labels: Vec<String> = data
        .areas
        .iter()
        .map(|a| {
            format!(
                "{}: {}",
                a.name,
                format_number(gap_of.get(a.id.as_str()).copied().unwrap_or(0.0).round())
            )
        })
        .collect();
    let shapes: Vec<MapShape> = data
        .areas
        .iter()
        .zip(&labels)
        .map(|(a, label)| MapShape {
            label,
            class: shade(gap_of.get(a.id.as_str()).copied().unwrap_or(0.0)),
            geometry: &a.geometry,
        })
        .collect();
    let tier_now = |c: &Campus| {
        data.years
            .get(&(c.id.clone(), latest))
            .map(|f| data.framework.tier(f))
            .unwrap_or(Tier::Unknown)
    };
    let points: Vec<MapPoint> = data
        .campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .filter_map(|c| {
            let tier = tier_now(c);
            Some(MapPoint {
                longitude: c.longitude?,
                latitude: c.latitude?,
                label: format!("{} · {}", c.name, tier_label(tier, lang)),
                class: tier.code(),
                href: format!("/d/{district}/campuses/{}", c.id),
            })
        })
        .collect();
    let area_name: BTreeMap<&str, &str> = data
        .areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    html! {
        h2 id="qsa" { (t("qsa.title")) " · " (latest) }
        p { (t("qsa.intro")) }
        form method="get" action={ "/d/" (district) "/goals" } class="filters" {
            div {
                label for="by" { (t("qsa.by")) }
                select id="by" name="by" {
                    option value="" { (t("qsa.by_location")) }
                    option value="zone" selected[query.by.as_deref() == Some("zone")] disabled[data.zones.is_empty()] { (t("qsa.by_zone")) }
                }
            }
            div { label for="within" { (t("qsa.within")) } input id="within" name="within" type="number" min="0" max="50" step="0.5" inputmode="decimal" value=(query.within.map(|w| w.to_string()).unwrap_or_default()); }
            div { button type="submit" { (t("qsa.apply")) } }
        }
        (area_map(&format!("{} {}", t("qsa.map"), latest), &shapes, &points))
        ul class="legend" {
            li { span class="swatch-box gap-0" aria-hidden="true" {} (t("qsa.surplus")) }
            li { span class="swatch-box gap-4" aria-hidden="true" {} (t("qsa.largest")) }
        }
        h3 { (t("qsa.priorities")) }
        div class="table-wrap" { table {
            thead { tr { th scope="col" { (t("campuses.area")) } th scope="col" class="num" { (t("qsa.mean_rank")) } th scope="col" class="num" { (t("qsa.gap")) " " (latest) } th scope="col" { (t("qsa.priority")) } } }
            tbody { @for a in &report.areas { tr {
                th scope="row" { a href={ "/d/" (district) "/goals/areas/" (a.area_id) (query.link()) } { (a.name) } }
                td class="num" { (format!("{:.2}", a.mean_rank)) }
                td class="num" { (format_number(a.latest_gap.round())) }
                td { @if a.priority { span class="priority" { (t("qsa.priority_yes")) } } }
            } } }
        } }
        details {
            summary { (t("qsa.by_band")) " · " (latest) }
            div class="table-wrap" { table {
                thead { tr { th scope="col" { (t("campuses.area")) } th scope="col" { (t("overview.band")) } th scope="col" class="num" { (t("qsa.demand")) } th scope="col" class="num" { (t("qsa.supply")) } th scope="col" class="num" { (t("qsa.gap")) } th scope="col" class="num" { (t("qsa.service")) } th scope="col" class="num" { (t("qsa.rank")) } } }
                tbody { @for r in report.rows.iter().filter(|r| r.school_year == latest) { tr {
                    th scope="row" { (area_name.get(r.area_id.as_str()).copied().unwrap_or(&r.area_id)) }
                    td { (r.band) }
                    td class="num" { (format_number(f64::from(r.demand))) }
                    td class="num" { (format_number(r.supply.round())) }
                    td class="num" { (format_number(r.gap.round())) }
                    td class="num" { (percent(r.service_level.map(|s| s * 100.0))) }
                    td class="num" { (r.rank) }
                } } }
            } }
        }
        (download_links(lang, district, "seat-gaps", &query.link()))
    }
}

/// One campus on the quality-against-utilization chart: utilization in percent, overall score
/// and tier, from its latest year with a score, a capacity and enrollment.
pub struct QualityUtilization<'a> {
    /// The campus.
    pub campus: &'a Campus,
    /// The year the values come from.
    pub school_year: SchoolYear,
    /// Enrollment ÷ capacity, in percent.
    pub utilization_percent: f64,
    /// TEA overall scaled score.
    pub score: u8,
    /// Tier under the district's definition of great.
    pub tier: Tier,
}

/// Every open campus with a score, a capacity and enrollment in some year.
pub fn quality_utilization_rows(data: &DistrictData) -> Vec<QualityUtilization<'_>> {
    let mut rows = Vec::new();
    for campus in data
        .campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
    {
        let latest = data.years.iter().rev().find(|((id, _), f)| {
            id == &campus.id
                && f.overall_score.is_some()
                && f.capacity.is_some()
                && f.total_enrollment().is_some()
        });
        if let Some(((_, year), f)) = latest {
            if let Some((ratio, _)) =
                utilization(f64::from(f.total_enrollment().unwrap_or(0)), f.capacity)
            {
                rows.push(QualityUtilization {
                    campus,
                    school_year: *year,
                    utilization_percent: ratio * 100.0,
                    score: f.overall_score.unwrap_or(0),
                    tier: data.framework.tier(f),
                });
            }
        }
    }
    rows
}

/// The quality-against-utilization scatter with its table.
fn quality_utilization(data: &DistrictData, lang: Lang, district: &str) -> Markup {
    let t = |k| lang.t(k);
    let rows = quality_utilization_rows(data);
    if rows.is_empty() {
        return html! {};
    }
    let points: Vec<MapPointScatter> = rows
        .iter()
        .map(|r| MapPointScatter {
            x: r.utilization_percent,
            y: f64::from(r.score),
            label: format!(
                "{}: {:.0}% · {}",
                r.campus.name, r.utilization_percent, r.score
            ),
            class: r.tier.code(),
            href: format!("/d/{district}/campuses/{}", r.campus.id),
        })
        .collect();
    html! {
        h2 id="quality-utilization" { (t("qsa.quality_utilization")) }
        p { (t("qsa.quality_utilization_intro")) }
        (scatter_chart(t("qsa.quality_utilization"), t("projection.utilization"), t("campus.score"), &points, 100.0, 80.0))
        details {
            summary { (t("table.show")) }
            table {
                thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" class="num" { (t("projection.utilization")) } th scope="col" class="num" { (t("campus.score")) } } }
                tbody { @for r in &rows { tr { th scope="row" { (r.campus.name) } td class="num" { (format!("{:.0}%", r.utilization_percent)) } td class="num" { (r.score) } } } }
            }
        }
        (download_links(lang, district, "quality-utilization", ""))
    }
}

/// `GET /d/{district}/goals`: the North Star and the Quality Seats Analysis.
pub async fn goals(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(query): Query<GapQuery>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let data = load(&state.store, &district).await?;
    let years = north_star(
        &data.campuses,
        &data.years,
        &data.framework,
        data.goal.as_ref(),
    );
    let report = qsa(&data, &query);
    let lang = viewer.lang;
    let t = |k| lang.t(k);

    let body = html! {
        (north_star_section(&data, &years, lang, &district))
        (tier_section(&years, lang, &district))
        @if viewer.may(&district, Role::can_edit_data) {
            details {
                summary { (t("lever1.set_goal")) }
                form method="post" action={ "/d/" (district) "/goals/goal" } class="filters" {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    div { label for="target_percent" { (t("lever1.goal_percent")) } input id="target_percent" name="target_percent" type="number" min="1" max="100" step="1" required value=(data.goal.as_ref().map(|g| g.target_percent.to_string()).unwrap_or_else(|| "80".into())); }
                    div { label for="target_year" { (t("lever1.goal_year")) } input id="target_year" name="target_year" required placeholder="2027-2028" value=(data.goal.as_ref().map(|g| g.target_year.to_string()).unwrap_or_default()); }
                    div { button type="submit" { (t("campus.save")) } }
                }
            }
        }
        (framework_section(&data, &viewer, &district))
        (seat_gap_section(&data, &report, &query, lang, &district))
        (quality_utilization(&data, lang, &district))
        p {
            a href={ "/d/" (district) "/projections" } { (t("projection.title")) }
            @if viewer.may(&district, Role::can_view_staff_pages) {
                " · " a href={ "/d/" (district) "/scenarios" } { (t("scenario.title")) }
                " · " a href={ "/d/" (district) "/plan" } { (t("plan.title")) }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("lever1.title"), body).into_response())
}

/// `GET /d/{district}/goals/areas/{area}`: one area's demand, supply and the campuses behind it.
pub async fn area_detail(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, area_id)): Path<(String, String)>,
    Query(query): Query<GapQuery>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let data = load(&state.store, &district).await?;
    let area = data
        .areas
        .iter()
        .find(|a| a.id == area_id)
        .ok_or(AppError::NotFound)?;
    let report = qsa(&data, &query);
    let names: BTreeMap<&CampusId, &str> = data
        .campuses
        .iter()
        .map(|c| (&c.id, c.name.as_str()))
        .collect();
    let t = |k| viewer.lang.t(k);
    let ranking = report.areas.iter().find(|a| a.area_id == area_id);
    let body = html! {
        @if let Some(r) = ranking {
            p { (t("qsa.mean_rank")) ": " (format!("{:.2}", r.mean_rank)) @if r.priority { " · " span class="priority" { (t("qsa.priority_yes")) } } }
        }
        h2 { (t("qsa.located")) }
        ul class="located" { @for c in data.campuses.iter().filter(|c| c.status == CampusStatus::Open && c.planning_area_id.as_deref() == Some(area.id.as_str())) {
            li { a href={ "/d/" (district) "/campuses/" (c.id) } { (c.name) } " · " (tier_label(latest_tier(&data, &c.id), viewer.lang)) }
        } }
        @for r in report.rows.iter().filter(|r| r.area_id == area_id).rev() {
            section {
                h2 { (r.school_year) " · " (r.band) }
                p { (t("qsa.demand")) " " (format_number(f64::from(r.demand))) " · " (t("qsa.supply")) " " (format_number(r.supply.round())) " · " (t("qsa.gap")) " " (format_number(r.gap.round())) " · " (t("qsa.service")) " " (percent(r.service_level.map(|s| s * 100.0))) }
                @if r.campuses.is_empty() { p { (t("qsa.no_supply")) } } @else {
                    table {
                        thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" class="num" { (t("qsa.seats")) } } }
                        tbody { @for (id, seats) in &r.campuses { tr {
                            th scope="row" { a href={ "/d/" (district) "/campuses/" (id) } { (names.get(id).copied().unwrap_or(id.as_str())) } }
                            td class="num" { (format_number(seats.round())) }
                        } } }
                    }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        Some(&ctx),
        &format!("{} · {}", t("qsa.title"), area.name),
        body,
    )
    .into_response())
}

/// A campus's tier in its latest year with a rating of any kind.
fn latest_tier(data: &DistrictData, campus: &CampusId) -> Tier {
    data.years
        .iter()
        .rev()
        .find(|((id, _), f)| id == campus && f.rating.is_some())
        .map(|(_, f)| data.framework.tier(f))
        .unwrap_or(Tier::Unknown)
}

/// The district's definition of great: its versions, and for editors a form to add one.
fn framework_section(data: &DistrictData, viewer: &Viewer, district: &str) -> Markup {
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let versions: Vec<(Option<SchoolYear>, &Framework)> = match &data.framework {
        Framework::ByYear(versions) => versions.iter().map(|(y, f)| (Some(*y), f)).collect(),
        other => vec![(None, other)],
    };
    let describe = |f: &Framework| {
        match f {
        Framework::WeightedDomains { achievement, progress, closing_gaps, quality_at, mixed_at } => format!(
            "{}: {achievement} × {} + {progress} × {} + {closing_gaps} × {}; {} ≥ {quality_at}, C ≥ {mixed_at}",
            t("framework.local"), t("framework.achievement"), t("framework.progress"), t("framework.closing_gaps"), tier_label(Tier::Quality, lang)
        ),
        _ => t("framework.tea").to_string(),
    }
    };
    html! {
        details {
            summary { (t("framework.title")) }
            ul { @for (from, f) in &versions { li { @if let Some(y) = from { (t("framework.from")) " " (y) ": " } (describe(f)) } } }
            p class="muted" { (t("framework.comparable")) }
            @if viewer.may(district, Role::can_edit_data) {
                form method="post" action={ "/d/" (district) "/goals/framework" } class="filters" {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    div { label for="from_year" { (t("framework.from")) } input id="from_year" name="from_year" required placeholder="2022-2023"; }
                    div { label for="kind" { (t("framework.kind")) } select id="kind" name="kind" { option value="tea" { (t("framework.tea")) } option value="local" { (t("framework.local")) } } }
                    div { label for="achievement" { (t("framework.achievement")) } input id="achievement" name="achievement" type="number" min="0" max="1" step="0.05" value="0.5"; }
                    div { label for="progress" { (t("framework.progress")) } input id="progress" name="progress" type="number" min="0" max="1" step="0.05" value="0.3"; }
                    div { label for="closing_gaps" { (t("framework.closing_gaps")) } input id="closing_gaps" name="closing_gaps" type="number" min="0" max="1" step="0.05" value="0.2"; }
                    div { label for="quality_at" { (t("framework.quality_at")) } input id="quality_at" name="quality_at" type="number" min="0" max="100" value="80"; }
                    div { label for="mixed_at" { (t("framework.mixed_at")) } input id="mixed_at" name="mixed_at" type="number" min="0" max="100" value="70"; }
                    div { button type="submit" { (t("campus.save")) } }
                }
            }
        }
    }
}

/// The framework form.
#[derive(Deserialize)]
pub struct FrameworkForm {
    csrf: Option<String>,
    from_year: String,
    kind: String,
    achievement: Option<f64>,
    progress: Option<f64>,
    closing_gaps: Option<f64>,
    quality_at: Option<f64>,
    mixed_at: Option<f64>,
}

/// `POST /d/{district}/goals/framework`: adds (or replaces) the definition in force from a year.
pub async fn set_framework(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<FrameworkForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let from =
        SchoolYear::parse(&form.from_year).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let definition = match form.kind.as_str() {
        "tea" => Framework::TeaAtoF,
        "local" => {
            let weight = |name: &str, w: Option<f64>| {
                w.filter(|w| (0.0..=1.0).contains(w)).ok_or_else(|| {
                    AppError::BadRequest(format!("{name} weight is not valid: expected 0 to 1"))
                })
            };
            let (achievement, progress, closing_gaps) = (
                weight("achievement", form.achievement)?,
                weight("progress", form.progress)?,
                weight("closing gaps", form.closing_gaps)?,
            );
            let (quality_at, mixed_at) = (
                form.quality_at.unwrap_or(80.0),
                form.mixed_at.unwrap_or(70.0),
            );
            if achievement + progress + closing_gaps <= 0.0
                || !(0.0..=100.0).contains(&quality_at)
                || mixed_at > quality_at
                || mixed_at < 0.0
            {
                return Err(AppError::BadRequest("local measures are not valid: expected weights that sum above 0 and 0 ≤ mixed cut ≤ quality cut ≤ 100".into()));
            }
            Framework::WeightedDomains {
                achievement,
                progress,
                closing_gaps,
                quality_at,
                mixed_at,
            }
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "kind {other:?} is not valid: expected tea or local"
            )))
        }
    };
    let data = load(&state.store, &district).await?;
    let mut versions = match data.framework {
        Framework::ByYear(versions) => versions,
        Framework::TeaAtoF => Vec::new(),
        single => vec![(SchoolYear::starting(1990), single)],
    };
    versions.retain(|(year, _)| *year != from);
    versions.push((from, definition));
    versions.sort_by_key(|(year, _)| *year);
    let json = serde_json::to_value(Framework::ByYear(versions))
        .map_err(|e| AppError::BadRequest(e.to_string()))?;

    state
        .store
        .set_performance_framework(&district, &json, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/goals")).into_response())
}

/// The goal form.
#[derive(Deserialize)]
pub struct GoalForm {
    csrf: Option<String>,
    target_percent: String,
    target_year: String,
}

/// `POST /d/{district}/goals/goal`: analysts and administrators set the North Star goal.
pub async fn set_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<GoalForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let (percent, year) = checked_goal(&form.target_percent, &form.target_year)?;

    state
        .store
        .set_north_star_goal(&district, percent, year, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/goals")).into_response())
}

/// A North Star goal as typed: a percent from 1 to 100 and a school year.
pub(crate) fn checked_goal(percent: &str, year: &str) -> Result<(f64, SchoolYear), AppError> {
    let value: f64 = percent
        .trim()
        .parse()
        .ok()
        .filter(|p: &f64| (1.0..=100.0).contains(p))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "goal {percent:?} is not valid: expected a percent from 1 to 100"
            ))
        })?;
    let year = SchoolYear::parse(year).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok((value, year))
}

/// A table the Lever 1 screens offer for download, named by its file stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// The North Star by year (`north-star`).
    NorthStar,
    /// Students in quality seats by student group and year (`north-star-groups`).
    NorthStarGroups,
    /// Students in quality seats by planning area and year (`north-star-areas`).
    NorthStarAreas,
    /// Students and schools by tier and year (`tiers`).
    Tiers,
    /// Seat gaps by area, band and year (`seat-gaps`).
    SeatGaps,
    /// Campuses by quality and utilization (`quality-utilization`).
    QualityUtilization,
    /// Campus projections (`projections`).
    Projections,
    /// The district's projection by year with its band (`district-projection`).
    DistrictProjection,
}

impl Table {
    /// Every table.
    pub const ALL: [Table; 8] = [
        Table::NorthStar,
        Table::NorthStarGroups,
        Table::NorthStarAreas,
        Table::Tiers,
        Table::SeatGaps,
        Table::QualityUtilization,
        Table::Projections,
        Table::DistrictProjection,
    ];

    /// The file stem in download addresses.
    pub fn stem(self) -> &'static str {
        match self {
            Table::NorthStar => "north-star",
            Table::NorthStarGroups => "north-star-groups",
            Table::NorthStarAreas => "north-star-areas",
            Table::Tiers => "tiers",
            Table::SeatGaps => "seat-gaps",
            Table::QualityUtilization => "quality-utilization",
            Table::Projections => "projections",
            Table::DistrictProjection => "district-projection",
        }
    }
}

/// A download format.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The settings a download repeats from its page: seat-gap attribution and projection
/// settings.
#[derive(Debug, Default, Deserialize)]
pub struct DownloadQuery {
    within: Option<f64>,
    by: Option<String>,
    horizon: Option<usize>,
    transitions: Option<usize>,
    average: Option<String>,
}

/// The CSV text of one table of a district, under the given settings.
pub fn table_text(
    data: &DistrictData,
    table: Table,
    gaps: &GapQuery,
    projection: &Settings,
) -> String {
    let north_star = || {
        north_star(
            &data.campuses,
            &data.years,
            &data.framework,
            data.goal.as_ref(),
        )
    };
    match table {
        Table::NorthStar => north_star_table(&north_star()),
        Table::NorthStarGroups => share_table("student_group", &north_star(), |y| {
            y.by_group
                .iter()
                .map(|(g, share)| (g.code().to_string(), *share))
                .collect()
        }),
        Table::NorthStarAreas => share_table("planning_area_id", &north_star(), |y| {
            y.by_area
                .iter()
                .map(|(a, share)| (a.clone(), *share))
                .collect()
        }),
        Table::Tiers => tiers_table(&north_star()),
        Table::SeatGaps => seat_gap_table(&qsa(data, gaps)),
        Table::QualityUtilization => csv_table(
            "campus_id,name,school_year,utilization_percent,overall_score,tier",
            quality_utilization_rows(data).into_iter().map(|r| {
                vec![
                    r.campus.id.to_string(),
                    r.campus.name.clone(),
                    r.school_year.to_string(),
                    format!("{:.1}", r.utilization_percent),
                    r.score.to_string(),
                    r.tier.code().to_string(),
                ]
            }),
        ),
        Table::Projections => projection_table(data, projection),
        Table::DistrictProjection => district_projection_table(data, projection),
    }
}

/// `GET /d/{district}/downloads/{file}`: any [`Table`] by its stem, as `.csv` or `.xlsx`, with
/// the page's settings (`within`, `by`, `horizon`, `transitions`, `average`).
pub async fn download_file(
    State(state): State<AppState>,
    Path((district, file)): Path<(String, String)>,
    Query(query): Query<DownloadQuery>,
) -> PageResult {
    let (stem, extension) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let table = Table::ALL
        .into_iter()
        .find(|t| t.stem() == stem)
        .ok_or(AppError::NotFound)?;
    let format = match extension {
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(AppError::NotFound),
    };
    district_ctx(&state, &district).await?;
    let data = load(&state.store, &district).await?;
    let gaps = GapQuery {
        within: query.within,
        by: query.by,
    };
    let projection = ProjectionQuery {
        horizon: query.horizon,
        transitions: query.transitions,
        average: query.average,
    }
    .settings();
    let text = table_text(&data, table, &gaps, &projection);
    let stem = format!("{stem}-{district}");
    match format {
        Format::Csv => Ok(csv_response(&format!("{stem}.csv"), text)),
        Format::Xlsx => crate::xlsx::response(&stem, &text),
    }
}

/// A share of students in quality seats per key (group or area) and year, long format.
fn share_table(
    key: &str,
    years: &[NorthStarYear],
    shares: impl Fn(&NorthStarYear) -> Vec<(String, sgs_analysis::north_star::Share)>,
) -> String {
    let rows = years
        .iter()
        .filter(|y| y.quality_percent.is_some())
        .flat_map(|y| {
            shares(y).into_iter().map(move |(k, share)| {
                vec![
                    y.school_year.to_string(),
                    k,
                    format!("{:.1}", share.students),
                    format!("{:.1}", share.in_quality),
                    share
                        .percent()
                        .map(|p| format!("{p:.3}"))
                        .unwrap_or_default(),
                ]
            })
        });
    csv_table(
        &format!("school_year,{key},students,students_quality,quality_percent"),
        rows,
    )
}

/// Students and campuses per tier and year.
pub fn tiers_table(years: &[NorthStarYear]) -> String {
    let rows = years.iter().flat_map(|y| {
        Tier::all().into_iter().map(move |tier| {
            vec![
                y.school_year.to_string(),
                tier.code().to_string(),
                y.students_by_tier
                    .get(&tier)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
                y.campuses_by_tier
                    .get(&tier)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            ]
        })
    });
    csv_table("school_year,tier,students,campuses", rows)
}

/// The district-wide projection: low, likely and high totals per projected year.
pub fn district_projection_table(data: &DistrictData, settings: &Settings) -> String {
    let header = "school_year,projected_low,projected_likely,projected_high";
    let Some(series) = Series::from_campus_years(&data.years, None).filter(|s| s.years.len() >= 3)
    else {
        return csv_table(header, []);
    };
    let births = (!data.births.is_empty()).then_some(&data.births);
    let projected = forecast(&series, settings, births);
    csv_table(
        header,
        projected.years.iter().enumerate().map(|(i, year)| {
            vec![
                year.to_string(),
                format!("{:.1}", projected.low_total[i]),
                format!("{:.1}", projected.likely_total[i]),
                format!("{:.1}", projected.high_total[i]),
            ]
        }),
    )
}

/// The North Star as CSV: one row per year, students and campuses by tier.
pub fn north_star_table(years: &[NorthStarYear]) -> String {
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    let rows = years.iter().map(|y| {
        let students = |t: Tier| y.students_by_tier.get(&t).copied().unwrap_or(0).to_string();
        let campuses = |t: Tier| y.campuses_by_tier.get(&t).copied().unwrap_or(0).to_string();
        let mut row = vec![
            y.school_year.to_string(),
            y.rating_method.to_string(),
            y.students.to_string(),
        ];
        row.extend(Tier::all().map(students));
        row.extend([y.campuses_by_tier.values().sum::<usize>().to_string()]);
        row.extend(Tier::all().map(campuses));
        row.extend([
            opt(y.quality_percent),
            opt(y.quality_campus_percent),
            opt(y.expected_percent),
            y.on_track.map(|b| b.to_string()).unwrap_or_default(),
        ]);
        row
    });
    csv_table(
        "school_year,rating_method,students,students_quality,students_mixed,students_low,students_not_rated,students_unknown,\
         campuses,campuses_quality,campuses_mixed,campuses_low,campuses_not_rated,campuses_unknown,\
         quality_percent,quality_campus_percent,expected_percent,on_track",
        rows,
    )
}

/// The seat gaps as CSV: one row per area, band and year, with the campuses behind supply.
pub fn seat_gap_table(report: &SeatGapReport) -> String {
    let mut out = String::from("school_year,planning_area_id,grade_band,demand,supply,gap,service_level,rank,supplying_campuses\n");
    for r in &report.rows {
        let campuses = r
            .campuses
            .iter()
            .map(|(id, seats)| format!("{id}:{seats:.1}"))
            .collect::<Vec<_>>()
            .join(" ");
        let fields = [
            r.school_year.to_string(),
            r.area_id.clone(),
            r.band.clone(),
            r.demand.to_string(),
            format!("{:.1}", r.supply),
            format!("{:.1}", r.gap),
            r.service_level
                .map(|s| format!("{s:.4}"))
                .unwrap_or_default(),
            r.rank.to_string(),
            campuses,
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// One campus's projection row.
pub struct CampusProjection<'a> {
    /// The campus.
    pub campus: &'a Campus,
    /// Latest enrollment.
    pub latest: f64,
    /// Projected total in the last horizon year: low, likely, high.
    pub projected: (f64, f64, f64),
    /// Back-test error in percent, holding out two years.
    pub backtest: Option<f64>,
    /// Latest capacity and utilization of the likely projection.
    pub utilization: Option<(f64, UtilizationFlag)>,
}

/// Projections for every open campus with at least three consecutive years.
pub fn campus_projections<'a>(
    data: &'a DistrictData,
    settings: &Settings,
) -> Vec<CampusProjection<'a>> {
    data.campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .filter_map(|campus| {
            let series = Series::from_campus_years(&data.years, Some(&campus.id))?;
            if series.years.len() < 3 {
                return None;
            }
            let projected = forecast(&series, settings, None);
            let last = projected.likely_total.len().checked_sub(1)?;
            let capacity = data
                .years
                .range(
                    (campus.id.clone(), SchoolYear::starting(0))
                        ..=(campus.id.clone(), SchoolYear::starting(u16::MAX - 1)),
                )
                .rev()
                .find_map(|(_, f)| f.capacity);
            Some(CampusProjection {
                campus,
                latest: *series.totals().last()?,
                projected: (
                    projected.low_total[last],
                    projected.likely_total[last],
                    projected.high_total[last],
                ),
                backtest: backtest(&series, settings, 2),
                utilization: utilization(projected.likely_total[last], capacity),
            })
        })
        .collect()
}

fn flag_label(flag: UtilizationFlag, lang: Lang) -> &'static str {
    match flag {
        UtilizationFlag::Over => lang.t("util.over"),
        UtilizationFlag::Near => lang.t("util.near"),
        UtilizationFlag::Under => lang.t("util.under"),
        UtilizationFlag::WithinRange => lang.t("util.ok"),
    }
}

/// Projection settings from the page's query, within sensible bounds.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectionQuery {
    /// Years ahead.
    pub horizon: Option<usize>,
    /// Past transitions averaged.
    pub transitions: Option<usize>,
    /// `mean`, `median` or `recent`.
    pub average: Option<String>,
}

impl ProjectionQuery {
    /// The query string that repeats the page's settings on download links.
    fn link(&self) -> String {
        let s = self.settings();
        let average = match s.average {
            Average::Mean => "mean",
            Average::Median => "median",
            Average::WeightedRecent => "recent",
        };
        format!(
            "?horizon={}&transitions={}&average={average}",
            s.horizon, s.transitions
        )
    }

    /// The projection settings, within sensible bounds.
    pub fn settings(&self) -> Settings {
        let default = Settings::default();
        Settings {
            horizon: self.horizon.unwrap_or(default.horizon).clamp(1, 10),
            transitions: self.transitions.unwrap_or(default.transitions).clamp(1, 10),
            average: match self.average.as_deref() {
                Some("median") => Average::Median,
                Some("recent") => Average::WeightedRecent,
                _ => Average::Mean,
            },
        }
    }
}

/// `GET /d/{district}/projections`: the district fan chart and every campus's projection.
pub async fn projections(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(query): Query<ProjectionQuery>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let data = load(&state.store, &district).await?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let settings = query.settings();
    let controls = html! {
        form method="get" action={ "/d/" (district) "/projections" } class="filters" {
            div { label for="horizon" { (t("projection.horizon")) } input id="horizon" name="horizon" type="number" min="1" max="10" value=(settings.horizon); }
            div { label for="transitions" { (t("projection.transitions")) } input id="transitions" name="transitions" type="number" min="1" max="10" value=(settings.transitions); }
            div {
                label for="average" { (t("projection.average")) }
                select id="average" name="average" {
                    @for (code, key, how) in [("mean", "projection.mean", Average::Mean), ("median", "projection.median", Average::Median), ("recent", "projection.recent", Average::WeightedRecent)] {
                        option value=(code) selected[settings.average == how] { (t(key)) }
                    }
                }
            }
            div { button type="submit" { (t("qsa.apply")) } }
        }
    };
    let body = match Series::from_campus_years(&data.years, None).filter(|s| s.years.len() >= 3) {
        None => html! { p { (t("projection.missing")) } },
        Some(series) => {
            // Kindergarten from births when the district has given them and they reach far
            // enough; otherwise from its own trend.
            let births = (!data.births.is_empty()).then_some(&data.births);
            let from_births = births.is_some_and(|b| {
                sgs_analysis::projection::entry_from_births(&series, b, settings.horizon).is_some()
            });
            let (figure, projected) =
                fan_chart(lang, t("projection.title"), &series, &settings, births);
            let rows = campus_projections(&data, &settings);
            let mape = backtest(&series, &settings, 2);
            html! {
                p { (t("projection.intro")) }
                (controls)
                p id="entry-source" { @if from_births { (t("projection.from_births")) } @else { (t("projection.from_trend")) } }
                (figure)
                p { (t("projection.backtest")) ": " (percent(mape)) }
                div class="table-wrap" { table {
                    thead { tr { th scope="col" { (t("campus.year")) } th scope="col" class="num" { (t("projection.low")) } th scope="col" class="num" { (t("projection.likely")) } th scope="col" class="num" { (t("projection.high")) } } }
                    tbody { @for (i, year) in projected.years.iter().enumerate() { tr {
                        th scope="row" { (year) }
                        td class="num" { (format_number(projected.low_total[i].round())) }
                        td class="num" { (format_number(projected.likely_total[i].round())) }
                        td class="num" { (format_number(projected.high_total[i].round())) }
                    } } }
                } }
                (download_links(lang, &district, "district-projection", &query.link()))
                h2 { (t("projection.campuses")) " · " (projected.years.last().map(|y| y.to_string()).unwrap_or_default()) }
                div class="table-wrap" { table {
                    thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" class="num" { (t("projection.now")) } th scope="col" class="num" { (t("projection.likely")) } th scope="col" class="num wide" { (t("projection.range")) } th scope="col" class="num" { (t("projection.backtest_short")) } th scope="col" { (t("projection.utilization")) } } }
                    tbody { @for r in &rows { tr {
                        th scope="row" { a href={ "/d/" (district) "/campuses/" (r.campus.id) } { (r.campus.name) } }
                        td class="num" { (format_number(r.latest.round())) }
                        td class="num" { (format_number(r.projected.1.round())) }
                        td class="num wide" { (format_number(r.projected.0.round())) "–" (format_number(r.projected.2.round())) }
                        td class="num" { (percent(r.backtest)) }
                        td { @if let Some((ratio, flag)) = r.utilization { (format!("{:.0}%", ratio * 100.0)) " " (flag_label(flag, lang)) } @else { "–" } }
                    } } }
                } }
                (download_links(lang, &district, "projections", &query.link()))
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("projection.title"), body).into_response())
}

/// The fan chart of one enrollment history and its projection: the actual totals, the likely
/// line from the last actual year, and the low–high band.
pub(crate) fn fan_chart(
    lang: Lang,
    title: &str,
    series: &Series,
    settings: &Settings,
    births: Option<&BTreeMap<u16, f64>>,
) -> (Markup, sgs_analysis::projection::Forecast) {
    let t = |k| lang.t(k);
    let projected = forecast(series, settings, births);
    let history = series.totals();
    let labels: Vec<String> = series
        .years
        .iter()
        .chain(&projected.years)
        .map(|y| y.end().to_string())
        .collect();
    let n = history.len();
    let pad = |values: &[f64], before: usize| -> Vec<Option<f64>> {
        std::iter::repeat_n(None, before)
            .chain(values.iter().map(|v| Some(*v)))
            .collect()
    };
    // The projection starts from the last actual year so the lines join.
    let joined = |values: &[f64]| -> Vec<Option<f64>> {
        let mut v = pad(&[history[n - 1]], n - 1);
        v.extend(values.iter().map(|x| Some(*x)));
        v
    };
    let lines = [
        Line {
            name: t("projection.actual").into(),
            class: "series",
            values: pad(&history, 0),
        },
        Line {
            name: t("projection.likely").into(),
            class: "projection",
            values: joined(&projected.likely_total),
        },
    ];
    let (low, high) = (joined(&projected.low_total), joined(&projected.high_total));
    let figure = series_chart(title, &labels, &lines, Some((&low, &high)), "");
    (figure, projected)
}

/// Campus projections as CSV.
pub fn projection_table(data: &DistrictData, settings: &Settings) -> String {
    let mut out = String::from("campus_id,name,latest_enrollment,projected_low,projected_likely,projected_high,horizon_years,backtest_mape_percent,utilization,utilization_flag\n");
    for r in campus_projections(data, settings) {
        let fields = [
            r.campus.id.to_string(),
            r.campus.name.clone(),
            format!("{:.0}", r.latest),
            format!("{:.1}", r.projected.0),
            format!("{:.1}", r.projected.1),
            format!("{:.1}", r.projected.2),
            settings.horizon.to_string(),
            r.backtest.map(|m| format!("{m:.2}")).unwrap_or_default(),
            r.utilization
                .map(|(u, _)| format!("{u:.3}"))
                .unwrap_or_default(),
            r.utilization
                .map(|(_, f)| format!("{f:?}").to_lowercase())
                .unwrap_or_default(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Every campus's Texas accountability standing as CSV: consecutive unacceptable rated years,
/// the years in the chain, the intervention they require and any SB 1882 exemption window.
pub fn trigger_table(data: &DistrictData) -> String {
    let names: BTreeMap<&CampusId, &str> = data
        .campuses
        .iter()
        .map(|c| (&c.id, c.name.as_str()))
        .collect();
    let rows = triggers(&data.campuses, &data.years).into_iter().map(|s| {
        vec![
            s.campus_id.to_string(),
            names
                .get(&s.campus_id)
                .copied()
                .unwrap_or_default()
                .to_string(),
            s.consecutive_unacceptable.to_string(),
            s.chain
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            format!("{:?}", s.intervention),
            s.partnership_exemption_possible.to_string(),
            s.exemption_window
                .map(|(from, to)| format!("{from}..{to}"))
                .unwrap_or_default(),
        ]
    });
    csv_table(
        "campus_id,name,consecutive_unacceptable,chain,intervention,partnership_exemption_possible,exemption_window",
        rows,
    )
}

/// Campuses facing Texas accountability interventions, for the Lever 2 page.
pub fn trigger_list(data: &DistrictData, district: &str, lang: Lang) -> Markup {
    let t = |k| lang.t(k);
    let names: BTreeMap<&CampusId, &str> = data
        .campuses
        .iter()
        .map(|c| (&c.id, c.name.as_str()))
        .collect();
    let statuses: Vec<_> = triggers(&data.campuses, &data.years)
        .into_iter()
        .filter(|s| s.intervention != Intervention::None)
        .collect();
    html! {
        h2 { (t("triggers.title")) }
        @if statuses.is_empty() { p { (t("triggers.none")) } } @else {
            table {
                thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" class="num" { (t("triggers.years")) } th scope="col" { (t("triggers.intervention")) } } }
                tbody { @for s in &statuses { tr {
                    th scope="row" { a href={ "/d/" (district) "/campuses/" (s.campus_id) } { (names.get(&s.campus_id).copied().unwrap_or(s.campus_id.as_str())) } }
                    td class="num" { (s.consecutive_unacceptable) }
                    td {
                        @match s.intervention { Intervention::ClosureOrBoardOfManagers => strong { (t("triggers.closure")) }, _ => (t("triggers.turnaround")) }
                        @if let Some((from, to)) = s.exemption_window { " · " (t("triggers.window")) " " (from) "–" (to) } @else if s.partnership_exemption_possible { " · " (t("triggers.exemption")) }
                    }
                } } }
            }
        }
    }
}
