//! The portfolio plan's school-action policy, as data: rules that link a campus's tier,
//! accountability triggers, utilization, enrollment trend and neighborhood need to candidate
//! actions, each with the reason a board member can read. Analysts decide; the rules only
//! propose.

use serde::{Deserialize, Serialize};
use sgs_domain::summary::Tier;

use crate::triggers::Intervention;

/// The school-action vocabulary (TEA Center for School Actions), plus no action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Same leader and students, new school model, under the district.
    Redesign,
    /// New leader, staff and model: partner-managed or district (ACE).
    Restart,
    /// A new school, district- or partner-managed.
    NewSchool,
    /// Replicate or expand a great school.
    ReplicateExpand,
    /// Close and reassign students to higher-performing schools.
    CloseAndReassign,
    /// A partnership under a performance contract (SB 1882).
    Partnership,
    /// Keep what works.
    NoAction,
}

impl ActionKind {
    /// Every action, in display order.
    pub fn all() -> [ActionKind; 7] {
        use ActionKind::*;
        [
            Redesign,
            Restart,
            NewSchool,
            ReplicateExpand,
            CloseAndReassign,
            Partnership,
            NoAction,
        ]
    }

    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Redesign => "redesign",
            ActionKind::Restart => "restart",
            ActionKind::NewSchool => "new_school",
            ActionKind::ReplicateExpand => "replicate_expand",
            ActionKind::CloseAndReassign => "close_and_reassign",
            ActionKind::Partnership => "partnership",
            ActionKind::NoAction => "no_action",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<ActionKind> {
        ActionKind::all().into_iter().find(|a| a.code() == code)
    }
}

/// What a rule can ask of a campus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum Condition {
    /// The campus is in this tier (latest rated year).
    Tier {
        /// The tier.
        tier: Tier,
    },
    /// The accountability chain requires this intervention.
    Intervention {
        /// The intervention.
        intervention: Intervention,
    },
    /// Enrollment ÷ capacity is below this.
    UtilizationBelow {
        /// Ratio, e.g. 0.7.
        ratio: f64,
    },
    /// Enrollment ÷ capacity is at least this.
    UtilizationAtLeast {
        /// Ratio, e.g. 0.9.
        ratio: f64,
    },
    /// The campus sits in a priority area of the Quality Seats Analysis.
    InPriorityArea,
    /// Enrollment fell by at least this percent over the years on record.
    DecliningBy {
        /// Percent, e.g. 10.
        percent: f64,
    },
}

/// One rule: when every condition holds, propose the action for the reason given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The action proposed.
    pub action: ActionKind,
    /// Conditions that must all hold.
    pub all: Vec<Condition>,
    /// The reason, in plain words.
    pub reason: String,
}

/// What the rules know about one campus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampusFacts {
    /// Latest tier.
    pub tier: Tier,
    /// Accountability intervention.
    pub intervention: Intervention,
    /// Latest enrollment ÷ capacity.
    pub utilization: Option<f64>,
    /// In a priority area.
    pub in_priority_area: bool,
    /// Enrollment change over the years on record, percent.
    pub enrollment_change_percent: Option<f64>,
}

impl Condition {
    fn holds(&self, facts: &CampusFacts) -> bool {
        match self {
            Condition::Tier { tier } => facts.tier == *tier,
            Condition::Intervention { intervention } => facts.intervention == *intervention,
            Condition::UtilizationBelow { ratio } => facts.utilization.is_some_and(|u| u < *ratio),
            Condition::UtilizationAtLeast { ratio } => {
                facts.utilization.is_some_and(|u| u >= *ratio)
            }
            Condition::InPriorityArea => facts.in_priority_area,
            Condition::DecliningBy { percent } => facts
                .enrollment_change_percent
                .is_some_and(|c| c <= -percent),
        }
    }
}

/// The default policy, after the SGS framework and Texas law.
pub fn default_policy() -> Vec<Rule> {
    use Condition::*;
    let rule = |action, all, reason: &str| Rule {
        action,
        all,
        reason: reason.to_string(),
    };
    vec![
        rule(ActionKind::Restart, vec![Intervention { intervention: crate::triggers::Intervention::ClosureOrBoardOfManagers }],
            "Five or more consecutive unacceptable ratings: TEC 39A.111 requires closure or a board of managers; a partner restart under SB 1882 can earn a two-year exemption."),
        rule(ActionKind::CloseAndReassign, vec![Intervention { intervention: crate::triggers::Intervention::ClosureOrBoardOfManagers }],
            "Five or more consecutive unacceptable ratings: closing and reassigning students to A/B schools is one of the required outcomes."),
        rule(ActionKind::Redesign, vec![Intervention { intervention: crate::triggers::Intervention::TurnaroundPlan }],
            "Two or more consecutive unacceptable ratings: a campus turnaround plan is required (TEC 39A.101)."),
        rule(ActionKind::Partnership, vec![Intervention { intervention: crate::triggers::Intervention::TurnaroundPlan }],
            "Two or more consecutive unacceptable ratings: a turnaround partnership under a performance contract is an approved path."),
        rule(ActionKind::CloseAndReassign, vec![Tier { tier: sgs_domain::summary::Tier::Low }, UtilizationBelow { ratio: 0.7 }],
            "Rated D or F and under 70% full: consolidating into higher-performing schools frees resources."),
        rule(ActionKind::Redesign, vec![Tier { tier: sgs_domain::summary::Tier::Low }],
            "Rated D or F: the school needs a new model."),
        rule(ActionKind::Redesign, vec![Tier { tier: sgs_domain::summary::Tier::Mixed }, DecliningBy { percent: 10.0 }],
            "Rated C and losing students: families are choosing elsewhere."),
        rule(ActionKind::ReplicateExpand, vec![Tier { tier: sgs_domain::summary::Tier::Quality }, InPriorityArea, UtilizationAtLeast { ratio: 0.9 }],
            "A quality school, nearly full, in a neighborhood short of quality seats: expand it or replicate its model."),
        rule(ActionKind::ReplicateExpand, vec![Tier { tier: sgs_domain::summary::Tier::Quality }, UtilizationAtLeast { ratio: 1.0 }],
            "A quality school over capacity: families want more of it."),
    ]
}

/// The candidate actions for one campus, with reasons; `NoAction` when no rule applies.
pub fn candidates(policy: &[Rule], facts: &CampusFacts) -> Vec<(ActionKind, String)> {
    let mut found: Vec<(ActionKind, String)> = policy
        .iter()
        .filter(|rule| rule.all.iter().all(|c| c.holds(facts)))
        .map(|rule| (rule.action, rule.reason.clone()))
        .collect();
    // One reason per action: the first rule that proposed it.
    let mut seen = Vec::new();
    found.retain(|(action, _)| {
        let new = !seen.contains(action);
        seen.push(*action);
        new
    });
    if found.is_empty() {
        found.push((
            ActionKind::NoAction,
            "No rule of the policy applies: keep what works.".to_string(),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        tier: Tier,
        intervention: Intervention,
        utilization: Option<f64>,
        priority: bool,
        change: Option<f64>,
    ) -> CampusFacts {
        CampusFacts {
            tier,
            intervention,
            utilization,
            in_priority_area: priority,
            enrollment_change_percent: change,
        }
    }

    fn actions(f: &CampusFacts) -> Vec<ActionKind> {
        candidates(&default_policy(), f)
            .into_iter()
            .map(|(a, _)| a)
            .collect()
    }

    #[test]
    fn the_default_policy_proposes_what_the_framework_says() {
        use ActionKind::*;
        let check = [
            (
                facts(
                    Tier::Low,
                    Intervention::ClosureOrBoardOfManagers,
                    Some(0.5),
                    false,
                    None,
                ),
                vec![Restart, CloseAndReassign, Redesign],
            ),
            (
                facts(
                    Tier::Low,
                    Intervention::TurnaroundPlan,
                    Some(0.95),
                    false,
                    None,
                ),
                vec![Redesign, Partnership],
            ),
            (
                facts(Tier::Low, Intervention::None, Some(0.6), false, None),
                vec![CloseAndReassign, Redesign],
            ),
            (
                facts(
                    Tier::Mixed,
                    Intervention::None,
                    Some(0.8),
                    false,
                    Some(-12.0),
                ),
                vec![Redesign],
            ),
            (
                facts(
                    Tier::Mixed,
                    Intervention::None,
                    Some(0.8),
                    false,
                    Some(-5.0),
                ),
                vec![NoAction],
            ),
            (
                facts(Tier::Quality, Intervention::None, Some(0.92), true, None),
                vec![ReplicateExpand],
            ),
            (
                facts(Tier::Quality, Intervention::None, Some(0.92), false, None),
                vec![NoAction],
            ),
            (
                facts(Tier::Quality, Intervention::None, None, true, None),
                vec![NoAction],
            ),
        ];
        for (f, expected) in check {
            assert_eq!(actions(&f), expected, "{f:?}");
        }
    }

    #[test]
    fn policies_are_data() {
        let json = serde_json::to_string(&default_policy()).unwrap();
        let back: Vec<Rule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, default_policy());
        for action in ActionKind::all() {
            assert_eq!(ActionKind::parse(action.code()), Some(action));
        }
    }
}
