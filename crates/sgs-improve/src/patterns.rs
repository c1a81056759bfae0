//! The two patterns several rules count: runs of points on one side of a center line, and
//! runs of points moving the same way. Both charts share them so that "in a row" means the
//! same thing everywhere.

use crate::signal::Direction;

/// A maximal run of values on one side of a center line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SideRun {
    /// `Up` above the center line, `Down` below.
    pub(crate) side: Direction,
    /// The indices of the points in the run.
    pub(crate) points: Vec<usize>,
}

/// Cuts values into runs on either side of `center`. Values exactly on the center line are
/// skipped: they neither count in a run nor break it.
pub(crate) fn side_runs(values: &[(usize, f64)], center: f64) -> Vec<SideRun> {
    let mut runs: Vec<SideRun> = Vec::new();
    for &(index, value) in values {
        let side = if value > center {
            Direction::Up
        } else if value < center {
            Direction::Down
        } else {
            continue;
        };
        match runs.last_mut() {
            Some(run) if run.side == side => run.points.push(index),
            _ => runs.push(SideRun {
                side,
                points: vec![index],
            }),
        }
    }
    runs
}

/// A maximal run of values moving the same way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Monotone {
    /// `Up` for increasing values, `Down` for decreasing.
    pub(crate) direction: Direction,
    /// The indices of every point from where the movement starts to where it ends, repeated
    /// values inside included.
    pub(crate) points: Vec<usize>,
    /// How many points count: one more than the number of strict steps, so that a repeated
    /// value counts once.
    pub(crate) count: usize,
}

/// Cuts values into runs of increases and decreases. A value equal to the one before neither
/// breaks the run nor counts in it; a turning point ends one run and starts the next.
pub(crate) fn monotone_runs(values: &[(usize, f64)]) -> Vec<Monotone> {
    // (direction, first position, last position, count) over positions in `values`.
    let mut runs: Vec<(Direction, usize, usize, usize)> = Vec::new();
    for position in 1..values.len() {
        let (before, after) = (values[position - 1].1, values[position].1);
        let direction = if after > before {
            Direction::Up
        } else if after < before {
            Direction::Down
        } else {
            continue;
        };
        match runs.last_mut() {
            // Steps in between were repeats, so the same direction continues the run.
            Some(run) if run.0 == direction => {
                run.2 = position;
                run.3 += 1;
            }
            _ => runs.push((direction, position - 1, position, 2)),
        }
    }
    runs.into_iter()
        .map(|(direction, first, last, count)| Monotone {
            direction,
            points: values[first..=last].iter().map(|&(i, _)| i).collect(),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexed(values: &[f64]) -> Vec<(usize, f64)> {
        values.iter().copied().enumerate().collect()
    }

    fn check_sides(values: &[f64], center: f64, expected: &[(Direction, &[usize])]) {
        let got: Vec<(Direction, Vec<usize>)> = side_runs(&indexed(values), center)
            .into_iter()
            .map(|r| (r.side, r.points))
            .collect();
        let expected: Vec<(Direction, Vec<usize>)> =
            expected.iter().map(|(d, p)| (*d, p.to_vec())).collect();
        assert_eq!(got, expected, "{values:?}");
    }

    #[test]
    fn points_on_the_center_neither_count_nor_break() {
        use Direction::{Down, Up};
        check_sides(&[], 0.0, &[]);
        check_sides(&[1.0, 1.0, 0.0, 1.0], 0.0, &[(Up, &[0, 1, 3])]);
        check_sides(
            &[1.0, -1.0, 0.0, -2.0, 3.0],
            0.0,
            &[(Up, &[0]), (Down, &[1, 3]), (Up, &[4])],
        );
        check_sides(&[0.0, 0.0], 0.0, &[]);
    }

    fn check_monotone(values: &[f64], expected: &[(Direction, &[usize], usize)]) {
        let got: Vec<(Direction, Vec<usize>, usize)> = monotone_runs(&indexed(values))
            .into_iter()
            .map(|m| (m.direction, m.points, m.count))
            .collect();
        let expected: Vec<(Direction, Vec<usize>, usize)> = expected
            .iter()
            .map(|(d, p, c)| (*d, p.to_vec(), *c))
            .collect();
        assert_eq!(got, expected, "{values:?}");
    }

    #[test]
    fn repeated_values_count_once_and_do_not_break() {
        use Direction::{Down, Up};
        check_monotone(&[1.0, 2.0, 2.0, 3.0], &[(Up, &[0, 1, 2, 3], 3)]);
        // The flat start and end are not part of the movement.
        check_monotone(
            &[3.0, 3.0, 4.0, 5.0, 6.0, 7.0, 7.0],
            &[(Up, &[1, 2, 3, 4, 5], 5)],
        );
        // A turning point belongs to both runs.
        check_monotone(
            &[1.0, 2.0, 3.0, 2.0, 1.0],
            &[(Up, &[0, 1, 2], 3), (Down, &[2, 3, 4], 3)],
        );
        // A plateau at the turn: the down run starts from the last equal value.
        check_monotone(
            &[1.0, 2.0, 3.0, 3.0, 2.0],
            &[(Up, &[0, 1, 2], 3), (Down, &[3, 4], 2)],
        );
        check_monotone(&[5.0, 5.0, 5.0], &[]);
        check_monotone(&[5.0], &[]);
    }
}
