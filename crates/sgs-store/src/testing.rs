//! Test support: fresh, migrated stores on every backend available. Enabled by the `testing`
//! feature, for this crate's tests and for the tests of crates built on it.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Store;

/// A store under test and what keeps it alive.
pub struct TestStore {
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The store.
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// One fresh, migrated store on SQLite and, when `TEST_POSTGRES_URL` is set, one on PostgreSQL
/// in a schema of its own, so tests run in parallel without seeing each other's data.
pub async fn stores() -> Vec<TestStore> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = Store::open_data_dir(dir.path())
        .await
        .expect("SQLite store");
    let mut all = vec![TestStore {
        name: "sqlite",
        store: sqlite,
        _dir: Some(dir),
    }];

    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => all.push(postgres(&url).await),
        _ => eprintln!("TEST_POSTGRES_URL is not set: this store test runs on SQLite only"),
    }
    all
}

async fn postgres(url: &str) -> TestStore {
    let schema = format!(
        "sgs_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let admin = Store::connect(url)
        .await
        .expect("PostgreSQL at TEST_POSTGRES_URL");
    admin
        .execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await
        .expect("drop schema");
    admin
        .execute_raw(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create schema");
    admin.close().await;

    let separator = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{separator}options=-c%20search_path%3D{schema}");
    let store = Store::connect(&scoped)
        .await
        .expect("PostgreSQL test schema");
    store.migrate().await.expect("migrate PostgreSQL");
    TestStore {
        name: "postgres",
        store,
        _dir: None,
    }
}
