//! The self-assessment cycle in the store: rubric versions (the JSON `sgs-assessment`
//! serialises), assessments per school year, invited raters, private individual ratings (drafts
//! and submissions), consensus per indicator, and the follow-up work made from indicators.
//!
//! Every write runs in one transaction with its audit entry. Audit entries about ratings say
//! that a rater saved or submitted, never what they answered: the audit log is read by
//! administrators, and individual ratings are private to the rater and the facilitator.
//!
//! The rules that protect the cycle's meaning are checked here, inside the transaction, so no
//! caller can skip them: ratings and consensus name active indicators of the assessment's own
//! rubric version and levels of its scale; nothing changes once an assessment is closed; a
//! submitted rater's ratings no longer change; a rubric version is only ever added, with the
//! next number, and never drops an indicator.

use serde::Serialize;
use serde_json::json;
use sgs_assessment::{Answer, Assessment, Consensus, RaterRole, Rating, Rubric, Status};
use sgs_domain::SchoolYear;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{audit, now, Result, Store, StoreError};

/// A stored rubric version.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRubric {
    /// The version number.
    pub version: u32,
    /// The rubric.
    pub rubric: Rubric,
    /// Who saved it (`sgs` for the base rubric).
    pub created_by: String,
    /// When, Unix seconds.
    pub created_at: i64,
}

/// One assessment of a district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentRecord {
    /// Id.
    pub id: i64,
    /// The district.
    pub district_id: String,
    /// The school year assessed.
    pub school_year: SchoolYear,
    /// The rubric version every rating in it uses.
    pub rubric_version: u32,
    /// Open or closed.
    pub status: Status,
    /// The facilitator's account id.
    pub facilitator_id: i64,
    /// The facilitator's display name.
    pub facilitator_name: String,
    /// Who opened it.
    pub opened_by: String,
    /// When, Unix seconds.
    pub opened_at: i64,
    /// When it was closed.
    pub closed_at: Option<i64>,
}

/// An invited rater.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invitation {
    /// The rater's account id.
    pub user_id: i64,
    /// Display name.
    pub display_name: String,
    /// The seat they hold.
    pub rater_role: RaterRole,
    /// When invited, Unix seconds.
    pub invited_at: i64,
    /// When they submitted, if they have.
    pub submitted_at: Option<i64>,
    /// How many indicators they have answered so far (drafts included).
    pub answered: i64,
}

/// One rater's stored answer on one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredRating {
    /// The rater's account id.
    pub user_id: i64,
    /// The indicator.
    pub indicator_id: String,
    /// A level or "don't know"; `None` while a draft holds only a note.
    pub answer: Option<Answer>,
    /// The rater's note.
    pub note: String,
    /// Evidence links.
    pub evidence_links: Vec<String>,
    /// When last saved, Unix seconds.
    pub updated_at: i64,
}

/// What a rater saves for one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingInput {
    /// The indicator.
    pub indicator_id: String,
    /// A level or "don't know"; `None` keeps a note without an answer yet.
    pub answer: Option<Answer>,
    /// Note.
    pub note: String,
    /// Evidence links.
    pub evidence_links: Vec<String>,
}

/// A recorded consensus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredConsensus {
    /// The indicator.
    pub indicator_id: String,
    /// The agreed level.
    pub level: u8,
    /// Why.
    pub rationale: String,
    /// Who recorded it (account id).
    pub recorded_by: i64,
    /// Their display name.
    pub recorded_by_name: String,
    /// When, Unix seconds.
    pub recorded_at: i64,
}

/// A piece of follow-up work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Initiative {
    /// Id.
    pub id: i64,
    /// The district.
    pub district_id: String,
    /// What is to be done.
    pub title: String,
    /// Who owns it.
    pub owner: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// The lever it serves.
    pub lever_id: Option<String>,
    /// The indicator it came from.
    pub source_indicator_id: Option<String>,
    /// The assessment it came from.
    pub source_assessment_id: Option<i64>,
    /// Lifecycle: `open`, `done` or `stopped`. How it is doing is computed from its measures
    /// and milestones, not stored.
    pub status: String,
    /// Who created it.
    pub created_by: String,
    /// When, Unix seconds.
    pub created_at: i64,
    /// What it is and why.
    pub description: Option<String>,
    /// `explore` (something new) or `improve` (what exists), for the ambidexterity balance.
    pub mode: Option<String>,
    /// Start date, `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// Budget in dollars.
    pub budget: Option<f64>,
    /// The universal goal it serves.
    pub goal_id: Option<i64>,
}

/// Follow-up work to create.
#[derive(Debug, Clone)]
pub struct NewInitiative<'a> {
    /// What is to be done.
    pub title: &'a str,
    /// Who owns it.
    pub owner: &'a str,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: Option<&'a str>,
    /// The lever it serves.
    pub lever_id: Option<&'a str>,
    /// The indicator it came from.
    pub source_indicator_id: Option<&'a str>,
    /// The assessment it came from.
    pub source_assessment_id: Option<i64>,
}

fn answer_code(answer: Option<Answer>) -> Option<String> {
    answer.map(|a| match a {
        Answer::Level(l) => l.to_string(),
        Answer::DontKnow => "dont-know".to_string(),
    })
}

fn parse_answer(code: Option<String>) -> Result<Option<Answer>> {
    match code.as_deref() {
        None => Ok(None),
        Some("dont-know") => Ok(Some(Answer::DontKnow)),
        Some(level) => level
            .parse::<u8>()
            .map(|l| Some(Answer::Level(l)))
            .map_err(|_| StoreError::Corrupt(format!("rating answer {level:?}"))),
    }
}

fn parse_rubric(text: &str) -> Result<Rubric> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("stored rubric cannot be read: {e}")))
}

fn to_u32(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}

const ASSESSMENT_COLUMNS: &str = "a.id, a.district_id, a.school_year, a.rubric_version, \
     a.status, a.facilitator_id, u.display_name, a.opened_by, a.opened_at, a.closed_at";

fn assessment_from_row(row: &AnyRow) -> Result<AssessmentRecord> {
    let year: String = row.get(2);
    let status: String = row.get(4);
    Ok(AssessmentRecord {
        id: row.get(0),
        district_id: row.get(1),
        school_year: SchoolYear::parse(&year)
            .map_err(|_| StoreError::Corrupt(format!("assessment year {year:?}")))?,
        rubric_version: to_u32(row.get(3), "rubric version")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("assessment status {status:?}")))?,
        facilitator_id: row.get(5),
        facilitator_name: row.get(6),
        opened_by: row.get(7),
        opened_at: row.get(8),
        closed_at: row.get(9),
    })
}

fn rating_from_row(row: &AnyRow) -> Result<StoredRating> {
    let links: String = row.get(4);
    Ok(StoredRating {
        user_id: row.get(0),
        indicator_id: row.get(1),
        answer: parse_answer(row.get(2))?,
        note: row.get(3),
        evidence_links: serde_json::from_str(&links)
            .map_err(|_| StoreError::Corrupt(format!("evidence links {links:?}")))?,
        updated_at: row.get(5),
    })
}

/// The newest stored rubric of a district, inside a transaction.
async fn latest_rubric(conn: &mut AnyConnection, district_id: &str) -> Result<Option<Rubric>> {
    let row = sqlx::query(
        "SELECT rubric FROM rubric_versions WHERE district_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(district_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| parse_rubric(&row.get::<String, _>(0)))
        .transpose()
}

/// Stores the base rubric as version 1 when the district has no version yet, and returns the
/// newest version.
async fn ensure_base(conn: &mut AnyConnection, district_id: &str) -> Result<Rubric> {
    if let Some(rubric) = latest_rubric(conn, district_id).await? {
        return Ok(rubric);
    }
    let base = Rubric::default_v1();
    insert_rubric(conn, district_id, &base, "sgs").await?;
    Ok(base)
}

async fn insert_rubric(
    conn: &mut AnyConnection,
    district_id: &str,
    rubric: &Rubric,
    actor: &str,
) -> Result<()> {
    let text = serde_json::to_string(rubric)
        .map_err(|e| StoreError::Invalid(format!("rubric cannot be written: {e}")))?;
    sqlx::query(
        "INSERT INTO rubric_versions (district_id, version, rubric, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(district_id)
    .bind(i64::from(rubric.version))
    .bind(text)
    .bind(actor)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The assessment (open, in this district) and the rubric version it uses, inside a
/// transaction; refuses a closed assessment with a message saying what was attempted.
async fn open_in_tx(
    conn: &mut AnyConnection,
    district_id: &str,
    id: i64,
    doing: &str,
) -> Result<Rubric> {
    let row = sqlx::query(
        "SELECT a.status, r.rubric FROM assessments a JOIN rubric_versions r \
         ON r.district_id = a.district_id AND r.version = a.rubric_version \
         WHERE a.district_id = $1 AND a.id = $2",
    )
    .bind(district_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("assessment {id}")))?;
    let status: String = row.get(0);
    if status != Status::Open.code() {
        return Err(StoreError::Invalid(format!(
            "assessment {id} is closed: cannot {doing}"
        )));
    }
    parse_rubric(&row.get::<String, _>(1))
}

/// The account's district, or `Invalid` when it has none or another.
async fn check_member(conn: &mut AnyConnection, district_id: &str, user_id: i64) -> Result<()> {
    let row = sqlx::query("SELECT district_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("account {user_id}")))?;
    let theirs: Option<String> = row.get(0);
    if theirs.as_deref() != Some(district_id) {
        return Err(StoreError::Invalid(format!(
            "account {user_id} does not belong to district {district_id}"
        )));
    }
    Ok(())
}

fn check_active(rubric: &Rubric, indicator_id: &str) -> Result<()> {
    match rubric.indicator(indicator_id) {
        Some(i) if !i.retired => Ok(()),
        Some(_) => Err(StoreError::Invalid(format!(
            "indicator {indicator_id} is retired in rubric version {}",
            rubric.version
        ))),
        None => Err(StoreError::Invalid(format!(
            "indicator {indicator_id} is not in rubric version {}",
            rubric.version
        ))),
    }
}

fn check_level(rubric: &Rubric, indicator_id: &str, level: u8) -> Result<()> {
    if rubric.scale.contains(level) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "level {level} for {indicator_id} is not on the scale: expected 1 to {}",
            rubric.scale.max_level()
        )))
    }
}

impl Store {
    /// The district's stored rubric versions, oldest first. Empty until the first assessment is
    /// opened or the rubric first edited (the base rubric is then stored as version 1).
    pub async fn rubric_versions(&self, district_id: &str) -> Result<Vec<StoredRubric>> {
        let rows = sqlx::query(
            "SELECT version, rubric, created_by, created_at FROM rubric_versions \
             WHERE district_id = $1 ORDER BY version",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredRubric {
                    version: to_u32(row.get(0), "rubric version")?,
                    rubric: parse_rubric(&row.get::<String, _>(1))?,
                    created_by: row.get(2),
                    created_at: row.get(3),
                })
            })
            .collect()
    }

    /// The rubric a new assessment would use: the newest stored version, or the base rubric.
    pub async fn current_rubric(&self, district_id: &str) -> Result<Rubric> {
        let mut conn = self.pool.acquire().await?;
        Ok(latest_rubric(&mut conn, district_id)
            .await?
            .unwrap_or_else(Rubric::default_v1))
    }

    /// One rubric version of the district; version 1 is the base rubric until one is stored.
    pub async fn rubric(&self, district_id: &str, version: u32) -> Result<Option<Rubric>> {
        let row = sqlx::query(
            "SELECT rubric FROM rubric_versions WHERE district_id = $1 AND version = $2",
        )
        .bind(district_id)
        .bind(i64::from(version))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => parse_rubric(&row.get::<String, _>(0)).map(Some),
            None if version == 1 => Ok(Some(Rubric::default_v1())),
            None => Ok(None),
        }
    }

    /// Adds the next rubric version (an edit of the current one, see `Rubric::edit`). Refused
    /// unless its number follows the newest version, it validates, and it keeps every indicator
    /// of the version before (retired or not).
    pub async fn save_rubric(&self, district_id: &str, rubric: &Rubric, actor: &str) -> Result<()> {
        rubric
            .validate()
            .map_err(|e| StoreError::Invalid(format!("rubric is not valid: {e}")))?;
        let mut tx = self.pool.begin().await?;
        let previous = ensure_base(&mut tx, district_id).await?;
        if rubric.version != previous.version + 1 {
            return Err(StoreError::Invalid(format!(
                "rubric version {} does not follow the current version {}",
                rubric.version, previous.version
            )));
        }
        if let Some((_, _, lost)) = previous
            .indicators()
            .find(|(_, _, i)| rubric.indicator(&i.id).is_none())
        {
            return Err(StoreError::Invalid(format!(
                "indicator {} would be deleted: retire it instead",
                lost.id
            )));
        }
        insert_rubric(&mut tx, district_id, rubric, actor).await?;
        let describe = |r: &Rubric| {
            json!({
                "version": r.version,
                "indicators": r.indicators().count(),
                "active": r.active_indicators().count(),
            })
        };
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "save_rubric",
            &format!("rubric:{district_id}/{}", rubric.version),
            Some(describe(&previous)),
            Some(describe(rubric)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens an assessment of `school_year` on the current rubric, with `facilitator_id` (an
    /// account of the district) as facilitator, and returns its id. One per school year.
    pub async fn open_assessment(
        &self,
        district_id: &str,
        school_year: SchoolYear,
        facilitator_id: i64,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        check_member(&mut tx, district_id, facilitator_id).await?;
        let taken =
            sqlx::query("SELECT id FROM assessments WHERE district_id = $1 AND school_year = $2")
                .bind(district_id)
                .bind(school_year.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!(
                "an assessment of {school_year} already exists"
            )));
        }
        let rubric = ensure_base(&mut tx, district_id).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO assessments (district_id, school_year, rubric_version, status, \
             facilitator_id, opened_by, opened_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) RETURNING id",
        )
        .bind(district_id)
        .bind(school_year.to_string())
        .bind(i64::from(rubric.version))
        .bind(Status::Open.code())
        .bind(facilitator_id)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "open_assessment",
            &format!("assessment:{id}"),
            None,
            Some(json!({
                "school_year": school_year.to_string(),
                "rubric_version": rubric.version,
                "facilitator_id": facilitator_id,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's assessments, newest school year first.
    pub async fn assessments(&self, district_id: &str) -> Result<Vec<AssessmentRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments a JOIN users u ON u.id = a.facilitator_id \
             WHERE a.district_id = $1"
        ))
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        let mut all: Vec<AssessmentRecord> = rows
            .iter()
            .map(assessment_from_row)
            .collect::<Result<_>>()?;
        all.sort_by_key(|a| std::cmp::Reverse(a.school_year));
        Ok(all)
    }

    /// One assessment of a district.
    pub async fn assessment(&self, district_id: &str, id: i64) -> Result<Option<AssessmentRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments a JOIN users u ON u.id = a.facilitator_id \
             WHERE a.district_id = $1 AND a.id = $2"
        ))
        .bind(district_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(assessment_from_row).transpose()
    }

    /// Names another facilitator of an open assessment, recording before and after.
    pub async fn set_facilitator(
        &self,
        district_id: &str,
        id: i64,
        facilitator_id: i64,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        open_in_tx(&mut tx, district_id, id, "change the facilitator").await?;
        check_member(&mut tx, district_id, facilitator_id).await?;
        let before: i64 = sqlx::query("SELECT facilitator_id FROM assessments WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        sqlx::query("UPDATE assessments SET facilitator_id = $1 WHERE id = $2")
            .bind(facilitator_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_facilitator",
            &format!("assessment:{id}"),
            Some(json!({ "facilitator_id": before })),
            Some(json!({ "facilitator_id": facilitator_id })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Invites an account of the district to rate an open assessment, holding `rater_role`.
    /// Inviting someone already invited changes only their seat.
    pub async fn invite_rater(
        &self,
        district_id: &str,
        id: i64,
        user_id: i64,
        rater_role: RaterRole,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        open_in_tx(&mut tx, district_id, id, "invite raters").await?;
        check_member(&mut tx, district_id, user_id).await?;
        sqlx::query(
            "INSERT INTO assessment_raters (assessment_id, user_id, rater_role, invited_by, \
             invited_at, submitted_at) VALUES ($1, $2, $3, $4, $5, NULL) \
             ON CONFLICT (assessment_id, user_id) DO UPDATE SET rater_role = excluded.rater_role",
        )
        .bind(id)
        .bind(user_id)
        .bind(rater_role.code())
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "invite_rater",
            &format!("assessment:{id}/rater:{user_id}"),
            None,
            Some(json!({ "user_id": user_id, "rater_role": rater_role.code() })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The raters of an assessment, in order of invitation, with their progress.
    pub async fn raters(&self, assessment_id: i64) -> Result<Vec<Invitation>> {
        let rows = sqlx::query(
            "SELECT r.user_id, u.display_name, r.rater_role, r.invited_at, r.submitted_at, \
             (SELECT COUNT(*) FROM assessment_ratings x WHERE x.assessment_id = r.assessment_id \
              AND x.user_id = r.user_id AND x.answer IS NOT NULL) \
             FROM assessment_raters r JOIN users u ON u.id = r.user_id \
             WHERE r.assessment_id = $1 ORDER BY r.invited_at, r.user_id",
        )
        .bind(assessment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.get(2);
                Ok(Invitation {
                    user_id: row.get(0),
                    display_name: row.get(1),
                    rater_role: RaterRole::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("rater role {role:?}")))?,
                    invited_at: row.get(3),
                    submitted_at: row.get(4),
                    answered: row.get(5),
                })
            })
            .collect()
    }

    /// Saves a rater's draft answers (each replaces that indicator's earlier answer). Refused
    /// when the assessment is closed, the account is not invited, it has already submitted, or
    /// an answer names an indicator or level the assessment's rubric does not have. The audit
    /// entry records how many answers were saved, not what they were.
    pub async fn save_ratings(
        &self,
        district_id: &str,
        id: i64,
        user_id: i64,
        ratings: &[RatingInput],
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let rubric = open_in_tx(&mut tx, district_id, id, "save ratings").await?;
        let invited = sqlx::query(
            "SELECT submitted_at FROM assessment_raters WHERE assessment_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "account {user_id} is not a rater of assessment {id}"
            ))
        })?;
        if invited.get::<Option<i64>, _>(0).is_some() {
            return Err(StoreError::Invalid(
                "ratings were already submitted and can no longer change".into(),
            ));
        }
        for r in ratings {
            check_active(&rubric, &r.indicator_id)?;
            if let Some(Answer::Level(level)) = r.answer {
                check_level(&rubric, &r.indicator_id, level)?;
            }
            sqlx::query(
                "DELETE FROM assessment_ratings WHERE assessment_id = $1 AND user_id = $2 \
                 AND indicator_id = $3",
            )
            .bind(id)
            .bind(user_id)
            .bind(&r.indicator_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO assessment_ratings (assessment_id, user_id, indicator_id, answer, \
                 note, evidence_links, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(user_id)
            .bind(&r.indicator_id)
            .bind(answer_code(r.answer))
            .bind(&r.note)
            .bind(json!(r.evidence_links).to_string())
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "save_ratings",
            &format!("assessment:{id}/rater:{user_id}"),
            None,
            Some(json!({ "indicators_saved": ratings.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Hands in a rater's ratings: from now on they count in the spread and no longer change.
    /// Refused until every active indicator has an answer (a level or "don't know").
    pub async fn submit_ratings(
        &self,
        district_id: &str,
        id: i64,
        user_id: i64,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let rubric = open_in_tx(&mut tx, district_id, id, "submit ratings").await?;
        let answered: Vec<String> = sqlx::query(
            "SELECT indicator_id FROM assessment_ratings WHERE assessment_id = $1 \
             AND user_id = $2 AND answer IS NOT NULL",
        )
        .bind(id)
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
        let missing = rubric
            .active_indicators()
            .filter(|(_, _, i)| !answered.contains(&i.id))
            .count();
        if missing > 0 {
            return Err(StoreError::Invalid(format!(
                "{missing} indicators have no answer yet: choose a level or \"don't know\" for each"
            )));
        }
        let updated = sqlx::query(
            "UPDATE assessment_raters SET submitted_at = $1 WHERE assessment_id = $2 \
             AND user_id = $3 AND submitted_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(StoreError::Invalid(format!(
                "account {user_id} is not a rater of assessment {id} or has already submitted"
            )));
        }
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "submit_ratings",
            &format!("assessment:{id}/rater:{user_id}"),
            None,
            Some(json!({ "submitted": true })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One rater's own ratings, drafts included, in no particular order.
    pub async fn ratings_of(&self, assessment_id: i64, user_id: i64) -> Result<Vec<StoredRating>> {
        let rows = sqlx::query(
            "SELECT user_id, indicator_id, answer, note, evidence_links, updated_at \
             FROM assessment_ratings WHERE assessment_id = $1 AND user_id = $2",
        )
        .bind(assessment_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rating_from_row).collect()
    }

    /// Every rater's ratings, drafts included. Private: only for the facilitator's eyes or for
    /// aggregation (see [`Store::scoring_input`]).
    pub async fn all_ratings(&self, assessment_id: i64) -> Result<Vec<StoredRating>> {
        let rows = sqlx::query(
            "SELECT user_id, indicator_id, answer, note, evidence_links, updated_at \
             FROM assessment_ratings WHERE assessment_id = $1 ORDER BY user_id",
        )
        .bind(assessment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rating_from_row).collect()
    }

    /// Records (or replaces) the consensus on indicators of an open assessment, all in one
    /// transaction, with before and after in the audit entry.
    pub async fn record_consensus(
        &self,
        district_id: &str,
        id: i64,
        records: &[Consensus],
        recorded_by: i64,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let rubric = open_in_tx(&mut tx, district_id, id, "record consensus").await?;
        let mut before = Vec::new();
        for c in records {
            check_active(&rubric, &c.indicator_id)?;
            check_level(&rubric, &c.indicator_id, c.level)?;
            let old = sqlx::query(
                "SELECT level, rationale FROM assessment_consensus WHERE assessment_id = $1 \
                 AND indicator_id = $2",
            )
            .bind(id)
            .bind(&c.indicator_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(old) = old {
                before.push(json!({
                    "indicator_id": c.indicator_id,
                    "level": old.get::<i64, _>(0),
                    "rationale": old.get::<String, _>(1),
                }));
            }
            sqlx::query(
                "DELETE FROM assessment_consensus WHERE assessment_id = $1 AND indicator_id = $2",
            )
            .bind(id)
            .bind(&c.indicator_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO assessment_consensus (assessment_id, indicator_id, level, rationale, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&c.indicator_id)
            .bind(i64::from(c.level))
            .bind(&c.rationale)
            .bind(recorded_by)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        let after: Vec<_> = records
            .iter()
            .map(|c| json!({"indicator_id": c.indicator_id, "level": c.level, "rationale": c.rationale}))
            .collect();
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "record_consensus",
            &format!("assessment:{id}"),
            (!before.is_empty()).then(|| json!(before)),
            Some(json!(after)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The consensus recorded so far, in no particular order.
    pub async fn consensus(&self, assessment_id: i64) -> Result<Vec<StoredConsensus>> {
        let rows = sqlx::query(
            "SELECT c.indicator_id, c.level, c.rationale, c.recorded_by, u.display_name, \
             c.recorded_at FROM assessment_consensus c JOIN users u ON u.id = c.recorded_by \
             WHERE c.assessment_id = $1",
        )
        .bind(assessment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let level: i64 = row.get(1);
                Ok(StoredConsensus {
                    indicator_id: row.get(0),
                    level: u8::try_from(level)
                        .map_err(|_| StoreError::Corrupt(format!("consensus level {level}")))?,
                    rationale: row.get(2),
                    recorded_by: row.get(3),
                    recorded_by_name: row.get(4),
                    recorded_at: row.get(5),
                })
            })
            .collect()
    }

    /// Closes an open assessment: ratings and consensus no longer change, results are shared.
    pub async fn close_assessment(&self, district_id: &str, id: i64, actor: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        open_in_tx(&mut tx, district_id, id, "close it again").await?;
        let at = now();
        sqlx::query("UPDATE assessments SET status = $1, closed_at = $2 WHERE id = $3")
            .bind(Status::Closed.code())
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "close_assessment",
            &format!("assessment:{id}"),
            Some(json!({ "status": Status::Open.code() })),
            Some(json!({ "status": Status::Closed.code(), "closed_at": at })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the scoring functions need: the consensus and the ratings of raters who have
    /// submitted (drafts do not count). It holds individual ratings: score it, never show it.
    pub async fn scoring_input(&self, record: &AssessmentRecord) -> Result<Assessment> {
        let submitted: Vec<i64> = self
            .raters(record.id)
            .await?
            .iter()
            .filter(|r| r.submitted_at.is_some())
            .map(|r| r.user_id)
            .collect();
        let ratings = self
            .all_ratings(record.id)
            .await?
            .into_iter()
            .filter(|r| submitted.contains(&r.user_id))
            .filter_map(|r| {
                Some(Rating {
                    rater: r.user_id.to_string(),
                    indicator_id: r.indicator_id,
                    answer: r.answer?,
                    note: r.note,
                    evidence_links: r.evidence_links,
                })
            })
            .collect();
        let consensus = self
            .consensus(record.id)
            .await?
            .into_iter()
            .map(|c| Consensus {
                indicator_id: c.indicator_id,
                level: c.level,
                rationale: c.rationale,
            })
            .collect();
        Ok(Assessment {
            rubric_version: record.rubric_version,
            ratings,
            consensus,
        })
    }

    /// Creates a piece of follow-up work, `open`, and returns its id. When it names a source
    /// assessment, that assessment must belong to the district.
    pub async fn create_initiative(
        &self,
        district_id: &str,
        new: &NewInitiative<'_>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        if let Some(source) = new.source_assessment_id {
            let found =
                sqlx::query("SELECT id FROM assessments WHERE id = $1 AND district_id = $2")
                    .bind(source)
                    .bind(district_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::NotFound(format!("assessment {source}")));
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO initiatives (district_id, title, owner, due_date, lever_id, \
             source_indicator_id, source_assessment_id, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id",
        )
        .bind(district_id)
        .bind(new.title)
        .bind(new.owner)
        .bind(new.due_date.map(str::to_string))
        .bind(new.lever_id.map(str::to_string))
        .bind(new.source_indicator_id.map(str::to_string))
        .bind(new.source_assessment_id)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "create_initiative",
            &format!("initiative:{id}"),
            None,
            Some(json!({
                "title": new.title,
                "owner": new.owner,
                "due_date": new.due_date,
                "lever_id": new.lever_id,
                "source_indicator_id": new.source_indicator_id,
                "source_assessment_id": new.source_assessment_id,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's follow-up work, oldest first.
    pub async fn initiatives(&self, district_id: &str) -> Result<Vec<Initiative>> {
        let rows = sqlx::query(&format!(
            "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE district_id = $1 ORDER BY id"
        ))
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(initiative_from_row).collect())
    }

    /// One initiative of a district.
    pub async fn initiative(&self, district_id: &str, id: i64) -> Result<Option<Initiative>> {
        let row = sqlx::query(&format!(
            "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE district_id = $1 AND id = $2"
        ))
        .bind(district_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(initiative_from_row))
    }
}

/// The columns [`initiative_from_row`] reads, in order.
pub(crate) const INITIATIVE_COLUMNS: &str =
    "id, district_id, title, owner, due_date, lever_id, source_indicator_id, \
     source_assessment_id, status, created_by, created_at, description, mode, start_date, \
     budget, goal_id";

pub(crate) fn initiative_from_row(row: &AnyRow) -> Initiative {
    Initiative {
        id: row.get(0),
        district_id: row.get(1),
        title: row.get(2),
        owner: row.get(3),
        due_date: row.get(4),
        lever_id: row.get(5),
        source_indicator_id: row.get(6),
        source_assessment_id: row.get(7),
        status: row.get(8),
        created_by: row.get(9),
        created_at: row.get(10),
        description: row.get(11),
        mode: row.get(12),
        start_date: row.get(13),
        budget: row.get(14),
        goal_id: row.get(15),
    }
}
