//! The fetcher task over real loopback HTTP: one request per query however often it is asked,
//! cancel frees the slot under the concurrency cap, errors and pages come back tagged.

mod common;

use common::{client, start_sandbox};
use pcx::fetch::{
    FetchCmd, FetchEvent, FetchInput, Fetcher, FetcherConfig, Payload, Query, RequestId,
};
use pcx::sandbox::{DEMO_TOKEN, FaultConfig, FaultKind, Sandbox, SandboxConfig};
use std::time::Duration;
use tokio::sync::mpsc;

/// The demo partner's customer whose GDAP relationship expired (its users answer 403).
const NO_GDAP: &str = "99754ec3-cb50-4756-a728-13d21cc978e5";

fn fetcher(
    sandbox: &Sandbox,
    concurrency: usize,
    tx: mpsc::UnboundedSender<FetchEvent>,
) -> Fetcher {
    let config = FetcherConfig {
        page_size: 100,
        concurrency,
    };
    Fetcher::spawn(client(&sandbox.base_url(), DEMO_TOKEN), config, tx)
}

fn cmd(id: u64, query: Query) -> FetchInput {
    FetchInput::Fetch(FetchCmd {
        id: RequestId(id),
        query,
        page: None,
        correlation_id: uuid::Uuid::new_v4(),
    })
}

async fn next_done(rx: &mut mpsc::UnboundedReceiver<FetchEvent>) -> pcx::fetch::FetchDone {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("an answer (guard against a hang)")
            .expect("the fetcher is alive");
        if let FetchEvent::Done(done) = event {
            return done;
        }
    }
}

#[tokio::test]
async fn the_same_query_asked_twice_is_one_request_and_two_answers() {
    let sandbox = start_sandbox(SandboxConfig::generated(3, 2, 7)).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let fetcher = fetcher(&sandbox, 4, tx);
    let query = Query::Customers { search: None };
    assert!(fetcher.send(cmd(1, query.clone())));
    assert!(fetcher.send(cmd(2, query.clone())));
    let mut ids = vec![next_done(&mut rx).await, next_done(&mut rx).await]
        .into_iter()
        .map(|d| {
            assert!(matches!(d.result, Ok(Payload::Customers(ref rows, None)) if rows.len() == 3));
            d.id
        })
        .collect::<Vec<_>>();
    ids.sort();
    assert_eq!(ids, [RequestId(1), RequestId(2)]);
    assert_eq!(
        sandbox.api_requests().len(),
        1,
        "{:?}",
        sandbox.api_requests()
    );
}

#[tokio::test]
async fn cancel_frees_the_only_slot() {
    let mut config = SandboxConfig::demo();
    config.faults = FaultConfig::only(&[FaultKind::Stall], 1.0).on_path("/subscribedskus");
    let sandbox = start_sandbox(config).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let fetcher = fetcher(&sandbox, 1, tx);
    let stalled = Query::Skus {
        customer_id: NO_GDAP.into(),
    };
    fetcher.send(cmd(1, stalled));
    fetcher.send(FetchInput::Cancel(RequestId(1)));
    fetcher.send(cmd(2, Query::Customers { search: None }));
    let done = next_done(&mut rx).await;
    assert_eq!(done.id, RequestId(2), "the cancelled request never answers");
    assert!(done.result.is_ok());
}

#[tokio::test]
async fn errors_come_back_with_their_id_and_query() {
    let sandbox = start_sandbox(SandboxConfig::demo()).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let fetcher = fetcher(&sandbox, 2, tx);
    let query = Query::Users {
        customer_id: NO_GDAP.into(),
        deleted: false,
    };
    fetcher.send(cmd(7, query.clone()));
    let done = next_done(&mut rx).await;
    assert_eq!((done.id, done.query), (RequestId(7), query));
    assert!(matches!(done.result, Err(pcx::api::ApiError::NoAccess(_))));
}
