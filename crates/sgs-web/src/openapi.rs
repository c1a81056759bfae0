//! The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. A test checks
//! that every API route in the router is described here and nothing else is.

use serde_json::{json, Value};

fn op(summary: &str, access: &str) -> Value {
    json!({
        "summary": summary,
        "description": format!("Access: {access}."),
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {}}},
            "401": {"description": "Not signed in"},
            "403": {"description": "The role may not do this"},
            "404": {"description": "No such district or campus"}
        }
    })
}

fn param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

/// An operation with a JSON request body, shown by its example.
fn with_body(mut op: Value, example: Value) -> Value {
    op["requestBody"] = json!({
        "required": true,
        "content": {"application/json": {"schema": {"type": "object"}, "example": example}}
    });
    op
}

/// The document.
pub fn document() -> Value {
    let district = param("district", "TEA district id, six digits, e.g. 015907");
    let campus = param("campus", "TEA campus id, nine digits, e.g. 015907101");
    let mut capacity = op(
        "Set a campus's capacity for a school year",
        "administrator, innovation-office analyst; sessions from cookies must send X-CSRF-Token",
    );
    capacity["requestBody"] = json!({
        "required": true,
        "content": {"application/json": {"schema": {
            "type": "object", "required": ["school_year"],
            "properties": {"school_year": {"type": "string", "example": "2022-2023"}, "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": 20000}}
        }, "example": {"school_year": "2022-2023", "capacity": 600}}}
    });
    let mut session = op(
        "Sign in and receive a bearer token",
        "anyone with an account; five failures in 15 minutes lock the email",
    );
    session["requestBody"] = json!({
        "required": true,
        "content": {"application/json": {"schema": {
            "type": "object", "required": ["email", "password"],
            "properties": {"email": {"type": "string"}, "password": {"type": "string"}}
        }, "example": {"email": "analyst@riverbend.example", "password": "sgs-demo"}}}
    });
    let mut bands_put = op(
        "Set the grade bands the district plans by",
        "administrator, innovation-office analyst; sessions from cookies must send X-CSRF-Token",
    );
    bands_put["requestBody"] = json!({
        "required": true,
        "content": {"application/json": {"schema": {
            "type": "object", "required": ["grade_bands"],
            "properties": {"grade_bands": {"type": "string", "example": "K-5, 6-8, 9-12"}}
        }, "example": {"grade_bands": "K-5, 6-8, 9-12"}}}
    });
    let with = |mut op: Value, params: &[&Value]| {
        op["parameters"] = json!(params);
        op
    };
    let id = json!({"name": "id", "in": "path", "required": true, "description": "Record id", "schema": {"type": "integer"}});
    let editors =
        "administrator, innovation-office analyst; sessions from cookies must send X-CSRF-Token";
    let staff = "staff: administrator, analyst, enrollment staff, reviewer";
    let query = |name: &str, kind: &str, description: &str| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": kind}});
    let with_example = |mut parameter: Value, example: Value| {
        parameter["example"] = example;
        parameter
    };
    let with_query = |op: Value, params: &[&Value], queries: Vec<Value>| {
        let mut op = with(op, params);
        op["parameters"]
            .as_array_mut()
            .expect("parameters")
            .extend(queries);
        op
    };
    let goal_put = with_body(
        op("Set the North Star goal", editors),
        json!({"target_percent": 80, "target_year": "2027-2028"}),
    );
    let decision_post = with_body(
        op("Record a decision in the annual school plan", editors),
        json!({"campus_id": "999901101", "action": "redesign", "school_year": "2024-2025", "rationale": "Rated D two years running", "owner": "Office of Innovation"}),
    );
    let values_put = with_body(
        op(
            "Add or update a measure's values (all or nothing); `replace` starts the series again",
            editors,
        ),
        json!({"values": [{"period": "2026-11", "value": 13.8}], "replace": false}),
    );
    let scenario_post = with_body(
        op("Create a what-if scenario from proposed actions; returns its comparison with the baseline", editors),
        json!({"name": "Restart one school", "actions": [{"type": "change_tier", "campus_id": "999901101", "tier": "Quality"}]}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "SGS API",
            "version": "1",
            "description": "System of Great Schools: district campuses, yearly facts and summaries, the Lever 1 analyses, the annual plan, scenarios and self-assessment results. Sign in with POST /api/v1/session and send `Authorization: Bearer <token>`."
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/api/v1/session": {"post": session},
            "/api/v1/openapi.json": {"get": op("This document", "public")},
            "/api/v1/districts": {"get": op("Districts in this deployment", "public")},
            "/api/v1/districts/{district}/summary": {"get": with(op("Students and campuses by rating tier per school year", "public"), &[&district])},
            "/api/v1/districts/{district}/campuses": {"get": with(op("A district's campuses", "public"), &[&district])},
            "/api/v1/districts/{district}/campuses/{campus}": {"get": with(op("One campus with every school year", "public"), &[&district, &campus])},
            "/api/v1/districts/{district}/campuses/{campus}/capacity": {"put": with(capacity, &[&district, &campus])},
            "/api/v1/districts/{district}/grade-bands": {
                "get": with(op("The grade bands the district plans by (default K-5, 6-8, 9-12)", "public"), &[&district]),
                "put": with(bands_put, &[&district])
            },
            "/api/v1/districts/{district}/imports": {"get": with(op("Import log", "staff: administrator, analyst, enrollment staff, reviewer"), &[&district])},
            "/api/v1/districts/{district}/audit": {"get": with(op("Audit log", "administrator"), &[&district])},
            "/api/v1/districts/{district}/north-star": {"get": with(op("The North Star: students and schools by tier per year, by student group and planning area, against the goal", "public"), &[&district])},
            "/api/v1/districts/{district}/goal": {"put": with(goal_put, &[&district])},
            "/api/v1/districts/{district}/seat-gaps": {"get": with_query(op("The Quality Seats Analysis: demand, quality-seat supply, gap, service level and rank per planning area and grade band, with the campuses behind each supply figure", "public"), &[&district], vec![
                query("within", "number", "Count a campus's seats for every area whose centre is within this many miles"),
                query("by", "string", "`zone`: count a campus's seats for the areas its attendance zone covers"),
            ])},
            "/api/v1/districts/{district}/projections": {"get": with_query(op("Cohort-survival projections: the district's low, likely and high totals and each open campus's projection with its back-test error", "public"), &[&district], vec![
                query("horizon", "integer", "Years ahead, 1 to 10 (default 5)"),
                query("transitions", "integer", "Past grade transitions averaged, 1 to 10"),
                query("average", "string", "`mean`, `median` or `recent`"),
            ])},
            "/api/v1/districts/{district}/triggers": {"get": with(op("Texas accountability triggers: consecutive unacceptable years per campus and the intervention they require", "public"), &[&district])},
            "/api/v1/districts/{district}/plan": {"get": with(op("The annual school plan: the school-action policy, each open campus's facts and candidate actions, and the recorded decisions", staff), &[&district])},
            "/api/v1/districts/{district}/plan/decisions": {"post": with(decision_post, &[&district])},
            "/api/v1/districts/{district}/scenarios": {
                "get": with(op("What-if scenarios and their proposed actions", staff), &[&district]),
                "post": with(scenario_post, &[&district])
            },
            "/api/v1/districts/{district}/scenarios/{id}": {"get": with(op("One scenario and its comparison with the baseline: North Star, seat gaps, utilization, displaced students", staff), &[&district, &id])},
            "/api/v1/districts/{district}/assessments": {"get": with(op("Self-assessments this account may see, with their status", "district accounts on the assessment team or staff"), &[&district])},
            "/api/v1/districts/{district}/assessments/{id}/results": {"get": with(op("Results of a self-assessment: consensus, spread counts, practice and lever levels, change since last year, priorities; never individual ratings", "the facilitator; staff and raters once the assessment is closed"), &[&district, &id])},
            "/api/v1/districts/{district}/initiatives": {"get": with(op("Initiatives of the Office of Innovation, each with its status from its measures and milestones and the findings behind it", staff), &[&district])},
            "/api/v1/districts/{district}/universal-goals": {"get": with(op("Universal goals with the barriers recorded for each group or place and the targeted strategies", staff), &[&district])},
            "/api/v1/districts/{district}/measures/{id}": {"get": with(op("A measure, its points, and its run-chart and XmR readings with every signal", staff), &[&district, &id])},
            "/api/v1/districts/{district}/measures/{id}/values": {"put": with(values_put, &[&district, &id])},
            "/api/v1/districts/{district}/match-runs": {"get": with(op("Runs of the school-choice match: policy, seed, input digest, summary statistics", "administrator, enrollment staff"), &[&district])},
            "/api/v1/districts/{district}/offer-chances": {"get": with(op("The latest chance of an offer per program and priority group, as the school finder shows it", "public"), &[&district])},
            "/api/v1/districts/{district}/offer-chances/list": {"get": with_query(op("The chances of one new applicant's whole list, choice by choice, of some offer and of none, as the finder's list builder shows them; 400 names the choice at fault", "public"), &[&district], vec![
                with_example(query("p1", "string", "The first choice's program id; p2, p3, … (up to the longest list, at least 12) the next ones"), json!("999901104-K")),
                with_example(query("g1", "integer", "The applicant's priority group at the first choice (the last group when left out); g2, g3, … likewise"), json!(2)),
            ])}
        }
    })
}
