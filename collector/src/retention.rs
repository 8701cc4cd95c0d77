//! `--retain-days N`: responses received more than N days ago are deleted, with their metadata,
//! the replies to them and the notifications about them, at start-up and then every hour.
//!
//! A sweep deletes [`BATCH`] responses per transaction and pauses between transactions, so the
//! writer storing new posts waits for one small transaction at most, never for the whole sweep.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::Clock;
use crate::store::{Deleted, Store, rfc3339_millis};

/// Responses deleted per transaction.
pub const BATCH: u32 = 500;
/// How often a sweep runs.
pub const EVERY: Duration = Duration::from_secs(3600);
/// The shortest pause between a sweep's transactions. The pause is as long as the transaction
/// before it took, at least this: the writer storing new posts has the database at least half
/// the time. (A writer that found the database locked sleeps a growing few milliseconds before
/// it tries again, so a shorter pause could pass while it sleeps.)
const PAUSE: Duration = Duration::from_millis(10);

/// Deletes every response received more than `days` days before `clock`'s now, a batch per
/// transaction, and logs one line with the counts.
pub async fn sweep(store: &Store, clock: &Clock, days: u32) -> Result<Deleted, sqlx::Error> {
    let (_never, stopping) = watch::channel(false);
    sweep_until(store, clock, days, &stopping).await
}

/// [`sweep`], ending after the transaction in progress once `stopping` turns true.
async fn sweep_until(store: &Store, clock: &Clock, days: u32, stopping: &watch::Receiver<bool>) -> Result<Deleted, sqlx::Error> {
    let cutoff = clock.now().saturating_sub(i64::from(days) * 86_400);
    let cutoff = time::OffsetDateTime::from_unix_timestamp(cutoff).map_or_else(|_| "0000".to_owned(), rfc3339_millis);
    let mut total = Deleted::default();
    let started = std::time::Instant::now();
    let mut ended = "";
    loop {
        let batch = std::time::Instant::now();
        let deleted = store.delete_received_before(&cutoff, BATCH).await?;
        total += deleted;
        if deleted.responses < u64::from(BATCH) {
            break;
        }
        if *stopping.borrow() {
            ended = ", stopped by the shutdown before the end";
            break;
        }
        tokio::time::sleep(PAUSE.max(batch.elapsed())).await;
    }
    let took = started.elapsed().as_secs_f64();
    total.log(&format!("retention: deleted what was received more than {days} days ago (before {cutoff}) in {took:.1} s{ended}"));
    Ok(total)
}

/// Sweeps now and then every [`EVERY`] until `stopping` turns true.
pub fn spawn(store: Store, clock: Clock, days: u32, mut stopping: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = sweep_until(&store, &clock, days, &stopping).await {
                tracing::error!(error = %e, "retention: the sweep failed; trying again in an hour");
            }
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
        }
    })
}
