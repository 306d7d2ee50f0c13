//! The outbox's deliveries, shared by the servers. Every change that someone outside
//! should hear of (an order placed, a product changed, a registration moved up) writes
//! an event in the same transaction; one server at a time claims a batch of events
//! for a lease, hands each to the event sink (e-mail, a webhook, a customs gateway),
//! and marks those delivered as processed. A server that dies mid-batch loses its
//! lease and another delivers the rest: delivery is at least once, so sinks must be
//! idempotent on the event id. (Each server's search index follows the outbox
//! separately, as a log: that is per-server work, not shared.)

use crate::{App, AppResult};
use async_trait::async_trait;
use gateway_store::OutboxEvent;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Events claimed at once.
const BATCH: u32 = 100;
/// How long a claim holds: longer than any batch's deliveries take.
const LEASE: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// How often an idle server looks for new events.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Where events are delivered. An adapter for a mailer, a webhook or a customs
/// gateway implements it; an error leaves the event for a later attempt.
#[async_trait]
pub trait EventSink: Send + Sync {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String>;
}

/// The built-in sink: writes each event to the log, where an operator (or a log
/// shipper) sees it. Stands in for the adapters this machine cannot reach.
pub struct LogSink;

#[async_trait]
impl EventSink for LogSink {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String> {
        // Every write makes one: at info they would drown what an operator looks for.
        tracing::debug!(event.id = event.id, topic = %event.topic, aggregate = %event.aggregate_id, "event delivered");
        Ok(())
    }
}

impl App {
    /// Delivers outbox events until `shutdown`: a batch at a time while there are
    /// some, then every second.
    pub async fn dispatch_outbox(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let delivered = match self.dispatch_once().await {
                Ok(n) => n,
                Err(error) => {
                    tracing::warn!(%error, "outbox delivery failed; retrying");
                    0
                }
            };
            if delivered == BATCH as usize {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }

    /// Claims one batch, delivers it and completes what was delivered; returns how
    /// many this server delivered.
    #[tracing::instrument(skip_all)]
    pub async fn dispatch_once(&self) -> AppResult<usize> {
        let now = gateway_core::clock::now();
        let events = self.store.claim_outbox(&self.worker_id, BATCH, now, now + LEASE).await?;
        let mut delivered = Vec::with_capacity(events.len());
        for event in &events {
            match self.sink.deliver(event).await {
                Ok(()) => delivered.push(event.id),
                Err(error) => tracing::warn!(event.id = event.id, topic = %event.topic, %error, "delivery failed"),
            }
        }
        let completed = self.store.complete_outbox(&self.worker_id, &delivered, gateway_core::clock::now()).await?;
        self.delivered.fetch_add(completed, Ordering::Relaxed);
        Ok(usize::try_from(completed).unwrap_or(usize::MAX))
    }

    /// Events this server delivered since it started.
    pub fn events_delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// Events waiting in the database, for every server.
    #[tracing::instrument(skip_all)]
    pub async fn outbox_backlog(&self) -> AppResult<i64> {
        Ok(self.store.outbox_backlog().await?)
    }

    /// This server's name in the outbox's claims.
    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }
}
