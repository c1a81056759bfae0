//! Campuses, their yearly facts, planning areas and resident counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{CampusId, DistrictId, Grade, GradeBand, Rating, SchoolYear};

/// The level a campus serves, as TEA's `GRDTYPE` classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SchoolType {
    /// Elementary (TEA `E`).
    Elementary,
    /// Middle or junior high (TEA `M`).
    Middle,
    /// High school (TEA `S`).
    High,
    /// Spans elementary and secondary grades (TEA `B`).
    Combined,
}

impl SchoolType {
    /// A stable code for storage and files.
    pub fn code(self) -> &'static str {
        match self {
            SchoolType::Elementary => "elementary",
            SchoolType::Middle => "middle",
            SchoolType::High => "high",
            SchoolType::Combined => "combined",
        }
    }

    /// Parses a code or a TEA `GRDTYPE` letter.
    pub fn parse(value: &str) -> Option<SchoolType> {
        match value.trim().to_ascii_lowercase().as_str() {
            "elementary" | "e" => Some(SchoolType::Elementary),
            "middle" | "m" => Some(SchoolType::Middle),
            "high" | "s" => Some(SchoolType::High),
            "combined" | "b" => Some(SchoolType::Combined),
            _ => None,
        }
    }

    /// Classifies a grade span the way TEA does: ending by 5 is elementary, starting at 9 is
    /// high, starting at 6 or later and ending by 9 is middle, anything else spans both.
    pub fn from_span(low: Grade, high: Grade) -> SchoolType {
        if high <= Grade::G(6) {
            SchoolType::Elementary
        } else if low >= Grade::G(9) {
            SchoolType::High
        } else if low >= Grade::G(5) && high <= Grade::G(9) {
            SchoolType::Middle
        } else {
            SchoolType::Combined
        }
    }
}

/// Who runs a campus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Governance {
    /// Run by the district.
    DistrictRun,
    /// Managed by a partner under a performance contract (SB 1882 in Texas).
    PartnerManaged,
    /// A district-authorized (campus or in-district) charter.
    InDistrictCharter,
    /// A state-authorized open-enrollment charter.
    OpenEnrollmentCharter,
}

impl Governance {
    /// A stable code for storage and files.
    pub fn code(self) -> &'static str {
        match self {
            Governance::DistrictRun => "district_run",
            Governance::PartnerManaged => "partner_managed",
            Governance::InDistrictCharter => "in_district_charter",
            Governance::OpenEnrollmentCharter => "open_enrollment_charter",
        }
    }

    /// Parses a code.
    pub fn parse(value: &str) -> Option<Governance> {
        match value.trim() {
            "district_run" => Some(Governance::DistrictRun),
            "partner_managed" => Some(Governance::PartnerManaged),
            "in_district_charter" => Some(Governance::InDistrictCharter),
            "open_enrollment_charter" => Some(Governance::OpenEnrollmentCharter),
            _ => None,
        }
    }

    /// Every governance, in display order.
    pub fn all() -> [Governance; 4] {
        [
            Governance::DistrictRun,
            Governance::PartnerManaged,
            Governance::InDistrictCharter,
            Governance::OpenEnrollmentCharter,
        ]
    }
}

/// Whether a campus is operating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CampusStatus {
    /// Operating.
    Open,
    /// Closed; its history stays.
    Closed,
}

/// A campus and the facts about it that do not change from year to year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campus {
    /// TEA campus id.
    pub id: CampusId,
    /// District the campus belongs to.
    pub district_id: DistrictId,
    /// Campus name as published.
    pub name: String,
    /// Lowest grade served.
    pub grade_low: Option<Grade>,
    /// Highest grade served.
    pub grade_high: Option<Grade>,
    /// Elementary, middle, high or combined.
    pub school_type: Option<SchoolType>,
    /// Who runs it.
    pub governance: Governance,
    /// Street address.
    pub address: Option<String>,
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
    /// Programs offered (dual language, IB, early college…).
    pub programs: Vec<String>,
    /// Open or closed.
    pub status: CampusStatus,
    /// The campus this one restarted or replaced; its history continues here.
    pub predecessor_id: Option<CampusId>,
    /// The planning area the campus sits in, when known.
    pub planning_area_id: Option<String>,
}

impl Campus {
    /// A campus known only by its id and name: open, district-run, nothing else recorded yet.
    /// Readers and tests fill in what they know with struct-update syntax.
    pub fn new(id: CampusId, name: impl Into<String>) -> Campus {
        Campus {
            district_id: id.district_id(),
            id,
            name: name.into(),
            grade_low: None,
            grade_high: None,
            school_type: None,
            governance: Governance::DistrictRun,
            address: None,
            latitude: None,
            longitude: None,
            programs: Vec::new(),
            status: CampusStatus::Open,
            predecessor_id: None,
            planning_area_id: None,
        }
    }
}

/// A student group whose size a campus reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum StudentGroup {
    /// Economically disadvantaged.
    EconomicallyDisadvantaged,
    /// Emergent bilingual / English learner.
    EmergentBilingual,
    /// Special education.
    SpecialEducation,
    /// African American.
    AfricanAmerican,
    /// Hispanic.
    Hispanic,
    /// White.
    White,
    /// Asian.
    Asian,
    /// American Indian.
    AmericanIndian,
    /// Pacific Islander.
    PacificIslander,
    /// Two or more races.
    TwoOrMore,
}

impl StudentGroup {
    /// Every group in display order.
    pub fn all() -> [StudentGroup; 10] {
        use StudentGroup::*;
        [
            EconomicallyDisadvantaged,
            EmergentBilingual,
            SpecialEducation,
            AfricanAmerican,
            Hispanic,
            White,
            Asian,
            AmericanIndian,
            PacificIslander,
            TwoOrMore,
        ]
    }

    /// A stable code for storage and files.
    pub fn code(self) -> &'static str {
        use StudentGroup::*;
        match self {
            EconomicallyDisadvantaged => "econ_disadv",
            EmergentBilingual => "emergent_bilingual",
            SpecialEducation => "special_ed",
            AfricanAmerican => "african_american",
            Hispanic => "hispanic",
            White => "white",
            Asian => "asian",
            AmericanIndian => "american_indian",
            PacificIslander => "pacific_islander",
            TwoOrMore => "two_or_more",
        }
    }

    /// Parses a code.
    pub fn parse(value: &str) -> Option<StudentGroup> {
        StudentGroup::all()
            .into_iter()
            .find(|group| group.code() == value.trim())
    }
}

/// How large a student group is at a campus: a count, a percent, or both. Masked values are
/// `None`, never zero.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupMeasure {
    /// Number of students.
    pub count: Option<u32>,
    /// Percent of enrollment, 0–100.
    pub percent: Option<f64>,
}

/// What SGS knows about a campus in one school year. Every field may be missing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CampusYear {
    /// Fall enrollment by grade; a grade missing from the map is unknown.
    pub enrollment: BTreeMap<Grade, u32>,
    /// Student-group sizes.
    pub groups: BTreeMap<StudentGroup, GroupMeasure>,
    /// Seats the building can hold.
    pub capacity: Option<u32>,
    /// The accountability rating.
    pub rating: Option<Rating>,
    /// Overall scaled score, 0–100.
    pub overall_score: Option<u8>,
    /// Student Achievement domain scaled score.
    pub achievement_score: Option<u8>,
    /// School Progress domain scaled score.
    pub progress_score: Option<u8>,
    /// Closing the Gaps domain scaled score.
    pub closing_gaps_score: Option<u8>,
}

impl CampusYear {
    /// Total enrollment, or `None` when no grade is known.
    pub fn total_enrollment(&self) -> Option<u32> {
        if self.enrollment.is_empty() {
            None
        } else {
            Some(self.enrollment.values().sum())
        }
    }
}

/// A neighborhood the district plans by, with its boundary as GeoJSON geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanningArea {
    /// Short id, unique within the district.
    pub id: String,
    /// Display name.
    pub name: String,
    /// GeoJSON `Polygon` or `MultiPolygon` geometry, lon/lat.
    pub geometry: serde_json::Value,
}

/// Students who live in a planning area, by grade (and optionally group), in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidentCount {
    /// Planning area id.
    pub planning_area_id: String,
    /// School year.
    pub school_year: SchoolYear,
    /// Grade.
    pub grade: Grade,
    /// Student group, or `None` for all students.
    pub group: Option<StudentGroup>,
    /// Number of resident students.
    pub count: u32,
}

/// The district's own planning documents: its North Star goal, its definition of great, its
/// school-action policy, its what-if scenarios and the decisions of its annual school plan. The
/// definition, the policy and the scenario actions are the JSON the analyses read; this crate
/// keeps them as JSON and the importer checks them against the analyses' types.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Planning {
    /// Percent of students in quality seats, by a school year.
    pub goal: Option<(f64, SchoolYear)>,
    /// The definition of great, versioned by year.
    pub definition_of_great: Option<serde_json::Value>,
    /// The school-action policy's rules.
    pub action_policy: Option<serde_json::Value>,
    /// What-if scenarios, oldest first.
    pub scenarios: Vec<PlannedScenario>,
    /// Decisions of the annual school plan, oldest first.
    pub decisions: Vec<PlanDecisionRecord>,
}

impl Planning {
    /// Whether the district has any planning document.
    pub fn is_empty(&self) -> bool {
        self == &Planning::default()
    }
}

/// A named set of proposed actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedScenario {
    /// Name.
    pub name: String,
    /// The proposed actions, as the analysis crate reads them.
    pub actions: serde_json::Value,
}

/// One decision of the annual school plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDecisionRecord {
    /// The campus.
    pub campus_id: CampusId,
    /// The school year the action takes effect.
    pub school_year: SchoolYear,
    /// Action code, such as `restart`.
    pub action: String,
    /// Why.
    pub rationale: String,
    /// Who carries it out.
    pub owner: String,
    /// Who recorded it.
    pub decided_by: String,
    /// When, Unix seconds.
    pub decided_at: i64,
}

/// Everything SGS holds for one district: the unit of import, export and the demo.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DistrictSnapshot {
    /// District id.
    pub district_id: Option<DistrictId>,
    /// District name.
    pub name: String,
    /// District boundary, GeoJSON geometry.
    pub boundary: Option<serde_json::Value>,
    /// Campuses.
    pub campuses: Vec<Campus>,
    /// Yearly facts by campus and year.
    pub campus_years: BTreeMap<(CampusId, SchoolYear), CampusYear>,
    /// Planning areas.
    pub planning_areas: Vec<PlanningArea>,
    /// Resident student counts.
    pub resident_counts: Vec<ResidentCount>,
    /// The grade bands the district plans by; `None` when the district has not set any.
    #[serde(default)]
    pub grade_bands: Option<Vec<GradeBand>>,
    /// Attendance zones by campus: GeoJSON `Polygon` or `MultiPolygon` geometry, lon/lat.
    #[serde(default)]
    pub attendance_zones: BTreeMap<CampusId, serde_json::Value>,
    /// Births by calendar year in the district's area, for projecting kindergarten.
    #[serde(default)]
    pub births: BTreeMap<u16, u32>,
    /// The district's planning documents.
    #[serde(default)]
    pub planning: Planning,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_type_from_span() {
        let cases = [
            (Grade::PK, Grade::G(5), SchoolType::Elementary),
            (Grade::G(6), Grade::G(8), SchoolType::Middle),
            (Grade::G(9), Grade::G(12), SchoolType::High),
            (Grade::K, Grade::G(8), SchoolType::Combined),
            (Grade::G(6), Grade::G(12), SchoolType::Combined),
        ];
        for (low, high, expected) in cases {
            assert_eq!(SchoolType::from_span(low, high), expected, "{low}-{high}");
        }
    }

    #[test]
    fn missing_enrollment_is_not_zero() {
        let mut year = CampusYear::default();
        assert_eq!(year.total_enrollment(), None);
        year.enrollment.insert(Grade::K, 0);
        assert_eq!(year.total_enrollment(), Some(0));
        year.enrollment.insert(Grade::G(1), 31);
        assert_eq!(year.total_enrollment(), Some(31));
    }

    #[test]
    fn codes_round_trip() {
        for group in StudentGroup::all() {
            assert_eq!(StudentGroup::parse(group.code()), Some(group));
        }
        for governance in Governance::all() {
            assert_eq!(Governance::parse(governance.code()), Some(governance));
        }
    }
}
