//! Reads the claims of a JWT access token (who, which tenant, until when, MFA or not) without
//! verifying it: pcx only displays them and schedules refreshes; Partner Center is the one
//! that trusts or rejects the token. Never returns or logs the token itself.

use crate::api::token::Identity;
use base64::Engine;
use serde_json::Value;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The payload of a JWT (header.payload.signature), if the text is one.
fn payload(token: &str) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.trim().split('.');
    let (_header, body, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let body = body.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Who a provider's current token speaks for, read by the UI thread while requests renew it.
#[derive(Default)]
pub(crate) struct IdentityCell(Mutex<Option<Identity>>);

impl IdentityCell {
    pub fn new(identity: Option<Identity>) -> Self {
        Self(Mutex::new(identity))
    }

    pub fn set(&self, identity: Option<Identity>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = identity;
    }

    pub fn get(&self) -> Option<Identity> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The identity a JWT speaks for; `None` if the token is opaque (not a JWT).
pub fn identity_from_jwt(token: &str) -> Option<Identity> {
    let claims = payload(token)?;
    let text = |key: &str| {
        claims
            .get(key)
            .and_then(Value::as_str)
            .map(|s| crate::text::sanitize(s.trim()).into_owned())
            .filter(|s| !s.is_empty())
    };
    let user = ["upn", "preferred_username", "unique_name", "email"]
        .iter()
        .find_map(|k| text(k));
    let mfa = claims
        .get("amr")
        .and_then(Value::as_array)
        .is_some_and(|amr| {
            amr.iter()
                .filter_map(Value::as_str)
                .any(|m| m.eq_ignore_ascii_case("mfa") || m.to_ascii_lowercase().ends_with("mfa"))
        });
    Some(Identity {
        user,
        tenant: text("tid"),
        expires_at: claims.get("exp").and_then(unix_time),
        mfa: Some(mfa),
    })
}

/// `exp` of a JWT, if it is one and has it.
pub fn jwt_expiry(token: &str) -> Option<SystemTime> {
    payload(token)?.get("exp").and_then(unix_time)
}

fn unix_time(value: &Value) -> Option<SystemTime> {
    let secs = match value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Seconds since the Unix epoch (0 for times before it).
pub fn to_unix(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub fn from_unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// `2025-01-31 14:05:09 UTC`, without a date-time crate.
pub fn format_utc(time: SystemTime) -> String {
    let secs = to_unix(time);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// "in 53 min", "2 h ago": how far a time is from now.
pub fn relative(time: SystemTime, now: SystemTime) -> String {
    let (span, future) = match time.duration_since(now) {
        Ok(d) => (d, true),
        Err(e) => (e.duration(), false),
    };
    let s = span.as_secs();
    let text = match s {
        0..=89 => format!("{s} s"),
        90..=5399 => format!("{} min", (s + 30) / 60),
        5400..=172_799 => format!("{} h", (s + 1800) / 3600),
        _ => format!("{} days", (s + 43_200) / 86_400),
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b64(r#"{"alg":"none"}"#), b64(claims))
    }

    #[test]
    fn reads_user_tenant_expiry_and_mfa() {
        let id = identity_from_jwt(&jwt(
            r#"{"upn":"ops@contoso.com","tid":"t-1","exp":1700000000,"amr":["pwd","mfa"]}"#,
        ))
        .unwrap();
        assert_eq!(id.user.as_deref(), Some("ops@contoso.com"));
        assert_eq!(id.tenant.as_deref(), Some("t-1"));
        assert_eq!(id.expires_at, Some(from_unix(1_700_000_000)));
        assert_eq!(id.mfa, Some(true));
        let id = identity_from_jwt(&jwt(
            r#"{"preferred_username":"a\u001b[2Jb","amr":["pwd"]}"#,
        ))
        .unwrap();
        assert_eq!(
            id.user.as_deref(),
            Some("a[2Jb"),
            "control characters are stripped"
        );
        assert_eq!(id.mfa, Some(false));
        assert_eq!(id.expires_at, None);
    }

    #[test]
    fn opaque_tokens_have_no_identity() {
        assert_eq!(identity_from_jwt("opaque-token"), None);
        assert_eq!(identity_from_jwt("a.b.c.d"), None);
        assert_eq!(identity_from_jwt("a.!!!.c"), None);
        assert_eq!(jwt_expiry("x.eyJleHAiOjV9.y"), Some(from_unix(5)));
    }

    #[test]
    fn formats_times() {
        assert_eq!(format_utc(from_unix(0)), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            format_utc(from_unix(1_700_000_000)),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(
            format_utc(from_unix(951_782_400)),
            "2000-02-29 00:00:00 UTC"
        );
        let now = from_unix(10_000);
        assert_eq!(relative(from_unix(13_180), now), "in 53 min");
        assert_eq!(relative(from_unix(9_990), now), "10 s ago");
    }
}
