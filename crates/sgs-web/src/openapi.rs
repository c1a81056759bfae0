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
        }}}
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
        }}}
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
        }}}
    });
    let with = |mut op: Value, params: &[&Value]| {
        op["parameters"] = json!(params);
        op
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "SGS API",
            "version": "1",
            "description": "System of Great Schools: district campuses, yearly facts and summaries. Sign in with POST /api/v1/session and send `Authorization: Bearer <token>`."
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
            "/api/v1/districts/{district}/audit": {"get": with(op("Audit log", "administrator"), &[&district])}
        }
    })
}
