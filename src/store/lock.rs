//! The scan lock: one `pcx scan` writes to a store at a time. An advisory lock on a file next
//! to the store, released by the kernel when the process ends (even by SIGKILL), so a crash
//! never leaves a stale lock behind.

use super::{Location, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

/// Held for the whole scan; dropping it releases the lock.
#[derive(Debug)]
pub struct ScanLock {
    _file: Option<File>,
}

impl ScanLock {
    /// Takes the lock, or says that another scan holds it. A store in memory needs none.
    pub fn acquire(location: &Location) -> Result<Self, StoreError> {
        let Location::File(path) = location else {
            return Ok(Self { _file: None });
        };
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| StoreError::Lock {
                location: Location::File(lock_path.clone()),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: Some(file) }),
            Err(TryLockError::WouldBlock) => Err(StoreError::Busy {
                location: location.clone(),
            }),
            Err(TryLockError::Error(source)) => Err(StoreError::Lock {
                location: Location::File(lock_path),
                source,
            }),
        }
    }
}
