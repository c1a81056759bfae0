//! Who may do what in one assessment cycle, and the labels of a rater's seat at the table.
//!
//! The rules, in one place so the web app only asks them:
//!
//! * An **administrator** of the district opens an assessment for a school year, names its
//!   **facilitator** (any account of the district whose role may edit data: an administrator or
//!   an innovation-office analyst, usually the chief innovation officer) and invites **raters**.
//! * Raters are accounts of the district, whatever their role except family accounts: cabinet
//!   members, principals, board members and community partners. The invitation records which of
//!   those seats the rater holds ([`RaterRole`]); that label is for reading results, not a
//!   permission.
//! * **Individual ratings are private** to the rater who made them and to the facilitator. An
//!   administrator who is not the facilitator does not see them (the audit log records that
//!   ratings were saved, never what they were). Changing the facilitator is an administrator's
//!   act and is audited.
//! * While an assessment is open only the facilitator sees the spread and the consensus taking
//!   shape; once it is closed, its results (consensus levels and the counts per level, never who
//!   said what) are open to the district's staff and to its raters.

use serde::{Deserialize, Serialize};
use sgs_domain::Role;

use crate::rubric::Text;

/// Where an assessment is in its cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Raters rate and the facilitator records consensus.
    Open,
    /// Finished: nothing changes any more; results are shared.
    Closed,
}

impl Status {
    /// Stable code for storage: `open` or `closed`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    /// Parses a code.
    pub fn parse(value: &str) -> Option<Status> {
        match value {
            "open" => Some(Status::Open),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }

    /// Display label.
    pub fn label(self) -> Text {
        match self {
            Status::Open => Text::new("Open", "Abierta"),
            Status::Closed => Text::new("Closed", "Cerrada"),
        }
    }
}

/// The seat a rater holds in the team: a label on the invitation, not a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RaterRole {
    /// Superintendent's cabinet.
    Cabinet,
    /// Campus principal.
    Principal,
    /// Board of trustees.
    Board,
    /// Community partner (parent organisation, nonprofit, partner operator).
    Community,
}

impl RaterRole {
    /// Every rater role, in display order.
    pub const ALL: [RaterRole; 4] = [
        RaterRole::Cabinet,
        RaterRole::Principal,
        RaterRole::Board,
        RaterRole::Community,
    ];

    /// Stable code for storage and forms.
    pub fn code(self) -> &'static str {
        match self {
            RaterRole::Cabinet => "cabinet",
            RaterRole::Principal => "principal",
            RaterRole::Board => "board",
            RaterRole::Community => "community",
        }
    }

    /// Parses a code.
    pub fn parse(value: &str) -> Option<RaterRole> {
        RaterRole::ALL.into_iter().find(|r| r.code() == value)
    }

    /// Display label.
    pub fn label(self) -> Text {
        match self {
            RaterRole::Cabinet => Text::new("Cabinet", "Gabinete"),
            RaterRole::Principal => Text::new("Principal", "Director de escuela"),
            RaterRole::Board => Text::new("Board member", "Miembro de la junta"),
            RaterRole::Community => Text::new("Community partner", "Socio comunitario"),
        }
    }
}

/// Whether an account with `role` may be invited to rate: any district account but a family's.
/// (The state administrator belongs to no district and is never invited.)
pub fn may_be_invited(role: Role) -> bool {
    !matches!(role, Role::Family | Role::StateAdmin)
}

/// Whether an account with `role` may be named facilitator: a district account whose role may
/// edit data (administrator, innovation-office analyst).
pub fn may_facilitate(role: Role) -> bool {
    role.can_edit_data() && role != Role::StateAdmin
}

/// What one signed-in account is to one assessment. The web app fills it from the session and
/// the store, then asks its methods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seat {
    /// The account belongs to the assessment's district (the state administrator belongs to all).
    pub in_district: bool,
    /// Its role may administer the district.
    pub administrator: bool,
    /// Its role may see the district's staff pages.
    pub staff: bool,
    /// Its role may edit district data.
    pub editor: bool,
    /// It is the assessment's facilitator.
    pub facilitator: bool,
    /// It is an invited rater of the assessment.
    pub rater: bool,
}

impl Seat {
    /// The seat of an account with `role`, in the district or not, before knowing its part in
    /// a particular assessment.
    pub fn of_role(role: Role, in_district: bool) -> Seat {
        Seat {
            in_district,
            administrator: role.can_administer(),
            staff: role.can_view_staff_pages(),
            editor: role.can_edit_data(),
            facilitator: false,
            rater: false,
        }
    }

    /// May see that the assessment exists, its status and its team.
    pub fn may_view(&self) -> bool {
        self.in_district && (self.staff || self.rater || self.facilitator)
    }

    /// May open assessments, invite raters and name the facilitator.
    pub fn may_manage(&self) -> bool {
        self.in_district && self.administrator
    }

    /// May save and submit ratings of their own: invited, and the assessment is open.
    pub fn may_rate(&self, status: Status) -> bool {
        self.in_district && self.rater && status == Status::Open
    }

    /// May see individual ratings (level, note, evidence) of one rater; `own` says whether they
    /// are the viewer's own. Only the rater and the facilitator may, open or closed.
    pub fn may_see_ratings(&self, own: bool) -> bool {
        self.in_district && (self.facilitator || (own && self.rater))
    }

    /// May see everyone's individual ratings, the spread per indicator and who said what.
    pub fn may_see_spread(&self) -> bool {
        self.may_see_ratings(false)
    }

    /// May record consensus and close the assessment: the facilitator, while it is open.
    pub fn may_facilitate(&self, status: Status) -> bool {
        self.in_district && self.facilitator && status == Status::Open
    }

    /// May see the results (consensus, counts per level, change, priorities): the facilitator
    /// at any time; staff and raters once the assessment is closed.
    pub fn may_see_results(&self, status: Status) -> bool {
        self.in_district
            && (self.facilitator || (status == Status::Closed && (self.staff || self.rater)))
    }

    /// May turn an indicator into follow-up work: the facilitator and the district's editors.
    pub fn may_create_work(&self) -> bool {
        self.in_district && (self.facilitator || self.editor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(role: Role) -> Seat {
        Seat::of_role(role, true)
    }

    #[test]
    fn only_the_rater_and_the_facilitator_see_individual_ratings() {
        let rater = Seat {
            rater: true,
            ..seat(Role::Reviewer)
        };
        assert!(rater.may_see_ratings(true));
        assert!(!rater.may_see_ratings(false), "another rater's ratings");
        assert!(!rater.may_see_spread());

        // An administrator who is not the facilitator, even one who rates, sees only their own.
        let admin = Seat {
            rater: true,
            ..seat(Role::Admin)
        };
        assert!(admin.may_manage());
        assert!(!admin.may_see_ratings(false));
        assert!(!seat(Role::StateAdmin).may_see_spread());

        let facilitator = Seat {
            facilitator: true,
            ..seat(Role::Analyst)
        };
        assert!(facilitator.may_see_ratings(false) && facilitator.may_see_spread());
        assert!(!facilitator.may_manage(), "an analyst does not invite");

        // A facilitator account of another district sees nothing.
        let elsewhere = Seat {
            in_district: false,
            ..facilitator
        };
        assert!(!elsewhere.may_see_spread() && !elsewhere.may_view());
    }

    #[test]
    fn results_are_shared_once_closed() {
        let rater = Seat {
            rater: true,
            ..seat(Role::Partner)
        };
        let staff = seat(Role::Reviewer);
        let family = seat(Role::Family);
        let facilitator = Seat {
            facilitator: true,
            ..seat(Role::Analyst)
        };
        assert!(!rater.may_see_results(Status::Open));
        assert!(!staff.may_see_results(Status::Open));
        assert!(facilitator.may_see_results(Status::Open));
        assert!(rater.may_see_results(Status::Closed));
        assert!(staff.may_see_results(Status::Closed));
        assert!(!family.may_see_results(Status::Closed));
        assert!(!family.may_view());
        // A partner who is not invited sees nothing; invited, they see the assessment.
        assert!(!seat(Role::Partner).may_view());
        assert!(rater.may_view());
    }

    #[test]
    fn rating_and_facilitating_stop_when_closed() {
        let rater = Seat {
            rater: true,
            ..seat(Role::Reviewer)
        };
        assert!(rater.may_rate(Status::Open));
        assert!(!rater.may_rate(Status::Closed));
        assert!(!seat(Role::Reviewer).may_rate(Status::Open), "not invited");
        let facilitator = Seat {
            facilitator: true,
            ..seat(Role::Analyst)
        };
        assert!(facilitator.may_facilitate(Status::Open));
        assert!(!facilitator.may_facilitate(Status::Closed));
        assert!(!rater.may_facilitate(Status::Open));
        assert!(facilitator.may_create_work() && seat(Role::Analyst).may_create_work());
        assert!(!rater.may_create_work());
    }

    #[test]
    fn who_may_be_invited_or_facilitate() {
        let invited: Vec<Role> = Role::all()
            .into_iter()
            .filter(|r| may_be_invited(*r))
            .collect();
        assert_eq!(
            invited,
            [
                Role::Admin,
                Role::Analyst,
                Role::Enrollment,
                Role::Reviewer,
                Role::Partner
            ]
        );
        let facilitators: Vec<Role> = Role::all()
            .into_iter()
            .filter(|r| may_facilitate(*r))
            .collect();
        assert_eq!(facilitators, [Role::Admin, Role::Analyst]);
    }

    #[test]
    fn codes_round_trip() {
        for r in RaterRole::ALL {
            assert_eq!(RaterRole::parse(r.code()), Some(r));
            assert!(r.label().is_complete());
        }
        assert_eq!(RaterRole::parse("mayor"), None);
        for s in [Status::Open, Status::Closed] {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        assert_eq!(Status::parse("draft"), None);
    }
}
