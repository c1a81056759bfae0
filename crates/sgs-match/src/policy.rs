//! The match policy: mechanism, tie-breaking, where open seats go among reserves, the sibling
//! rule, the optional improvement pass, priority group names and the seed. Read from
//! `policy.json` (see `docs/choice-format.md`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lottery::Seed;
use crate::market::{Market, OpenSeats};

/// How seats are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// Student-proposing deferred acceptance: stable, and no family gains by ranking anything
    /// but its true preferences.
    #[default]
    DeferredAcceptance,
    /// Immediate acceptance (the old "Boston" mechanism): seats filled for good round by round,
    /// first choices first. Offered to replay a district's old policy and compare; it rewards
    /// families who rank strategically.
    ImmediateAcceptance,
}

/// How ties within a priority group are broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreaking {
    /// One lottery number per student, used at every program.
    #[default]
    Single,
    /// A separate lottery number per student and program.
    Multiple,
}

/// How siblings are treated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiblingRule {
    /// Siblings (same family key) share one lottery number: the family key is the lowest
    /// student id among the siblings, so every sibling gets that sibling's own number. Ties
    /// between them fall back to id order.
    #[serde(default)]
    pub family_lottery: bool,
    /// Linked applications: a student gets this priority group (when it is better than her
    /// own) at the programs of every school where a sibling holds an offer. The match is
    /// re-run until the sibling priorities it starts from are exactly those the offers earn
    /// (then [`crate::engine::Outcome::converged`]); when that fails, sibling priorities no
    /// offer backs are withdrawn until none is left. A documented heuristic (see
    /// `docs/choice-format.md`): with linked siblings a stable assignment may not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_priority: Option<u32>,
}

/// A priority group's name for explanations: one text, or English and Spanish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GroupName {
    /// The same text in every language.
    Plain(String),
    /// English and Spanish.
    Both {
        /// English.
        en: String,
        /// Spanish.
        es: String,
    },
}

impl GroupName {
    /// The name in a language (`"es"` for Spanish, anything else English).
    pub fn get(&self, lang: &str) -> &str {
        match self {
            GroupName::Plain(text) => text,
            GroupName::Both { en, es } => {
                if lang == "es" {
                    es
                } else {
                    en
                }
            }
        }
    }
}

/// Everything that decides a match besides the applications.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The mechanism.
    #[serde(default)]
    pub mechanism: Mechanism,
    /// The tie-breaking.
    #[serde(default)]
    pub tie_breaking: TieBreaking,
    /// Where open seats go in a program's order when its reserves do not place them.
    #[serde(default)]
    pub open_seats: OpenSeats,
    /// The sibling rule.
    #[serde(default)]
    pub siblings: SiblingRule,
    /// Run stable improvement cycles after deferred acceptance (simulation only: after it,
    /// cutoffs no longer explain every offer exactly).
    #[serde(default)]
    pub improvement_cycles: bool,
    /// Names of the priority groups, by number.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub priority_groups: BTreeMap<u32, GroupName>,
    /// The seed, when it is fixed in the policy rather than given to the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<Seed>,
}

/// A policy that cannot run on a market.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A combination the engine refuses, with the reason.
    #[error("policy: {0}")]
    Unsupported(String),
}

impl Policy {
    /// Refuses combinations whose meaning would be unclear.
    pub fn check(&self, market: &Market) -> Result<(), PolicyError> {
        let refuse = |why: &str| Err(PolicyError::Unsupported(why.to_string()));
        let given = market.has_given_lottery_numbers();
        if given && self.tie_breaking == TieBreaking::Multiple {
            return refuse(
                "students.csv gives lottery numbers, which serve single tie-breaking only; \
                 remove the lottery_number column or use \"tie_breaking\": \"single\"",
            );
        }
        if given && self.siblings.family_lottery {
            return refuse(
                "students.csv gives lottery numbers, so siblings cannot share a computed \
                 family number; remove one of the two",
            );
        }
        if self.improvement_cycles {
            if self.mechanism != Mechanism::DeferredAcceptance {
                return refuse("improvement cycles follow deferred acceptance only");
            }
            if market.has_reserves() {
                return refuse("improvement cycles are not defined with reserve categories");
            }
            if self.siblings.linked_priority.is_some() {
                return refuse("improvement cycles cannot be combined with linked siblings");
            }
        }
        Ok(())
    }

    /// The policy without its seed: what the input digest covers.
    pub fn without_seed(&self) -> Policy {
        Policy {
            seed: None,
            ..self.clone()
        }
    }

    /// The display name of a priority group, e.g. `2 (zone)`.
    pub fn group_label(&self, group: u32, lang: &str) -> String {
        match self.priority_groups.get(&group) {
            Some(name) => format!("{group} ({})", name.get(lang)),
            None => group.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_json_reads_with_defaults_and_refuses_unknown_fields() {
        let p: Policy = serde_json::from_str("{}").unwrap();
        assert_eq!(p.mechanism, Mechanism::DeferredAcceptance);
        assert_eq!(p.tie_breaking, TieBreaking::Single);
        assert_eq!(p.open_seats, OpenSeats::First);
        let p: Policy = serde_json::from_str(
            r#"{"mechanism":"immediate_acceptance","tie_breaking":"multiple",
                "open_seats":"last","siblings":{"family_lottery":true,"linked_priority":1},
                "priority_groups":{"1":"sibling","2":{"en":"zone","es":"zona"}}}"#,
        )
        .unwrap();
        assert_eq!(p.mechanism, Mechanism::ImmediateAcceptance);
        assert_eq!(p.siblings.linked_priority, Some(1));
        assert_eq!(p.group_label(2, "es"), "2 (zona)");
        assert_eq!(p.group_label(1, "es"), "1 (sibling)");
        assert_eq!(p.group_label(7, "en"), "7");
        assert!(serde_json::from_str::<Policy>(r#"{"mechanizm":"x"}"#).is_err());
        assert!(serde_json::from_str::<Policy>(r#"{"seed":"12"}"#).is_err());
    }
}
