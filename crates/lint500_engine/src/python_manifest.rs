//! The dependencies a Python project declares: `pyproject.toml` (`[project]` and Poetry),
//! `requirements*.txt`, `setup.cfg` and `setup.py`. Names only matter (does the project use
//! FastAPI?), so the parse is simple: a requirement is read up to its version specifier, and a
//! manifest that cannot be read declares nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::source::read_discovered;

/// Dependency name (normalised) → the rest of its requirement (`>=0.110`, or empty).
pub(crate) fn read_dependencies(folder: &Path) -> HashMap<String, String> {
    let mut dependencies = HashMap::new();
    let mut add = |requirement: &str| {
        if let Some((name, version)) = split_requirement(requirement) {
            dependencies.entry(name).or_insert(version);
        }
    };
    if let Ok(text) = read_discovered(&folder.join("pyproject.toml"))
        && let Ok(pyproject) = text.parse::<toml::Table>()
    {
        pyproject_requirements(&pyproject, &mut add);
    }
    for file in requirements_files(folder) {
        if let Ok(text) = read_discovered(&file) {
            text.lines().for_each(&mut add);
        }
    }
    if let Ok(text) = read_discovered(&folder.join("setup.cfg")) {
        setup_cfg_requirements(&text).for_each(&mut add);
    }
    if let Ok(text) = read_discovered(&folder.join("setup.py")) {
        setup_py_requirements(&text).for_each(&mut add);
    }
    dependencies
}

/// A distribution name as pip compares them: lowercase, runs of `-_.` as one `-`.
pub(crate) fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `fastapi[all]>=0.110 ; python_version > "3.8"` → (`fastapi`, `>=0.110`). Comments, blank
/// lines and pip options (`-r other.txt`, `--index-url …`) declare nothing.
fn split_requirement(line: &str) -> Option<(String, String)> {
    let line = line.split('#').next().unwrap_or("").trim();
    let line = line.split(';').next().unwrap_or("").trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = &line[..end];
    if name.is_empty() {
        return None;
    }
    let version = line[end..].trim();
    let version = match version.strip_prefix('[') {
        Some(extras) => extras.split_once(']').map_or("", |(_, rest)| rest).trim(),
        None => version,
    };
    Some((normalized(name), version.to_string()))
}

/// `[project] dependencies` and `optional-dependencies`, `[dependency-groups]`, and Poetry's
/// `[tool.poetry.dependencies]` and group dependencies.
fn pyproject_requirements(pyproject: &toml::Table, add: &mut impl FnMut(&str)) {
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        value
            .and_then(toml::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let project = pyproject.get("project");
    for requirement in strings(project.and_then(|project| project.get("dependencies"))) {
        add(&requirement);
    }
    let tables = [
        project.and_then(|project| project.get("optional-dependencies")),
        pyproject.get("dependency-groups"),
    ];
    for table in tables
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
    {
        for group in table.values() {
            for requirement in strings(Some(group)) {
                add(&requirement);
            }
        }
    }
    let poetry = pyproject
        .get("tool")
        .and_then(|tool| tool.get("poetry"))
        .and_then(toml::Value::as_table);
    if let Some(poetry) = poetry {
        let groups = poetry
            .get("group")
            .and_then(toml::Value::as_table)
            .into_iter()
            .flat_map(|groups| groups.values())
            .filter_map(|group| group.get("dependencies"));
        for table in poetry
            .get("dependencies")
            .into_iter()
            .chain(poetry.get("dev-dependencies"))
            .chain(groups)
            .filter_map(toml::Value::as_table)
        {
            for (name, version) in table {
                let version = version.as_str().unwrap_or("");
                add(&format!("{name} {version}"));
            }
        }
    }
}

/// The requirements of `install_requires =` in `setup.cfg`: on the key's line or indented
/// after it.
fn setup_cfg_requirements(text: &str) -> impl Iterator<Item = &str> {
    let mut inside = false;
    text.lines().filter(move |line| {
        let indented = line.starts_with([' ', '\t']);
        if !indented {
            let key = line.split('=').next().unwrap_or("").trim();
            inside = key == "install_requires";
            return false;
        }
        inside
    })
}

/// The string literals in the list after `install_requires` in `setup.py`.
fn setup_py_requirements(text: &str) -> impl Iterator<Item = &str> {
    let list = text
        .split_once("install_requires")
        .and_then(|(_, rest)| rest.split_once('['))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map_or("", |(list, _)| list);
    list.split(['"', '\'']).skip(1).step_by(2)
}

/// `requirements.txt`, `requirements-dev.txt`, … in `folder`.
pub(crate) fn requirements_files(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("requirements") && name.ends_with(".txt"))
                && path.is_file()
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_read_by_name() {
        assert_eq!(
            split_requirement("FastAPI[all]>=0.110 ; python_version > '3.8'"),
            Some(("fastapi".into(), ">=0.110".into()))
        );
        assert_eq!(
            split_requirement("typing_extensions==4.*  # pinned"),
            Some(("typing-extensions".into(), "==4.*".into()))
        );
        assert_eq!(split_requirement("-r base.txt"), None);
        assert_eq!(split_requirement("# only a comment"), None);
    }

    #[test]
    fn manifests_of_every_kind_declare_their_dependencies() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\ndependencies = [\"fastapi>=0.100\"]\n\
             [tool.poetry.dependencies]\npython = \"^3.11\"\nSQLAlchemy = \"^2\"\n\
             [tool.poetry.group.dev.dependencies]\npytest = \"*\"\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("requirements-dev.txt"),
            "-r requirements.txt\nhttpx==0.27\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("setup.cfg"),
            "[options]\ninstall_requires =\n    uvicorn>=0.20\n    pydantic\npackages = find:\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("setup.py"),
            "setup(name='x', install_requires=['starlette', \"redis>=5\"])\n",
        )
        .expect("write");
        let dependencies = read_dependencies(dir.path());
        for name in [
            "fastapi",
            "sqlalchemy",
            "pytest",
            "httpx",
            "uvicorn",
            "pydantic",
            "starlette",
            "redis",
        ] {
            assert!(dependencies.contains_key(name), "{name}: {dependencies:?}");
        }
        assert!(!dependencies.contains_key("packages"), "{dependencies:?}");
        assert_eq!(dependencies["fastapi"], ">=0.100");
    }
}
