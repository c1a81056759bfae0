//! The example files in `docs/examples` (fictional district `999901`) read without error, are
//! detected as the right kind, and are exactly what `sgs export` writes for the data they hold.

use std::path::PathBuf;

use sgs_domain::{geo, DistrictId};
use sgs_import::{read_file, read_templates, write_templates, FileKind, ReadOptions};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples")
}

fn district() -> DistrictId {
    DistrictId::parse("999901").unwrap()
}

#[test]
fn every_example_file_reads() {
    let mut seen = 0;
    for kind in FileKind::all() {
        let Some(name) = kind.template_file() else {
            continue;
        };
        let path = examples().join(name);
        assert!(path.exists(), "docs/examples/{name} is missing");
        assert_eq!(FileKind::detect(&path), Some(kind), "{name}");
        let batch = read_file(&path, kind, &district(), &ReadOptions::default())
            .unwrap_or_else(|err| panic!("{err}"));
        assert!(batch.rows > 0, "{name} has no rows");
        seen += 1;
    }
    assert_eq!(seen, 13);
}

#[test]
fn examples_are_the_export_format() {
    let snapshot = read_templates(&examples(), &district()).unwrap();
    assert_eq!(snapshot.name, "Example Independent School District");
    assert_eq!(snapshot.campuses.len(), 5);
    let dir = tempfile::tempdir().unwrap();
    for path in write_templates(&snapshot, dir.path()).unwrap() {
        let name = path.file_name().unwrap();
        let exported = std::fs::read_to_string(&path).unwrap();
        let example = std::fs::read_to_string(examples().join(name)).unwrap();
        assert_eq!(exported, example, "{}", name.to_string_lossy());
    }
}

#[test]
fn example_campuses_lie_in_their_planning_areas() {
    let snapshot = read_templates(&examples(), &district()).unwrap();
    let boundary = snapshot.boundary.as_ref().unwrap();
    for campus in &snapshot.campuses {
        let (Some(lat), Some(lon)) = (campus.latitude, campus.longitude) else {
            continue;
        };
        assert!(geo::contains(boundary, lon, lat), "{}", campus.id);
        let area = snapshot
            .planning_areas
            .iter()
            .find(|a| Some(&a.id) == campus.planning_area_id.as_ref())
            .unwrap();
        assert!(geo::contains(&area.geometry, lon, lat), "{}", campus.id);
    }
}
