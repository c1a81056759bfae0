//! Applying a batch to an in-memory snapshot with the same replace rules the store follows. It is
//! how [`crate::read_templates`] assembles a district from its template files, and it documents
//! those rules as code.

use std::collections::BTreeSet;

use sgs_domain::DistrictSnapshot;

use crate::ImportBatch;

/// Merges one batch into `snapshot`, replacing the parts [`crate::FileKind::parts`] names.
///
/// Yearly parts are cleared for every year in `batch.years` and then filled from the batch.
/// Grade bands are replaced only by a settings batch that carries them.
/// Campus records replace earlier ones with the same id when the kind carries campuses; a
/// coordinates-only batch updates latitude and longitude of campuses already present and adds
/// none; campus records in other batches (names from rating files) are added only when missing.
pub fn merge_batch(snapshot: &mut DistrictSnapshot, batch: ImportBatch) {
    let parts = batch.kind.parts();
    let data = batch.data;
    let years: BTreeSet<_> = batch.years.into_iter().collect();
    if snapshot.district_id.is_none() {
        snapshot.district_id = data.district_id.clone();
    }

    for campus in data.campuses {
        let existing = snapshot.campuses.iter_mut().find(|c| c.id == campus.id);
        match existing {
            Some(existing) if parts.coordinates_only => {
                existing.latitude = campus.latitude;
                existing.longitude = campus.longitude;
            }
            Some(existing) if parts.campuses => *existing = campus,
            Some(_) => {}
            None if parts.coordinates_only => {}
            None => snapshot.campuses.push(campus),
        }
    }

    for ((_, year), facts) in snapshot.campus_years.iter_mut() {
        if !years.contains(year) {
            continue;
        }
        if parts.enrollment {
            facts.enrollment.clear();
        }
        if parts.ratings {
            facts.rating = None;
            facts.overall_score = None;
            facts.achievement_score = None;
            facts.progress_score = None;
            facts.closing_gaps_score = None;
        }
        if parts.capacity {
            facts.capacity = None;
        }
        if parts.groups {
            facts.groups.clear();
        }
    }
    for (key, facts) in data.campus_years {
        let target = snapshot.campus_years.entry(key).or_default();
        if parts.enrollment {
            target.enrollment = facts.enrollment;
        }
        if parts.ratings {
            target.rating = facts.rating;
            target.overall_score = facts.overall_score;
            target.achievement_score = facts.achievement_score;
            target.progress_score = facts.progress_score;
            target.closing_gaps_score = facts.closing_gaps_score;
        }
        if parts.capacity {
            target.capacity = facts.capacity;
        }
        if parts.groups {
            target.groups = facts.groups;
        }
    }

    if parts.residents {
        snapshot
            .resident_counts
            .retain(|count| !years.contains(&count.school_year));
        snapshot.resident_counts.extend(data.resident_counts);
    }
    if parts.births {
        snapshot.births = data.births.clone();
    }
    if parts.attendance_zones {
        snapshot.attendance_zones = data.attendance_zones.clone();
    }
    if parts.planning_areas {
        snapshot.planning_areas = data.planning_areas;
    }
    if parts.boundary {
        snapshot.boundary = data.boundary;
    }
    if parts.planning {
        let decisions = std::mem::take(&mut snapshot.planning.decisions);
        snapshot.planning = sgs_domain::Planning {
            decisions,
            ..data.planning.clone()
        };
    }
    if parts.plan_decisions {
        snapshot.planning.decisions = data.planning.decisions.clone();
    }
    if parts.settings && data.grade_bands.is_some() {
        snapshot.grade_bands = data.grade_bands;
    }
    if !data.name.is_empty() && (parts.boundary || snapshot.name.is_empty()) {
        snapshot.name = data.name;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileKind;
    use sgs_domain::{Campus, CampusId, CampusYear, DistrictId, Grade, SchoolYear};

    fn campus(id: &str, name: &str) -> Campus {
        let id = CampusId::parse(id).unwrap();
        Campus::new(id, name)
    }

    fn batch(kind: FileKind, data: DistrictSnapshot, years: Vec<SchoolYear>) -> ImportBatch {
        ImportBatch {
            area_centres: Vec::new(),
            kind,
            file: "test".into(),
            rows: 0,
            data,
            years,
        }
    }

    #[test]
    fn coordinates_update_known_campuses_only() {
        let mut snapshot = DistrictSnapshot {
            district_id: Some(DistrictId::parse("999901").unwrap()),
            campuses: vec![campus("999901001", "Riverside High School")],
            ..DistrictSnapshot::default()
        };
        let mut located = campus("999901001", "RIVERSIDE H S");
        located.latitude = Some(29.5);
        located.longitude = Some(-98.5);
        let mut gone = campus("999901900", "CLOSED LONG AGO");
        gone.latitude = Some(29.4);
        gone.longitude = Some(-98.4);
        let data = DistrictSnapshot {
            campuses: vec![located, gone],
            ..DistrictSnapshot::default()
        };
        merge_batch(
            &mut snapshot,
            batch(FileKind::NcesCoordinates, data, Vec::new()),
        );
        assert_eq!(snapshot.campuses.len(), 1);
        assert_eq!(snapshot.campuses[0].name, "Riverside High School");
        assert_eq!(snapshot.campuses[0].latitude, Some(29.5));
    }

    #[test]
    fn yearly_parts_are_replaced_for_the_batch_years_only() {
        let id = CampusId::parse("999901001").unwrap();
        let (y1, y2) = (SchoolYear::starting(2021), SchoolYear::starting(2022));
        let mut snapshot = DistrictSnapshot::default();
        for year in [y1, y2] {
            let mut facts = CampusYear {
                capacity: Some(900),
                ..CampusYear::default()
            };
            facts.enrollment.insert(Grade::G(9), 300);
            snapshot.campus_years.insert((id.clone(), year), facts);
        }
        let mut data = DistrictSnapshot::default();
        let mut facts = CampusYear::default();
        facts.enrollment.insert(Grade::G(10), 280);
        data.campus_years.insert((id.clone(), y2), facts);
        merge_batch(
            &mut snapshot,
            batch(FileKind::TeaEnrollment, data, vec![y2]),
        );
        let first = &snapshot.campus_years[&(id.clone(), y1)];
        let second = &snapshot.campus_years[&(id, y2)];
        assert_eq!(first.enrollment.get(&Grade::G(9)), Some(&300));
        assert_eq!(second.enrollment.get(&Grade::G(9)), None);
        assert_eq!(second.enrollment.get(&Grade::G(10)), Some(&280));
        assert_eq!(second.capacity, Some(900), "capacity is another part");
    }

    #[test]
    fn settings_replace_grade_bands_only_when_the_batch_has_them() {
        let bands = sgs_domain::GradeBand::parse_list("PK-2, 3-5, 6-8, 9-12").unwrap();
        let mut snapshot = DistrictSnapshot {
            grade_bands: Some(sgs_domain::GradeBand::defaults()),
            ..DistrictSnapshot::default()
        };
        let empty = DistrictSnapshot::default();
        merge_batch(
            &mut snapshot,
            batch(FileKind::SgsSettings, empty, Vec::new()),
        );
        assert_eq!(
            snapshot.grade_bands,
            Some(sgs_domain::GradeBand::defaults())
        );
        let data = DistrictSnapshot {
            grade_bands: Some(bands.clone()),
            ..DistrictSnapshot::default()
        };
        merge_batch(
            &mut snapshot,
            batch(FileKind::SgsCampuses, data.clone(), Vec::new()),
        );
        assert_eq!(
            snapshot.grade_bands,
            Some(sgs_domain::GradeBand::defaults())
        );
        merge_batch(
            &mut snapshot,
            batch(FileKind::SgsSettings, data, Vec::new()),
        );
        assert_eq!(snapshot.grade_bands, Some(bands));
    }
}
