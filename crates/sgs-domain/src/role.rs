//! Account roles and what each may do. The web app asks these questions; it never decides
//! permissions on its own.

use serde::{Deserialize, Serialize};

/// The roles an account can hold within one district (or, for the state administrator, across
/// districts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// State-level administrator: every district, and comparing them.
    StateAdmin,
    /// District administrator: accounts, imports, the audit log.
    Admin,
    /// Office of Innovation analyst: all analysis, imports, planning.
    Analyst,
    /// Enrollment office staff.
    Enrollment,
    /// Reviewer of proposals: reads analysis, changes nothing.
    Reviewer,
    /// Partner operator: sees its own campuses.
    Partner,
    /// A family: public pages and its own applications.
    Family,
}

impl Role {
    /// Every role.
    pub fn all() -> [Role; 7] {
        [
            Role::StateAdmin,
            Role::Admin,
            Role::Analyst,
            Role::Enrollment,
            Role::Reviewer,
            Role::Partner,
            Role::Family,
        ]
    }

    /// A stable code for storage.
    pub fn code(self) -> &'static str {
        match self {
            Role::StateAdmin => "state_admin",
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Enrollment => "enrollment",
            Role::Reviewer => "reviewer",
            Role::Partner => "partner",
            Role::Family => "family",
        }
    }

    /// Parses a code.
    pub fn parse(value: &str) -> Option<Role> {
        Role::all().into_iter().find(|role| role.code() == value)
    }

    /// English label.
    pub fn label(self) -> &'static str {
        match self {
            Role::StateAdmin => "State administrator",
            Role::Admin => "Administrator",
            Role::Analyst => "Innovation-office analyst",
            Role::Enrollment => "Enrollment staff",
            Role::Reviewer => "Reviewer",
            Role::Partner => "Partner operator",
            Role::Family => "Family",
        }
    }

    /// May see staff pages: the data page and import log, student-group detail of campuses, and
    /// analysis drafts. Families, partners and the public see campus facts, enrollment and ratings.
    pub fn can_view_staff_pages(self) -> bool {
        !matches!(self, Role::Family | Role::Partner)
    }

    /// May import data and edit campus facts such as capacity.
    pub fn can_edit_data(self) -> bool {
        matches!(self, Role::StateAdmin | Role::Admin | Role::Analyst)
    }

    /// May read the audit log and manage accounts.
    pub fn can_administer(self) -> bool {
        matches!(self, Role::StateAdmin | Role::Admin)
    }

    /// May read applications and run the match: the enrollment office and administrators.
    /// Applications carry student ids, so analysts and reviewers see chances and statistics
    /// only where families do.
    pub fn can_run_enrollment(self) -> bool {
        matches!(self, Role::StateAdmin | Role::Admin | Role::Enrollment)
    }

    /// May work across districts and compare them.
    pub fn can_compare_districts(self) -> bool {
        matches!(self, Role::StateAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_privilege() {
        let editors: Vec<Role> = Role::all()
            .into_iter()
            .filter(|r| r.can_edit_data())
            .collect();
        assert_eq!(editors, [Role::StateAdmin, Role::Admin, Role::Analyst]);
        assert!(!Role::Family.can_view_staff_pages());
        assert!(!Role::Partner.can_view_staff_pages());
        assert!(Role::Reviewer.can_view_staff_pages());
        assert!(!Role::Reviewer.can_edit_data());
        assert!(!Role::Analyst.can_administer());
        assert!(
            Role::all()
                .iter()
                .filter(|r| r.can_compare_districts())
                .count()
                == 1
        );
        for role in Role::all() {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
    }
}
