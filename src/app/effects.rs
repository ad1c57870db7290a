//! The edge effects the event loop performs for `update`: the OSC 52 clipboard sequence (plain,
//! and also tmux passthrough inside tmux) and the CSV export (temp file then rename, never overwriting). Pure
//! builders plus the one file write; no model access.

use super::msg::ExportJob;
use base64::Engine;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The OSC 52 sequence that puts `text` on the clipboard. Inside tmux it is sent twice: plain,
/// which tmux itself takes and forwards with `set -g set-clipboard on`, and wrapped in tmux's
/// passthrough (a DCS with every ESC doubled), which reaches the outer terminal when
/// `allow-passthrough` is on. tmux's defaults drop the wrapped one, so the plain one must be there.
pub fn osc52(text: &str, tmux: bool) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let sequence = format!("\x1b]52;c;{payload}\x1b\\");
    if tmux {
        let wrapped = format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"));
        format!("{sequence}{wrapped}")
    } else {
        sequence
    }
}

/// Why an export failed, in words for the status bar.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write in {dir}: {source}")]
    Write { dir: String, source: std::io::Error },
    #[error("no free file name in {0}")]
    NoName(String),
}

/// The CSV text of a job: a header row, then one row per item.
pub fn csv_text(job: &ExportJob) -> String {
    let rows = std::iter::once(&job.header).chain(job.rows.iter());
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = crate::output::write_csv_rows(&mut out, rows.map(|r| r.iter().map(String::as_str)));
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the job to `dir/pcx-<view>-<stamp>.csv` (a suffix if that exists) through a temp file
/// and a rename that never replaces an existing file; a failure leaves no partial file.
pub fn write_export(dir: &Path, job: &ExportJob, stamp: &str) -> Result<PathBuf, ExportError> {
    // The absolute path: "cannot write in ." does not say where the operator was.
    let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let dir_text = crate::text::sanitize(&shown.display().to_string()).into_owned();
    let write_err = |source| ExportError::Write {
        dir: dir_text.clone(),
        source,
    };
    let text = csv_text(job);
    let temp = dir.join(format!(".pcx-export-{}.tmp", uuid::Uuid::new_v4()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(write_err(e));
    }
    for n in 0..1000 {
        let name = match n {
            0 => format!("pcx-{}-{stamp}.csv", job.view),
            n => format!("pcx-{}-{stamp}-{n}.csv", job.view),
        };
        let target = dir.join(name);
        // A hard link fails if the target exists, so nothing is ever overwritten.
        match std::fs::hard_link(&temp, &target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&temp);
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(write_err(e));
            }
        }
    }
    let _ = std::fs::remove_file(&temp);
    Err(ExportError::NoName(dir_text))
}

/// A file-name timestamp in UTC, `YYYYMMDD-HHMMSS`, from the system clock.
pub fn timestamp_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    timestamp(secs)
}

/// `YYYYMMDD-HHMMSS` for seconds since the Unix epoch (UTC).
pub fn timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> ExportJob {
        ExportJob {
            view: "users".into(),
            header: vec!["Name".into(), "Note".into()],
            rows: vec![
                vec!["Alice, A.".into(), "=cmd()".into()],
                vec!["Bob \"B\"".into(), "ok".into()],
            ],
            noun: "users".into(),
            total: 2,
        }
    }

    #[test]
    fn osc52_plain_and_through_tmux() {
        assert_eq!(osc52("abc", false), "\x1b]52;c;YWJj\x1b\\");
        // Inside tmux: the plain sequence (tmux forwards it with set-clipboard on), then the
        // passthrough-wrapped one (for allow-passthrough on).
        assert_eq!(
            osc52("abc", true),
            "\x1b]52;c;YWJj\x1b\\\x1bPtmux;\x1b\x1b]52;c;YWJj\x1b\x1b\\\x1b\\"
        );
    }

    #[test]
    fn a_failed_export_names_the_absolute_directory() {
        let missing = std::path::Path::new("no-such-dir-for-pcx-export");
        let err = write_export(missing, &job(), "20250101-000000").unwrap_err();
        let cwd = std::env::current_dir().unwrap();
        let want = format!("cannot write in {}:", cwd.join(missing).display());
        assert!(err.to_string().starts_with(&want), "{err}");
    }

    #[test]
    fn csv_quotes_and_neutralises() {
        assert_eq!(
            csv_text(&job()),
            "Name,Note\r\n\"Alice, A.\",'=cmd()\r\n\"Bob \"\"B\"\"\",ok\r\n"
        );
    }

    #[test]
    fn export_never_overwrites_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("pcx-export-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = write_export(&dir, &job(), "20250101-000000").unwrap();
        let second = write_export(&dir, &job(), "20250101-000000").unwrap();
        assert_ne!(first, second);
        assert!(second.ends_with("pcx-users-20250101-000000-1.csv"));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn export_to_a_missing_dir_says_why() {
        let dir = Path::new("/nonexistent/pcx/dir");
        let e = write_export(dir, &job(), "x").unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot write in /nonexistent/pcx/dir")
        );
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamp(0), "19700101-000000");
        assert_eq!(timestamp(1_709_210_096), "20240229-123456");
    }
}
