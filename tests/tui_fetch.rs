//! The fetcher task over real loopback HTTP: one request per query however often it is asked,
//! cancel frees the slot under the concurrency cap, errors and pages come back tagged.

mod common;

use common::fake_pc;
use pcx::api::{ApiClient, ClientConfig, Secret, StaticToken};
use pcx::app::model::{Query, RequestId};
use pcx::fetch::{FetchCmd, FetchEvent, FetchInput, Fetcher, FetcherConfig, Payload};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;

fn client(base_url: &str) -> ApiClient {
    ApiClient::new(
        ClientConfig::new(base_url),
        StaticToken::new(Secret::new("test-token")),
    )
    .unwrap()
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
    let pc = fake_pc::start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let config = FetcherConfig {
        page_size: 100,
        concurrency: 4,
    };
    let fetcher = Fetcher::spawn(client(&pc.base_url), config, tx);
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
    assert_eq!(pc.hits(), ["customers"]);
}

#[tokio::test]
async fn cancel_frees_the_only_slot() {
    let pc = fake_pc::start().await;
    pc.behaviour.stall_skus.store(true, Ordering::SeqCst);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let config = FetcherConfig {
        page_size: 100,
        concurrency: 1,
    };
    let fetcher = Fetcher::spawn(client(&pc.base_url), config, tx);
    let stalled = Query::Skus {
        customer_id: fake_pc::customer_id(0).into(),
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
    let pc = fake_pc::start().await;
    pc.behaviour.forbid_licences_of.store(1, Ordering::SeqCst);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let config = FetcherConfig {
        page_size: 100,
        concurrency: 2,
    };
    let fetcher = Fetcher::spawn(client(&pc.base_url), config, tx);
    let query = Query::Licenses {
        customer_id: fake_pc::customer_id(0).into(),
        user_id: fake_pc::user_id(1).into(),
    };
    fetcher.send(cmd(7, query.clone()));
    let done = next_done(&mut rx).await;
    assert_eq!((done.id, done.query), (RequestId(7), query));
    assert!(matches!(done.result, Err(pcx::api::ApiError::NoAccess(_))));
}
