//! Scoring an assessment: the spread of individual ratings per indicator, consensus levels per
//! practice and lever, change since last year across rubric versions, and the priority list.
//!
//! Every rule is stated on the item that applies it. In short: "don't know" answers are counted
//! but never averaged; retired indicators are left out; a practice's or lever's level is the
//! plain mean of its indicators' consensus levels; year-over-year change uses only indicators
//! comparable between the two rubric versions; priorities go lowest level first, then narrowest
//! spread, with high-disagreement items set aside for discussion.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::rubric::{Answer, Rubric, Scale};

/// Disagreement rule on the default four-level scale: an indicator is flagged for discussion
/// when its ratings span at least this many levels (highest level answer minus lowest; "don't
/// know" does not count): one rater is two steps from another, e.g. one says Emerging and
/// another Sustaining. Other scales use [`Scale::disagreement_range`], two thirds of their span.
pub const HIGH_DISAGREEMENT_RANGE: u8 = 2;

/// One rater's private answer on one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Who rated (an opaque user key).
    pub rater: String,
    /// The indicator rated.
    pub indicator_id: String,
    /// A level of the scale, or "don't know".
    pub answer: Answer,
    /// The rater's note.
    pub note: String,
    /// Links to evidence the rater points to.
    pub evidence_links: Vec<String>,
}

/// The level the team agreed on for one indicator, recorded by the facilitator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consensus {
    /// The indicator.
    pub indicator_id: String,
    /// The agreed level (1-based, on the rubric's scale).
    pub level: u8,
    /// Why the team settled on it.
    pub rationale: String,
}

/// One assessment's data: the rubric version it used, the individual ratings, the consensus.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Assessment {
    /// The [`Rubric::version`] every rating and consensus in it refers to.
    pub rubric_version: u32,
    /// Individual ratings.
    pub ratings: Vec<Rating>,
    /// Consensus records, at most one per indicator.
    pub consensus: Vec<Consensus>,
}

/// Why an assessment cannot be scored against a rubric.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScoringError {
    /// The assessment was made on another rubric version.
    #[error("assessment uses rubric version {assessment}, rubric given is version {rubric}")]
    VersionMismatch {
        /// Version named by the assessment.
        assessment: u32,
        /// Version of the rubric passed in.
        rubric: u32,
    },
    /// A rating or consensus names an indicator the rubric does not have.
    #[error("unknown indicator `{0}`")]
    UnknownIndicator(String),
    /// A rating or consensus uses a level outside the scale.
    #[error("level {level} for `{indicator_id}` is not on the scale")]
    LevelOutOfScale {
        /// Indicator.
        indicator_id: String,
        /// Offending level.
        level: u8,
    },
    /// Two consensus records for one indicator.
    #[error("two consensus records for `{0}`")]
    DuplicateConsensus(String),
}

/// How individual ratings on one indicator are spread.
///
/// Rules: each rater counts once per indicator; if a rater has several ratings for the same
/// indicator (saved, then changed) the last one in the list counts. "Don't know" answers are
/// counted in `dont_know` and excluded from every other figure. Ratings with a level outside the
/// scale are ignored here ([`score`] rejects them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// The indicator.
    pub indicator_id: String,
    /// Raters per level: `counts[0]` is level 1.
    pub counts: Vec<u32>,
    /// Raters who answered "don't know".
    pub dont_know: u32,
    /// Raters who gave a level (sum of `counts`).
    pub rated: u32,
    /// Lowest level given.
    pub min: Option<u8>,
    /// Highest level given.
    pub max: Option<u8>,
    /// `max - min`, 0 when nobody gave a level.
    pub range: u8,
    /// Mean level given.
    pub mean: Option<f64>,
    /// Population standard deviation of the levels given (divide by n, not n − 1: the raters
    /// are the whole team, not a sample).
    pub std_dev: Option<f64>,
}

impl Spread {
    /// True when the range reaches the scale's disagreement range
    /// ([`Scale::disagreement_range`]; [`HIGH_DISAGREEMENT_RANGE`] on four levels). The scale's
    /// size is the number of level counts.
    pub fn is_high_disagreement(&self) -> bool {
        self.range >= crate::rubric::disagreement_range(self.counts.len())
    }
}

/// Computes the spread of `ratings` on `indicator_id` (ratings on other indicators are skipped).
/// See [`Spread`] for the rules.
pub fn spread(scale: &Scale, indicator_id: &str, ratings: &[Rating]) -> Spread {
    let mut latest: HashMap<&str, Answer> = HashMap::new();
    for r in ratings.iter().filter(|r| r.indicator_id == indicator_id) {
        latest.insert(r.rater.as_str(), r.answer);
    }
    let mut counts = vec![0u32; scale.levels.len()];
    let mut dont_know = 0;
    let mut levels = Vec::new();
    for answer in latest.values() {
        match *answer {
            Answer::DontKnow => dont_know += 1,
            Answer::Level(l) if scale.contains(l) => {
                counts[usize::from(l - 1)] += 1;
                levels.push(l);
            }
            Answer::Level(_) => {}
        }
    }
    let min = levels.iter().copied().min();
    let max = levels.iter().copied().max();
    let n = levels.len() as f64;
    let mean = (!levels.is_empty()).then(|| levels.iter().map(|&l| f64::from(l)).sum::<f64>() / n);
    let std_dev = mean.map(|m| {
        (levels
            .iter()
            .map(|&l| (f64::from(l) - m).powi(2))
            .sum::<f64>()
            / n)
            .sqrt()
    });
    Spread {
        indicator_id: indicator_id.to_owned(),
        rated: counts.iter().sum(),
        counts,
        dont_know,
        min,
        max,
        range: max.zip(min).map_or(0, |(hi, lo)| hi - lo),
        mean,
        std_dev,
    }
}

/// Result for one active indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// The indicator.
    pub indicator_id: String,
    /// Its lever.
    pub lever_id: String,
    /// Its practice.
    pub practice_id: String,
    /// The consensus level, if recorded.
    pub consensus: Option<u8>,
    /// The spread of individual ratings.
    pub spread: Spread,
}

/// Spread across the indicators of a practice or lever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpreadSummary {
    /// Level answers per level, summed over the indicators: `counts[0]` is level 1.
    pub counts: Vec<u32>,
    /// "Don't know" answers, summed over the indicators.
    pub dont_know: u32,
    /// Largest indicator range.
    pub max_range: u8,
    /// Mean of the indicators' standard deviations, over indicators with at least one level
    /// answer.
    pub mean_std_dev: Option<f64>,
    /// Indicators flagged by the disagreement rule ([`Spread::is_high_disagreement`]).
    pub high_disagreement: usize,
}

/// Consensus level and spread of a practice or a lever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    /// Practice or lever id.
    pub id: String,
    /// Mean of the consensus levels of its active indicators; indicators without consensus are
    /// left out; `None` when none has consensus.
    pub level: Option<f64>,
    /// Active indicators in the group.
    pub indicators: usize,
    /// Of those, how many have a consensus level (and so count in `level`).
    pub with_consensus: usize,
    /// Spread summary over its active indicators.
    pub spread: SpreadSummary,
}

/// The scored assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentResults {
    /// Rubric version scored against.
    pub rubric_version: u32,
    /// Active indicators in rubric order.
    pub indicators: Vec<IndicatorResult>,
    /// Practices in rubric order.
    pub practices: Vec<GroupResult>,
    /// Levers (preconditions first) in rubric order.
    pub levers: Vec<GroupResult>,
}

impl AssessmentResults {
    /// The result for one indicator.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorResult> {
        self.indicators.iter().find(|i| i.indicator_id == id)
    }

    /// The result for one practice.
    pub fn practice(&self, id: &str) -> Option<&GroupResult> {
        self.practices.iter().find(|p| p.id == id)
    }

    /// The result for one lever.
    pub fn lever(&self, id: &str) -> Option<&GroupResult> {
        self.levers.iter().find(|l| l.id == id)
    }
}

fn check(rubric: &Rubric, assessment: &Assessment) -> Result<(), ScoringError> {
    if assessment.rubric_version != rubric.version {
        return Err(ScoringError::VersionMismatch {
            assessment: assessment.rubric_version,
            rubric: rubric.version,
        });
    }
    let known = |id: &str| {
        rubric
            .indicator(id)
            .map(|_| ())
            .ok_or_else(|| ScoringError::UnknownIndicator(id.to_owned()))
    };
    let on_scale = |id: &str, level: u8| {
        if rubric.scale.contains(level) {
            Ok(())
        } else {
            Err(ScoringError::LevelOutOfScale {
                indicator_id: id.to_owned(),
                level,
            })
        }
    };
    for r in &assessment.ratings {
        known(&r.indicator_id)?;
        if let Answer::Level(l) = r.answer {
            on_scale(&r.indicator_id, l)?;
        }
    }
    let mut seen = HashSet::new();
    for c in &assessment.consensus {
        known(&c.indicator_id)?;
        on_scale(&c.indicator_id, c.level)?;
        if !seen.insert(c.indicator_id.as_str()) {
            return Err(ScoringError::DuplicateConsensus(c.indicator_id.clone()));
        }
    }
    Ok(())
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn group(id: &str, members: &[&IndicatorResult], levels: usize) -> GroupResult {
    let mut counts = vec![0u32; levels];
    for m in members {
        for (c, v) in counts.iter_mut().zip(&m.spread.counts) {
            *c += v;
        }
    }
    GroupResult {
        id: id.to_owned(),
        level: mean(members.iter().filter_map(|m| m.consensus.map(f64::from))),
        indicators: members.len(),
        with_consensus: members.iter().filter(|m| m.consensus.is_some()).count(),
        spread: SpreadSummary {
            counts,
            dont_know: members.iter().map(|m| m.spread.dont_know).sum(),
            max_range: members.iter().map(|m| m.spread.range).max().unwrap_or(0),
            mean_std_dev: mean(members.iter().filter_map(|m| m.spread.std_dev)),
            high_disagreement: members
                .iter()
                .filter(|m| m.spread.is_high_disagreement())
                .count(),
        },
    }
}

/// Scores an assessment against the rubric version it used.
///
/// Rules: the assessment must name this rubric's version; every rating and consensus must name a
/// known indicator and use a level on the scale; at most one consensus per indicator. Retired
/// indicators are excluded: they get no result, and any ratings or consensus on them are
/// ignored. A practice's level is the mean of its active indicators' consensus levels, and a
/// lever's level is the mean over all its active indicators directly (not the mean of its
/// practice means, so a practice with more indicators weighs more); indicators without consensus
/// are left out of both.
pub fn score(rubric: &Rubric, assessment: &Assessment) -> Result<AssessmentResults, ScoringError> {
    check(rubric, assessment)?;
    let consensus: HashMap<&str, u8> = assessment
        .consensus
        .iter()
        .map(|c| (c.indicator_id.as_str(), c.level))
        .collect();
    let indicators: Vec<IndicatorResult> = rubric
        .active_indicators()
        .map(|(l, p, i)| IndicatorResult {
            indicator_id: i.id.clone(),
            lever_id: l.id.clone(),
            practice_id: p.id.clone(),
            consensus: consensus.get(i.id.as_str()).copied(),
            spread: spread(&rubric.scale, &i.id, &assessment.ratings),
        })
        .collect();
    let levels = rubric.scale.levels.len();
    let mut practices = Vec::new();
    let mut levers = Vec::new();
    for lever in &rubric.levers {
        for p in &lever.practices {
            let members: Vec<&IndicatorResult> = indicators
                .iter()
                .filter(|r| r.practice_id == p.id)
                .collect();
            practices.push(group(&p.id, &members, levels));
        }
        let members: Vec<&IndicatorResult> = indicators
            .iter()
            .filter(|r| r.lever_id == lever.id)
            .collect();
        levers.push(group(&lever.id, &members, levels));
    }
    Ok(AssessmentResults {
        rubric_version: rubric.version,
        indicators,
        practices,
        levers,
    })
}

/// The consensus change on one comparable indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorChange {
    /// The indicator.
    pub indicator_id: String,
    /// Its lever (in the current rubric).
    pub lever_id: String,
    /// Its practice (in the current rubric).
    pub practice_id: String,
    /// Last year's consensus level.
    pub previous: u8,
    /// This year's consensus level.
    pub current: u8,
    /// `current - previous`; positive is progress.
    pub delta: i16,
}

/// Why an indicator is left out of the year-over-year comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotComparableReason {
    /// Added in the current rubric: last year's rubric did not have it.
    NewInCurrent,
    /// Absent from the current rubric (only possible across unrelated rubrics).
    MissingInCurrent,
    /// Retired in the current rubric, active last year.
    RetiredInCurrent,
    /// Comparable, but last year's assessment has no consensus on it.
    NoPreviousConsensus,
    /// Comparable, but this year's assessment has no consensus on it.
    NoCurrentConsensus,
    /// The rating scale has a different number of levels than last year's.
    ScaleChanged,
}

/// An indicator left out of the comparison, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotComparable {
    /// The indicator.
    pub indicator_id: String,
    /// Why.
    pub reason: NotComparableReason,
}

/// Like-for-like change of a practice or lever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupChange {
    /// Practice or lever id (from the current rubric).
    pub id: String,
    /// Mean of last year's consensus over the compared indicators.
    pub previous: Option<f64>,
    /// Mean of this year's consensus over the same indicators.
    pub current: Option<f64>,
    /// `current - previous`.
    pub delta: Option<f64>,
    /// How many indicators were compared.
    pub compared: usize,
}

/// Change since last year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Last year's rubric version.
    pub previous_version: u32,
    /// This year's rubric version.
    pub current_version: u32,
    /// Compared indicators, in current rubric order.
    pub indicators: Vec<IndicatorChange>,
    /// Practices of the current rubric, in order.
    pub practices: Vec<GroupChange>,
    /// Levers of the current rubric, in order.
    pub levers: Vec<GroupChange>,
    /// Indicators active in either year but not compared: those of the current rubric in order,
    /// then those only last year's rubric had.
    pub not_comparable: Vec<NotComparable>,
}

/// Compares last year's assessment with this year's, each scored on its own rubric version.
///
/// Rules: an indicator is compared only when it is comparable between the two rubric versions
/// ([`Rubric::comparable`]: same id in both, retired in neither) and both years recorded a
/// consensus on it. Every other indicator active in at least one of the two versions is listed
/// in `not_comparable` with its reason; indicators retired in both are not mentioned. Practice
/// and lever change is like-for-like: both means run over the same compared indicators, so a
/// lever's change is not the difference of its two yearly levels when the indicator sets differ.
pub fn change_since(
    previous_rubric: &Rubric,
    previous: &Assessment,
    current_rubric: &Rubric,
    current: &Assessment,
) -> Result<Change, ScoringError> {
    check(previous_rubric, previous)?;
    check(current_rubric, current)?;
    let before: HashMap<&str, u8> = previous
        .consensus
        .iter()
        .map(|c| (c.indicator_id.as_str(), c.level))
        .collect();
    let after: HashMap<&str, u8> = current
        .consensus
        .iter()
        .map(|c| (c.indicator_id.as_str(), c.level))
        .collect();
    let mut indicators = Vec::new();
    let mut not_comparable = Vec::new();
    let mut skip = |id: &str, reason| {
        not_comparable.push(NotComparable {
            indicator_id: id.to_owned(),
            reason,
        })
    };
    let same_scale = previous_rubric.same_scale(current_rubric);
    for (l, p, i) in current_rubric.indicators() {
        let old = previous_rubric.indicator(&i.id);
        let old_active = old.is_some_and(|o| !o.retired);
        if i.retired {
            if old_active {
                skip(&i.id, NotComparableReason::RetiredInCurrent);
            }
            continue;
        }
        if old_active && !same_scale {
            skip(&i.id, NotComparableReason::ScaleChanged);
            continue;
        }
        if !old_active {
            // Absent last year, or (only across unrelated rubrics) retired then and active now.
            skip(&i.id, NotComparableReason::NewInCurrent);
            continue;
        }
        match (before.get(i.id.as_str()), after.get(i.id.as_str())) {
            (None, _) => skip(&i.id, NotComparableReason::NoPreviousConsensus),
            (_, None) => skip(&i.id, NotComparableReason::NoCurrentConsensus),
            (Some(&b), Some(&a)) => indicators.push(IndicatorChange {
                indicator_id: i.id.clone(),
                lever_id: l.id.clone(),
                practice_id: p.id.clone(),
                previous: b,
                current: a,
                delta: i16::from(a) - i16::from(b),
            }),
        }
    }
    for (_, _, i) in previous_rubric.active_indicators() {
        if current_rubric.indicator(&i.id).is_none() {
            skip(&i.id, NotComparableReason::MissingInCurrent);
        }
    }
    let group_change = |id: &str, members: Vec<&IndicatorChange>| {
        let prev = mean(members.iter().map(|c| f64::from(c.previous)));
        let cur = mean(members.iter().map(|c| f64::from(c.current)));
        GroupChange {
            id: id.to_owned(),
            previous: prev,
            current: cur,
            delta: prev.zip(cur).map(|(p, c)| c - p),
            compared: members.len(),
        }
    };
    let mut practices = Vec::new();
    let mut levers = Vec::new();
    for lever in &current_rubric.levers {
        for p in &lever.practices {
            let members = indicators
                .iter()
                .filter(|c| c.practice_id == p.id)
                .collect();
            practices.push(group_change(&p.id, members));
        }
        let members = indicators
            .iter()
            .filter(|c| c.lever_id == lever.id)
            .collect();
        levers.push(group_change(&lever.id, members));
    }
    Ok(Change {
        previous_version: previous_rubric.version,
        current_version: current_rubric.version,
        indicators,
        practices,
        levers,
        not_comparable,
    })
}

/// One indicator on the priority list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityItem {
    /// The indicator.
    pub indicator_id: String,
    /// Its lever.
    pub lever_id: String,
    /// Its practice.
    pub practice_id: String,
    /// Consensus level.
    pub level: u8,
    /// Range of individual ratings.
    pub range: u8,
    /// Standard deviation of individual ratings (`None` when nobody gave a level).
    pub std_dev: Option<f64>,
    /// "Don't know" answers.
    pub dont_know: u32,
}

/// The priority list, split in two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priorities {
    /// Indicators the team agrees on, weakest first: where to push.
    pub ranked: Vec<PriorityItem>,
    /// High-disagreement indicators (see [`Spread::is_high_disagreement`]), in the same order: talk
    /// these through before acting on them.
    pub for_discussion: Vec<PriorityItem>,
}

/// Builds the priority list from scored results.
///
/// Rules: only active indicators with a consensus level appear. Order: lowest consensus level
/// first; among equal levels, narrowest spread first, by standard deviation, then by range;
/// an indicator nobody gave a level to (spread unknown) comes after those with a known spread at
/// its level; remaining ties keep rubric order. Indicators flagged by the disagreement rule
/// ([`Spread::is_high_disagreement`]) go to `for_discussion` instead of `ranked`, ordered the
/// same way.
/// Every level is listed, top level included; callers cut the list where they like.
pub fn priorities(results: &AssessmentResults) -> Priorities {
    let mut items: Vec<((usize, bool), PriorityItem)> = results
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(pos, r)| {
            r.consensus.map(|level| {
                (
                    (pos, r.spread.is_high_disagreement()),
                    PriorityItem {
                        indicator_id: r.indicator_id.clone(),
                        lever_id: r.lever_id.clone(),
                        practice_id: r.practice_id.clone(),
                        level,
                        range: r.spread.range,
                        std_dev: r.spread.std_dev,
                        dont_know: r.spread.dont_know,
                    },
                )
            })
        })
        .collect();
    items.sort_by(|(pa, a), (pb, b)| {
        a.level
            .cmp(&b.level)
            .then_with(|| match (a.std_dev, b.std_dev) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.range.cmp(&b.range))
            .then_with(|| pa.0.cmp(&pb.0))
    });
    let (for_discussion, ranked): (Vec<_>, Vec<_>) =
        items.into_iter().partition(|((_, flagged), _)| *flagged);
    let (for_discussion, ranked) = (
        for_discussion.into_iter().map(|(_, item)| item).collect(),
        ranked.into_iter().map(|(_, item)| item).collect(),
    );
    Priorities {
        ranked,
        for_discussion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::{Idea, Indicator, Lever, Practice, RubricChange, RubricError, Text};

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn indicator(id: &str) -> Indicator {
        Indicator {
            id: id.to_owned(),
            text: Text::new(format!("Indicator {id}"), format!("Indicador {id}")),
            evidence: Text::new("An artifact", "Un artefacto"),
            ideas: vec![Idea::ImprovementScience],
            level_descriptions: (1..=4)
                .map(|l| Text::new(format!("Level {l}"), format!("Nivel {l}")))
                .collect(),
            retired: false,
        }
    }

    fn practice(id: &str, inds: &[&str]) -> Practice {
        Practice {
            id: id.to_owned(),
            name: Text::new(format!("Practice {id}"), format!("Práctica {id}")),
            indicators: inds.iter().map(|i| indicator(i)).collect(),
        }
    }

    /// l1 { l1.a: a1 a2 a3, l1.b: b1 }, l2 { l2.c: c1 c2 }, on the default scale.
    fn small_rubric() -> Rubric {
        let lever = |id: &str, practices| Lever {
            id: id.to_owned(),
            name: Text::new(format!("Lever {id}"), format!("Palanca {id}")),
            practices,
        };
        let r = Rubric {
            version: 1,
            scale: Scale::default(),
            levers: vec![
                lever(
                    "l1",
                    vec![
                        practice("l1.a", &["a1", "a2", "a3"]),
                        practice("l1.b", &["b1"]),
                    ],
                ),
                lever("l2", vec![practice("l2.c", &["c1", "c2"])]),
            ],
        };
        r.validate().unwrap();
        r
    }

    fn rate(rater: &str, id: &str, answer: Answer) -> Rating {
        Rating {
            rater: rater.to_owned(),
            indicator_id: id.to_owned(),
            answer,
            note: String::new(),
            evidence_links: vec![],
        }
    }

    fn levels(id: &str, levels: &[u8]) -> Vec<Rating> {
        levels
            .iter()
            .enumerate()
            .map(|(n, &l)| rate(&format!("r{n}"), id, Answer::Level(l)))
            .collect()
    }

    fn agreed(pairs: &[(&str, u8)]) -> Vec<Consensus> {
        pairs
            .iter()
            .map(|&(id, level)| Consensus {
                indicator_id: id.to_owned(),
                level,
                rationale: "agreed in the room".to_owned(),
            })
            .collect()
    }

    #[test]
    fn the_scale_is_a_setting_and_a_new_size_breaks_comparability() {
        use crate::rubric::disagreement_range;
        // Two thirds of the span, rounded up, at least one.
        let ranges: Vec<u8> = (2..=9).map(disagreement_range).collect();
        assert_eq!(ranges, [1, 2, 2, 3, 4, 4, 5, 6]);
        assert_eq!(disagreement_range(4), HIGH_DISAGREEMENT_RANGE);

        let v1 = small_rubric();
        let five: Vec<Text> = ["None", "Starting", "Growing", "Strong", "Model"]
            .iter()
            .map(|l| Text::new(*l, format!("{l} (es)")))
            .collect();
        let five_descriptions = |ids: &[&str]| -> std::collections::BTreeMap<String, Vec<Text>> {
            ids.iter()
                .map(|id| {
                    (
                        id.to_string(),
                        (1..=5)
                            .map(|l| Text::new(format!("L{l}"), format!("N{l}")))
                            .collect(),
                    )
                })
                .collect()
        };
        // Five levels need five descriptions on every active indicator.
        let missing = v1.edit(&[RubricChange::SetScale {
            levels: five.clone(),
            level_descriptions: five_descriptions(&["a1", "a2", "a3", "b1", "c1"]),
        }]);
        assert!(
            matches!(missing, Err(RubricError::LevelCount { ref id, expected: 5, found: 4 }) if id == "c2"),
            "{missing:?}"
        );
        // Retire a2 first: a retired indicator keeps its four descriptions.
        let v2 = v1
            .edit(&[
                RubricChange::RetireIndicator { id: "a2".into() },
                RubricChange::SetScale {
                    levels: five.clone(),
                    level_descriptions: five_descriptions(&["a1", "a3", "b1", "c1", "c2"]),
                },
            ])
            .unwrap();
        v2.validate().unwrap();
        assert_eq!(v2.scale.max_level(), 5);
        assert_eq!(v2.indicator("a2").unwrap().level_descriptions.len(), 4);

        // Nothing is comparable across a change of size.
        let last_year = Assessment {
            rubric_version: 1,
            ratings: vec![],
            consensus: agreed(&[("a1", 1), ("b1", 3)]),
        };
        let this_year = Assessment {
            rubric_version: 2,
            ratings: vec![],
            consensus: agreed(&[("a1", 5), ("b1", 3)]),
        };
        let ch = change_since(&v1, &last_year, &v2, &this_year).unwrap();
        assert!(ch.indicators.is_empty());
        let scale_changed = ch
            .not_comparable
            .iter()
            .filter(|n| n.reason == NotComparableReason::ScaleChanged)
            .count();
        assert_eq!(scale_changed, 5, "every active indicator of both years");

        // Relabelling four levels keeps them comparable.
        let relabelled = v1
            .edit(&[RubricChange::SetScale {
                levels: ["Not started", "Beginning", "Progressing", "Sustained"]
                    .iter()
                    .map(|l| Text::new(*l, format!("{l} (es)")))
                    .collect(),
                level_descriptions: Default::default(),
            }])
            .unwrap();
        let this_year = Assessment {
            rubric_version: 2,
            ratings: vec![],
            consensus: agreed(&[("a1", 2), ("b1", 3)]),
        };
        let ch = change_since(&v1, &last_year, &relabelled, &this_year).unwrap();
        assert_eq!(ch.indicators.len(), 2);

        // On five levels a range of 2 is ordinary, 3 is disagreement.
        let ratings = levels("a1", &[2, 4]);
        assert!(!spread(&v2.scale, "a1", &ratings).is_high_disagreement());
        let ratings = levels("a1", &[1, 4]);
        assert!(spread(&v2.scale, "a1", &ratings).is_high_disagreement());
        // A scale outside 2 to 9 levels is refused.
        let one = v1.edit(&[RubricChange::SetScale {
            levels: vec![Text::new("Only", "Solo")],
            level_descriptions: Default::default(),
        }]);
        assert_eq!(one, Err(RubricError::ScaleSize(1)));
    }

    #[test]
    fn spread_of_five_raters() {
        use Answer::{DontKnow, Level};
        // Five raters on a1. Ana first said 3 and then changed to 1: her last answer counts.
        // Eva does not know. A rating on another indicator is ignored.
        let ratings = vec![
            rate("ana", "a1", Level(3)),
            rate("ben", "a1", Level(2)),
            rate("cruz", "a1", Level(2)),
            rate("dee", "a1", Level(4)),
            rate("eva", "a1", DontKnow),
            rate("ana", "a1", Level(1)),
            rate("ana", "a2", Level(4)),
        ];
        let s = spread(&Scale::default(), "a1", &ratings);
        assert_eq!(s.counts, vec![1, 2, 0, 1]);
        assert_eq!(s.dont_know, 1);
        assert_eq!(s.rated, 4);
        assert_eq!((s.min, s.max, s.range), (Some(1), Some(4), 3));
        // mean = (1 + 2 + 2 + 4) / 4 = 2.25
        assert!(approx(s.mean.unwrap(), 2.25));
        // variance = (1.5625 + 0.0625 + 0.0625 + 3.0625) / 4 = 1.1875
        assert!(approx(s.std_dev.unwrap(), 1.1875f64.sqrt()));
        assert!(s.is_high_disagreement());

        // Full agreement, and nobody-but-don't-know.
        let same = spread(&Scale::default(), "b1", &levels("b1", &[3, 3, 3, 3, 3]));
        assert_eq!((same.range, same.std_dev), (0, Some(0.0)));
        assert!(!same.is_high_disagreement());
        let unknown = spread(&Scale::default(), "c1", &[rate("x", "c1", DontKnow)]);
        assert_eq!((unknown.rated, unknown.dont_know), (0, 1));
        assert_eq!((unknown.min, unknown.mean, unknown.range), (None, None, 0));
        // Range 1 is not high disagreement; range 2 is.
        let one = spread(&Scale::default(), "c2", &levels("c2", &[2, 3, 3]));
        assert!(!one.is_high_disagreement());
        let two = spread(&Scale::default(), "c2", &levels("c2", &[2, 3, 4]));
        assert!(two.is_high_disagreement());
    }

    #[test]
    fn practice_and_lever_means() {
        let r = small_rubric();
        let mut ratings = levels("a1", &[1, 1, 3]);
        ratings.extend(levels("b1", &[4, 4]));
        ratings.push(rate("r9", "b1", Answer::DontKnow));
        let a = Assessment {
            rubric_version: 1,
            ratings,
            // a3 has no consensus: left out of the means.
            consensus: agreed(&[("a1", 1), ("a2", 2), ("b1", 4), ("c1", 3), ("c2", 2)]),
        };
        let res = score(&r, &a).unwrap();
        let la = res.practice("l1.a").unwrap();
        assert!(approx(la.level.unwrap(), 1.5)); // (1 + 2) / 2
        assert_eq!((la.indicators, la.with_consensus), (3, 2));
        assert_eq!(la.spread.counts, vec![2, 0, 1, 0]);
        assert_eq!((la.spread.max_range, la.spread.high_disagreement), (2, 1));
        assert!(approx(res.practice("l1.b").unwrap().level.unwrap(), 4.0));
        // Lever 1 = mean of its indicators (1 + 2 + 4) / 3, not of its practices (1.5 + 4) / 2.
        let l1 = res.lever("l1").unwrap();
        assert!(approx(l1.level.unwrap(), 7.0 / 3.0));
        assert_eq!((l1.indicators, l1.with_consensus), (4, 3));
        assert_eq!(l1.spread.dont_know, 1);
        assert_eq!(l1.spread.counts, vec![2, 0, 1, 2]);
        // std devs: a1 sqrt(8/9), b1 0 -> mean over the two rated indicators
        assert!(approx(
            l1.spread.mean_std_dev.unwrap(),
            (8.0f64 / 9.0).sqrt() / 2.0
        ));
        assert!(approx(res.lever("l2").unwrap().level.unwrap(), 2.5));
        assert_eq!(res.indicator("a3").unwrap().consensus, None);

        // No consensus at all: no level.
        let empty = score(
            &r,
            &Assessment {
                rubric_version: 1,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(empty.lever("l1").unwrap().level, None);
    }

    #[test]
    fn score_rejects_bad_input() {
        let r = small_rubric();
        let bad = |a: Assessment| score(&r, &a).unwrap_err();
        assert_eq!(
            bad(Assessment {
                rubric_version: 2,
                ..Default::default()
            }),
            ScoringError::VersionMismatch {
                assessment: 2,
                rubric: 1
            }
        );
        assert_eq!(
            bad(Assessment {
                rubric_version: 1,
                ratings: levels("zz", &[1]),
                consensus: vec![]
            }),
            ScoringError::UnknownIndicator("zz".into())
        );
        assert!(matches!(
            bad(Assessment {
                rubric_version: 1,
                ratings: levels("a1", &[5]),
                consensus: vec![]
            }),
            ScoringError::LevelOutOfScale { level: 5, .. }
        ));
        assert!(matches!(
            bad(Assessment {
                rubric_version: 1,
                ratings: vec![],
                consensus: agreed(&[("a1", 0)])
            }),
            ScoringError::LevelOutOfScale { level: 0, .. }
        ));
        assert_eq!(
            bad(Assessment {
                rubric_version: 1,
                ratings: vec![],
                consensus: agreed(&[("a1", 1), ("a1", 2)])
            }),
            ScoringError::DuplicateConsensus("a1".into())
        );
    }

    #[test]
    fn retired_indicator_is_excluded_from_scoring() {
        let v1 = small_rubric();
        let v2 = v1
            .edit(&[RubricChange::RetireIndicator { id: "a2".into() }])
            .unwrap();
        assert_eq!(v2.version, 2);
        assert!(v2.indicator("a2").is_some(), "kept, not deleted");
        // Ratings and consensus on the retired indicator are ignored.
        let mut ratings = levels("a2", &[1, 4]);
        ratings.extend(levels("a1", &[3, 3]));
        let a = Assessment {
            rubric_version: 2,
            ratings,
            consensus: agreed(&[("a1", 3), ("a2", 1), ("a3", 4)]),
        };
        let res = score(&v2, &a).unwrap();
        assert!(res.indicator("a2").is_none());
        let la = res.practice("l1.a").unwrap();
        assert_eq!((la.indicators, la.with_consensus), (2, 2));
        assert!(approx(la.level.unwrap(), 3.5)); // (3 + 4) / 2, the 1 on a2 ignored
        assert_eq!(la.spread.max_range, 0, "a2's 1-vs-4 spread ignored");
        assert!(priorities(&res).for_discussion.is_empty());
        assert!(priorities(&res)
            .ranked
            .iter()
            .all(|p| p.indicator_id != "a2"));
    }

    #[test]
    fn change_since_last_year_across_an_edit() {
        let v1 = small_rubric();
        let v2 = v1
            .edit(&[
                RubricChange::RetireIndicator { id: "a2".into() },
                RubricChange::AddIndicator {
                    practice_id: "l1.a".into(),
                    indicator: indicator("a4"),
                },
                RubricChange::EditText {
                    id: "a1".into(),
                    text: Text::new("Reworded", "Redactado de nuevo"),
                },
            ])
            .unwrap();
        let last_year = Assessment {
            rubric_version: 1,
            ratings: vec![],
            consensus: agreed(&[("a1", 1), ("a2", 2), ("a3", 2), ("b1", 3), ("c1", 3)]),
        };
        let this_year = Assessment {
            rubric_version: 2,
            ratings: vec![],
            consensus: agreed(&[
                ("a1", 2),
                ("a3", 2),
                ("a4", 1),
                ("b1", 4),
                ("c1", 2),
                ("c2", 3),
            ]),
        };
        let ch = change_since(&v1, &last_year, &v2, &this_year).unwrap();
        assert_eq!((ch.previous_version, ch.current_version), (1, 2));
        let deltas: Vec<(&str, u8, u8, i16)> = ch
            .indicators
            .iter()
            .map(|c| (c.indicator_id.as_str(), c.previous, c.current, c.delta))
            .collect();
        // a1 was reworded but kept its id: still comparable.
        assert_eq!(
            deltas,
            [
                ("a1", 1, 2, 1),
                ("a3", 2, 2, 0),
                ("b1", 3, 4, 1),
                ("c1", 3, 2, -1)
            ]
        );
        let skipped: Vec<(&str, NotComparableReason)> = ch
            .not_comparable
            .iter()
            .map(|n| (n.indicator_id.as_str(), n.reason))
            .collect();
        assert_eq!(
            skipped,
            [
                ("a2", NotComparableReason::RetiredInCurrent),
                ("a4", NotComparableReason::NewInCurrent),
                ("c2", NotComparableReason::NoPreviousConsensus),
            ]
        );
        // Practice l1.a like-for-like over a1 and a3: 1.5 -> 2.0.
        let pa = ch.practices.iter().find(|p| p.id == "l1.a").unwrap();
        assert_eq!(pa.compared, 2);
        assert!(approx(pa.previous.unwrap(), 1.5));
        assert!(approx(pa.current.unwrap(), 2.0));
        assert!(approx(pa.delta.unwrap(), 0.5));
        // Lever l1 over a1, a3, b1: 2.0 -> 8/3.
        let l1 = ch.levers.iter().find(|l| l.id == "l1").unwrap();
        assert_eq!(l1.compared, 3);
        assert!(approx(l1.delta.unwrap(), 8.0 / 3.0 - 2.0));
        // Lever l2 over c1 only: 3 -> 2.
        let l2 = ch.levers.iter().find(|l| l.id == "l2").unwrap();
        assert_eq!(l2.compared, 1);
        assert!(approx(l2.delta.unwrap(), -1.0));
        // This year's own lever level uses every indicator (a4 included), unlike the change.
        let res = score(&v2, &this_year).unwrap();
        assert!(approx(
            res.lever("l1").unwrap().level.unwrap(),
            (2.0 + 2.0 + 1.0 + 4.0) / 4.0
        ));

        // Each assessment must be paired with its own rubric version.
        assert!(matches!(
            change_since(&v2, &last_year, &v2, &this_year),
            Err(ScoringError::VersionMismatch { .. })
        ));
    }

    #[test]
    fn change_reports_missing_current_consensus_and_unrelated_rubrics() {
        let v1 = small_rubric();
        let last = Assessment {
            rubric_version: 1,
            ratings: vec![],
            consensus: agreed(&[("a1", 2)]),
        };
        let now = Assessment {
            rubric_version: 1,
            ..Default::default()
        };
        let ch = change_since(&v1, &last, &v1, &now).unwrap();
        assert!(ch.indicators.is_empty());
        assert_eq!(
            ch.not_comparable[0].reason,
            NotComparableReason::NoCurrentConsensus
        );
        assert_eq!(
            ch.not_comparable[1].reason,
            NotComparableReason::NoPreviousConsensus
        );
        let l1 = &ch.levers[0];
        assert_eq!((l1.compared, l1.previous, l1.delta), (0, None, None));

        // A rubric that dropped an indicator outright (not through edit).
        let mut other = v1.clone();
        other.version = 7;
        other.levers.pop();
        let ch = change_since(
            &v1,
            &last,
            &other,
            &Assessment {
                rubric_version: 7,
                ..Default::default()
            },
        )
        .unwrap();
        let missing: Vec<&str> = ch
            .not_comparable
            .iter()
            .filter(|n| n.reason == NotComparableReason::MissingInCurrent)
            .map(|n| n.indicator_id.as_str())
            .collect();
        assert_eq!(missing, ["c1", "c2"]);
    }

    #[test]
    fn priority_order_lowest_first_ties_by_spread() {
        let r = small_rubric();
        let mut ratings = Vec::new();
        ratings.extend(levels("a1", &[1, 2, 2])); // level 1, sd 0.47, range 1
        ratings.extend(levels("a2", &[1, 1, 1])); // level 1, sd 0,    range 0
        ratings.extend(levels("a3", &[2, 2])); //    level 2, sd 0
        ratings.extend(levels("b1", &[1, 3, 1])); // level 1, range 2 -> discussion
        ratings.extend(levels("c2", &[2, 3, 3, 2])); // level 2, sd 0.5
        ratings.push(rate("r0", "c1", Answer::DontKnow)); // level 2, spread unknown
        let a = Assessment {
            rubric_version: 1,
            ratings,
            consensus: agreed(&[
                ("a1", 1),
                ("a2", 1),
                ("a3", 2),
                ("b1", 1),
                ("c1", 2),
                ("c2", 2),
            ]),
        };
        let p = priorities(&score(&r, &a).unwrap());
        let ranked: Vec<&str> = p.ranked.iter().map(|i| i.indicator_id.as_str()).collect();
        // Level 1: a2 (no spread) before a1 (some spread) although a1 comes first in the rubric.
        // Level 2: a3 (sd 0), c2 (sd 0.5), then c1 (spread unknown).
        assert_eq!(ranked, ["a2", "a1", "a3", "c2", "c1"]);
        let discuss: Vec<&str> = p
            .for_discussion
            .iter()
            .map(|i| i.indicator_id.as_str())
            .collect();
        assert_eq!(discuss, ["b1"]);
        assert_eq!(p.for_discussion[0].range, 2);
        assert_eq!(p.ranked[4].dont_know, 1);

        // Equal level, equal spread: rubric order.
        let tie = Assessment {
            rubric_version: 1,
            ratings: vec![],
            consensus: agreed(&[("c2", 3), ("a3", 3), ("a1", 3)]),
        };
        let p = priorities(&score(&r, &tie).unwrap());
        let ranked: Vec<&str> = p.ranked.iter().map(|i| i.indicator_id.as_str()).collect();
        assert_eq!(ranked, ["a1", "a3", "c2"]);
    }

    #[test]
    fn default_rubric_scores_end_to_end() {
        let r = Rubric::default_v1();
        let consensus: Vec<Consensus> = r
            .active_indicators()
            .enumerate()
            .map(|(n, (_, _, i))| Consensus {
                indicator_id: i.id.clone(),
                level: (n % 4) as u8 + 1,
                rationale: String::new(),
            })
            .collect();
        let a = Assessment {
            rubric_version: 1,
            ratings: vec![],
            consensus,
        };
        let res = score(&r, &a).unwrap();
        assert_eq!(res.levers.len(), 6);
        assert_eq!(res.indicators.len(), r.active_indicators().count());
        assert!(res.levers.iter().all(|l| l.level.is_some()));
        let p = priorities(&res);
        assert_eq!(p.ranked.len(), res.indicators.len());
        assert!(p.ranked.windows(2).all(|w| w[0].level <= w[1].level));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Assessment>(&json).unwrap(), a);
    }
}
