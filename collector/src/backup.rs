//! `platinum-collector backup --to FILE`: a consistent copy of the SQLite database, made while
//! the collector serves.
//!
//! `VACUUM INTO` reads the database inside one read transaction, so the copy holds exactly what
//! was committed when it began, whatever the writer commits meanwhile (WAL mode lets both go on
//! at once); the copy is compacted, and a collector can be started on it as it is.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::store::Database;

/// Why no copy was made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The copy would overwrite something.
    #[error("{0} already exists; a backup never overwrites a file: give a new name, or move the old one away first")]
    Exists(String),
    /// The database is not a SQLite file.
    #[error("backup copies a SQLite database; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=platinum.dump '{0}'")]
    Postgres(String),
    /// There is no database at the path given.
    #[error("there is no SQLite database at {0}")]
    Missing(String),
    /// SQLite could not make the copy.
    #[error("copying {from} to {to}: {error}")]
    Sqlite {
        /// The database.
        from: String,
        /// The copy.
        to: String,
        /// What SQLite said.
        error: sqlx::Error,
    },
    /// The copy was made but could not be flushed to disk.
    #[error("flushing {0} to disk: {1}")]
    Flush(String, std::io::Error),
}

/// What a backup made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// Responses in the copy.
    pub responses: i64,
    /// Size of the copy in bytes.
    pub bytes: u64,
}

/// Copies `database` to the new file `to`.
pub async fn backup(database: &Database, to: &Path) -> Result<Copied, BackupError> {
    let from = match database {
        Database::Sqlite(path) => path,
        Database::Postgres(_) => return Err(BackupError::Postgres(database.describe().trim_start_matches("PostgreSQL ").to_owned())),
    };
    let shown = |path: &Path| path.display().to_string();
    if to.exists() {
        return Err(BackupError::Exists(shown(to)));
    }
    if !from.is_file() {
        return Err(BackupError::Missing(shown(from)));
    }
    let failed = |error| BackupError::Sqlite { from: shown(from), to: shown(to), error };
    // Never created here, never migrated: the collector's own file as it is.
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(failed)?
        .filename(from)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    let mut conn = options.connect().await.map_err(failed)?;
    let target = to.to_str().ok_or_else(|| BackupError::Exists(format!("{} (not UTF-8)", shown(to))))?;
    // VACUUM INTO itself refuses a file that appeared since the check above.
    sqlx::query("VACUUM INTO $1").bind(target).execute(&mut conn).await.map_err(failed)?;
    conn.close().await.map_err(failed)?;
    // SQLite does not sync the file VACUUM INTO writes.
    let file = std::fs::File::open(to).map_err(|e| BackupError::Flush(shown(to), e))?;
    file.sync_all().map_err(|e| BackupError::Flush(shown(to), e))?;
    let bytes = file.metadata().map_err(|e| BackupError::Flush(shown(to), e))?.len();
    let mut copy = SqliteConnectOptions::from_str("sqlite:").map_err(failed)?.filename(to).read_only(true).connect().await.map_err(failed)?;
    let responses = sqlx::query_scalar("SELECT COUNT(*) FROM feedback").fetch_one(&mut copy).await.map_err(failed)?;
    copy.close().await.map_err(failed)?;
    Ok(Copied { responses, bytes })
}
