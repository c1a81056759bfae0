//! The demo district's campuses: names, addresses, locations, programs, governance and lineage.
//!
//! Each planning area has its elementary schools and one middle school; eight areas also have a
//! high school, and the middle schools of the other four feed a neighbor's. A Montessori
//! pre-kindergarten-to-grade-8 academy and an in-district charter serving grades 6 to 12 complete
//! the roster. One elementary school closed after 2019-2020 and restarted the next year under a
//! partner and a new campus id, so its history continues through `predecessor_id`.
//!
//! A *site* is a building with students who carry on from year to year; a *campus* is a campus
//! id that occupied a site for some years. Every site has one campus except the restarted one.

use sgs_domain::geo::contains;
use sgs_domain::{
    Campus, CampusId, CampusStatus, DistrictId, Governance, Grade, PlanningArea, SchoolType,
};

use crate::areas::{area_index, point_in_area, AreaProfile, Point, AREAS};
use crate::random::Random;
use crate::{DEMO_DISTRICT_ID, FIRST_YEAR, LAST_YEAR};

/// The elementary school that closes after 2019-2020.
const CLOSED_ELEMENTARY: &str = "Harriet Coleman";
/// The partner-managed campus that restarts it.
const RESTART_NAME: &str = "Coleman Leadership Academy";
/// The first school year of the restart (2020-2021).
const RESTART_YEAR: u16 = 2020;
/// The middle school run by a partner under a performance contract.
const PARTNER_MIDDLE_SCHOOL: &str = "Clarence Odom Middle School";
/// The pre-kindergarten-to-grade-8 academy and the area it sits in.
const MONTESSORI_ACADEMY: (&str, &str) = ("Heron Lake Montessori Academy", "northeast");
/// The in-district charter serving grades 6 to 12 and the area it sits in.
const CHARTER_ACADEMY: (&str, &str) = ("Riverbend STEM Academy", "downtown");
/// The nearest two sites may be, in degrees.
const MINIMUM_SPACING: f64 = 0.007;

/// Street names used for campus addresses.
const STREETS: [&str; 32] = [
    "Pecan Valley",
    "Mission Trail",
    "Old Quarry",
    "Bandera Springs",
    "Cypress Bend",
    "Laredo",
    "Huisache",
    "Zarzamora Creek",
    "Hackberry",
    "Blanco Ridge",
    "Salado Crossing",
    "Acequia",
    "Frio Canyon",
    "Mockingbird",
    "Nogalitos",
    "Brazos",
    "Comal",
    "Guadalupe",
    "Rosewood",
    "Magnolia",
    "Fredericksburg",
    "Cactus Flower",
    "Ranch Gate",
    "Llano Vista",
    "Military Plaza",
    "Sabinal",
    "Cenizo",
    "Yucca",
    "Encino Loop",
    "Palo Duro",
    "Starlight",
    "Windmill",
];

/// Street suffixes used for campus addresses.
const SUFFIXES: [&str; 7] = [
    "Street",
    "Avenue",
    "Road",
    "Drive",
    "Boulevard",
    "Lane",
    "Parkway",
];

/// The grades a site serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Pre-kindergarten to grade 5.
    Elementary,
    /// Grades 6 to 8.
    Middle,
    /// Grades 9 to 12.
    High,
    /// Pre-kindergarten to grade 8.
    PrekindergartenToEighth,
    /// Grades 6 to 12.
    SixthToTwelfth,
}

impl Level {
    /// The lowest and highest grade served.
    pub(crate) fn span(self) -> (Grade, Grade) {
        match self {
            Level::Elementary => (Grade::PK, Grade::G(5)),
            Level::Middle => (Grade::G(6), Grade::G(8)),
            Level::High => (Grade::G(9), Grade::G(12)),
            Level::PrekindergartenToEighth => (Grade::PK, Grade::G(8)),
            Level::SixthToTwelfth => (Grade::G(6), Grade::G(12)),
        }
    }
}

/// A building and its students, continuous across campus ids.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// Index of its planning area in [`AREAS`].
    pub(crate) area: usize,
    /// Grades served.
    pub(crate) level: Level,
    /// Sites whose last grade moves on to this site's first grade.
    pub(crate) feeders: Vec<usize>,
    /// Students entering each year in 2018-2019: kindergarten, or grade 6 for the charter.
    pub(crate) entry_size: f64,
    /// Pre-kindergarten enrollment per kindergarten student.
    pub(crate) prekindergarten_share: f64,
    /// Peak enrollment as a share of building capacity.
    pub(crate) utilisation: f64,
}

/// A campus id, the site it occupies, its years and how well it does.
#[derive(Debug, Clone)]
pub(crate) struct CampusPlan {
    /// The domain record.
    pub(crate) campus: Campus,
    /// Index of its site.
    pub(crate) site: usize,
    /// First school year (fall calendar year) the campus operated.
    pub(crate) first_year: u16,
    /// Last school year (fall calendar year) the campus operated.
    pub(crate) last_year: u16,
    /// Expected overall scaled score in 2018-2019.
    pub(crate) quality: f64,
    /// Expected change of the overall scaled score per year.
    pub(crate) trend: f64,
    /// Whether the campus admits by application (magnets, charter), drawing fewer
    /// economically disadvantaged students.
    pub(crate) selective: bool,
    /// A number unique to the campus, keying its random streams.
    pub(crate) serial: u64,
}

/// Every site and campus of the demo district.
#[derive(Debug, Clone)]
pub(crate) struct Roster {
    /// Buildings and their students.
    pub(crate) sites: Vec<Site>,
    /// Campus ids, sorted by id.
    pub(crate) campuses: Vec<CampusPlan>,
}

/// Programs that set a campus apart, by campus name.
fn signature_programs(name: &str) -> &'static [&'static str] {
    match name {
        "Northfield High School" => &[
            "Advanced Placement Academy",
            "Career and Technical Education",
        ],
        "Riverbend High School" => &["International Baccalaureate Diploma Programme", "Fine Arts"],
        "Arroyo Seco High School" => &[
            "Career and Technical Education",
            "Junior Reserve Officers' Training Corps",
        ],
        "Founders High School" => &["Fine Arts Magnet", "Dual Credit"],
        "Eastgate High School" => &["Early College", "Career and Technical Education"],
        "Mesa Verde High School" => &[
            "Pathways in Technology Early College High School",
            "Dual Language",
        ],
        "Southview High School" => &["Health Science Academy", "Career and Technical Education"],
        "Granite Ridge High School" => &[
            "Career and Technical Education",
            "Junior Reserve Officers' Training Corps",
        ],
        "Beatrice Holloway Middle School" => &[
            "International Baccalaureate Middle Years Programme",
            "Fine Arts",
        ],
        "Riverbend STEM Academy" => &["STEM", "Early College"],
        "Heron Lake Montessori Academy" => &["Montessori", "Dual Language"],
        RESTART_NAME => &["Extended Learning Day", "STEM"],
        _ => &[],
    }
}

/// Programs drawn at random for campuses without signature programs.
fn drawn_programs(random: &mut Random, level: Level, area: &AreaProfile) -> Vec<String> {
    let dual_language = match level {
        Level::Elementary => 0.15 + area.demographics.emergent_bilingual / 60.0,
        _ => 0.1 + area.demographics.emergent_bilingual / 80.0,
    };
    let candidates = [
        ("Dual Language", dual_language),
        ("Fine Arts", 0.2),
        ("STEM", 0.2),
        ("Gifted and Talented", 0.08),
    ];
    candidates
        .iter()
        .filter(|(_, probability)| random.chance(*probability))
        .map(|(program, _)| program.to_string())
        .collect()
}

/// Whether a program marks a magnet or other application campus that tends to score higher.
fn is_selective(program: &str) -> bool {
    [
        "International Baccalaureate",
        "Early College",
        "Magnet",
        "Montessori",
        "Advanced Placement",
    ]
    .iter()
    .any(|mark| program.contains(mark))
}

/// A street address.
fn address(random: &mut Random) -> String {
    let number = 100 + 100 * random.below(95) + 2 * random.below(40);
    let street = STREETS[random.below(STREETS.len())];
    let suffix = SUFFIXES[random.below(SUFFIXES.len())];
    format!("{number} {street} {suffix}, Riverbend, TX")
}

/// The campus id with three-digit serial `serial`.
fn campus_id(serial: u64) -> CampusId {
    CampusId::parse(&format!("{DEMO_DISTRICT_ID}{serial:03}"))
        .expect("demo campus id is nine digits")
}

/// What the roster builder needs to know about one site before it is placed.
struct SiteSpecification {
    /// Campus name.
    name: String,
    /// Index of its planning area in [`AREAS`].
    area: usize,
    /// Grades served.
    level: Level,
    /// Three-digit campus serial.
    serial: u64,
    /// Who runs it.
    governance: Governance,
}

/// Where sites sit: places each inside its area's polygon and away from the others.
struct Placer<'a> {
    /// The planning areas with their polygons.
    geometries: &'a [PlanningArea],
    /// Sites placed so far.
    placed: Vec<Point>,
}

impl Placer<'_> {
    /// A location for a new site in `area`, and the id of the planning area containing it.
    fn place(&mut self, area: usize, level: Level, serial: u64) -> (Point, String) {
        let mut random = Random::keyed("site-location", serial);
        // Secondary schools sit on arterials nearer the middle of their area.
        let (low, high) = match level {
            Level::Elementary | Level::PrekindergartenToEighth => (0.12, 0.88),
            _ => (0.3, 0.7),
        };
        let mut fallback = None;
        for _ in 0..200 {
            let point = point_in_area(
                &AREAS[area],
                random.between(low, high),
                random.between(low, high),
            );
            let Some(found) = self
                .geometries
                .iter()
                .find(|candidate| contains(&candidate.geometry, point.0, point.1))
            else {
                continue;
            };
            if found.id != AREAS[area].id {
                continue;
            }
            fallback.get_or_insert(point);
            let crowded = self.placed.iter().any(|other| {
                (other.0 - point.0).abs() < MINIMUM_SPACING
                    && (other.1 - point.1).abs() < MINIMUM_SPACING
            });
            if !crowded {
                self.placed.push(point);
                return (point, found.id.clone());
            }
        }
        let point = fallback.expect("an area polygon holds its own interior");
        self.placed.push(point);
        (point, AREAS[area].id.to_string())
    }
}

impl Roster {
    /// Builds the roster, placing every site inside its planning area.
    pub(crate) fn build(planning_areas: &[PlanningArea]) -> Roster {
        let specifications = site_specifications();
        let district_id =
            DistrictId::parse(DEMO_DISTRICT_ID).expect("demo district id is six digits");
        let mut placer = Placer {
            geometries: planning_areas,
            placed: Vec::new(),
        };
        let mut sites = Vec::new();
        let mut campuses = Vec::new();
        for (index, specification) in specifications.iter().enumerate() {
            let area = &AREAS[specification.area];
            let mut random = Random::keyed("site", specification.serial);
            let (location, planning_area_id) = placer.place(
                specification.area,
                specification.level,
                specification.serial,
            );
            let (grade_low, grade_high) = specification.level.span();
            let mut programs: Vec<String> = signature_programs(&specification.name)
                .iter()
                .map(|program| program.to_string())
                .collect();
            if programs.is_empty() && specification.level != Level::High {
                programs = drawn_programs(&mut random, specification.level, area);
            }
            let selective = programs.iter().any(|program| is_selective(program));
            let level_offset = match specification.level {
                Level::Elementary => 0.0,
                Level::Middle => -4.0,
                Level::High => 3.0,
                Level::PrekindergartenToEighth => 8.0,
                Level::SixthToTwelfth => 12.0,
            };
            let mut quality = area.quality
                + level_offset
                + if selective { 4.0 } else { 0.0 }
                + random.normal(0.0, 5.0);
            let mut trend = random.normal(0.0, 0.8);
            if specification.name == PARTNER_MIDDLE_SCHOOL {
                quality = 62.0;
                trend = 2.5;
            }
            let campus = Campus {
                id: campus_id(specification.serial),
                district_id: district_id.clone(),
                name: specification.name.clone(),
                grade_low: Some(grade_low),
                grade_high: Some(grade_high),
                school_type: Some(SchoolType::from_span(grade_low, grade_high)),
                governance: specification.governance,
                address: Some(address(&mut random)),
                latitude: Some(location.1),
                longitude: Some(location.0),
                programs,
                status: CampusStatus::Open,
                predecessor_id: None,
                planning_area_id: Some(planning_area_id),
            };
            let growing = area.growth - 1.0;
            let utilisation = if growing >= 0.02 {
                random.between(1.0, 1.2)
            } else if growing <= -0.02 {
                random.between(0.55, 0.78)
            } else {
                random.between(0.72, 1.02)
            };
            let entry_size = match specification.level {
                Level::SixthToTwelfth => 135.0,
                _ => area.kindergarten_size * random.between(0.75, 1.25),
            };
            let prekindergarten_share = (0.45
                + 0.45 * area.demographics.economically_disadvantaged / 100.0
                    * random.between(0.85, 1.1))
            .min(1.0);
            sites.push(Site {
                area: specification.area,
                level: specification.level,
                feeders: Vec::new(),
                entry_size,
                prekindergarten_share,
                utilisation,
            });
            let plan = CampusPlan {
                campus,
                site: index,
                first_year: FIRST_YEAR,
                last_year: LAST_YEAR,
                quality,
                trend,
                selective,
                serial: specification.serial,
            };
            if specification.name == format!("{CLOSED_ELEMENTARY} Elementary") {
                campuses.extend(restart(plan));
            } else {
                campuses.push(plan);
            }
        }
        link_feeders(&mut sites);
        campuses.sort_by(|left, right| left.campus.id.cmp(&right.campus.id));
        Roster { sites, campuses }
    }
}

/// Splits the closing elementary school into the closed campus and its partner-managed restart,
/// which takes the serial after the last elementary school.
fn restart(mut closed: CampusPlan) -> [CampusPlan; 2] {
    let serial = 101
        + AREAS
            .iter()
            .map(|area| area.elementary_names.len() as u64)
            .sum::<u64>();
    let mut replacement = closed.clone();
    closed.campus.status = CampusStatus::Closed;
    closed.last_year = RESTART_YEAR - 1;
    closed.quality = 54.0;
    closed.trend = 0.0;
    replacement.campus.id = campus_id(serial);
    replacement.campus.name = RESTART_NAME.to_string();
    replacement.campus.governance = Governance::PartnerManaged;
    replacement.campus.predecessor_id = Some(closed.campus.id.clone());
    replacement.campus.programs = signature_programs(RESTART_NAME)
        .iter()
        .map(|program| program.to_string())
        .collect();
    replacement.first_year = RESTART_YEAR;
    replacement.quality = 40.0;
    replacement.trend = 9.0;
    replacement.serial = serial;
    [closed, replacement]
}

/// Every site to build: high schools get serials 001–008, middle schools 041–052, the two
/// combined campuses 071–072 and elementary schools 101 onwards.
fn site_specifications() -> Vec<SiteSpecification> {
    let mut specifications = Vec::new();
    let mut high_serial = 1;
    let mut elementary_serial = 101;
    for (middle_serial, (area_number, area)) in (41..).zip(AREAS.iter().enumerate()) {
        if let Some(name) = area.high_name {
            specifications.push(SiteSpecification {
                name: name.to_string(),
                area: area_number,
                level: Level::High,
                serial: high_serial,
                governance: Governance::DistrictRun,
            });
            high_serial += 1;
        }
        specifications.push(SiteSpecification {
            name: area.middle_name.to_string(),
            area: area_number,
            level: Level::Middle,
            serial: middle_serial,
            governance: if area.middle_name == PARTNER_MIDDLE_SCHOOL {
                Governance::PartnerManaged
            } else {
                Governance::DistrictRun
            },
        });
        for name in area.elementary_names {
            specifications.push(SiteSpecification {
                name: format!("{name} Elementary"),
                area: area_number,
                level: Level::Elementary,
                serial: elementary_serial,
                governance: Governance::DistrictRun,
            });
            elementary_serial += 1;
        }
    }
    specifications.push(SiteSpecification {
        name: MONTESSORI_ACADEMY.0.to_string(),
        area: area_index(MONTESSORI_ACADEMY.1),
        level: Level::PrekindergartenToEighth,
        serial: 71,
        governance: Governance::DistrictRun,
    });
    specifications.push(SiteSpecification {
        name: CHARTER_ACADEMY.0.to_string(),
        area: area_index(CHARTER_ACADEMY.1),
        level: Level::SixthToTwelfth,
        serial: 72,
        governance: Governance::InDistrictCharter,
    });
    specifications
}

/// Connects feeder patterns: elementary schools feed their area's middle school; middle schools
/// and the pre-kindergarten-to-grade-8 academy feed the high school their area is zoned to.
fn link_feeders(sites: &mut [Site]) {
    let find = |sites: &[Site], area: usize, level: Level| {
        sites
            .iter()
            .position(|site| site.area == area && site.level == level)
            .expect("every area has a middle school and every zoned area a high school")
    };
    for index in 0..sites.len() {
        let area = sites[index].area;
        let target = match sites[index].level {
            Level::Elementary => Some(find(sites, area, Level::Middle)),
            Level::Middle | Level::PrekindergartenToEighth => Some(find(
                sites,
                area_index(AREAS[area].high_school_area),
                Level::High,
            )),
            Level::High | Level::SixthToTwelfth => None,
        };
        if let Some(target) = target {
            sites[target].feeders.push(index);
        }
    }
}
