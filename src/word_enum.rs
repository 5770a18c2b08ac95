//! Enums whose values are written as fixed words: in rule files, the store, reports and on the
//! command line. [`word_enum!`] spells each word once; `Display`, `FromStr` and serde all use
//! that spelling, so what is written and what is read back cannot drift apart, and an unknown
//! word is refused with the list of known ones.

/// `word_enum! { /// docs  pub enum Name("what a value is") { /// docs  Variant = "word", … } }`
/// defines the enum with `ALL`, `as_str`, `Display`, `FromStr` (error: `unknown WHAT "x" (one
/// of: a, b)`) and serde as the word.
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($what:literal) {
            $($(#[$variant_meta:meta])* $variant:ident = $word:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word that stands for the value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(word: &str) -> Result<$name, String> {
                $name::ALL.iter().copied().find(|v| v.as_str() == word).ok_or_else(|| {
                    let known: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown {} {word:?} (one of: {})", $what, known.join(", "))
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let word = <String as serde::Deserialize>::deserialize(deserializer)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use word_enum;

#[cfg(test)]
mod tests {
    word_enum! {
        enum Fruit("fruit") {
            Apple = "apple",
            BloodOrange = "blood-orange",
        }
    }

    #[test]
    fn words_round_trip_everywhere_and_unknown_ones_are_refused() {
        for &fruit in Fruit::ALL {
            assert_eq!(fruit.to_string(), fruit.as_str());
            assert_eq!(fruit.as_str().parse::<Fruit>(), Ok(fruit));
            let json = serde_json::to_string(&fruit).unwrap();
            assert_eq!(json, format!("\"{}\"", fruit.as_str()));
            assert_eq!(serde_json::from_str::<Fruit>(&json).unwrap(), fruit);
        }
        assert_eq!(Fruit::BloodOrange.to_string(), "blood-orange");
        assert_eq!(
            "Apple".parse::<Fruit>(),
            Err(r#"unknown fruit "Apple" (one of: apple, blood-orange)"#.to_string())
        );
        let error = serde_json::from_str::<Fruit>("\"kiwi\"").unwrap_err();
        assert!(
            error.to_string().contains(r#"unknown fruit "kiwi""#),
            "{error}"
        );
    }
}
