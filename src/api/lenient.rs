//! Lenient field decoders: a field of the wrong type becomes `None` instead of failing the
//! whole response. The raw JSON of every resource is kept elsewhere, so nothing is lost here.
//! Also the two declarations every resource type uses: `lenient_struct!` (a struct of lenient
//! fields) and `open_enum!` (a string enum that keeps values it does not know).

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Text made fit for a terminal, in place. `lenient_struct!` and `open_enum!` implement it for
/// every resource type, field by field, so a field added to a resource is never left raw.
pub trait Sanitize {
    fn sanitize(&mut self);
}

impl Sanitize for Box<str> {
    /// Allocates only when something was removed.
    fn sanitize(&mut self) {
        if let Cow::Owned(clean) = crate::text::sanitize(self) {
            *self = clean.into_boxed_str();
        }
    }
}

/// Numbers and flags carry no text.
impl Sanitize for i64 {
    fn sanitize(&mut self) {}
}

impl Sanitize for bool {
    fn sanitize(&mut self) {}
}

impl<T: Sanitize> Sanitize for Option<T> {
    fn sanitize(&mut self) {
        if let Some(value) = self {
            value.sanitize();
        }
    }
}

impl<T: Sanitize> Sanitize for Vec<T> {
    fn sanitize(&mut self) {
        self.iter_mut().for_each(Sanitize::sanitize);
    }
}

/// Any JSON value; a string is kept, a number or bool is kept as its text, anything else is `None`.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<str>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Box<str>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.into()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v.into_boxed_str()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string().into()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string().into()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string().into()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string().into()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// Any JSON value; an integer, a float with no fraction or a string holding an integer
/// (one published sample has `"totalCount": "04"`) is kept, anything else is `None`.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match string(d)? {
        Some(text) => {
            let text = text.trim();
            text.parse::<i64>().ok().or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
        }
        None => None,
    })
}

/// Any JSON value; `true`/`false` (or their text) is kept, anything else is `None`.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match string(d)?.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("true") => Some(true),
        Some(t) if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// Any JSON value; whatever decodes as `T` is kept, anything else is `None`.
pub fn any<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(T::deserialize(value).ok())
}

/// Any JSON value; an array keeps the elements that decode as `T`, anything else is empty.
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|v| T::deserialize(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

use serde::Deserialize;

/// Declares a resource struct whose every field is optional and decoded leniently. Each field
/// names its decoder, which fixes its type: `string` is `Option<Box<str>>`, `int` is
/// `Option<i64>`, `boolean` is `Option<bool>`, `any<T>` is `Option<T>`, `list<T>` is `Vec<T>`.
/// An absent option is left out when the struct is written back; a list is always written.
/// Field attributes (docs, `#[serde(rename = …)]`) pass through; the struct derives `Clone`,
/// `Default`, `Deserialize`, `Serialize` and `PartialEq`, and reads its fields in camelCase.
macro_rules! lenient_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        lenient_struct!(@fields [$(#[$meta])*] $name [] [] $($fields)*);
    };
    // One field a step, each kind to the decoder it names; the names gather for `Sanitize`.
    (@fields $a:tt $n:ident $d:tt $k:tt $(#[$f:meta])* $field:ident: string, $($rest:tt)*) => {
        lenient_struct!(@option $a $n $d $k [$(#[$f])*] $field
            "crate::api::lenient::string" Box<str>; $($rest)*);
    };
    (@fields $a:tt $n:ident $d:tt $k:tt $(#[$f:meta])* $field:ident: int, $($rest:tt)*) => {
        lenient_struct!(@option $a $n $d $k [$(#[$f])*] $field
            "crate::api::lenient::int" i64; $($rest)*);
    };
    (@fields $a:tt $n:ident $d:tt $k:tt $(#[$f:meta])* $field:ident: boolean, $($rest:tt)*) => {
        lenient_struct!(@option $a $n $d $k [$(#[$f])*] $field
            "crate::api::lenient::boolean" bool; $($rest)*);
    };
    (@fields $a:tt $n:ident $d:tt $k:tt $(#[$f:meta])* $field:ident: any<$t:ty>, $($rest:tt)*) => {
        lenient_struct!(@option $a $n $d $k [$(#[$f])*] $field
            "crate::api::lenient::any" $t; $($rest)*);
    };
    (@fields $a:tt $n:ident [$($d:tt)*] [$($k:ident)*]
        $(#[$f:meta])* $field:ident: list<$t:ty>, $($rest:tt)*) => {
        lenient_struct!(@fields $a $n [$($d)*
            $(#[$f])*
            #[serde(default, deserialize_with = "crate::api::lenient::list")]
            pub $field: Vec<$t>,
        ] [$($k)* $field] $($rest)*);
    };
    (@option $a:tt $n:ident [$($d:tt)*] [$($k:ident)*] [$($f:tt)*]
        $field:ident $with:tt $t:ty; $($rest:tt)*) => {
        lenient_struct!(@fields $a $n [$($d)*
            $($f)*
            #[serde(default, deserialize_with = $with, skip_serializing_if = "Option::is_none")]
            pub $field: Option<$t>,
        ] [$($k)* $field] $($rest)*);
    };
    (@fields [$($a:tt)*] $n:ident [$($d:tt)*] [$($k:ident)*]) => {
        $($a)*
        #[derive(Clone, Default, serde::Deserialize, serde::Serialize, PartialEq)]
        #[serde(rename_all = "camelCase")]
        pub struct $n { $($d)* }

        impl crate::api::lenient::Sanitize for $n {
            fn sanitize(&mut self) {
                $(crate::api::lenient::Sanitize::sanitize(&mut self.$k);)*
            }
        }
    };
}
pub(crate) use lenient_struct;

/// Declares a string enum that keeps values it does not know as their own text.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version of pcx does not know, kept exactly as sent.
            Other(Box<str>),
        }

        impl $name {
            /// The wire text: the canonical spelling for known values, the original otherwise.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }

            /// Known values match case-insensitively (the docs mix cases); others are kept.
            pub fn parse(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) { return Self::$variant; })+
                Self::Other(text.into())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::api::lenient::Sanitize for $name {
            fn sanitize(&mut self) {
                if let Self::Other(text) = self {
                    $crate::api::lenient::Sanitize::sanitize(text);
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = $crate::api::lenient::string(d)?.unwrap_or_default();
                Ok(Self::parse(&text))
            }
        }
    };
}
pub(crate) use open_enum;
