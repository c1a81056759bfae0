//! Point-in-polygon over GeoJSON geometry, enough to place a campus in a planning area, and
//! nearest-point cells: areas drawn around points (ZIP code centres, say) when only the points
//! are known, clipped to the district's boundary.

use serde_json::Value;

/// Whether the point (`longitude`, `latitude`) lies inside a GeoJSON `Polygon` or `MultiPolygon`
/// geometry. Holes are honoured. Anything else (or malformed geometry) contains nothing.
pub fn contains(geometry: &Value, longitude: f64, latitude: f64) -> bool {
    let coordinates = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => polygon_contains(coordinates, longitude, latitude),
        Some("MultiPolygon") => coordinates.as_array().is_some_and(|polys| {
            polys
                .iter()
                .any(|p| polygon_contains(p, longitude, latitude))
        }),
        _ => false,
    }
}

fn polygon_contains(rings: &Value, x: f64, y: f64) -> bool {
    let Some(rings) = rings.as_array() else {
        return false;
    };
    let mut rings = rings.iter();
    let Some(outer) = rings.next() else {
        return false;
    };
    ring_contains(outer, x, y) && !rings.any(|hole| ring_contains(hole, x, y))
}

/// Even-odd ray casting.
fn ring_contains(ring: &Value, x: f64, y: f64) -> bool {
    let points: Vec<(f64, f64)> = ring
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
        .collect();
    if points.len() < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = points.len() - 1;
    for i in 0..points.len() {
        let (xi, yi) = points[i];
        let (xj, yj) = points[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// A ring of (longitude, latitude) points, first point not repeated at the end.
pub type Ring = Vec<(f64, f64)>;

/// The outer rings of a GeoJSON `Polygon` or `MultiPolygon` (holes are dropped), without the
/// closing point.
pub fn outer_rings(geometry: &Value) -> Vec<Ring> {
    let ring = |value: &Value| -> Ring {
        let mut points: Ring = value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
            .collect();
        if points.len() > 1 && points.first() == points.last() {
            points.pop();
        }
        points
    };
    let coordinates = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => coordinates
            .get(0)
            .map(ring)
            .into_iter()
            .filter(|r| r.len() >= 3)
            .collect(),
        Some("MultiPolygon") => coordinates
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|polygon| polygon.get(0).map(ring))
            .filter(|r| r.len() >= 3)
            .collect(),
        _ => Vec::new(),
    }
}

/// Twice the signed area of a ring in its own units (positive when counter-clockwise).
fn doubled_area(ring: &[(f64, f64)]) -> f64 {
    (0..ring.len())
        .map(|i| {
            let (x1, y1) = ring[i];
            let (x2, y2) = ring[(i + 1) % ring.len()];
            x1 * y2 - x2 * y1
        })
        .sum()
}

/// Keeps the part of `ring` where `inside` holds, cutting edges where `crossing` says
/// (Sutherland–Hodgman against one half-plane). A ring cut into several pieces stays one ring
/// joined along the cut line, which point-in-polygon tests still read correctly.
fn clip_half_plane(ring: &[(f64, f64)], inside: impl Fn((f64, f64)) -> f64) -> Ring {
    let mut out = Vec::with_capacity(ring.len() + 4);
    for i in 0..ring.len() {
        let current = ring[i];
        let next = ring[(i + 1) % ring.len()];
        let (a, b) = (inside(current), inside(next));
        if a <= 0.0 {
            out.push(current);
        }
        if (a <= 0.0) != (b <= 0.0) {
            let t = a / (a - b);
            out.push((
                current.0 + t * (next.0 - current.0),
                current.1 + t * (next.1 - current.1),
            ));
        }
    }
    out
}

/// For each of `centers` (longitude, latitude), the part of `clip` (rings, typically a district
/// boundary's) that is nearer to it than to any other centre, as a GeoJSON geometry: a
/// `Polygon`, a `MultiPolygon` when the clip has several parts, or `None` when nothing of the
/// clip is nearest to it. Distances treat a degree of longitude as `cos(latitude)` of a degree
/// of latitude at the centres' mean latitude, which is exact enough across a district.
pub fn nearest_cells(centers: &[(f64, f64)], clip: &[Ring]) -> Vec<Option<Value>> {
    let mean_lat = centers.iter().map(|c| c.1).sum::<f64>() / centers.len().max(1) as f64;
    let scale = mean_lat.to_radians().cos();
    centers
        .iter()
        .enumerate()
        .map(|(i, &(xi, yi))| {
            let parts: Vec<Ring> = clip
                .iter()
                .filter_map(|ring| {
                    let mut cell = ring.clone();
                    for (j, &(xj, yj)) in centers.iter().enumerate() {
                        if i == j || cell.len() < 3 {
                            continue;
                        }
                        // Nearer to i than to j: (p - mid) · (cj - ci) <= 0, in scaled units.
                        let (dx, dy) = ((xj - xi) * scale, yj - yi);
                        let (mx, my) = ((xi + xj) / 2.0, (yi + yj) / 2.0);
                        cell = clip_half_plane(&cell, |(x, y)| {
                            (x - mx) * scale * dx + (y - my) * dy
                        });
                    }
                    (cell.len() >= 3 && doubled_area(&cell).abs() > 1e-12).then_some(cell)
                })
                .collect();
            let closed = |ring: &Ring| -> Value {
                let mut points: Vec<Value> =
                    ring.iter().map(|(x, y)| serde_json::json!([x, y])).collect();
                points.push(points[0].clone());
                Value::Array(points)
            };
            match parts.len() {
                0 => None,
                1 => Some(serde_json::json!({"type": "Polygon", "coordinates": [closed(&parts[0])]})),
                _ => Some(serde_json::json!({
                    "type": "MultiPolygon",
                    "coordinates": parts.iter().map(|p| Value::Array(vec![closed(p)])).collect::<Vec<_>>(),
                })),
            }
        })
        .collect()
}

/// A rectangle around `points`, widened by `margin` of its size on every side (and by at least
/// a hundredth of a degree), as a ring.
pub fn bounding_ring(points: &[(f64, f64)], margin: f64) -> Ring {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let pad_x = ((x1 - x0) * margin).max(0.01);
    let pad_y = ((y1 - y0) * margin).max(0.01);
    vec![
        (x0 - pad_x, y0 - pad_y),
        (x1 + pad_x, y0 - pad_y),
        (x1 + pad_x, y1 + pad_y),
        (x0 - pad_x, y1 + pad_y),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn polygon_with_hole() {
        let square = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
            [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
        ]});
        assert!(contains(&square, 1.0, 1.0));
        assert!(!contains(&square, 5.0, 5.0), "point in the hole");
        assert!(!contains(&square, 11.0, 5.0));
    }

    #[test]
    fn multipolygon_and_junk() {
        let two = json!({"type": "MultiPolygon", "coordinates": [
            [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],
            [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0], [5.0, 5.0]]]
        ]});
        assert!(contains(&two, 5.5, 5.5));
        assert!(!contains(&two, 3.0, 3.0));
        assert!(!contains(&json!({"type": "Point"}), 0.0, 0.0));
    }

    #[test]
    fn nearest_cells_split_a_square_between_two_centres() {
        // Two centres on the equator, a square around both: the bisector x = 0 splits it.
        let square = vec![vec![(-2.0, -1.0), (2.0, -1.0), (2.0, 1.0), (-2.0, 1.0)]];
        let cells = nearest_cells(&[(-1.0, 0.0), (1.0, 0.0)], &square);
        let left = cells[0].as_ref().unwrap();
        let right = cells[1].as_ref().unwrap();
        assert_eq!(left["type"], "Polygon");
        assert!(contains(left, -1.5, 0.5) && !contains(left, 1.5, 0.5));
        assert!(contains(right, 1.5, -0.5) && !contains(right, -1.5, -0.5));
        // Each half has area 4 (doubled: 8).
        for cell in [left, right] {
            let ring = &outer_rings(cell)[0];
            assert!((doubled_area(ring).abs() - 8.0).abs() < 1e-9, "{ring:?}");
        }
    }

    #[test]
    fn nearest_cells_follow_the_clip_and_drop_centres_outside_it() {
        // An L-shaped clip; a third centre far away gets nothing of it.
        let l_shape = vec![vec![
            (0.0, 0.0),
            (4.0, 0.0),
            (4.0, 1.0),
            (1.0, 1.0),
            (1.0, 4.0),
            (0.0, 4.0),
        ]];
        let cells = nearest_cells(&[(0.5, 0.5), (3.0, 0.5), (40.0, 40.0)], &l_shape);
        assert!(cells[2].is_none());
        let first = cells[0].as_ref().unwrap();
        assert!(
            contains(first, 0.5, 3.5),
            "the arm of the L is nearest the first centre"
        );
        assert!(
            !contains(first, 2.5, 2.5),
            "outside the clip is outside the cell"
        );
        assert!(contains(cells[1].as_ref().unwrap(), 3.5, 0.5));
        // Together the cells cover the clip: every sample point of the L is in exactly one.
        for (x, y) in [(0.2, 0.2), (0.9, 3.9), (3.9, 0.9), (1.6, 0.4), (1.8, 0.6)] {
            let hits = cells.iter().flatten().filter(|c| contains(c, x, y)).count();
            assert_eq!(hits, 1, "({x}, {y})");
        }
    }

    #[test]
    fn outer_rings_of_multipolygons_drop_holes_and_closing_points() {
        let geometry = json!({"type": "MultiPolygon", "coordinates": [
            [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2], [0.1, 0.1]]],
            [[[5, 5], [6, 5], [6, 6], [5, 5]]]
        ]});
        let rings = outer_rings(&geometry);
        assert_eq!(rings.len(), 2);
        assert_eq!(rings[0], vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]);
        let bbox = bounding_ring(&[(0.0, 0.0), (10.0, 2.0)], 0.1);
        assert_eq!(bbox[0], (-1.0, -0.2));
        assert_eq!(bbox[2], (11.0, 2.2));
    }
}
