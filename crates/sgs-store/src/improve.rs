//! Lever 4 and improvement science: universal goals with barriers and targeted strategies,
//! initiatives with milestones and artifacts, driver diagrams, measures with their values, and
//! PDSA cycles. Every change is one transaction with its audit entry.

use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::assessments::{initiative_from_row, INITIATIVE_COLUMNS};
use crate::{audit, now, Initiative, Result, Store, StoreError};

/// A universal goal: one target for every student, by a deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniversalGoal {
    /// Id.
    pub id: i64,
    /// What the district wants, in words.
    pub title: String,
    /// What is measured: `quality_seats` (students in quality seats, broken down by group and
    /// place from the district's data) or `measure:<id>` (one of the district's measures).
    pub measure: String,
    /// The target value (a percent for `quality_seats`).
    pub target: f64,
    /// The school year it is due, such as `2027-2028`.
    pub deadline: String,
    /// Who set it.
    pub created_by: String,
}

/// Something that stands between a group or a place and the goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Barrier {
    /// Id.
    pub id: i64,
    /// The goal.
    pub goal_id: i64,
    /// Who is held back: `all`, `group:<code>` or `area:<id>`.
    pub population: String,
    /// The structure or factor, in words.
    pub description: String,
    /// What shows it.
    pub evidence: String,
    /// Who recorded it.
    pub created_by: String,
}

/// A strategy targeted at a group or a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Strategy {
    /// Id.
    pub id: i64,
    /// The goal.
    pub goal_id: i64,
    /// Who it is for: `all`, `group:<code>` or `area:<id>`.
    pub population: String,
    /// The barrier it works on, if one.
    pub barrier_id: Option<i64>,
    /// What will be done.
    pub action: String,
    /// Who carries it out.
    pub owner: String,
    /// The initiative that carries it, if one.
    pub initiative_id: Option<i64>,
}

/// What to record for a new strategy.
#[derive(Debug, Clone)]
pub struct NewStrategy<'a> {
    /// Who it is for.
    pub population: &'a str,
    /// The barrier it works on.
    pub barrier_id: Option<i64>,
    /// What will be done.
    pub action: &'a str,
    /// Who carries it out.
    pub owner: &'a str,
    /// The initiative that carries it.
    pub initiative_id: Option<i64>,
}

/// The fields of an initiative an editor changes.
#[derive(Debug, Clone)]
pub struct InitiativeEdit<'a> {
    /// What is to be done.
    pub title: &'a str,
    /// Who owns it.
    pub owner: &'a str,
    /// What it is and why.
    pub description: Option<&'a str>,
    /// The lever it serves.
    pub lever_id: Option<&'a str>,
    /// `explore` or `improve`.
    pub mode: Option<&'a str>,
    /// Start date, `YYYY-MM-DD`.
    pub start_date: Option<&'a str>,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: Option<&'a str>,
    /// Budget in dollars.
    pub budget: Option<f64>,
    /// The universal goal it serves.
    pub goal_id: Option<i64>,
    /// `open`, `done` or `stopped`.
    pub status: &'a str,
}

/// A milestone of an initiative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredMilestone {
    /// Id.
    pub id: i64,
    /// The initiative.
    pub initiative_id: i64,
    /// What is to be done.
    pub title: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: String,
    /// When it was done, `YYYY-MM-DD`.
    pub done_on: Option<String>,
    /// The step of the year-one roadmap it comes from (1 to 6), if any.
    pub roadmap_step: Option<i64>,
}

/// A document or link that shows an initiative's work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Artifact {
    /// Id.
    pub id: i64,
    /// The initiative.
    pub initiative_id: i64,
    /// What it is.
    pub title: String,
    /// Where it is.
    pub url: String,
    /// Who added it.
    pub added_by: String,
    /// When, Unix seconds.
    pub added_at: i64,
}

/// The kinds of node of a driver diagram, from the aim down.
pub const NODE_KINDS: [&str; 4] = ["aim", "primary", "secondary", "change"];

/// A node of a driver diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriverNode {
    /// Id.
    pub id: i64,
    /// The initiative whose diagram it is part of.
    pub initiative_id: Option<i64>,
    /// The node above it; `None` for an aim.
    pub parent_id: Option<i64>,
    /// `aim`, `primary`, `secondary` or `change`.
    pub kind: String,
    /// The node in words.
    pub text: String,
    /// Order among its siblings.
    pub position: i64,
}

/// A measure of improvement work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// Id.
    pub id: i64,
    /// The initiative it belongs to, if any.
    pub initiative_id: Option<i64>,
    /// Name.
    pub name: String,
    /// `outcome`, `process` or `balancing`.
    pub family: String,
    /// `up` or `down`: which way is better.
    pub better: String,
    /// Unit, such as `%` or `students`.
    pub unit: String,
    /// `manual` (entered or imported), `north_star`, `enrollment` or `match` (read from SGS's
    /// data: students in quality seats, enrollment, or the share of applicants offered their
    /// first choice in each match run).
    pub source: String,
    /// Periods at which a deliberate change started a new phase (limits recomputed).
    pub phase_starts: Vec<String>,
}

/// What to record for a new measure.
#[derive(Debug, Clone)]
pub struct NewMeasure<'a> {
    /// The initiative it belongs to.
    pub initiative_id: Option<i64>,
    /// Name.
    pub name: &'a str,
    /// `outcome`, `process` or `balancing`.
    pub family: &'a str,
    /// `up` or `down`.
    pub better: &'a str,
    /// Unit.
    pub unit: &'a str,
    /// `manual`, `north_star` or `enrollment`.
    pub source: &'a str,
}

/// The families of measures.
pub const MEASURE_FAMILIES: [&str; 3] = ["outcome", "process", "balancing"];
/// Where a measure's values come from.
pub const MEASURE_SOURCES: [&str; 4] = ["manual", "north_star", "enrollment", "match"];

/// A PDSA cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pdsa {
    /// Id.
    pub id: i64,
    /// The change idea it tests.
    pub change_idea_id: i64,
    /// The cycle it follows, in a ramp.
    pub previous_id: Option<i64>,
    /// The cycle's fields.
    pub fields: PdsaFields,
    /// Who opened it.
    pub created_by: String,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

/// What a PDSA cycle records, Plan to Act.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PdsaFields {
    /// A short name, such as "Cycle 2: two classrooms".
    pub title: String,
    /// Plan: the question this cycle answers.
    pub question: String,
    /// Plan: the change being tested.
    pub change_tested: String,
    /// Plan: what the team expects to happen.
    pub prediction: String,
    /// Plan: the measures and how they are collected.
    pub measures_plan: String,
    /// Plan: who, what, when, where.
    pub who_what_when: String,
    /// Start date, `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// End date, `YYYY-MM-DD`.
    pub end_date: Option<String>,
    /// Do: what happened, surprises.
    pub do_notes: String,
    /// Study: the result against the prediction.
    pub study_notes: String,
    /// Act: `adopt`, `adapt` or `abandon`.
    pub act: Option<String>,
    /// Act: what comes next.
    pub next_steps: String,
}

/// The decisions a PDSA cycle can end in.
pub const PDSA_ACTS: [&str; 3] = ["adopt", "adapt", "abandon"];

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

/// Checks that the initiative belongs to the district (inside a transaction).
async fn own_initiative(conn: &mut AnyConnection, district_id: &str, id: i64) -> Result<()> {
    sqlx::query("SELECT id FROM initiatives WHERE id = $1 AND district_id = $2")
        .bind(id)
        .bind(district_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("initiative {id}")))
}

/// Checks that the row `sql` selects (bound to `id` and the district) exists.
async fn own(
    conn: &mut AnyConnection,
    sql: &str,
    id: i64,
    district_id: &str,
    what: &str,
) -> Result<()> {
    sqlx::query(sql)
        .bind(id)
        .bind(district_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("{what} {id}")))
}

fn goal_from_row(row: &AnyRow) -> UniversalGoal {
    UniversalGoal {
        id: row.get(0),
        title: row.get(1),
        measure: row.get(2),
        target: row.get(3),
        deadline: row.get(4),
        created_by: row.get(5),
    }
}

fn measure_from_row(row: &AnyRow) -> Result<Measure> {
    let phases: String = row.get(7);
    Ok(Measure {
        id: row.get(0),
        initiative_id: row.get(1),
        name: row.get(2),
        family: row.get(3),
        better: row.get(4),
        unit: row.get(5),
        source: row.get(6),
        phase_starts: serde_json::from_str(&phases)
            .map_err(|_| StoreError::Corrupt(format!("measure phase starts {phases:?}")))?,
    })
}

const MEASURE_COLUMNS: &str = "id, initiative_id, name, family, better, unit, source, phase_starts";

const PDSA_COLUMNS: &str = "id, change_idea_id, previous_id, title, question, change_tested, \
     prediction, measures_plan, who_what_when, start_date, end_date, do_notes, study_notes, act, \
     next_steps, created_by, updated_at";

fn pdsa_from_row(row: &AnyRow) -> Pdsa {
    Pdsa {
        id: row.get(0),
        change_idea_id: row.get(1),
        previous_id: row.get(2),
        fields: PdsaFields {
            title: row.get(3),
            question: row.get(4),
            change_tested: row.get(5),
            prediction: row.get(6),
            measures_plan: row.get(7),
            who_what_when: row.get(8),
            start_date: row.get(9),
            end_date: row.get(10),
            do_notes: row.get(11),
            study_notes: row.get(12),
            act: row.get(13),
            next_steps: row.get(14),
        },
        created_by: row.get(15),
        updated_at: row.get(16),
    }
}

impl Store {
    // -----------------------------------------------------------------------------------------
    // Universal goals, barriers and targeted strategies.

    /// Sets a new universal goal and returns its id.
    pub async fn create_universal_goal(
        &self,
        district_id: &str,
        title: &str,
        measure: &str,
        target: f64,
        deadline: &str,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        if let Some(id) = measure.strip_prefix("measure:") {
            let id: i64 = id.parse().map_err(|_| {
                invalid(format!(
                    "goal measure {measure:?}: expected quality_seats or measure:<id>"
                ))
            })?;
            own(
                &mut tx,
                "SELECT id FROM measures WHERE id = $1 AND district_id = $2",
                id,
                district_id,
                "measure",
            )
            .await?;
        } else if measure != "quality_seats" {
            return Err(invalid(format!(
                "goal measure {measure:?}: expected quality_seats or measure:<id>"
            )));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO universal_goals (district_id, title, measure, target, deadline, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(district_id)
        .bind(title)
        .bind(measure)
        .bind(target)
        .bind(deadline)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "create_universal_goal",
            &format!("goal:{id}"),
            None,
            Some(
                json!({"title": title, "measure": measure, "target": target, "deadline": deadline}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's universal goals, oldest first.
    pub async fn universal_goals(&self, district_id: &str) -> Result<Vec<UniversalGoal>> {
        let rows = sqlx::query(
            "SELECT id, title, measure, target, deadline, created_by FROM universal_goals \
             WHERE district_id = $1 ORDER BY id",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(goal_from_row).collect())
    }

    /// Records a barrier for a group or place.
    pub async fn add_barrier(
        &self,
        district_id: &str,
        goal_id: i64,
        population: &str,
        description: &str,
        evidence: &str,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        own(
            &mut tx,
            "SELECT id FROM universal_goals WHERE id = $1 AND district_id = $2",
            goal_id,
            district_id,
            "goal",
        )
        .await?;
        let id: i64 = sqlx::query(
            "INSERT INTO goal_barriers (goal_id, population, description, evidence, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(goal_id)
        .bind(population)
        .bind(description)
        .bind(evidence)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "add_barrier",
            &format!("goal:{goal_id}/barrier:{id}"),
            None,
            Some(
                json!({"population": population, "description": description, "evidence": evidence}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The barriers recorded for a goal, oldest first.
    pub async fn barriers(&self, goal_id: i64) -> Result<Vec<Barrier>> {
        let rows = sqlx::query(
            "SELECT id, goal_id, population, description, evidence, created_by FROM goal_barriers \
             WHERE goal_id = $1 ORDER BY id",
        )
        .bind(goal_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Barrier {
                id: row.get(0),
                goal_id: row.get(1),
                population: row.get(2),
                description: row.get(3),
                evidence: row.get(4),
                created_by: row.get(5),
            })
            .collect())
    }

    /// Records a targeted strategy. Its barrier must belong to the same goal and its initiative
    /// to the district.
    pub async fn add_strategy(
        &self,
        district_id: &str,
        goal_id: i64,
        new: &NewStrategy<'_>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        own(
            &mut tx,
            "SELECT id FROM universal_goals WHERE id = $1 AND district_id = $2",
            goal_id,
            district_id,
            "goal",
        )
        .await?;
        if let Some(barrier) = new.barrier_id {
            sqlx::query("SELECT id FROM goal_barriers WHERE id = $1 AND goal_id = $2")
                .bind(barrier)
                .bind(goal_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("barrier {barrier} of goal {goal_id}"))
                })?;
        }
        if let Some(initiative) = new.initiative_id {
            own_initiative(&mut tx, district_id, initiative).await?;
        }
        let id: i64 = sqlx::query(
            "INSERT INTO goal_strategies (goal_id, population, barrier_id, action, owner, \
             initiative_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(goal_id)
        .bind(new.population)
        .bind(new.barrier_id)
        .bind(new.action)
        .bind(new.owner)
        .bind(new.initiative_id)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "add_strategy",
            &format!("goal:{goal_id}/strategy:{id}"),
            None,
            Some(json!({
                "population": new.population,
                "barrier_id": new.barrier_id,
                "action": new.action,
                "owner": new.owner,
                "initiative_id": new.initiative_id,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The targeted strategies of a goal, oldest first.
    pub async fn strategies(&self, goal_id: i64) -> Result<Vec<Strategy>> {
        let rows = sqlx::query(
            "SELECT id, goal_id, population, barrier_id, action, owner, initiative_id \
             FROM goal_strategies WHERE goal_id = $1 ORDER BY id",
        )
        .bind(goal_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Strategy {
                id: row.get(0),
                goal_id: row.get(1),
                population: row.get(2),
                barrier_id: row.get(3),
                action: row.get(4),
                owner: row.get(5),
                initiative_id: row.get(6),
            })
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // Initiatives, milestones and artifacts.

    /// Changes an initiative's fields, recording before and after.
    pub async fn update_initiative(
        &self,
        district_id: &str,
        id: i64,
        edit: &InitiativeEdit<'_>,
        actor: &str,
    ) -> Result<()> {
        if !["open", "done", "stopped"].contains(&edit.status) {
            return Err(invalid(format!(
                "status {:?}: expected open, done or stopped",
                edit.status
            )));
        }
        if edit
            .mode
            .is_some_and(|m| !["explore", "improve"].contains(&m))
        {
            return Err(invalid("mode: expected explore or improve"));
        }
        let mut tx = self.pool.begin().await?;
        let before = sqlx::query(&format!(
            "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = $1 AND district_id = $2"
        ))
        .bind(id)
        .bind(district_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| initiative_from_row(&row))
        .ok_or_else(|| StoreError::NotFound(format!("initiative {id}")))?;
        if let Some(goal) = edit.goal_id {
            own(
                &mut tx,
                "SELECT id FROM universal_goals WHERE id = $1 AND district_id = $2",
                goal,
                district_id,
                "goal",
            )
            .await?;
        }
        sqlx::query(
            "UPDATE initiatives SET title = $1, owner = $2, description = $3, lever_id = $4, \
             mode = $5, start_date = $6, due_date = $7, budget = $8, goal_id = $9, status = $10 \
             WHERE id = $11",
        )
        .bind(edit.title)
        .bind(edit.owner)
        .bind(edit.description.map(str::to_string))
        .bind(edit.lever_id.map(str::to_string))
        .bind(edit.mode.map(str::to_string))
        .bind(edit.start_date.map(str::to_string))
        .bind(edit.due_date.map(str::to_string))
        .bind(edit.budget)
        .bind(edit.goal_id)
        .bind(edit.status)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let describe = |i: &Initiative| {
            json!({
                "title": i.title, "owner": i.owner, "description": i.description,
                "lever_id": i.lever_id, "mode": i.mode, "start_date": i.start_date,
                "due_date": i.due_date, "budget": i.budget, "goal_id": i.goal_id, "status": i.status,
            })
        };
        let after = json!({
            "title": edit.title, "owner": edit.owner, "description": edit.description,
            "lever_id": edit.lever_id, "mode": edit.mode, "start_date": edit.start_date,
            "due_date": edit.due_date, "budget": edit.budget, "goal_id": edit.goal_id,
            "status": edit.status,
        });
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "update_initiative",
            &format!("initiative:{id}"),
            Some(describe(&before)),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds milestones to an initiative, in order, all or none.
    pub async fn add_milestones(
        &self,
        district_id: &str,
        initiative_id: i64,
        milestones: &[(&str, &str, Option<i64>)],
        actor: &str,
    ) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin().await?;
        own_initiative(&mut tx, district_id, initiative_id).await?;
        let start: i64 = sqlx::query(
            "SELECT COALESCE(MAX(position), 0) FROM milestones WHERE initiative_id = $1",
        )
        .bind(initiative_id)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let mut ids = Vec::new();
        for (n, (title, due, step)) in milestones.iter().enumerate() {
            let id: i64 = sqlx::query(
                "INSERT INTO milestones (initiative_id, title, due_date, roadmap_step, position) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(initiative_id)
            .bind(*title)
            .bind(*due)
            .bind(*step)
            .bind(start + 1 + n as i64)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
            ids.push(id);
        }
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "add_milestones",
            &format!("initiative:{initiative_id}"),
            None,
            Some(json!(milestones
                .iter()
                .map(|(t, d, s)| json!({"title": t, "due_date": d, "roadmap_step": s}))
                .collect::<Vec<_>>())),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Marks a milestone done on a date, or not done (`None`).
    pub async fn set_milestone_done(
        &self,
        district_id: &str,
        milestone_id: i64,
        done_on: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let before: Option<String> = sqlx::query(
            "SELECT m.done_on FROM milestones m JOIN initiatives i ON i.id = m.initiative_id \
             WHERE m.id = $1 AND i.district_id = $2",
        )
        .bind(milestone_id)
        .bind(district_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("milestone {milestone_id}")))?
        .get(0);
        sqlx::query("UPDATE milestones SET done_on = $1 WHERE id = $2")
            .bind(done_on.map(str::to_string))
            .bind(milestone_id)
            .execute(&mut *tx)
            .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_milestone_done",
            &format!("milestone:{milestone_id}"),
            Some(json!({"done_on": before})),
            Some(json!({"done_on": done_on})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The milestones of every initiative of a district, in each initiative's order.
    pub async fn milestones(&self, district_id: &str) -> Result<Vec<StoredMilestone>> {
        let rows = sqlx::query(
            "SELECT m.id, m.initiative_id, m.title, m.due_date, m.done_on, m.roadmap_step \
             FROM milestones m JOIN initiatives i ON i.id = m.initiative_id \
             WHERE i.district_id = $1 ORDER BY m.initiative_id, m.position",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| StoredMilestone {
                id: row.get(0),
                initiative_id: row.get(1),
                title: row.get(2),
                due_date: row.get(3),
                done_on: row.get(4),
                roadmap_step: row.get(5),
            })
            .collect())
    }

    /// Adds an artifact to an initiative.
    pub async fn add_artifact(
        &self,
        district_id: &str,
        initiative_id: i64,
        title: &str,
        url: &str,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        own_initiative(&mut tx, district_id, initiative_id).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO artifacts (initiative_id, title, url, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(initiative_id)
        .bind(title)
        .bind(url)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "add_artifact",
            &format!("initiative:{initiative_id}/artifact:{id}"),
            None,
            Some(json!({"title": title, "url": url})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An initiative's artifacts, oldest first.
    pub async fn artifacts(&self, initiative_id: i64) -> Result<Vec<Artifact>> {
        let rows = sqlx::query(
            "SELECT id, initiative_id, title, url, added_by, added_at FROM artifacts \
             WHERE initiative_id = $1 ORDER BY id",
        )
        .bind(initiative_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Artifact {
                id: row.get(0),
                initiative_id: row.get(1),
                title: row.get(2),
                url: row.get(3),
                added_by: row.get(4),
                added_at: row.get(5),
            })
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // Driver diagrams.

    /// Adds a node to a driver diagram. An aim has no parent; a primary driver sits under an
    /// aim, a secondary driver under a primary driver, a change idea under a secondary driver.
    /// A node takes its parent's initiative.
    pub async fn add_driver_node(
        &self,
        district_id: &str,
        initiative_id: Option<i64>,
        parent_id: Option<i64>,
        kind: &str,
        text: &str,
        actor: &str,
    ) -> Result<i64> {
        let level = NODE_KINDS.iter().position(|k| *k == kind).ok_or_else(|| {
            invalid(format!(
                "node kind {kind:?}: expected aim, primary, secondary or change"
            ))
        })?;
        let mut tx = self.pool.begin().await?;
        let initiative_id = match parent_id {
            None if level == 0 => {
                if let Some(initiative) = initiative_id {
                    own_initiative(&mut tx, district_id, initiative).await?;
                }
                initiative_id
            }
            None => return Err(invalid(format!("a {kind} node needs the node it drives"))),
            Some(_) if level == 0 => return Err(invalid("an aim has no parent")),
            Some(parent) => {
                let row = sqlx::query(
                    "SELECT kind, initiative_id FROM driver_nodes WHERE id = $1 AND district_id = $2",
                )
                .bind(parent)
                .bind(district_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("driver node {parent}")))?;
                let parent_kind: String = row.get(0);
                if NODE_KINDS.get(level - 1) != Some(&parent_kind.as_str()) {
                    return Err(invalid(format!(
                        "a {kind} node goes under a {} node, not under a {parent_kind} node",
                        NODE_KINDS[level - 1]
                    )));
                }
                row.get(1)
            }
        };
        let position: i64 = sqlx::query(
            "SELECT COALESCE(MAX(position), 0) FROM driver_nodes WHERE district_id = $1 \
             AND COALESCE(parent_id, 0) = $2",
        )
        .bind(district_id)
        .bind(parent_id.unwrap_or(0))
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let id: i64 = sqlx::query(
            "INSERT INTO driver_nodes (district_id, initiative_id, parent_id, kind, text, position, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(district_id)
        .bind(initiative_id)
        .bind(parent_id)
        .bind(kind)
        .bind(text)
        .bind(position + 1)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "add_driver_node",
            &format!("driver_node:{id}"),
            None,
            Some(json!({"kind": kind, "text": text, "parent_id": parent_id, "initiative_id": initiative_id})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Rewords a node.
    pub async fn edit_driver_node(
        &self,
        district_id: &str,
        id: i64,
        text: &str,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let before: String =
            sqlx::query("SELECT text FROM driver_nodes WHERE id = $1 AND district_id = $2")
                .bind(id)
                .bind(district_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("driver node {id}")))?
                .get(0);
        sqlx::query("UPDATE driver_nodes SET text = $1 WHERE id = $2")
            .bind(text)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "edit_driver_node",
            &format!("driver_node:{id}"),
            Some(json!({"text": before})),
            Some(json!({"text": text})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every driver-diagram node of a district, in insertion order.
    pub async fn driver_nodes(&self, district_id: &str) -> Result<Vec<DriverNode>> {
        let rows = sqlx::query(
            "SELECT id, initiative_id, parent_id, kind, text, position FROM driver_nodes \
             WHERE district_id = $1 ORDER BY id",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| DriverNode {
                id: row.get(0),
                initiative_id: row.get(1),
                parent_id: row.get(2),
                kind: row.get(3),
                text: row.get(4),
                position: row.get(5),
            })
            .collect())
    }

    /// Links a measure to a node (linking twice changes nothing).
    pub async fn link_node_measure(
        &self,
        district_id: &str,
        node_id: i64,
        measure_id: i64,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        own(
            &mut tx,
            "SELECT id FROM driver_nodes WHERE id = $1 AND district_id = $2",
            node_id,
            district_id,
            "driver node",
        )
        .await?;
        own(
            &mut tx,
            "SELECT id FROM measures WHERE id = $1 AND district_id = $2",
            measure_id,
            district_id,
            "measure",
        )
        .await?;
        let exists =
            sqlx::query("SELECT 1 FROM node_measures WHERE node_id = $1 AND measure_id = $2")
                .bind(node_id)
                .bind(measure_id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        if !exists {
            sqlx::query("INSERT INTO node_measures (node_id, measure_id) VALUES ($1, $2)")
                .bind(node_id)
                .bind(measure_id)
                .execute(&mut *tx)
                .await?;
            audit::insert_audit(
                &mut tx,
                Some(district_id),
                actor,
                "link_node_measure",
                &format!("driver_node:{node_id}"),
                None,
                Some(json!({"measure_id": measure_id})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every (node, measure) link of a district.
    pub async fn node_measures(&self, district_id: &str) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT l.node_id, l.measure_id FROM node_measures l \
             JOIN driver_nodes n ON n.id = l.node_id WHERE n.district_id = $1 \
             ORDER BY l.node_id, l.measure_id",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    // -----------------------------------------------------------------------------------------
    // Measures and their values.

    /// Creates a measure and returns its id.
    pub async fn create_measure(
        &self,
        district_id: &str,
        new: &NewMeasure<'_>,
        actor: &str,
    ) -> Result<i64> {
        if !MEASURE_FAMILIES.contains(&new.family) {
            return Err(invalid(format!(
                "measure family {:?}: expected outcome, process or balancing",
                new.family
            )));
        }
        if !["up", "down"].contains(&new.better) {
            return Err(invalid(format!(
                "better {:?}: expected up or down",
                new.better
            )));
        }
        if !MEASURE_SOURCES.contains(&new.source) {
            return Err(invalid(format!(
                "measure source {:?}: expected manual, north_star or enrollment",
                new.source
            )));
        }
        let mut tx = self.pool.begin().await?;
        if let Some(initiative) = new.initiative_id {
            own_initiative(&mut tx, district_id, initiative).await?;
        }
        let id: i64 = sqlx::query(
            "INSERT INTO measures (district_id, initiative_id, name, family, better, unit, source, \
             phase_starts, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '[]', $8, $9) \
             RETURNING id",
        )
        .bind(district_id)
        .bind(new.initiative_id)
        .bind(new.name)
        .bind(new.family)
        .bind(new.better)
        .bind(new.unit)
        .bind(new.source)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "create_measure",
            &format!("measure:{id}"),
            None,
            Some(json!({
                "name": new.name, "family": new.family, "better": new.better, "unit": new.unit,
                "source": new.source, "initiative_id": new.initiative_id,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's measures, oldest first.
    pub async fn measures(&self, district_id: &str) -> Result<Vec<Measure>> {
        let rows = sqlx::query(&format!(
            "SELECT {MEASURE_COLUMNS} FROM measures WHERE district_id = $1 ORDER BY id"
        ))
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(measure_from_row).collect()
    }

    /// One measure of a district.
    pub async fn measure(&self, district_id: &str, id: i64) -> Result<Option<Measure>> {
        let row = sqlx::query(&format!(
            "SELECT {MEASURE_COLUMNS} FROM measures WHERE district_id = $1 AND id = $2"
        ))
        .bind(district_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(measure_from_row).transpose()
    }

    /// Writes values of a measure in one transaction: a period already there takes the new
    /// value, a new period goes after the others in the order given. With `replace`, every
    /// value not given is removed first. Periods must be distinct and not blank.
    pub async fn set_measure_values(
        &self,
        district_id: &str,
        measure_id: i64,
        values: &[(String, Option<f64>)],
        replace: bool,
        actor: &str,
    ) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for (period, value) in values {
            if period.trim().is_empty() {
                return Err(invalid("a value needs its period"));
            }
            if !seen.insert(period.as_str()) {
                return Err(invalid(format!("period {period:?} is given twice")));
            }
            if value.is_some_and(|v| !v.is_finite()) {
                return Err(invalid(format!("period {period:?}: expected a number")));
            }
        }
        let mut tx = self.pool.begin().await?;
        own(
            &mut tx,
            "SELECT id FROM measures WHERE id = $1 AND district_id = $2",
            measure_id,
            district_id,
            "measure",
        )
        .await?;
        let before: i64 = sqlx::query("SELECT COUNT(*) FROM measure_values WHERE measure_id = $1")
            .bind(measure_id)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        if replace {
            sqlx::query("DELETE FROM measure_values WHERE measure_id = $1")
                .bind(measure_id)
                .execute(&mut *tx)
                .await?;
        }
        let mut next: i64 = sqlx::query(
            "SELECT COALESCE(MAX(position), 0) FROM measure_values WHERE measure_id = $1",
        )
        .bind(measure_id)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let at = now();
        for (period, value) in values {
            let updated = sqlx::query(
                "UPDATE measure_values SET value = $1, entered_by = $2, entered_at = $3 \
                 WHERE measure_id = $4 AND period = $5",
            )
            .bind(*value)
            .bind(actor)
            .bind(at)
            .bind(measure_id)
            .bind(period.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                next += 1;
                sqlx::query(
                    "INSERT INTO measure_values (measure_id, period, position, value, entered_by, \
                     entered_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(measure_id)
                .bind(period.as_str())
                .bind(next)
                .bind(*value)
                .bind(actor)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_measure_values",
            &format!("measure:{measure_id}"),
            Some(json!({"values": before})),
            Some(json!({"replace": replace, "written": values.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A measure's values in period order.
    pub async fn measure_values(&self, measure_id: i64) -> Result<Vec<(String, Option<f64>)>> {
        let rows = sqlx::query(
            "SELECT period, value FROM measure_values WHERE measure_id = $1 ORDER BY position",
        )
        .bind(measure_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    /// Sets the periods at which deliberate changes started new phases.
    pub async fn set_phase_starts(
        &self,
        district_id: &str,
        measure_id: i64,
        periods: &[String],
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let before: String =
            sqlx::query("SELECT phase_starts FROM measures WHERE id = $1 AND district_id = $2")
                .bind(measure_id)
                .bind(district_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("measure {measure_id}")))?
                .get(0);
        let after = json!(periods).to_string();
        sqlx::query("UPDATE measures SET phase_starts = $1 WHERE id = $2")
            .bind(&after)
            .bind(measure_id)
            .execute(&mut *tx)
            .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_phase_starts",
            &format!("measure:{measure_id}"),
            serde_json::from_str(&before).ok(),
            Some(json!(periods)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // PDSA cycles.

    /// Opens a PDSA cycle on a change idea, following `previous_id` in a ramp when given.
    pub async fn create_pdsa(
        &self,
        district_id: &str,
        change_idea_id: i64,
        previous_id: Option<i64>,
        fields: &PdsaFields,
        actor: &str,
    ) -> Result<i64> {
        check_act(fields)?;
        let mut tx = self.pool.begin().await?;
        own(
            &mut tx,
            "SELECT id FROM driver_nodes WHERE id = $1 AND district_id = $2 AND kind = 'change'",
            change_idea_id,
            district_id,
            "change idea",
        )
        .await?;
        if let Some(previous) = previous_id {
            sqlx::query("SELECT id FROM pdsa_cycles WHERE id = $1 AND change_idea_id = $2")
                .bind(previous)
                .bind(change_idea_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("PDSA cycle {previous} of this change idea"))
                })?;
        }
        let at = now();
        let id: i64 = sqlx::query(
            "INSERT INTO pdsa_cycles (district_id, change_idea_id, previous_id, title, question, \
             change_tested, prediction, measures_plan, who_what_when, start_date, end_date, \
             do_notes, study_notes, act, next_steps, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
             RETURNING id",
        )
        .bind(district_id)
        .bind(change_idea_id)
        .bind(previous_id)
        .bind(fields.title.as_str())
        .bind(fields.question.as_str())
        .bind(fields.change_tested.as_str())
        .bind(fields.prediction.as_str())
        .bind(fields.measures_plan.as_str())
        .bind(fields.who_what_when.as_str())
        .bind(fields.start_date.clone())
        .bind(fields.end_date.clone())
        .bind(fields.do_notes.as_str())
        .bind(fields.study_notes.as_str())
        .bind(fields.act.clone())
        .bind(fields.next_steps.as_str())
        .bind(actor)
        .bind(at)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "create_pdsa",
            &format!("pdsa:{id}"),
            None,
            Some(json!({"change_idea_id": change_idea_id, "previous_id": previous_id, "fields": fields})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Rewrites a PDSA cycle's fields (Do, Study and Act are filled in as the cycle runs).
    pub async fn update_pdsa(
        &self,
        district_id: &str,
        id: i64,
        fields: &PdsaFields,
        actor: &str,
    ) -> Result<()> {
        check_act(fields)?;
        let mut tx = self.pool.begin().await?;
        let before = sqlx::query(&format!(
            "SELECT {PDSA_COLUMNS} FROM pdsa_cycles WHERE id = $1 AND district_id = $2"
        ))
        .bind(id)
        .bind(district_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| pdsa_from_row(&row))
        .ok_or_else(|| StoreError::NotFound(format!("PDSA cycle {id}")))?;
        sqlx::query(
            "UPDATE pdsa_cycles SET title = $1, question = $2, change_tested = $3, prediction = $4, \
             measures_plan = $5, who_what_when = $6, start_date = $7, end_date = $8, do_notes = $9, \
             study_notes = $10, act = $11, next_steps = $12, updated_at = $13 WHERE id = $14",
        )
        .bind(fields.title.as_str())
        .bind(fields.question.as_str())
        .bind(fields.change_tested.as_str())
        .bind(fields.prediction.as_str())
        .bind(fields.measures_plan.as_str())
        .bind(fields.who_what_when.as_str())
        .bind(fields.start_date.clone())
        .bind(fields.end_date.clone())
        .bind(fields.do_notes.as_str())
        .bind(fields.study_notes.as_str())
        .bind(fields.act.clone())
        .bind(fields.next_steps.as_str())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "update_pdsa",
            &format!("pdsa:{id}"),
            Some(json!(before.fields)),
            Some(json!(fields)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every PDSA cycle of a district, oldest first.
    pub async fn pdsa_cycles(&self, district_id: &str) -> Result<Vec<Pdsa>> {
        let rows = sqlx::query(&format!(
            "SELECT {PDSA_COLUMNS} FROM pdsa_cycles WHERE district_id = $1 ORDER BY id"
        ))
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(pdsa_from_row).collect())
    }
}

fn check_act(fields: &PdsaFields) -> Result<()> {
    match &fields.act {
        Some(act) if !PDSA_ACTS.contains(&act.as_str()) => Err(invalid(format!(
            "act {act:?}: expected adopt, adapt or abandon"
        ))),
        _ => Ok(()),
    }
}
