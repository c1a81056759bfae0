//! Utilization: enrollment against capacity, flagged over, near, under or within range.

use serde::Serialize;

/// How full a building is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UtilizationFlag {
    /// Above capacity.
    Over,
    /// 90% to 100% of capacity.
    Near,
    /// Below 70% of capacity: room for more students or a consolidation question.
    Under,
    /// 70% to 90%.
    WithinRange,
}

/// Enrollment ÷ capacity and its flag; `None` without a capacity.
pub fn utilization(enrollment: f64, capacity: Option<u32>) -> Option<(f64, UtilizationFlag)> {
    let capacity = f64::from(capacity.filter(|c| *c > 0)?);
    let ratio = enrollment / capacity;
    let flag = if ratio > 1.0 {
        UtilizationFlag::Over
    } else if ratio >= 0.9 {
        UtilizationFlag::Near
    } else if ratio < 0.7 {
        UtilizationFlag::Under
    } else {
        UtilizationFlag::WithinRange
    };
    Some((ratio, flag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_at_the_boundaries() {
        let cases = [
            (501.0, UtilizationFlag::Over),
            (500.0, UtilizationFlag::Near),
            (450.0, UtilizationFlag::Near),
            (449.0, UtilizationFlag::WithinRange),
            (350.0, UtilizationFlag::WithinRange),
            (349.0, UtilizationFlag::Under),
        ];
        for (enrollment, flag) in cases {
            assert_eq!(
                utilization(enrollment, Some(500)).unwrap().1,
                flag,
                "{enrollment}"
            );
        }
        assert_eq!(utilization(100.0, None), None);
        assert_eq!(utilization(100.0, Some(0)), None);
    }
}
