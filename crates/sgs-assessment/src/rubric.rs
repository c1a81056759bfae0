//! The self-assessment framework as data: levers → key practices → indicators, the rating scale,
//! the five ideas behind the framework, and versioned editing.
//!
//! A district adapts the rubric with [`Rubric::edit`], which always yields a new version.
//! Indicators are edited, added or retired but never deleted, and an indicator id is never
//! reused, so a rating made against an old version keeps its meaning: an indicator is comparable
//! across two versions when the same id exists in both and is retired in neither
//! ([`Rubric::comparable`]).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A language the rubric is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

/// A user-facing string in English and Spanish. Both must be non-empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Spanish.
    pub es: String,
}

impl Text {
    /// Builds a text from its English and Spanish forms.
    pub fn new(en: impl Into<String>, es: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            es: es.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }

    /// True when both languages have non-blank text.
    pub fn is_complete(&self) -> bool {
        !self.en.trim().is_empty() && !self.es.trim().is_empty()
    }
}

/// One of the five ideas the SGS framework draws on. An indicator lists the ideas it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Idea {
    /// Universal goals pursued through strategies targeted to how each group and place is situated.
    TargetedUniversalism,
    /// Exploring new schools while exploiting existing ones, in separate units joined at the top.
    AmbidextrousOrganization,
    /// Disciplined, measured improvement cycles (aims, driver diagrams, PDSA, run charts).
    ImprovementScience,
    /// Designing with and for the people served: families, students, principals.
    HumanCenteredDesign,
    /// Lessons from districts that have walked the path (Lubbock, San Antonio, Aldine, Victoria).
    DistrictCaseStudies,
}

impl Idea {
    /// All five ideas, in a fixed order.
    pub const ALL: [Idea; 5] = [
        Idea::TargetedUniversalism,
        Idea::AmbidextrousOrganization,
        Idea::ImprovementScience,
        Idea::HumanCenteredDesign,
        Idea::DistrictCaseStudies,
    ];

    /// A stable identifier, e.g. `"targeted-universalism"`.
    pub fn id(self) -> &'static str {
        match self {
            Idea::TargetedUniversalism => "targeted-universalism",
            Idea::AmbidextrousOrganization => "ambidextrous-organization",
            Idea::ImprovementScience => "improvement-science",
            Idea::HumanCenteredDesign => "human-centered-design",
            Idea::DistrictCaseStudies => "district-case-studies",
        }
    }

    /// The idea's display name.
    pub fn name(self) -> Text {
        match self {
            Idea::TargetedUniversalism => {
                Text::new("Targeted universalism", "Universalismo focalizado")
            }
            Idea::AmbidextrousOrganization => {
                Text::new("Ambidextrous organization", "Organización ambidiestra")
            }
            Idea::ImprovementScience => Text::new("Improvement science", "Ciencia de la mejora"),
            Idea::HumanCenteredDesign => {
                Text::new("Human-centered design", "Diseño centrado en las personas")
            }
            Idea::DistrictCaseStudies => Text::new(
                "Lessons from district case studies",
                "Lecciones de casos de distritos",
            ),
        }
    }

    /// One sentence on what the idea asks of a district.
    pub fn summary(self) -> Text {
        match self {
            Idea::TargetedUniversalism => Text::new(
                "Set one goal for every student, then find the groups and neighborhoods furthest \
                 from it and design a strategy that fits each.",
                "Fijar una sola meta para todos los estudiantes, luego ubicar los grupos y \
                 vecindarios más alejados de ella y diseñar una estrategia adecuada para cada uno.",
            ),
            Idea::AmbidextrousOrganization => Text::new(
                "Keep improving the schools you run while a separate team builds new options, \
                 with both tied together by the superintendent and cabinet.",
                "Seguir mejorando las escuelas existentes mientras un equipo aparte crea nuevas \
                 opciones, y que el superintendente y su gabinete integren ambos esfuerzos.",
            ),
            Idea::ImprovementScience => Text::new(
                "Name the problem precisely, measure it, and test changes in short cycles \
                 before spreading what works.",
                "Definir el problema con precisión, medirlo y probar cambios en ciclos cortos \
                 antes de extender lo que funciona.",
            ),
            Idea::HumanCenteredDesign => Text::new(
                "Start from what families, students and school staff experience, and try \
                 ideas with them before committing.",
                "Partir de lo que viven las familias, los estudiantes y el personal escolar, y \
                 probar las ideas con ellos antes de comprometerse.",
            ),
            Idea::DistrictCaseStudies => Text::new(
                "Borrow what worked, and what did not, in districts that have already taken \
                 this path.",
                "Aprovechar lo que funcionó, y lo que no, en distritos que ya recorrieron este \
                 camino.",
            ),
        }
    }
}

/// A district's answer on one indicator: a level of the scale (1 = lowest), or "don't know".
///
/// "Don't know" is an honest answer, not a low rating: it is counted apart and never enters a
/// mean, a minimum or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// A level of the scale, 1-based: 1 is the lowest level.
    Level(u8),
    /// The rater does not know enough to rate.
    DontKnow,
}

/// The rating scale: an ordered list of level labels, lowest first. Level `n` (1-based) is
/// `levels[n - 1]`. The scale is a setting; the default has four levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    /// Level labels, lowest first.
    pub levels: Vec<Text>,
}

impl Default for Scale {
    /// Not yet started / Emerging / Developing / Sustaining.
    fn default() -> Self {
        Scale {
            levels: vec![
                Text::new("Not yet started", "Aún no iniciado"),
                Text::new("Emerging", "Emergente"),
                Text::new("Developing", "En desarrollo"),
                Text::new("Sustaining", "Sostenido"),
            ],
        }
    }
}

impl Scale {
    /// Number of levels; the highest level number.
    pub fn max_level(&self) -> u8 {
        u8::try_from(self.levels.len()).unwrap_or(u8::MAX)
    }

    /// The range of individual ratings (highest minus lowest level) from which raters are
    /// said to disagree: two thirds of the scale's span, rounded up, and at least one. On the
    /// default four levels that is 2 (Emerging against Sustaining); on five levels, 3.
    pub fn disagreement_range(&self) -> u8 {
        disagreement_range(self.levels.len())
    }

    /// The label of level `level` (1-based), if it is on the scale.
    pub fn label(&self, level: u8) -> Option<&Text> {
        (level as usize)
            .checked_sub(1)
            .and_then(|i| self.levels.get(i))
    }

    /// True when `level` is a level of this scale (1..=max).
    pub fn contains(&self, level: u8) -> bool {
        level >= 1 && level <= self.max_level()
    }

    /// True when the answer is "don't know" or a level of this scale.
    pub fn accepts(&self, answer: Answer) -> bool {
        match answer {
            Answer::Level(l) => self.contains(l),
            Answer::DontKnow => true,
        }
    }

    /// The label shown for [`Answer::DontKnow`].
    pub fn dont_know_label() -> Text {
        Text::new("Don't know", "No sé")
    }
}

/// An observable sign that a key practice is in place, and the artifact that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable id, `lever.practice.name`, e.g. `"l1.goals.board-adopted"`. Never reused.
    pub id: String,
    /// What a rater judges.
    pub text: Text,
    /// The evidence or artifact that would show it.
    pub evidence: Text,
    /// The framework ideas this indicator draws on (may be empty).
    pub ideas: Vec<Idea>,
    /// What each scale level looks like for this indicator, lowest first; one per scale level.
    pub level_descriptions: Vec<Text>,
    /// Retired indicators stay in the rubric for history but are not rated or scored.
    pub retired: bool,
}

/// A key practice within a lever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    /// Stable id, `lever.practice`, e.g. `"l1.goals"`.
    pub id: String,
    /// Display name.
    pub name: Text,
    /// The practice's indicators, including retired ones.
    pub indicators: Vec<Indicator>,
}

/// A lever of the framework, or one of the two preconditions (ids `"pa"` and `"pb"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lever {
    /// Stable id: `"pa"`, `"pb"` for the preconditions, `"l1"`..`"l4"` for the levers.
    pub id: String,
    /// Display name.
    pub name: Text,
    /// The lever's key practices.
    pub practices: Vec<Practice>,
}

impl Lever {
    /// True for the preconditions (understanding the strategy, political will), whose ids start
    /// with `p`; false for the four levers.
    pub fn is_precondition(&self) -> bool {
        self.id.starts_with('p')
    }
}

/// A version of the self-assessment rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    /// Version number; [`Rubric::edit`] returns `version + 1`.
    pub version: u32,
    /// The rating scale.
    pub scale: Scale,
    /// Preconditions first, then the four levers.
    pub levers: Vec<Lever>,
}

/// One change in a rubric edit. See [`Rubric::edit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum RubricChange {
    /// Reword an active indicator. The id stays, so ratings remain comparable: use this for
    /// wording, and retire-and-add when the meaning changes.
    EditText {
        /// Indicator id.
        id: String,
        /// New wording.
        text: Text,
    },
    /// Change the evidence an active indicator asks for.
    EditEvidence {
        /// Indicator id.
        id: String,
        /// New evidence.
        evidence: Text,
    },
    /// Replace an active indicator's level descriptions (one per scale level).
    EditLevelDescriptions {
        /// Indicator id.
        id: String,
        /// New descriptions, lowest level first.
        level_descriptions: Vec<Text>,
    },
    /// Add a new indicator to a practice. Its id must never have been used in this rubric; it is
    /// added active whatever its `retired` field says.
    AddIndicator {
        /// The practice to add to.
        practice_id: String,
        /// The new indicator.
        indicator: Indicator,
    },
    /// Retire an indicator: it stays in the rubric, is no longer rated or scored, and is no
    /// longer comparable with past years.
    RetireIndicator {
        /// Indicator id.
        id: String,
    },
    /// Replace the rating scale (2 to 9 levels, lowest first). With the same number of levels
    /// only the labels change and past years stay comparable. With another number, every
    /// active indicator needs new level descriptions, given here by indicator id, and no
    /// indicator is comparable with years rated on the old scale (a level 3 of 5 is not a
    /// level 3 of 4).
    SetScale {
        /// The new level labels, lowest first.
        levels: Vec<Text>,
        /// New level descriptions per active indicator id, one per new level. Required for
        /// every active indicator when the number of levels changes; optional otherwise.
        #[serde(default)]
        level_descriptions: std::collections::BTreeMap<String, Vec<Text>>,
    },
}

/// Why a rubric is invalid or an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RubricError {
    /// No indicator has this id.
    #[error("unknown indicator `{0}`")]
    UnknownIndicator(String),
    /// No practice has this id.
    #[error("unknown practice `{0}`")]
    UnknownPractice(String),
    /// The id is already used (by a lever, practice or indicator, retired or not).
    #[error("id `{0}` is already used")]
    DuplicateId(String),
    /// The indicator is retired and cannot be edited or retired again.
    #[error("indicator `{0}` is retired")]
    Retired(String),
    /// An indicator's level descriptions do not match the scale.
    #[error("indicator `{id}` has {found} level descriptions, the scale has {expected} levels")]
    LevelCount {
        /// Indicator id.
        id: String,
        /// Scale levels.
        expected: usize,
        /// Descriptions given.
        found: usize,
    },
    /// A text is blank in one of the languages.
    #[error("`{0}` has a text missing in English or Spanish")]
    IncompleteText(String),
    /// The scale needs between 2 and 9 levels.
    #[error("the scale has {0} levels; it needs 2 to 9")]
    ScaleSize(usize),
}

impl Rubric {
    /// The SGS rubric, version 1: two preconditions and four levers, 2–3 key practices each,
    /// 39 indicators, on the default four-level scale.
    pub fn default_v1() -> Rubric {
        Rubric {
            version: 1,
            scale: Scale::default(),
            levers: crate::v1::levers(),
        }
    }

    /// Every indicator with its lever and practice, in rubric order, retired ones included.
    pub fn indicators(&self) -> impl Iterator<Item = (&Lever, &Practice, &Indicator)> {
        self.levers.iter().flat_map(|l| {
            l.practices
                .iter()
                .flat_map(move |p| p.indicators.iter().map(move |i| (l, p, i)))
        })
    }

    /// Active (not retired) indicators with their lever and practice, in rubric order.
    pub fn active_indicators(&self) -> impl Iterator<Item = (&Lever, &Practice, &Indicator)> {
        self.indicators().filter(|(_, _, i)| !i.retired)
    }

    /// The indicator with this id, retired or not.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.locate(id).map(|(_, _, i)| i)
    }

    /// The indicator with this id together with its lever and practice.
    pub fn locate(&self, id: &str) -> Option<(&Lever, &Practice, &Indicator)> {
        self.indicators().find(|(_, _, i)| i.id == id)
    }

    /// The practice with this id.
    pub fn practice(&self, id: &str) -> Option<&Practice> {
        self.levers
            .iter()
            .flat_map(|l| l.practices.iter())
            .find(|p| p.id == id)
    }

    /// Comparability rule: indicator `id` is comparable between `self` and `other` when both
    /// contain it and neither has it retired.
    pub fn comparable(&self, other: &Rubric, id: &str) -> bool {
        let active = |r: &Rubric| r.indicator(id).is_some_and(|i| !i.retired);
        active(self) && active(other)
    }

    /// Every user-facing text: scale labels, "don't know", idea names and summaries, lever,
    /// practice and indicator texts, evidence and level descriptions. For translation checks.
    pub fn texts(&self) -> Vec<&Text> {
        let mut out: Vec<&Text> = self.scale.levels.iter().collect();
        for lever in &self.levers {
            out.push(&lever.name);
            for practice in &lever.practices {
                out.push(&practice.name);
                for ind in &practice.indicators {
                    out.push(&ind.text);
                    out.push(&ind.evidence);
                    out.extend(ind.level_descriptions.iter());
                }
            }
        }
        out
    }

    /// Checks the rubric: scale of 2–9 levels; lever, practice and indicator ids all distinct;
    /// one level description per scale level; every text complete in both languages.
    pub fn validate(&self) -> Result<(), RubricError> {
        let n = self.scale.levels.len();
        if !(2..=9).contains(&n) {
            return Err(RubricError::ScaleSize(n));
        }
        for (i, label) in self.scale.levels.iter().enumerate() {
            if !label.is_complete() {
                return Err(RubricError::IncompleteText(format!(
                    "scale level {}",
                    i + 1
                )));
            }
        }
        let mut seen = HashSet::new();
        let mut unique = |id: &str| {
            if seen.insert(id.to_owned()) {
                Ok(())
            } else {
                Err(RubricError::DuplicateId(id.to_owned()))
            }
        };
        for lever in &self.levers {
            unique(&lever.id)?;
            check_text(&lever.id, &lever.name)?;
            for practice in &lever.practices {
                unique(&practice.id)?;
                check_text(&practice.id, &practice.name)?;
                for ind in &practice.indicators {
                    unique(&ind.id)?;
                    if ind.retired {
                        // Retired indicators keep the descriptions of the scale they were
                        // rated on.
                        check_text(&ind.id, &ind.text)?;
                    } else {
                        check_indicator(ind, n)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies `changes` in order and returns the next version (`version + 1`); `self` is left
    /// untouched, so the old version can be kept for the ratings made against it.
    ///
    /// Rules: ids never change; indicators are never deleted, only retired; a new indicator's id
    /// must not have been used before (retired ids included) and it starts active; retired
    /// indicators cannot be edited; every text must be complete in English and Spanish and every
    /// indicator must keep one level description per scale level. Any broken rule refuses the
    /// whole edit.
    pub fn edit(&self, changes: &[RubricChange]) -> Result<Rubric, RubricError> {
        let mut next = self.clone();
        next.version = self.version + 1;
        for change in changes {
            let levels = next.scale.levels.len();
            match change {
                RubricChange::EditText { id, text } => {
                    check_text(id, text)?;
                    next.active_mut(id)?.text = text.clone();
                }
                RubricChange::EditEvidence { id, evidence } => {
                    check_text(id, evidence)?;
                    next.active_mut(id)?.evidence = evidence.clone();
                }
                RubricChange::EditLevelDescriptions {
                    id,
                    level_descriptions,
                } => {
                    let ind = next.active_mut(id)?;
                    ind.level_descriptions = level_descriptions.clone();
                    check_indicator(ind, levels)?;
                }
                RubricChange::AddIndicator {
                    practice_id,
                    indicator,
                } => {
                    let used = next.levers.iter().any(|l| {
                        l.id == indicator.id
                            || l.practices.iter().any(|p| {
                                p.id == indicator.id
                                    || p.indicators.iter().any(|i| i.id == indicator.id)
                            })
                    });
                    if used {
                        return Err(RubricError::DuplicateId(indicator.id.clone()));
                    }
                    let mut new = indicator.clone();
                    new.retired = false;
                    check_indicator(&new, levels)?;
                    let practice = next
                        .levers
                        .iter_mut()
                        .flat_map(|l| l.practices.iter_mut())
                        .find(|p| p.id == *practice_id)
                        .ok_or_else(|| RubricError::UnknownPractice(practice_id.clone()))?;
                    practice.indicators.push(new);
                }
                RubricChange::RetireIndicator { id } => {
                    next.active_mut(id)?.retired = true;
                }
                RubricChange::SetScale {
                    levels: labels,
                    level_descriptions,
                } => {
                    if !(2..=9).contains(&labels.len()) {
                        return Err(RubricError::ScaleSize(labels.len()));
                    }
                    for (i, label) in labels.iter().enumerate() {
                        check_text(&format!("scale level {}", i + 1), label)?;
                    }
                    next.scale = Scale {
                        levels: labels.clone(),
                    };
                    for (id, descriptions) in level_descriptions {
                        next.active_mut(id)?.level_descriptions = descriptions.clone();
                    }
                    // Every active indicator must fit the new scale; retired ones keep the
                    // descriptions they were rated with.
                    let n = labels.len();
                    for (_, _, ind) in next.active_indicators() {
                        check_indicator(ind, n)?;
                    }
                }
            }
        }
        Ok(next)
    }

    /// Whether levels mean the same on both rubrics: their scales have as many levels.
    pub fn same_scale(&self, other: &Rubric) -> bool {
        self.scale.levels.len() == other.scale.levels.len()
    }

    fn active_mut(&mut self, id: &str) -> Result<&mut Indicator, RubricError> {
        let ind = self
            .levers
            .iter_mut()
            .flat_map(|l| l.practices.iter_mut())
            .flat_map(|p| p.indicators.iter_mut())
            .find(|i| i.id == id)
            .ok_or_else(|| RubricError::UnknownIndicator(id.to_owned()))?;
        if ind.retired {
            return Err(RubricError::Retired(id.to_owned()));
        }
        Ok(ind)
    }
}

/// See [`Scale::disagreement_range`]: for a scale of `levels` levels.
pub fn disagreement_range(levels: usize) -> u8 {
    let span = levels.saturating_sub(1);
    u8::try_from((2 * span).div_ceil(3).max(1)).unwrap_or(u8::MAX)
}

fn check_text(owner: &str, text: &Text) -> Result<(), RubricError> {
    if text.is_complete() {
        Ok(())
    } else {
        Err(RubricError::IncompleteText(owner.to_owned()))
    }
}

fn check_indicator(ind: &Indicator, levels: usize) -> Result<(), RubricError> {
    check_text(&ind.id, &ind.text)?;
    check_text(&ind.id, &ind.evidence)?;
    if ind.level_descriptions.len() != levels {
        return Err(RubricError::LevelCount {
            id: ind.id.clone(),
            expected: levels,
            found: ind.level_descriptions.len(),
        });
    }
    for d in &ind.level_descriptions {
        check_text(&ind.id, d)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_indicator(id: &str) -> Indicator {
        Indicator {
            id: id.to_owned(),
            text: Text::new(
                "Principals rate central services each spring",
                "Los directores califican los servicios centrales cada primavera",
            ),
            evidence: Text::new("Survey results", "Resultados de la encuesta"),
            ideas: vec![Idea::HumanCenteredDesign],
            level_descriptions: (1..=4)
                .map(|l| Text::new(format!("Level {l}"), format!("Nivel {l}")))
                .collect(),
            retired: true, // ignored on add
        }
    }

    #[test]
    fn default_scale_has_four_levels() {
        let s = Scale::default();
        assert_eq!(s.levels.len(), 4);
        assert_eq!(s.max_level(), 4);
        assert_eq!(s.label(1).unwrap().en, "Not yet started");
        assert_eq!(s.label(4).unwrap().es, "Sostenido");
        assert!(s.label(0).is_none() && s.label(5).is_none());
        assert!(s.accepts(Answer::DontKnow));
        assert!(s.accepts(Answer::Level(4)) && !s.accepts(Answer::Level(5)));
        assert!(!s.accepts(Answer::Level(0)));
    }

    #[test]
    fn default_v1_is_valid_and_sized() {
        let r = Rubric::default_v1();
        r.validate().unwrap();
        assert_eq!(r.version, 1);
        let ids: Vec<&str> = r.levers.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["pa", "pb", "l1", "l2", "l3", "l4"]);
        assert_eq!(r.levers.iter().filter(|l| l.is_precondition()).count(), 2);
        for lever in &r.levers {
            assert!((2..=3).contains(&lever.practices.len()), "{}", lever.id);
            for p in &lever.practices {
                assert!(p.id.starts_with(&format!("{}.", lever.id)));
                assert!((2..=3).contains(&p.indicators.len()), "{}", p.id);
                for i in &p.indicators {
                    assert!(i.id.starts_with(&format!("{}.", p.id)), "{}", i.id);
                    assert!(!i.retired);
                }
            }
        }
        let n = r.indicators().count();
        assert!((35..=50).contains(&n), "{n} indicators");
        assert!(r.indicator("l1.goals.board-adopted").is_some());
        // Every idea is drawn on somewhere.
        for idea in Idea::ALL {
            assert!(
                r.indicators().any(|(_, _, i)| i.ideas.contains(&idea)),
                "{idea:?}"
            );
        }
    }

    #[test]
    fn indicator_ids_unique() {
        let r = Rubric::default_v1();
        let mut seen = HashSet::new();
        for (_, _, i) in r.indicators() {
            assert!(seen.insert(i.id.clone()), "duplicate {}", i.id);
        }
    }

    #[test]
    fn every_text_has_english_and_spanish() {
        let r = Rubric::default_v1();
        let mut texts: Vec<Text> = r.texts().into_iter().cloned().collect();
        texts.push(Scale::dont_know_label());
        for idea in Idea::ALL {
            texts.push(idea.name());
            texts.push(idea.summary());
        }
        let practices: usize = r.levers.iter().map(|l| l.practices.len()).sum();
        let indicators = r.indicators().count();
        // scale + levers + practices + (text, evidence, 4 levels) per indicator + don't know + ideas
        assert_eq!(
            texts.len(),
            4 + r.levers.len() + practices + 6 * indicators + 1 + 10
        );
        for t in &texts {
            assert!(t.is_complete(), "{t:?}");
            assert_ne!(t.en, t.es, "untranslated: {}", t.en);
        }
        for (_, _, i) in r.indicators() {
            assert_eq!(i.level_descriptions.len(), r.scale.levels.len(), "{}", i.id);
        }
    }

    #[test]
    fn edit_keeps_ids_bumps_version_and_retires() {
        let v1 = Rubric::default_v1();
        let v2 = v1
            .edit(&[
                RubricChange::EditText {
                    id: "l1.goals.board-adopted".into(),
                    text: Text::new(
                        "The board has adopted a quality-seats goal",
                        "La junta adoptó una meta de lugares de calidad",
                    ),
                },
                RubricChange::RetireIndicator {
                    id: "l1.goals.progress-reported".into(),
                },
                RubricChange::AddIndicator {
                    practice_id: "l4.service".into(),
                    indicator: new_indicator("l4.service.principal-survey"),
                },
            ])
            .unwrap();
        assert_eq!(v2.version, 2);
        assert_eq!(v1.version, 1, "the old version is untouched");
        v2.validate().unwrap();
        // Ids kept: every v1 indicator still exists in v2, none deleted.
        for (_, _, i) in v1.indicators() {
            assert!(v2.indicator(&i.id).is_some(), "{} deleted", i.id);
        }
        assert_eq!(v2.indicators().count(), v1.indicators().count() + 1);
        assert_eq!(
            v2.indicator("l1.goals.board-adopted").unwrap().text.en,
            "The board has adopted a quality-seats goal"
        );
        assert!(v1.comparable(&v2, "l1.goals.board-adopted"));
        assert!(v2.indicator("l1.goals.progress-reported").unwrap().retired);
        assert!(!v1.comparable(&v2, "l1.goals.progress-reported"));
        assert!(!v2.indicator("l4.service.principal-survey").unwrap().retired);
        assert!(!v1.comparable(&v2, "l4.service.principal-survey"));
        assert_eq!(
            v2.active_indicators().count(),
            v1.active_indicators().count()
        );
        // A further edit bumps again and leaves the retired indicator in place.
        let v3 = v2.edit(&[]).unwrap();
        assert_eq!(v3.version, 3);
        assert!(v3.indicator("l1.goals.progress-reported").unwrap().retired);
    }

    #[test]
    fn edit_refuses_bad_changes() {
        let v1 = Rubric::default_v1();
        let v2 = v1
            .edit(&[RubricChange::RetireIndicator {
                id: "l1.goals.progress-reported".into(),
            }])
            .unwrap();
        // A retired id cannot be reused, edited or retired again.
        assert_eq!(
            v2.edit(&[RubricChange::AddIndicator {
                practice_id: "l1.goals".into(),
                indicator: new_indicator("l1.goals.progress-reported"),
            }]),
            Err(RubricError::DuplicateId(
                "l1.goals.progress-reported".into()
            ))
        );
        assert_eq!(
            v2.edit(&[RubricChange::RetireIndicator {
                id: "l1.goals.progress-reported".into()
            }]),
            Err(RubricError::Retired("l1.goals.progress-reported".into()))
        );
        assert_eq!(
            v1.edit(&[RubricChange::RetireIndicator { id: "nope".into() }]),
            Err(RubricError::UnknownIndicator("nope".into()))
        );
        assert_eq!(
            v1.edit(&[RubricChange::AddIndicator {
                practice_id: "l9.none".into(),
                indicator: new_indicator("l9.none.x"),
            }]),
            Err(RubricError::UnknownPractice("l9.none".into()))
        );
        assert!(matches!(
            v1.edit(&[RubricChange::EditText {
                id: "l1.goals.board-adopted".into(),
                text: Text::new("Only English", " "),
            }]),
            Err(RubricError::IncompleteText(_))
        ));
        assert!(matches!(
            v1.edit(&[RubricChange::EditLevelDescriptions {
                id: "l1.goals.board-adopted".into(),
                level_descriptions: vec![Text::new("a", "b")],
            }]),
            Err(RubricError::LevelCount { .. })
        ));
    }

    #[test]
    fn rubric_round_trips_through_json() {
        let r = Rubric::default_v1();
        let json = serde_json::to_string(&r).unwrap();
        let back: Rubric = serde_json::from_str(&json).unwrap();
        assert_eq!(r, back);
        assert_eq!(
            serde_json::to_string(&Answer::DontKnow).unwrap(),
            "\"dont-know\""
        );
    }
}
