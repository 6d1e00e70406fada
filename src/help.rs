//! Help topics (`livectl help csv|config|json|exit-codes|environment`): reference
//! texts that are not about one command. Each text is written once, in
//! `src/help/*.txt`, and shown by `livectl help TOPIC` and as a section of
//! the `livectl(1)` man page, so the two cannot drift.

/// One help topic.
pub struct Topic {
    pub name: &'static str,
    /// One line for the topic list.
    pub summary: &'static str,
    /// The man page section heading.
    pub heading: &'static str,
    pub text: fn() -> String,
}

pub static TOPICS: &[Topic] = &[
    Topic {
        name: "csv",
        summary: "the CSV format of --from-csv: columns, cells, an example, the report",
        heading: "CSV FORMAT",
        text: || include_str!("help/csv.txt").to_string(),
    },
    Topic {
        name: "config",
        summary: "the config file, profiles, precedence and every key",
        heading: "CONFIGURATION",
        text: || {
            format!(
                "{}{}",
                include_str!("help/config.txt"),
                indent(include_str!("../config.example.toml"))
            )
        },
    },
    Topic {
        name: "environment",
        summary: "the environment variables livectl reads",
        heading: "ENVIRONMENT",
        text: || include_str!("help/environment.txt").to_string(),
    },
    Topic {
        name: "json",
        summary: "the JSON contract of -o json: every noun, its keys and types",
        heading: "JSON OUTPUT",
        text: crate::cmd::nouns::help_text,
    },
    Topic {
        name: "exit-codes",
        summary: "what each exit code means",
        heading: "EXIT CODES",
        text: || include_str!("help/exit-codes.txt").to_string(),
    },
];

/// The topic named `name` (case-insensitive; `exit_codes` and `env` too).
pub fn find(name: &str) -> Option<&'static Topic> {
    let name = name.to_ascii_lowercase().replace('_', "-");
    let name = match name.as_str() {
        "env" => "environment",
        "exit-code" | "exit" | "codes" => "exit-codes",
        "configuration" => "config",
        other => other,
    }
    .to_string();
    TOPICS.iter().find(|t| t.name == name)
}

/// The list shown under `livectl --help` and by `livectl help`.
pub fn list() -> String {
    let mut out = String::from("Help topics (livectl help TOPIC):\n");
    for t in TOPICS {
        out.push_str(&format!("  {:<12} {}\n", t.name, t.summary));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_is_found_by_its_name_and_has_text() {
        for t in TOPICS {
            assert_eq!(find(t.name).unwrap().name, t.name);
            assert!((t.text)().len() > 200, "{}", t.name);
            assert!(list().contains(t.name));
        }
        assert_eq!(find("ENV").unwrap().name, "environment");
        assert_eq!(find("exit_codes").unwrap().name, "exit-codes");
        assert!(find("nope").is_none());
    }

    #[test]
    fn config_topic_holds_the_example_file() {
        let text = (find("config").unwrap().text)();
        assert!(text.contains("  secret_key_env = \"LIVE_PROD_KEY\""));
        assert!(text.contains("default_profile"));
    }

    #[test]
    fn texts_fit_an_80_column_terminal() {
        for text in [
            include_str!("help/csv.txt"),
            include_str!("help/config.txt"),
            include_str!("help/environment.txt"),
            include_str!("help/exit-codes.txt"),
        ] {
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "{line}");
            }
        }
    }
}
