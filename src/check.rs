//! `lint500 [PATH]...`: lint, report, and choose the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use lint500_core::{Applicability, printable};
use lint500_engine::{CommandLineOverrides, Config, LintRun, Linter, RunOptions, Settings};
use lint500_report::{
    ActiveRule, FileReport, Format, Report, ReportOptions, RunNotice, summary_line, write_report,
};

use crate::baseline::{self, Baseline};
use crate::edit;
use crate::fix;
use crate::statistics;
use crate::{
    CheckArgs, ColorChoice, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, OutputFormat, print_error,
};

/// The cache's folder, in the folder of the configuration or of the first path.
const CACHE_DIR: &str = ".lint500_cache";

/// Width of the pretty report when standard output is not a terminal.
const DEFAULT_WIDTH: usize = 100;

pub fn run(args: CheckArgs) -> u8 {
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(err) => return fail(&format!("cannot read the current folder: {err}")),
    };
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&cwd),
    };
    let rules = lint500_rules::all();
    let overrides = CommandLineOverrides {
        select: args.select,
        ignore: args.ignore,
        exclude: args.exclude,
        max_file_size: args.max_file_size,
    };
    let (settings, configured_baseline, config_folder) = match config.and_then(|config| {
        let folder = config.path().and_then(Path::parent).map(Path::to_path_buf);
        Settings::resolve(&config, overrides, rules, &cwd)
            .map(|settings| (settings, config.baseline(), folder))
    }) {
        Ok(resolved) => resolved,
        Err(err) => return fail(&err.to_string()),
    };

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let threads = args
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let active_rules: Vec<ActiveRule<'static>> = rules
        .metas()
        .enumerate()
        .filter(|&(index, _)| settings.enabled[index])
        .map(|(index, meta)| ActiveRule {
            meta,
            severity: settings.severity[index],
        })
        .collect();
    // A baseline is read before the run, so that a bad one fails fast.
    if let Some(reason) = &args.add_ignore
        && let Err(message) = edit::check_reason(reason)
    {
        return fail(&message);
    }
    let baseline = match (&args.write_baseline, &args.baseline, &configured_baseline) {
        (Some(_), _, _) => None,
        (None, Some(path), _) | (None, None, Some(path)) => match Baseline::load(path) {
            Ok(baseline) => Some(baseline),
            Err(message) => return fail(&message),
        },
        (None, None, None) => None,
    };
    let enabled = settings.enabled.clone();
    let ran = |id: &str| rules.index_of(id).is_some_and(|index| enabled[index]);
    if args.unsafe_fixes && !args.fix && !args.diff {
        return fail("--unsafe-fixes goes with --fix or --diff");
    }
    let mut linter = Linter::new(rules, settings, cwd.clone());
    if !args.no_cache && !args.parse_only {
        let dir = match &args.cache_dir {
            Some(dir) => cwd.join(dir),
            None => cache_folder(config_folder.as_deref(), &cwd, &paths),
        };
        linter = linter.with_cache(&dir);
    }
    let options = RunOptions {
        threads,
        parse_only: args.parse_only,
        force_exclude: args.force_exclude,
    };
    let mut run = linter.run(&paths, options);

    if args.show_files {
        return show_files(&run);
    }
    if let Some(reason) = &args.add_ignore {
        print_notices(&run);
        return add_ignores(&run, &cwd, reason);
    }
    if let Some(path) = &args.write_baseline {
        print_notices(&run);
        return match baseline::write(&run, &cwd, path) {
            Ok(count) => {
                let findings = if count == 1 { "finding" } else { "findings" };
                print_error(&format!(
                    "wrote {count} {findings} to the baseline {}",
                    path.display()
                ));
                if run.has_errors() {
                    EXIT_ERROR
                } else {
                    EXIT_CLEAN
                }
            }
            Err(message) => fail(&message),
        };
    }
    let mut fixed_count = None;
    if args.fix || args.diff {
        let keep = |run: &mut LintRun| {
            if let Some(baseline) = &baseline {
                baseline.apply(run, &cwd, ran);
            }
        };
        keep(&mut run);
        if args.diff {
            print_notices(&run);
        }
        let failed_run = run.has_errors();
        let fixed = fix::fix(
            &linter,
            &paths,
            options,
            &cwd,
            run,
            args.unsafe_fixes,
            &keep,
        );
        for (path, message) in &fixed.refused {
            print_error(&format!("warning: {}: {message}", path.display()));
        }
        if args.diff {
            return print_diff(&fixed, args.output.as_deref(), failed_run);
        }
        let failed = fix::write(&fixed, &cwd);
        for (path, message) in &failed {
            print_error(&format!("error: {}: not fixed: {message}", path.display()));
        }
        let written: usize = fixed
            .files
            .iter()
            .filter(|(path, _)| !failed.iter().any(|(failed, _)| failed == *path))
            .map(|(_, file)| file.count)
            .sum();
        fixed_count = Some((written, !failed.is_empty()));
        // What remains is reported as a run without fixes would report it.
        run = linter.run(&paths, options);
    }
    let baselined = baseline
        .as_ref()
        .map(|baseline| baseline.apply(&mut run, &cwd, ran));
    let notices = print_notices(&run);
    if let Some(outcome) = &baselined {
        print_fixed(&outcome.fixed);
    }
    let summary = |files: &[FileReport<'_>]| {
        let mut line = summary_line(files, run.files_linted);
        if let Some(outcome) = &baselined {
            line += &format!(", {} baselined", outcome.baselined);
        }
        if let Some((fixed, _)) = fixed_count {
            line += &format!(", {fixed} fixed");
        }
        line
    };
    if fixed_count.is_some() && !args.unsafe_fixes {
        let unsafe_left = run
            .diagnostics()
            .filter(|(_, diagnostic)| {
                diagnostic
                    .fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
            })
            .count();
        if unsafe_left > 0 {
            let fixes = if unsafe_left == 1 { "fix" } else { "fixes" };
            print_error(&format!(
                "{unsafe_left} unsafe {fixes} left: --unsafe-fixes makes them (review them)"
            ));
        }
    }
    if args.statistics {
        let counts = statistics::counts(&run);
        let text = match args.format {
            OutputFormat::Json => statistics::json(&counts),
            _ => statistics::text(&counts),
        };
        if let Err(err) = write_text(&text, args.output.as_deref()) {
            return fail(&format!("cannot write the statistics: {err}"));
        }
        print_error(&summary(&reports(&run)));
        return exit_code(&run);
    }
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let files = reports(&run);
    let report = Report {
        files: &files,
        rules: &active_rules,
        notices: &notices,
        root: &cwd,
        sarif_category: args.sarif_category.as_deref(),
    };
    if let Err(err) = write_output(&report, args.format, args.output.as_deref(), color) {
        return fail(&format!("cannot write the report: {err}"));
    }
    if matches!(args.format, OutputFormat::Pretty | OutputFormat::Concise)
        || baselined.is_some()
        || fixed_count.is_some()
    {
        print_error(&summary(&files));
    }
    if fixed_count.is_some_and(|(_, failed)| failed) {
        return EXIT_ERROR;
    }
    exit_code(&run)
}

/// Where the cache goes by default: `.lint500_cache/` next to the configuration file, or else in
/// the first folder linted (the folder of the first file).
fn cache_folder(config_folder: Option<&Path>, cwd: &Path, paths: &[PathBuf]) -> PathBuf {
    let base = config_folder.map(Path::to_path_buf).unwrap_or_else(|| {
        let first = cwd.join(paths.first().map_or(Path::new("."), PathBuf::as_path));
        if first.is_dir() {
            first
        } else {
            first
                .parent()
                .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
        }
    });
    base.join(CACHE_DIR)
}

/// `--diff`: the fixes as a unified diff; exit 1 when there is one.
fn print_diff(fixed: &fix::Fixed, output: Option<&Path>, failed_run: bool) -> u8 {
    if let Err(err) = write_text(&fix::diff(fixed), output) {
        return fail(&format!("cannot write the diff: {err}"));
    }
    let fixes = if fixed.count() == 1 { "fix" } else { "fixes" };
    let files = if fixed.files.len() == 1 {
        "file"
    } else {
        "files"
    };
    print_error(&format!(
        "{} {fixes} would be made in {} {files}",
        fixed.count(),
        fixed.files.len()
    ));
    if failed_run {
        EXIT_ERROR
    } else if fixed.files.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// `--add-ignore`: comments for every finding; exit 0 when each got one.
fn add_ignores(run: &LintRun, cwd: &Path, reason: &str) -> u8 {
    let added = edit::add_ignores(run, cwd, reason);
    for (path, message) in &added.failed {
        print_error(&format!(
            "error: {}: not changed: {message}",
            path.display()
        ));
    }
    for (path, line) in &added.unplaced {
        print_error(&format!(
            "warning: {}:{line}: no place for a comment on this line (it starts inside a string or template literal); its findings stay",
            path.display()
        ));
    }
    let comments = if added.comments == 1 {
        "comment"
    } else {
        "comments"
    };
    let files = if added.files == 1 { "file" } else { "files" };
    print_error(&format!(
        "added {} lint500-ignore {comments} to {} {files}",
        added.comments, added.files
    ));
    if run.has_errors() || !added.failed.is_empty() {
        EXIT_ERROR
    } else if added.unplaced.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// Prints the run's notices on standard error and returns them for the report.
fn print_notices(run: &LintRun) -> Vec<RunNotice<'_>> {
    let notices = run_notices(run);
    for notice in &notices {
        print_error(&format!(
            "{}: {}: {}",
            notice.severity,
            notice.path.display(),
            notice.message
        ));
    }
    notices
}

/// Lists the baseline entries that match no finding any more.
fn print_fixed(fixed: &[baseline::Entry]) {
    if fixed.is_empty() {
        return;
    }
    let entries = if fixed.len() == 1 {
        "entry matches"
    } else {
        "entries match"
    };
    print_error(&format!(
        "fixed: {} baseline {entries} no finding any more (--write-baseline prunes them):",
        fixed.len()
    ));
    for entry in fixed {
        print_error(&format!("  {}: {}", entry.path, entry.rule));
    }
}

fn exit_code(run: &LintRun) -> u8 {
    if run.has_errors() {
        EXIT_ERROR
    } else if run.files.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// Writes `text` to FILE, or to standard output.
fn write_text(text: &str, output: Option<&Path>) -> io::Result<()> {
    match output {
        Some(path) => std::fs::write(path, text),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
    }
}

/// `--show-files`: one line per file asked for, linted or skipped and why.
fn show_files(run: &LintRun) -> u8 {
    let mut text = String::new();
    for (path, not_server_code) in &run.scope {
        let path = printable(&path.to_string_lossy()).into_owned();
        match not_server_code {
            None => text += &format!("linted   {path}\n"),
            Some(why) => {
                text += &format!("skipped  {path}: {why} (`{} = true` lints it)\n", why.key())
            }
        }
    }
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => EXIT_CLEAN,
        Err(err) => fail(&format!("cannot write the list of files: {err}")),
    }
}

fn reports(run: &LintRun) -> Vec<FileReport<'_>> {
    run.files
        .iter()
        .map(|file| FileReport {
            path: &file.path,
            source: &file.source,
            diagnostics: &file.diagnostics,
        })
        .collect()
}

fn run_notices(run: &LintRun) -> Vec<RunNotice<'_>> {
    run.notices
        .iter()
        .map(|notice| RunNotice {
            path: &notice.path,
            severity: notice.kind.severity(),
            message: &notice.message,
        })
        .collect()
}

fn write_output(
    report: &Report<'_>,
    format: OutputFormat,
    output: Option<&Path>,
    color: bool,
) -> io::Result<()> {
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let format = match format {
        OutputFormat::Pretty => Format::Pretty,
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Gitlab => Format::Gitlab,
        OutputFormat::Junit => Format::Junit,
    };
    let options = ReportOptions {
        color,
        width: DEFAULT_WIDTH,
    };
    write_report(&mut out, format, report, &options)?;
    out.flush()
}

fn fail(message: &str) -> u8 {
    print_error(&format!("error: {message}"));
    EXIT_ERROR
}
