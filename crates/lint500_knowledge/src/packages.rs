//! Packages by where their code runs: browser UI frameworks, Node's builtin modules, and the
//! browser automation methods whose callbacks run in a page.

/// Browser UI frameworks and mobile web-view runtimes: a package that depends on one of them
/// and on no server package is browser code.
pub const BROWSER_PACKAGES: &[&str] = &[
    "react",
    "react-dom",
    "vue",
    "@angular/core",
    "svelte",
    "solid-js",
    "preact",
    "nuxt",
    "@capacitor/core",
    "@ionic/core",
];

/// Whether a dependency says the package runs in a browser: a browser UI framework, or a
/// bundler's stand-in for a Node builtin (`crypto-browserify`, `stream-browserify`), which
/// only code bundled for a browser needs.
pub fn is_browser_package(name: &str) -> bool {
    BROWSER_PACKAGES.contains(&name) || name.ends_with("-browserify")
}

/// Methods of browser automation libraries (Playwright, Puppeteer) that run the function they
/// are given in the page, not in the server: `page.evaluate(() => document.title)`.
pub const PAGE_EVALUATION_METHODS: &[&str] = &[
    "evaluate",
    "evaluateHandle",
    "$eval",
    "$$eval",
    "waitForFunction",
    "addInitScript",
    "evaluateOnNewDocument",
];

/// Node's builtin modules (`fs`, `node:path`): never a module of the project.
pub const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];
