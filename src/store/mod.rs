//! The local SQLite store of partner-wide snapshots: opening (file or memory), the schema and
//! its migrations, the scan lock, writes of one customer per transaction, and the queries the
//! reports and the diff read. Owns all SQL; knows nothing of HTTP, the terminal or the UI.
//! Calls block: callers run them off any UI loop.

mod lock;
mod read;
mod records;
mod schema;
mod subscriptions;
mod write;

pub use lock::ScanLock;
pub use read::{
    CustomerEntry, DiffCursor, HoldingRow, LicenseKey, PlanEntry, PlanKey, SeatRow, SkuEntry,
    SnapshotInfo, TotalsRow, UserKey, Walk,
};
pub use records::{
    CustomerRecord, LicenseRecord, PlanRecord, SkuRecord, SkuSeats, SubscriptionRecord, UserRecord,
};
pub use schema::SCHEMA_VERSION;
pub use subscriptions::StoredSubscription;
pub use write::{NewSnapshot, ScanCounters};

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Where a store lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// Nothing touches the disk (the demo).
    Memory,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Memory => f.write_str("(in memory)"),
        }
    }
}

/// The partner a snapshot belongs to: two partners never mix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerKey {
    /// The API root, or `demo` for the built-in demo partner.
    pub base_url: String,
    /// The signed-in partner tenant; empty when the token does not say.
    pub tenant: String,
}

impl PartnerKey {
    pub fn label(&self) -> String {
        match self.tenant.is_empty() {
            true => self.base_url.clone(),
            false => format!("{} ({})", self.base_url, self.tenant),
        }
    }
}

/// Why the store could not be used. Every variant that concerns a file names it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store {location}: {source}")]
    Open {
        location: Location,
        source: rusqlite::Error,
    },
    #[error("cannot create the store's directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the store {location} was written by a newer pcx (schema {found}, this pcx knows up to {known}); \
         it was not modified: use a newer pcx or another --db file"
    )]
    NewerSchema {
        location: Location,
        found: i64,
        known: i64,
    },
    #[error("cannot write to the store {location}: {reason}")]
    Write { location: Location, reason: String },
    #[error("cannot read the store {location}: {source}")]
    Read {
        location: Location,
        source: rusqlite::Error,
    },
    #[error(
        "another pcx scan is writing to the store {location} right now; wait for it to finish \
         (or use another --db file)"
    )]
    Busy { location: Location },
    #[error("cannot lock the store {location}: {source}")]
    Lock {
        location: Location,
        source: std::io::Error,
    },
    #[error("{0}")]
    NotFound(String),
}

/// An open store.
pub struct Store {
    conn: Connection,
    location: Location,
}

impl Store {
    /// Opens (creating if needed) the store at `location` and brings its schema up to date.
    /// A store from a newer pcx is refused before anything is written to it.
    pub fn open(location: &Location) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            location: location.clone(),
            source,
        };
        let conn = match location {
            Location::Memory => Connection::open_in_memory().map_err(open_err)?,
            Location::File(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                Connection::open_with_flags(path, flags).map_err(open_err)?
            }
        };
        let mut store = Self {
            conn,
            location: location.clone(),
        };
        store.prepare()?;
        Ok(store)
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    fn prepare(&mut self) -> Result<(), StoreError> {
        // A concurrent reader or the scan's own commits can hold the lock briefly.
        self.conn
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| self.read_error(e))?;
        schema::migrate(&mut self.conn, &self.location)?;
        Ok(())
    }

    pub(crate) fn read_error(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Read {
            location: self.location.clone(),
            source,
        }
    }

    pub(crate) fn write_error(&self, source: rusqlite::Error) -> StoreError {
        write_error(&self.location, source)
    }

    /// Size of the store in bytes (pages in use), for the benchmarks.
    pub fn size_bytes(&self) -> Result<u64, StoreError> {
        let pages: i64 = self
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(|e| self.read_error(e))?;
        let size: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(|e| self.read_error(e))?;
        Ok((pages * size) as u64)
    }
}

/// Says plainly what went wrong on a write: a full disk and a read-only file are common.
pub(crate) fn write_error(location: &Location, source: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    let reason = match source.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => "the disk is full".to_string(),
        Some(ErrorCode::ReadOnly) => "the file is read-only".to_string(),
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            "permission denied".to_string()
        }
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            "the store stayed locked by another process".to_string()
        }
        _ => source.to_string(),
    };
    StoreError::Write {
        location: location.clone(),
        reason,
    }
}

/// The default store file inside the platform's data directory.
pub fn default_path(data_dir: &Path) -> PathBuf {
    data_dir.join("pcx.sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn a_full_disk_or_a_read_only_file_is_named_plainly() {
        let location = Location::File(PathBuf::from("/srv/pcx/store.sqlite"));
        let full = write_error(&location, failure(rusqlite::ffi::SQLITE_FULL)).to_string();
        assert_eq!(
            full,
            "cannot write to the store /srv/pcx/store.sqlite: the disk is full"
        );
        let read_only = write_error(&location, failure(rusqlite::ffi::SQLITE_READONLY)).to_string();
        assert!(
            read_only.ends_with("store.sqlite: the file is read-only"),
            "{read_only}"
        );
    }
}
