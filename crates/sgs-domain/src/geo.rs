//! Point-in-polygon over GeoJSON geometry, enough to place a campus in a planning area.

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
}
