//! `lint500.toml`, `.lint500.toml` or `[tool.lint500]` in `pyproject.toml`, found from the
//! current folder upward, resolved against the rule set and the command line into [`Settings`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use lint500_core::{Severity, excerpt, printable};
use serde::{Deserialize, Deserializer, de};

use crate::options::RuleOptions;
use crate::paths::GlobList;
use crate::rule::RuleSet;
use crate::scope::{INCLUDE_KEYS, ScopeIncludes};
use crate::source::{self, DEFAULT_MAX_FILE_SIZE, MAX_FILE_SIZE_LIMIT};

const CONFIG_FILES: [&str; 2] = ["lint500.toml", ".lint500.toml"];
const PYPROJECT: &str = "pyproject.toml";
/// Every file name whose contents can change the configuration (editors watch them).
pub const CONFIG_FILE_NAMES: [&str; 3] = [CONFIG_FILES[0], CONFIG_FILES[1], PYPROJECT];
const ALL: &str = "all";

/// The configuration as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, SeverityLevel>,
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<String>>,
    max_file_size: Option<u64>,
    /// A baseline file (relative to the configuration's folder): findings recorded in it are
    /// not reported.
    baseline: Option<String>,
    /// `include-tests = true` and the other keys of [`INCLUDE_KEYS`]: files that are not
    /// server code, linted all the same.
    #[serde(default)]
    include_tests: bool,
    #[serde(default)]
    include_examples: bool,
    #[serde(default)]
    include_migrations: bool,
    #[serde(default)]
    include_scripts: bool,
    #[serde(default)]
    include_generated: bool,
    #[serde(default)]
    include_browser: bool,
    #[serde(default)]
    include_unreachable: bool,
    /// `[rules.<rule-id>]`: option name -> value.
    #[serde(default)]
    rules: BTreeMap<String, BTreeMap<String, OptionValue>>,
}

/// The value of a rule option: a list of strings.
#[derive(Clone, Debug)]
struct OptionValue(Vec<String>);

impl<'de> Deserialize<'de> for OptionValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<OptionValue, D::Error> {
        struct ListOfStrings;
        impl<'de> de::Visitor<'de> for ListOfStrings {
            type Value = OptionValue;

            // The error for any other value: "expected a list of strings".
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<OptionValue, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element()? {
                    values.push(value);
                }
                Ok(OptionValue(values))
            }
        }
        deserializer.deserialize_seq(ListOfStrings)
    }
}

/// The part of `pyproject.toml` lint500 reads; other tables are not its business.
#[derive(Deserialize)]
struct PyProject {
    #[serde(default)]
    tool: PyProjectTools,
}

#[derive(Default, Deserialize)]
struct PyProjectTools {
    lint500: Option<ConfigFile>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SeverityLevel {
    Error,
    Warning,
    Off,
}

/// A configuration file (or none) and the folder its relative globs start from.
#[derive(Debug)]
pub struct Config {
    path: Option<PathBuf>,
    dir: PathBuf,
    file: ConfigFile,
}

/// A configuration problem: which file (or command-line flag) and what is wrong with it.
#[derive(Debug)]
pub struct ConfigError {
    pub origin: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The first configuration found in `cwd` or a folder above it; none is no error.
    pub fn discover(cwd: &Path) -> Result<Config, ConfigError> {
        for dir in cwd.ancestors() {
            for name in CONFIG_FILES {
                let path = dir.join(name);
                if path.is_file() {
                    return Config::read(&path, Found::Discovered);
                }
            }
            let pyproject = dir.join(PYPROJECT);
            if pyproject.is_file()
                && let Some(config) = Config::from_pyproject(&pyproject, Found::Discovered)?
            {
                return Ok(config);
            }
        }
        Ok(Config::none(cwd))
    }

    /// No configuration file: every rule with its defaults, globs relative to `dir`.
    pub fn none(dir: &Path) -> Config {
        Config {
            path: None,
            dir: dir.to_path_buf(),
            file: ConfigFile::default(),
        }
    }

    /// Loads the configuration file given with `--config`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::read(path, Found::Named)
    }

    fn read(path: &Path, found: Found) -> Result<Config, ConfigError> {
        if path.file_name().is_some_and(|name| name == PYPROJECT) {
            return Config::from_pyproject(path, found)?.ok_or_else(|| ConfigError {
                origin: origin(path),
                message: "has no [tool.lint500] table".into(),
            });
        }
        let text = read_text(path, found)?;
        let file = toml::from_str(&text).map_err(|err| toml_error(path, &text, &err))?;
        Ok(Config::located(path, file))
    }

    fn from_pyproject(path: &Path, found: Found) -> Result<Option<Config>, ConfigError> {
        let text = read_text(path, found)?;
        // Deserializing the whole file (not the table alone) keeps line numbers in errors.
        let pyproject: PyProject =
            toml::from_str(&text).map_err(|err| toml_error(path, &text, &err))?;
        Ok(pyproject
            .tool
            .lint500
            .map(|file| Config::located(path, file)))
    }

    fn located(path: &Path, file: ConfigFile) -> Config {
        Config {
            path: Some(path.to_path_buf()),
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            file,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The baseline file the configuration names, resolved against its folder.
    pub fn baseline(&self) -> Option<PathBuf> {
        self.file
            .baseline
            .as_ref()
            .map(|baseline| self.dir.join(baseline))
    }

    fn origin(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "configuration".into(), |path| origin(path))
    }
}

/// How a configuration file was found: one named with `--config` is the user's choice, one
/// found by walking up from the current folder may come with a hostile repository.
#[derive(Clone, Copy)]
enum Found {
    Named,
    Discovered,
}

fn read_text(path: &Path, found: Found) -> Result<String, ConfigError> {
    match found {
        Found::Named => source::read_named(path),
        Found::Discovered => source::read_discovered(path),
    }
    .map_err(|err| ConfigError {
        origin: origin(path),
        message: err.to_string(),
    })
}

/// A TOML error by line and column, without the excerpt of the file `toml` quotes: the file
/// may be anything (a link to the process environment, say) and the error goes to CI logs.
fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let at = err.span().map(|span| {
        let before = &text.as_bytes()[..span.start.min(text.len())];
        let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |at| at + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        // The key of the line tells which setting is wrong; its value may be anything.
        let key = text[line_start..]
            .split(['\n', '='])
            .next()
            .unwrap_or_default()
            .trim();
        if key.is_empty() {
            format!("line {line}, column {column}: ")
        } else {
            format!("line {line}, column {column} (`{}`): ", excerpt(key, 40))
        }
    });
    ConfigError {
        origin: origin(path),
        message: format!(
            "{}{}",
            at.unwrap_or_default(),
            excerpt(err.message().trim_end(), QUOTED_CHARS)
        ),
    }
}

/// The most characters of a file's text an error message quotes.
const QUOTED_CHARS: usize = 160;

fn origin(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

/// What the command line says on top of the configuration file.
#[derive(Debug, Default)]
pub struct CommandLineOverrides {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
}

/// Which rules a list names.
#[derive(Debug, PartialEq, Eq)]
pub enum RuleSelection {
    All,
    Some(Vec<usize>),
}

impl RuleSelection {
    fn contains(&self, index: usize) -> bool {
        match self {
            RuleSelection::All => true,
            RuleSelection::Some(indices) => indices.contains(&index),
        }
    }
}

/// The configuration resolved against the rules: what runs, how loud, on which files.
#[derive(Debug)]
pub struct Settings {
    /// By rule index: whether the rule runs at all.
    pub enabled: Vec<bool>,
    /// By rule index: the severity its findings get, the document's default unless configured.
    pub severity: Vec<Severity>,
    /// By rule index: whether `[severity]` sets it. Only then does it override a finding's own
    /// severity (`env-read-in-handler` is a warning, but an error for `os.environ[…]`).
    pub severity_configured: Vec<bool>,
    /// By rule index: the options `[rules.<rule-id>]` gives it.
    pub options: Vec<RuleOptions>,
    per_file_ignores: Vec<(GlobList, RuleSelection)>,
    /// Globs from the configuration file (relative to its folder) and the command line
    /// (relative to the current folder) that keep files out of the walk.
    pub excludes: Vec<GlobList>,
    pub max_file_size: u64,
    /// The classes of files that are not server code that are linted all the same.
    pub includes: ScopeIncludes,
}

impl Settings {
    pub fn resolve(
        config: &Config,
        overrides: CommandLineOverrides,
        rules: &RuleSet,
        cwd: &Path,
    ) -> Result<Settings, ConfigError> {
        let file = &config.file;
        let origin = config.origin();
        let in_file = |key: &str, message: String| ConfigError {
            origin: origin.clone(),
            message: format!("`{key}`: {message}"),
        };
        let on_command_line = |flag: &str, message: String| ConfigError {
            origin: flag.to_string(),
            message,
        };

        let select = match (&overrides.select, &file.select) {
            (Some(ids), _) => selection(ids, rules).map_err(|m| on_command_line("--select", m))?,
            (None, Some(ids)) => selection(ids, rules).map_err(|m| in_file("select", m))?,
            (None, None) => RuleSelection::All,
        };
        let ignore = match (&overrides.ignore, &file.ignore) {
            (Some(ids), _) => selection(ids, rules).map_err(|m| on_command_line("--ignore", m))?,
            (None, Some(ids)) => selection(ids, rules).map_err(|m| in_file("ignore", m))?,
            (None, None) => RuleSelection::Some(Vec::new()),
        };
        let mut enabled: Vec<bool> = (0..rules.len())
            .map(|index| select.contains(index) && !ignore.contains(index))
            .collect();
        let mut severity: Vec<Severity> = rules.metas().map(|meta| meta.default_severity).collect();
        let mut severity_configured = vec![false; rules.len()];
        for (id, level) in &file.severity {
            let index = rules
                .index_of(id)
                .ok_or_else(|| in_file("severity", unknown_rule(id, rules)))?;
            match level {
                SeverityLevel::Error => severity[index] = Severity::Error,
                SeverityLevel::Warning => severity[index] = Severity::Warning,
                SeverityLevel::Off => enabled[index] = false,
            }
            severity_configured[index] = true;
        }

        let mut options = vec![RuleOptions::default(); rules.len()];
        for (id, table) in &file.rules {
            let index = rules.index_of(id).ok_or_else(|| {
                in_file(
                    "rules",
                    format!(
                        "unknown rule `{}`; valid rules are {}",
                        excerpt(id, QUOTED_CHARS),
                        rule_ids(rules)
                    ),
                )
            })?;
            let accepted = rules.rule(index).options();
            for (name, OptionValue(values)) in table {
                if !accepted.contains(&name.as_str()) {
                    return Err(in_file(
                        &format!("rules.{id}"),
                        unknown_option(name, accepted),
                    ));
                }
                options[index].insert(name.clone(), values.clone());
            }
        }

        let mut per_file_ignores = Vec::new();
        for (glob, ids) in &file.per_file_ignores {
            let key = "per-file-ignores";
            let globs = GlobList::new(&config.dir, [glob.as_str()]).map_err(|m| in_file(key, m))?;
            let ids = selection(ids, rules)
                .map_err(|m| in_file(key, format!("`{}`: {m}", excerpt(glob, QUOTED_CHARS))))?;
            per_file_ignores.push((globs, ids));
        }

        let mut excludes = Vec::new();
        let file_excludes = file.exclude.iter().map(String::as_str);
        excludes
            .push(GlobList::new(&config.dir, file_excludes).map_err(|m| in_file("exclude", m))?);
        let cli_excludes = overrides.exclude.iter().map(String::as_str);
        excludes
            .push(GlobList::new(cwd, cli_excludes).map_err(|m| on_command_line("--exclude", m))?);

        let max_file_size = match (overrides.max_file_size, file.max_file_size) {
            (Some(size), _) => {
                max_file_size(size).map_err(|m| on_command_line("--max-file-size", m))?
            }
            (None, Some(size)) => max_file_size(size).map_err(|m| in_file("max-file-size", m))?,
            (None, None) => DEFAULT_MAX_FILE_SIZE,
        };

        let mut includes = ScopeIncludes::default();
        let flags = [
            file.include_tests,
            file.include_examples,
            file.include_migrations,
            file.include_scripts,
            file.include_generated,
            file.include_browser,
            file.include_unreachable,
        ];
        for (key, on) in INCLUDE_KEYS.into_iter().zip(flags) {
            if on {
                includes.insert(key);
            }
        }

        Ok(Settings {
            includes,
            enabled,
            severity,
            severity_configured,
            options,
            per_file_ignores,
            excludes,
            max_file_size,
        })
    }

    /// Which rules run on the file at `absolute`, after per-file ignores.
    pub fn enabled_for(&self, absolute: &Path) -> Vec<bool> {
        let mut enabled = self.enabled.clone();
        for (globs, ignored) in &self.per_file_ignores {
            if globs.matches(absolute) {
                for (index, on) in enabled.iter_mut().enumerate() {
                    *on &= !ignored.contains(index);
                }
            }
        }
        enabled
    }

    pub fn is_excluded(&self, absolute: &Path) -> bool {
        self.excludes
            .iter()
            .any(|globs| globs.matches_entry(absolute))
    }
}

fn selection(ids: &[String], rules: &RuleSet) -> Result<RuleSelection, String> {
    // Every id is checked, also next to "all": a typo is a typo wherever it stands.
    let indices = ids
        .iter()
        .filter(|id| *id != ALL)
        .map(|id| rules.index_of(id).ok_or_else(|| unknown_rule(id, rules)))
        .collect::<Result<_, _>>()?;
    if ids.iter().any(|id| id == ALL) {
        Ok(RuleSelection::All)
    } else {
        Ok(RuleSelection::Some(indices))
    }
}

fn unknown_rule(id: &str, rules: &RuleSet) -> String {
    format!(
        "unknown rule `{}`; valid rules are {} (or \"{ALL}\")",
        excerpt(id, QUOTED_CHARS),
        rule_ids(rules)
    )
}

fn max_file_size(size: u64) -> Result<u64, String> {
    if size > MAX_FILE_SIZE_LIMIT {
        Err(format!(
            "{size} is over the largest size lint500 can parse, {MAX_FILE_SIZE_LIMIT} bytes"
        ))
    } else {
        Ok(size)
    }
}

fn rule_ids(rules: &RuleSet) -> String {
    let known: Vec<&str> = rules.metas().map(|meta| meta.id.as_str()).collect();
    known.join(", ")
}

fn unknown_option(name: &str, accepted: &[&str]) -> String {
    if accepted.is_empty() {
        format!(
            "unknown option `{}`; this rule has no options",
            excerpt(name, QUOTED_CHARS)
        )
    } else {
        format!(
            "unknown option `{}`; valid options are {}",
            excerpt(name, QUOTED_CHARS),
            accepted.join(", ")
        )
    }
}
