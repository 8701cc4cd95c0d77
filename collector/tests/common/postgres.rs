//! Running the suite against PostgreSQL.
//!
//! With `PLATINUM_TEST_POSTGRES_PORT` set to the port of a throwaway server on 127.0.0.1 (as
//! `cargo xtask test` starts one), every test collector of the suite gets a fresh database on it
//! instead of a SQLite file. The tests that are about PostgreSQL itself start servers of their
//! own with [`pg_throwaway::Server`].

/// The server the suite runs against, when it runs against PostgreSQL.
pub fn backend() -> Option<Backend> {
    let port = std::env::var("PLATINUM_TEST_POSTGRES_PORT").ok()?;
    Some(Backend { port: port.trim().parse().expect("PLATINUM_TEST_POSTGRES_PORT is a port number") })
}

/// A throwaway server shared by the suite.
#[derive(Debug, Clone, Copy)]
pub struct Backend {
    port: u16,
}

/// Whether the suite runs against PostgreSQL.
pub fn on_postgres() -> bool {
    backend().is_some()
}

impl Backend {
    /// A new, empty database on it.
    pub fn fresh_database(&self) -> String {
        pg_throwaway::fresh_database_at(self.port).expect("create a database on the test server")
    }
}

