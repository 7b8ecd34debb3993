//! Server code is what a server runs: every rule is about it, and only about it. Tests,
//! examples, migrations, generated and bundled files, browser packages, the modules no
//! server entry point imports and the packages no server imports are out of scope for every
//! rule alike, each class back in with a configuration key. One decision here, read by the
//! runner; no rule repeats it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use lint500_core::{Language, is_test_path};
use lint500_knowledge::{orm, packages, servers};

use crate::module_paths::package_of;
use crate::project::{EXTENSIONS, Ecosystem, FileId, Manifests, Package, Project};

/// Why a file is not server code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NotServerCode {
    Test,
    Example,
    Migration,
    /// A command-line tool or script run by hand (`bin/`, `cli/`, `scripts/`).
    Script,
    /// A `@generated` / "do not edit" header.
    GeneratedHeader,
    /// A line over [`MAX_LINE_CHARS`] characters: minified or bundled.
    LongLine,
    /// JavaScript under `public/`: served to browsers (bundles, service workers).
    PublicAsset,
    /// Third-party code copied into the project (`vendor/`, `vendors/`, `third_party/`).
    Vendored,
    /// A package that depends on a browser UI framework and on no server framework.
    BrowserPackage,
    /// A `'use client'` module of a Next.js app.
    ClientComponent,
    /// A `.jsx` or `.tsx` file of a package that has both a server and a UI framework.
    UiComponent,
    /// In a package with server entry points, a module none of them imports.
    Unreachable,
    /// A package with no server entry point, no server framework and no importer among the
    /// other packages of a project that has servers: a tool, an SDK, a folder of scripts.
    UnusedPackage,
}

impl NotServerCode {
    /// The configuration key that brings the class back in.
    pub fn key(self) -> &'static str {
        match self {
            NotServerCode::Test => "include-tests",
            NotServerCode::Example => "include-examples",
            NotServerCode::Migration => "include-migrations",
            NotServerCode::Script => "include-scripts",
            NotServerCode::GeneratedHeader
            | NotServerCode::LongLine
            | NotServerCode::PublicAsset
            | NotServerCode::Vendored => "include-generated",
            NotServerCode::BrowserPackage
            | NotServerCode::ClientComponent
            | NotServerCode::UiComponent => "include-browser",
            NotServerCode::Unreachable | NotServerCode::UnusedPackage => "include-unreachable",
        }
    }
}

impl fmt::Display for NotServerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotServerCode::Test => "a test",
            NotServerCode::Example => "an example",
            NotServerCode::Migration => "a migration or seed",
            NotServerCode::Script => "a command-line tool or script",
            NotServerCode::GeneratedHeader => "generated (its header says so)",
            NotServerCode::LongLine => "minified or bundled (a line over 1,000 characters)",
            NotServerCode::PublicAsset => "a browser asset under public/",
            NotServerCode::Vendored => "vendored third-party code",
            NotServerCode::BrowserPackage => {
                "browser code (its package is built for a browser and has no server)"
            }
            NotServerCode::ClientComponent => "a 'use client' module",
            NotServerCode::UiComponent => "a UI component (its package has a UI framework too)",
            NotServerCode::Unreachable => "not imported by any server entry point of its package",
            NotServerCode::UnusedPackage => {
                "in a package with no server that no server package of the project imports"
            }
        })
    }
}

/// Which classes of files that are not server code the configuration brings back in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScopeIncludes([bool; INCLUDE_KEYS.len()]);

/// Every key of [`ScopeIncludes`].
pub const INCLUDE_KEYS: [&str; 7] = [
    "include-tests",
    "include-examples",
    "include-migrations",
    "include-scripts",
    "include-generated",
    "include-browser",
    "include-unreachable",
];

impl ScopeIncludes {
    /// Brings back the class of `key`, one of [`INCLUDE_KEYS`].
    pub(crate) fn insert(&mut self, key: &str) {
        if let Some(slot) = INCLUDE_KEYS.iter().position(|known| *known == key) {
            self.0[slot] = true;
        }
    }

    /// Whether a file out of scope for `why` is linted all the same.
    pub fn includes(&self, why: NotServerCode) -> bool {
        INCLUDE_KEYS
            .iter()
            .position(|key| *key == why.key())
            .is_some_and(|slot| self.0[slot])
    }
}

/// Lines longer than this are minified or bundled code.
const MAX_LINE_CHARS: usize = 1000;

/// Header words of generated files, looked for in the first bytes of a file, lowercased.
const GENERATED_MARKERS: &[&str] = &[
    "@generated",
    "auto-generated",
    "autogenerated",
    "automatically generated",
    "do not edit",
    "do not modify",
];

/// How far into a file a generated header is looked for.
const HEADER_BYTES: usize = 1024;

/// Why the file at `path` (relative to the project) is not server code, from its path alone.
pub(crate) fn by_path(path: &Path, language: Language) -> Option<NotServerCode> {
    if is_test_path(path) {
        return Some(NotServerCode::Test);
    }
    let folders: Vec<&str> = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|component| match component {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    // `_cli/` is a private `cli/`.
    let has = |names: &[&str]| {
        folders
            .iter()
            .any(|folder| names.contains(&folder.trim_start_matches('_')))
    };
    if has(&["example", "examples"]) {
        Some(NotServerCode::Example)
    } else if has(orm::MIGRATION_FOLDERS)
        || folders
            .iter()
            .any(|folder| folder.ends_with("_migrations") || folder.ends_with("-migrations"))
    {
        Some(NotServerCode::Migration)
    } else if has(&["bin", "cli", "scripts"])
        // Django's management commands: `manage.py <command>`, run by hand.
        || folders
            .windows(2)
            .any(|pair| pair == ["management", "commands"])
    {
        Some(NotServerCode::Script)
    } else if language.is_javascript_like() && has(&["public"]) {
        Some(NotServerCode::PublicAsset)
    } else if has(&["vendor", "vendors", "third_party", "third-party"]) {
        Some(NotServerCode::Vendored)
    } else {
        None
    }
}

/// Why `source` is not server code, from its text: a generated header, a minified line, or a
/// `'use client'` directive in a Next.js app.
pub(crate) fn by_text(source: &str, language: Language, next_app: bool) -> Option<NotServerCode> {
    let mut header_end = source.len().min(HEADER_BYTES);
    while !source.is_char_boundary(header_end) {
        header_end -= 1;
    }
    let header = source[..header_end].to_ascii_lowercase();
    if GENERATED_MARKERS
        .iter()
        .any(|marker| header.contains(marker))
    {
        return Some(NotServerCode::GeneratedHeader);
    }
    let long_line = source
        .split('\n')
        .any(|line| line.len() > MAX_LINE_CHARS && line.chars().count() > MAX_LINE_CHARS);
    if long_line {
        return Some(NotServerCode::LongLine);
    }
    if next_app
        && language.is_javascript_like()
        && has_directive(source, servers::CLIENT_COMPONENT_DIRECTIVE)
    {
        return Some(NotServerCode::ClientComponent);
    }
    None
}

/// Whether the module starts with the directive `'name'` (after comments and blank lines).
fn has_directive(source: &str, name: &str) -> bool {
    let mut rest = source.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after
                .split_once('\n')
                .map_or("", |(_, next)| next)
                .trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after
                .split_once("*/")
                .map_or("", |(_, next)| next)
                .trim_start();
        } else {
            break;
        }
    }
    [format!("'{name}'"), format!("\"{name}\"")]
        .iter()
        .any(|directive| rest.starts_with(directive.as_str()))
}

/// What the manifest of a JavaScript package says about where its code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PackageKind {
    Server,
    /// A server framework and a browser UI framework: its `.jsx` and `.tsx` files are the UI.
    ServerWithUi,
    /// Depends on `next`: only route handlers, API routes, middleware, server actions and what
    /// they import run on the server.
    NextApp,
    Browser,
    /// Declares commands (`bin`) and depends on no server framework: a command-line tool.
    Command,
    Unknown,
}

impl PackageKind {
    pub(crate) fn of(dependencies: &HashMap<String, String>) -> PackageKind {
        let declares_server =
            servers::server_packages().any(|name| dependencies.contains_key(name));
        let declares_browser = dependencies
            .keys()
            .any(|name| packages::is_browser_package(name));
        if dependencies.contains_key(servers::NEXT) {
            PackageKind::NextApp
        } else if declares_server && declares_browser {
            PackageKind::ServerWithUi
        } else if declares_server {
            PackageKind::Server
        } else if declares_browser {
            PackageKind::Browser
        } else {
            PackageKind::Unknown
        }
    }
}

/// For the folders of the files of a run: the root of their package (the nearest manifest)
/// and what kind of package it is. Paths are classified relative to the package's root, so
/// that an app that lives in an `examples/` folder of its own is still linted.
#[derive(Default)]
pub(crate) struct Packages(HashMap<(PathBuf, Ecosystem), (Option<PathBuf>, PackageKind)>);

impl Packages {
    /// Decides for the folder of `file` (remembered, so call it for every file first).
    pub(crate) fn add(&mut self, file: &Path, language: Language, manifests: &mut Manifests) {
        let Some(folder) = file.parent() else { return };
        let ecosystem = Ecosystem::of(language);
        let key = (folder.to_path_buf(), ecosystem);
        if self.0.contains_key(&key) {
            return;
        }
        let root = manifests.nearest(folder, ecosystem);
        let kind = match (&root, ecosystem) {
            (Some(root), Ecosystem::Node) => {
                match PackageKind::of(manifests.dependencies(root, ecosystem)) {
                    PackageKind::Unknown if manifests.entries(root).declares_commands => {
                        PackageKind::Command
                    }
                    kind => kind,
                }
            }
            _ => PackageKind::Unknown,
        };
        self.0.insert(key, (root, kind));
    }

    /// Why the file at `path` (shown as `display`), whose text is `source`, is not server code.
    pub(crate) fn not_server_code(
        &self,
        path: &Path,
        display: &Path,
        language: Language,
        source: &str,
    ) -> Option<NotServerCode> {
        let known = path
            .parent()
            .and_then(|folder| self.0.get(&(folder.to_path_buf(), Ecosystem::of(language))));
        let (root, kind) = match known {
            Some((root, kind)) => (root.as_deref(), *kind),
            None => (None, PackageKind::Unknown),
        };
        let relative = root
            .and_then(|root| path.strip_prefix(root).ok())
            .unwrap_or(display);
        let ui_component = kind == PackageKind::ServerWithUi
            && path
                .extension()
                .is_some_and(|extension| extension == "jsx" || extension == "tsx");
        by_path(relative, language)
            .or_else(|| {
                (kind == PackageKind::Browser && language.is_javascript_like())
                    .then_some(NotServerCode::BrowserPackage)
            })
            .or_else(|| {
                (kind == PackageKind::Command && language.is_javascript_like())
                    .then_some(NotServerCode::Script)
            })
            .or_else(|| ui_component.then_some(NotServerCode::UiComponent))
            .or_else(|| by_text(source, language, kind == PackageKind::NextApp))
    }
}

/// What the reachability search needs to know about a file beyond its facts, read from its
/// text while it is linted.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ImportShape {
    /// Whether it loads modules by computed names.
    pub(crate) dynamic: Dynamic,
    /// A Next.js server actions module (`'use server'`).
    pub(crate) server_actions: bool,
    /// It creates a server application: `express()`, `fastify(…)`, `new Koa()`, `FastAPI(…)`.
    pub(crate) creates_app: bool,
    /// It starts a server: `.listen(…)`, `createServer(…)`, `uvicorn.run(…)`, a Lambda adapter.
    pub(crate) starts_server: bool,
}

/// How a module loads modules whose names it computes: `require(x)`, `import(x)`,
/// `importlib.import_module(x)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Dynamic {
    #[default]
    None,
    /// Every computed name is built from `__dirname`: modules in its folder or below (the
    /// `models/index.js` that Sequelize generates, a routes folder read at startup).
    BesideItself,
    /// Which modules it loads cannot be known: the search gives up on the package.
    Unknown,
}

impl ImportShape {
    pub(crate) fn of(source: &str, language: Language) -> ImportShape {
        let calls: &[&str] = if language.is_javascript_like() {
            &["require(", "import("]
        } else {
            &["import_module(", "__import__("]
        };
        let mut dynamic = Dynamic::None;
        for call in calls {
            for (at, _) in source.match_indices(call) {
                // `bean.import(row)` and `loadImport(x)` are other functions.
                let before = source[..at].chars().next_back();
                let other_function =
                    before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'));
                if language.is_javascript_like() && other_function {
                    continue;
                }
                let argument = source[at + call.len()..].trim_start();
                if argument.starts_with(['\'', '"']) || argument.starts_with(')') {
                    continue;
                }
                let template = argument
                    .strip_prefix('`')
                    .and_then(|rest| rest.split_once('`'));
                if template.is_some_and(|(text, _)| !text.contains("${")) {
                    continue;
                }
                let line = argument.split('\n').next().unwrap_or_default();
                if line.contains("__dirname") && dynamic != Dynamic::Unknown {
                    dynamic = Dynamic::BesideItself;
                } else {
                    dynamic = Dynamic::Unknown;
                }
            }
        }
        let (constructors, starts) = if language.is_javascript_like() {
            (servers::JS_APP_CONSTRUCTORS, servers::JS_SERVER_STARTS)
        } else {
            (servers::PY_APP_CONSTRUCTORS, servers::PY_SERVER_STARTS)
        };
        ImportShape {
            dynamic,
            server_actions: language.is_javascript_like()
                && has_directive(source, servers::SERVER_ACTIONS_DIRECTIVE),
            creates_app: constructors
                .iter()
                .any(|constructor| source.contains(constructor)),
            starts_server: starts.iter().any(|start| source.contains(start)),
        }
    }
}

/// The files of `project` that are not server code of their package: neither reached from a
/// server entry point through imports, nor starting the server with the app they import
/// (`server.ts` imports the app that `app.ts` creates and listens: as much server code), nor
/// imported by such a file.
/// A package without entry points, without facts, or whose imports cannot all be followed (a
/// computed `require`, an import lint500 cannot resolve) keeps all its files.
pub(crate) fn unreachable_files(
    project: &Project,
    shapes: &[ImportShape],
) -> HashMap<FileId, NotServerCode> {
    // Files without facts are kept (see `Manifests::wants_facts`): the search follows the
    // imports of the others. A package none of whose files has facts is told whole.
    let mut by_package: BTreeMap<usize, Vec<FileId>> = BTreeMap::new();
    for (id, file) in project.files() {
        let files = by_package.entry(file.package).or_default();
        if !file.facts.is_empty() {
            files.push(id);
        }
    }
    let mut unreachable = HashMap::new();
    let mut servers: HashSet<Ecosystem> = HashSet::new();
    let mut without_entries = Vec::new();
    for (&package_id, files) in &by_package {
        let package = project.package(package_id);
        let entries: Vec<FileId> = files
            .iter()
            .copied()
            .filter(|&id| is_entry(project, id, package, shapes))
            .collect();
        if entries.is_empty() {
            without_entries.push(package_id);
            continue;
        }
        servers.insert(package.ecosystem);
        if let Some(server_code) = server_code(project, package, files, entries, shapes) {
            for &id in files.iter().filter(|id| !server_code.contains(id)) {
                unreachable.insert(id, NotServerCode::Unreachable);
            }
        }
    }
    // A package of its own (with a manifest) that serves nothing and that no server imports
    // does not run in a server. Without a server of its language in the run, a library is
    // linted whole: nothing says who imports it.
    let candidates: Vec<usize> = without_entries
        .into_iter()
        .filter(|&package_id| {
            let package = project.package(package_id);
            servers.contains(&package.ecosystem)
                && package.ecosystem.has_manifest(&package.root)
                && !serves(package)
        })
        .collect();
    if candidates.is_empty() {
        return unreachable;
    }
    let imported = imported_across_packages(project);
    for package_id in candidates {
        if imported.contains(&package_id) || named_by_another_package(project, package_id) {
            continue;
        }
        for (id, _) in project
            .files()
            .filter(|(_, file)| file.package == package_id)
        {
            unreachable.insert(id, NotServerCode::UnusedPackage);
        }
    }
    unreachable
}

/// Whether a package depends on a server framework: a library of routers or middleware serves
/// requests even without an entry point of its own.
fn serves(package: &Package) -> bool {
    match package.ecosystem {
        Ecosystem::Node => matches!(
            PackageKind::of(&package.dependencies),
            PackageKind::Server | PackageKind::ServerWithUi | PackageKind::NextApp
        ),
        Ecosystem::Python => {
            servers::python_server_packages().any(|framework| package.depends_on(framework))
        }
    }
}

/// The packages a file of another package imports by a path the project view resolves.
fn imported_across_packages(project: &Project) -> HashSet<usize> {
    let mut imported = HashSet::new();
    for (id, file) in project.files() {
        for target in project.imported_files(id) {
            let package = project.file(target).package;
            if package != file.package {
                imported.insert(package);
            }
        }
    }
    imported
}

/// Whether another package of the project names this one: declares it as a dependency (a
/// plugin the app loads by a computed name is still one of its dependencies; a tool declared
/// only in `devDependencies`, such as a lint plugin, is not one its code runs) or imports it by
/// its name.
fn named_by_another_package(project: &Project, package_id: usize) -> bool {
    let package = project.package(package_id);
    let names = module_names(project, package_id);
    let first_name = |specifier: &str| match package.ecosystem {
        Ecosystem::Node => package_of(specifier).to_owned(),
        Ecosystem::Python => specifier.split('.').next().unwrap_or(specifier).to_owned(),
    };
    project
        .packages()
        .enumerate()
        .filter(|&(other, importer)| other != package_id && importer.ecosystem == package.ecosystem)
        .any(|(_, importer)| {
            package.name.as_ref().is_some_and(|name| {
                importer.dependencies.contains_key(name)
                    && !importer.development_only.contains(name)
            }) || importer
                .specifiers
                .iter()
                .any(|specifier| names.contains(&first_name(specifier)))
        })
}

/// The names other packages import a package by: a `package.json`'s `name`; for Python, the
/// import packages (folders) its files live in, beside the manifest or under `src/`. A lone
/// module's name (`main`, `utils`) says too little of where an import leads.
fn module_names(project: &Project, package_id: usize) -> Vec<String> {
    let package = project.package(package_id);
    if package.ecosystem == Ecosystem::Node {
        return package.name.iter().cloned().collect();
    }
    let mut names: Vec<String> = project
        .files()
        .filter(|(_, file)| file.package == package_id)
        .filter_map(|(_, file)| {
            let relative = file.path.strip_prefix(&package.root).ok()?;
            let relative = relative.strip_prefix("src").unwrap_or(relative);
            let mut components = relative.components();
            let first = components.next()?.as_os_str().to_str()?;
            // A folder, not the file itself.
            components.next()?;
            Some(first.to_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The server code among the `files` of `package`, given its `entries`; `None` when it cannot
/// be told.
fn server_code(
    project: &Project,
    package: &Package,
    files: &[FileId],
    entries: Vec<FileId>,
    shapes: &[ImportShape],
) -> Option<HashSet<FileId>> {
    // What imports the app (a `server.ts` that starts it) runs it: as much server code.
    let apps: Vec<FileId> = entries
        .iter()
        .copied()
        .filter(|&id| shapes.get(id).is_some_and(|shape| shape.creates_app))
        .collect();
    // Without an app (serverless functions, a library of routers) any exported function may
    // be called by the platform: everything stays. Next.js apps have their own entry points.
    let next_app = PackageKind::of(&package.dependencies) == PackageKind::NextApp;
    if apps.is_empty() && !next_app {
        return None;
    }
    let mut imports: HashMap<FileId, Vec<FileId>> = HashMap::new();
    let mut importers: HashMap<FileId, Vec<FileId>> = HashMap::new();
    for &id in files {
        let mut targets = imported_files(project, id, package)?;
        if shapes
            .get(id)
            .is_some_and(|shape| shape.dynamic == Dynamic::BesideItself)
        {
            let folder = project.file(id).path.parent();
            targets.extend(files.iter().copied().filter(|&other| {
                folder.is_some_and(|folder| project.file(other).path.starts_with(folder))
            }));
        }
        for target in targets {
            imports.entry(id).or_default().push(target);
            importers.entry(target).or_default().push(id);
        }
    }
    // Only importers that start the server run it: a script that imports the app to print its
    // OpenAPI schema, or a CLI that imports the database module beside it, does not.
    importers.retain(|_, from| {
        from.retain(|&id| shapes.get(id).is_some_and(|shape| shape.starts_server));
        !from.is_empty()
    });
    let mut starts = entries;
    starts.extend(closure(&apps, &importers));
    let server_code = closure(&starts, &imports);
    let unknown = server_code.iter().any(|&id| {
        shapes
            .get(id)
            .is_some_and(|shape| shape.dynamic == Dynamic::Unknown)
    });
    (!unknown).then_some(server_code)
}

/// `starts` and every file the `edges` lead to from them.
fn closure(starts: &[FileId], edges: &HashMap<FileId, Vec<FileId>>) -> HashSet<FileId> {
    let mut reached: HashSet<FileId> = starts.iter().copied().collect();
    let mut queue: VecDeque<FileId> = starts.iter().copied().collect();
    while let Some(id) = queue.pop_front() {
        for &next in edges.get(&id).into_iter().flatten() {
            if reached.insert(next) {
                queue.push_back(next);
            }
        }
    }
    reached
}

/// Whether the file is where a server starts running code of its package: it creates an app
/// or registers routes (a JavaScript module that imports a server framework), exports a
/// serverless or Next.js handler, or holds server actions.
fn is_entry(project: &Project, id: FileId, package: &Package, shapes: &[ImportShape]) -> bool {
    let file = project.file(id);
    let relative = file.path.strip_prefix(&package.root).unwrap_or(&file.path);
    if let Some(module) = &file.facts.python {
        // Importing FastAPI is not enough: a script imports it to type the app it documents.
        return shapes.get(id).is_some_and(|shape| shape.creates_app)
            || !module.routes.is_empty()
            || module.functions.iter().any(|function| {
                function
                    .name
                    .as_deref()
                    .is_some_and(|name| servers::PY_HANDLER_NAMES.contains(&name))
            });
    }
    let Some(module) = &file.facts.module else {
        return false;
    };
    if shapes.get(id).is_some_and(|shape| shape.server_actions) {
        return true;
    }
    let next_app = PackageKind::of(&package.dependencies) == PackageKind::NextApp;
    if next_app {
        return servers::is_next_server_file(relative);
    }
    module.specifiers.iter().any(|specifier| {
        let package = package_of(specifier);
        servers::server_packages().any(|server| server == package)
    }) || module
        .exports
        .iter()
        .any(|export| export.name == servers::HANDLER_EXPORT)
}

/// The project files `id` imports; `None` when it imports a module of the project that
/// cannot be resolved (a TypeScript path alias, a folder on `NODE_PATH`).
fn imported_files(project: &Project, id: FileId, package: &Package) -> Option<Vec<FileId>> {
    let file = project.file(id);
    let mut found = Vec::new();
    if let Some(module) = &file.facts.python {
        for import in &module.imports {
            // `from . import users` imports the module `.users` when there is one.
            let submodule = match &import.imported {
                crate::facts::Imported::Named(name) if import.specifier.ends_with('.') => {
                    format!("{}{name}", import.specifier)
                }
                crate::facts::Imported::Named(name) => format!("{}.{name}", import.specifier),
                _ => import.specifier.clone(),
            };
            found.extend(project.resolve_module(id, &submodule));
            found.extend(project.resolve_module(id, &import.specifier));
        }
        // Importing a module runs the `__init__.py` of every package around it.
        let inits = file
            .path
            .ancestors()
            .skip(1)
            .take_while(|folder| folder.starts_with(&package.root))
            .filter_map(|folder| project.file_at(&folder.join("__init__.py")));
        found.extend(inits);
        return Some(found);
    }
    let module = file.facts.module.as_ref()?;
    for specifier in &module.specifiers {
        if let Some(target) = project.resolve_module(id, specifier) {
            found.push(target);
        } else if let Some(workspace) = workspace_package(project, specifier) {
            found.extend(workspace);
        } else if !is_external(specifier, package)
            && !names_an_asset(specifier)
            && !project.alias_leads_outside(id, specifier)
        {
            return None;
        }
    }
    Some(found)
}

/// The files of the workspace package `specifier` names (`@acme/db`, `@acme/db/client`).
fn workspace_package(project: &Project, specifier: &str) -> Option<Vec<FileId>> {
    let package = project.packages().position(|package| {
        package.ecosystem == Ecosystem::Node
            && package.name.as_deref() == Some(package_of(specifier))
    })?;
    Some(
        project
            .files()
            .filter(|(_, file)| file.package == package)
            .map(|(id, _)| id)
            .collect(),
    )
}

/// Whether `specifier` names something outside the project: a Node builtin, a dependency
/// the package declares, or a bare name it does not declare (a dependency of a dependency)
/// that is no folder or file at the package's root, where `NODE_PATH` imports point. A
/// relative specifier that did not resolve points at a file lint500 does not lint, JSON or
/// CSS: outside too.
fn is_external(specifier: &str, package: &Package) -> bool {
    if specifier.starts_with('.') || specifier.starts_with("node:") {
        return true;
    }
    if specifier.starts_with("@/") || specifier.starts_with("~/") || specifier.starts_with('#') {
        return false;
    }
    let name = package_of(specifier);
    let declared = packages::NODE_BUILTINS.contains(&name)
        || package.dependencies.contains_key(name)
        || package.dependencies.contains_key(&format!("@types/{name}"));
    declared || !names_a_root_entry(&package.root, name)
}

/// Whether `specifier` imports something a bundler loads that is no code: a stylesheet, an
/// image, a font, data (`@/components/Chat.module.scss`, `@/assets/logo.svg`).
fn names_an_asset(specifier: &str) -> bool {
    const ASSETS: &[&str] = &[
        "css", "scss", "sass", "less", "styl", "svg", "png", "jpg", "jpeg", "gif", "webp", "avif",
        "ico", "bmp", "woff", "woff2", "ttf", "otf", "eot", "json", "md", "mdx", "txt", "html",
        "yaml", "yml", "graphql", "gql", "wasm", "mp3", "mp4", "webm", "wav",
    ];
    let path = specifier.split(['?', '#']).next().unwrap_or(specifier);
    Path::new(path)
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| ASSETS.contains(&extension.to_ascii_lowercase().as_str()))
}

/// Whether `name` is a folder or a module at `root` or in its `src/` folder.
fn names_a_root_entry(root: &Path, name: &str) -> bool {
    [root.to_path_buf(), root.join("src")].iter().any(|folder| {
        folder.join(name).exists()
            || EXTENSIONS
                .iter()
                .any(|extension| folder.join(format!("{name}.{extension}")).exists())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_path() {
        let class = |path: &str| {
            by_path(
                Path::new(path),
                Language::from_path(Path::new(path)).unwrap(),
            )
        };
        assert_eq!(class("src/users.test.ts"), Some(NotServerCode::Test));
        assert_eq!(class("test-int/users.js"), Some(NotServerCode::Test));
        assert_eq!(class("tests/evals/run.py"), Some(NotServerCode::Test));
        assert_eq!(class("cypress/support/run.ts"), Some(NotServerCode::Test));
        assert_eq!(class("examples/basic/app.js"), Some(NotServerCode::Example));
        assert_eq!(
            class("db/migrations/001_init.js"),
            Some(NotServerCode::Migration)
        );
        assert_eq!(
            class("db/knex_migrations/2024-01-01-init.js"),
            Some(NotServerCode::Migration)
        );
        assert_eq!(
            class("alembic/versions/1a2b.py"),
            Some(NotServerCode::Migration)
        );
        assert_eq!(class("public/sw.js"), Some(NotServerCode::PublicAsset));
        assert_eq!(
            class("src/static/js/vendors/jquery.ts"),
            Some(NotServerCode::Vendored)
        );
        assert_eq!(
            class("app/third_party/retry.py"),
            Some(NotServerCode::Vendored)
        );
        assert_eq!(class("scripts/seed-admin.ts"), Some(NotServerCode::Script));
        assert_eq!(class("app/cli/commands.py"), Some(NotServerCode::Script));
        assert_eq!(
            class("khoj/database/management/commands/reindex.py"),
            Some(NotServerCode::Script)
        );
        assert_eq!(class("khoj/database/commands.py"), None);
        assert_eq!(
            class("prefect_aws/_cli/ecs.py"),
            Some(NotServerCode::Script)
        );
        assert_eq!(class("public/app.py"), None);
        assert_eq!(class("src/routes/users.js"), None);
    }

    #[test]
    fn classes_by_text() {
        let js = Language::JavaScript;
        assert_eq!(
            by_text("// @generated by prisma\nexport {}\n", js, false),
            Some(NotServerCode::GeneratedHeader)
        );
        assert_eq!(
            by_text("/* DO NOT EDIT */\n", js, false),
            Some(NotServerCode::GeneratedHeader)
        );
        let minified = format!("var a={};\n", "1+".repeat(600));
        assert_eq!(by_text(&minified, js, false), Some(NotServerCode::LongLine));
        // A thousand characters of three bytes each is not a long line.
        assert_eq!(
            by_text(&format!("// {}\n", "é".repeat(900)), js, false),
            None
        );
        let client = "// a component\n'use client';\nexport default function A() {}\n";
        assert_eq!(
            by_text(client, js, true),
            Some(NotServerCode::ClientComponent)
        );
        assert_eq!(by_text(client, js, false), None);
        assert_eq!(by_text("const a = 'use client';\n", js, true), None);
    }

    #[test]
    fn dynamic_imports_are_noticed() {
        let js = Language::JavaScript;
        let dynamic = |source: &str, language| ImportShape::of(source, language).dynamic;
        assert_eq!(
            dynamic("const a = require('./a'); import('./b');", js),
            Dynamic::None
        );
        assert_eq!(
            dynamic("bean.import(row); const c = require(`./c`);", js),
            Dynamic::None
        );
        assert_eq!(dynamic("await import(`./${name}`);", js), Dynamic::Unknown);
        assert_eq!(
            dynamic(
                "files.forEach((f) => app.use(require(path.join(dir, f))));",
                js
            ),
            Dynamic::Unknown
        );
        assert_eq!(
            dynamic(
                "const model = require(path.join(__dirname, file))(sequelize);",
                js
            ),
            Dynamic::BesideItself
        );
        let py = Language::Python;
        assert_eq!(
            dynamic("importlib.import_module(f'app.{name}')", py),
            Dynamic::Unknown
        );
        assert_eq!(dynamic("import importlib\n", py), Dynamic::None);
        assert!(
            ImportShape::of("'use server'\nexport async function save() {}", js).server_actions
        );
    }
}
