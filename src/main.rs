//! `lint500`: finds the code mistakes that make Express and FastAPI servers answer 500.

mod baseline;
mod catalogue;
mod check;
mod edit;
mod fix;
mod statistics;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes: no findings, findings, and usage/configuration/internal errors.
const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "lint500",
    version,
    about = "Finds the code mistakes that make Express and FastAPI servers answer 500",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// List every rule: id, languages, default severity, summary
    Rules {
        #[arg(long, value_enum, default_value_t = CatalogueFormat::Text)]
        format: CatalogueFormat,
    },
    /// Show a rule's documentation
    Explain {
        /// The rule id, e.g. swallowed-catch
        rule: String,
    },
    /// Run the language server on standard input and output (for editors)
    Lsp,
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogueFormat {
    Text,
    Json,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to lint (default: the current folder)
    paths: Vec<PathBuf>,

    /// How to print findings
    #[arg(long, value_enum, default_value_t = OutputFormat::Pretty)]
    format: OutputFormat,

    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Tell this analysis apart from others uploaded for the same commit (SARIF
    /// `automationDetails.id`), e.g. one per service of a monorepo
    #[arg(long, value_name = "NAME")]
    sarif_category: Option<String>,

    /// Use this configuration file instead of searching for one
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Run only these rules (comma-separated ids, or "all"); replaces `select` in the config
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    select: Option<Vec<String>>,

    /// Do not run these rules (comma-separated ids); replaces `ignore` in the config
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    ignore: Option<Vec<String>>,

    /// Skip files and folders matching GLOB, as in .gitignore (repeatable)
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,

    /// Apply the excludes to files named on the command line too (for pre-commit and editors)
    #[arg(long)]
    force_exclude: bool,

    /// Number of threads (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,

    /// Skip files larger than BYTES (default 2 MiB)
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,

    /// When to color the pretty report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// List the files instead of the findings: each linted, or skipped as not server code
    /// with the reason and the configuration key that lints it all the same
    #[arg(long)]
    show_files: bool,

    /// Record every current finding in FILE (JSON) and exit 0: later runs with `--baseline
    /// FILE` report only new findings
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "statistics"])]
    write_baseline: Option<PathBuf>,

    /// Report only the findings FILE (written by `--write-baseline`) does not record; replaces
    /// `baseline` in the config
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Add a `lint500-ignore: RULE -- REASON` comment for every finding (at the end of its
    /// line, or alone above it) and write the files; the reason defaults to a TODO to search for
    #[arg(
        long,
        value_name = "REASON",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = edit::DEFAULT_REASON,
        conflicts_with_all = ["write_baseline", "statistics"]
    )]
    add_ignore: Option<String>,

    /// Apply the fixes that change nothing but what a log records, write the files, and report
    /// what remains
    #[arg(long, conflicts_with_all = ["write_baseline", "add_ignore", "show_files"])]
    fix: bool,

    /// Print the fixes `--fix` would make as a unified diff and write nothing (exit 1 when
    /// there is one)
    #[arg(
        long,
        conflicts_with_all = ["fix", "write_baseline", "add_ignore", "show_files", "statistics"]
    )]
    diff: bool,

    /// With `--fix` or `--diff`, apply unsafe fixes too (an `await` inserted), which may change
    /// what the code does: review them
    #[arg(long)]
    unsafe_fixes: bool,

    /// Lint every file again: do not read nor write the cache
    #[arg(long)]
    no_cache: bool,

    /// Keep the cache in DIR instead of `.lint500_cache` next to the configuration (or in the
    /// first folder linted)
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,

    /// Print how many findings each rule has, most frequent first, instead of the findings
    /// (text, or JSON with `--format json`)
    #[arg(long, conflicts_with = "show_files")]
    statistics: bool,

    /// Read and parse files but run no rule (the benchmark's floor)
    #[arg(long, hide = true)]
    parse_only: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Code frames with labels and help, for people
    Pretty,
    /// One line per finding: path:line:column: severity[rule-id] message
    Concise,
    /// One JSON array of findings
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions annotations
    Github,
    /// GitLab Code Quality
    Gitlab,
    /// JUnit XML
    Junit,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Routes tree-sitter's C allocations (trees, parse stacks) to mimalloc as well: parsing is
/// most of lint500's time, and it allocates heavily.
fn use_mimalloc_for_tree_sitter() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    // SAFETY: called once, before any parser or tree exists, with a complete set of functions
    // from one allocator.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }));
    }
}

/// Writes one line to standard error: escaped, since it may carry file names and text from
/// the files linted (a CI log must not take it for a command), and without panicking when
/// standard error is closed or full.
fn print_error(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", lint500_core::printable(line));
}

fn main() -> ExitCode {
    use_mimalloc_for_tree_sitter();
    // A panic's message may quote the text being linted: print it escaped like every line.
    std::panic::set_hook(Box::new(|info| {
        print_error(&format!("internal error: {info}"))
    }));
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Rules { format }) => catalogue::list(format),
        Some(Command::Explain { rule }) => catalogue::explain(&rule),
        Some(Command::Lsp) => match lint500_lsp::run_stdio() {
            Ok(()) => EXIT_CLEAN,
            Err(err) => {
                print_error(&format!("error: {err}"));
                // The protocol's exit code for a server that stopped without `shutdown`.
                1
            }
        },
        None => check::run(cli.check),
    };
    ExitCode::from(code)
}
