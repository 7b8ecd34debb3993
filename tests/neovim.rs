//! A real editor as the client: headless Neovim opens a file with known problems through the
//! plugin in editors/neovim, shows `lint500 lsp`'s diagnostics, and applies a quick fix.
//!
//! Needs `nvim` (Debian's `neovim`, 0.7 or newer); `.ci/run` installs it when it is missing.

use std::path::Path;
use std::process::Command;

const SOURCE: &str = "\
import logging

logger = logging.getLogger(\"größe\")


def load(path):
    try:
        return render(open(path).read())
    except Exception as e:
        logger.error(f\"load failed: {e} — «{path}»\")


def warm():
    try:
        load(\"cache\")
    except Exception:
        pass
";

#[test]
fn neovim_shows_diagnostics_and_applies_a_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("service.py");
    std::fs::write(&file, SOURCE).expect("write the file");
    let out = dir.path().join("seen.txt");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/editors/neovim.lua").display()
        ))
        .current_dir(dir.path())
        .env("LINT500_BIN", env!("CARGO_BIN_EXE_lint500"))
        .env("LINT500_PLUGIN", repo.join("editors/neovim"))
        .env("LINT500_FILE", &file)
        .env("LINT500_OUT", &out)
        .status()
        .unwrap_or_else(|err| {
            panic!("cannot run nvim ({err}): install Debian's `neovim`; .ci/run does it")
        });
    let seen = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed: {status}\n{seen}");

    assert_eq!(
        seen.lines().collect::<Vec<_>>(),
        [
            "opened",
            "10 log-without-stack lint500",
            "16 swallowed-catch lint500",
            "action Ignore log-without-stack on this line",
            "action Ignore log-without-stack in this file",
            "fixed",
            "16 swallowed-catch lint500",
        ]
    );
    let saved = std::fs::read_to_string(&file).expect("read the saved file");
    assert!(
        saved.contains(
            "logger.error(f\"load failed: {e} — «{path}»\")  # lint500-ignore: log-without-stack\n"
        ),
        "{saved}"
    );
}
