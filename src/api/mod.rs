//! The Partner Center API layer: resources, errors, paging and the HTTP client.

pub mod access;
pub mod call;
pub mod client;
mod commerce;
pub mod error;
mod http;
mod lenient;
pub mod model;
pub mod paging;
pub mod reqlog;
pub mod status;
pub mod subscription;
pub mod token;

pub use call::{CallContext, RetryNotice, RetryObserver, RetryPolicy};
pub use client::{ApiClient, ClientConfig, CustomerQuery, CustomerSearch, UserQuery};
pub use error::{ApiError, ErrorDetail};
pub use lenient::Sanitize;
pub use model::*;
pub use paging::{Cursor, Link, LinkHeader, Links, Page};
pub use reqlog::{LogEntry, RequestLog};
pub use subscription::{CatalogSku, Offer, ProvisioningStatus, Subscription, SubscriptionStatus};
pub use token::{NoToken, Secret, StaticToken, TokenProvider};
