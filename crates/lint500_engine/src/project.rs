//! The project view: every file's facts, the packages they belong to, and what names mean
//! across files (imports resolved the way Node and TypeScript resolve relative specifiers, and
//! the way Python finds modules from a package's root).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint500_core::{Language, Span};
use lint500_knowledge::servers::{self, Creates};

use crate::facts::{
    Call, Class, DEFAULT_EXPORT, FileFacts, Function, Import, Imported, JsModule, MODULE_EXPORTS,
    PyModule, Value,
};
use crate::module_paths::{NodeEntries, TsPaths, package_of, source_of_built};
use crate::source::read_discovered;

/// How many steps (bindings, imports, re-exports) one resolution may take: cycles between
/// modules end here instead of looping.
const MAX_HOPS: usize = 32;

/// Extensions tried, in order, for a relative specifier without one.
pub(crate) const EXTENSIONS: &[&str] = &["js", "ts", "tsx", "jsx", "mjs", "cjs", "mts", "cts"];

pub type FileId = usize;
pub type PackageId = usize;

/// One file of the project view.
#[derive(Debug)]
pub struct ProjectFile {
    /// Absolute and lexically normalised.
    pub path: PathBuf,
    /// How reports show the path: relative to the current folder when under it.
    pub display: PathBuf,
    pub language: Language,
    pub facts: FileFacts,
    pub package: PackageId,
}

/// Which package manager's manifests a file's package is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// `package.json`.
    Node,
    /// `pyproject.toml`, `setup.py`, `setup.cfg` or `requirements*.txt`.
    Python,
}

impl Ecosystem {
    pub fn of(language: Language) -> Ecosystem {
        if language.is_javascript_like() {
            Ecosystem::Node
        } else {
            Ecosystem::Python
        }
    }

    fn slot(self) -> usize {
        match self {
            Ecosystem::Node => 0,
            Ecosystem::Python => 1,
        }
    }

    pub(crate) fn has_manifest(self, folder: &Path) -> bool {
        match self {
            Ecosystem::Node => folder.join("package.json").is_file(),
            // A folder with an `__init__.py` is an import package inside a project: its
            // `setup.py` is a module (`mem0/memory/setup.py`), not the project's manifest.
            Ecosystem::Python => {
                !folder.join("__init__.py").is_file()
                    && (["pyproject.toml", "setup.py", "setup.cfg"]
                        .iter()
                        .any(|name| folder.join(name).is_file())
                        || !crate::python_manifest::requirements_files(folder).is_empty())
            }
        }
    }

    fn read_dependencies(self, folder: &Path) -> HashMap<String, String> {
        match self {
            Ecosystem::Node => read_dependencies(folder),
            Ecosystem::Python => crate::python_manifest::read_dependencies(folder),
        }
    }
}

/// A folder with a manifest (or the project root), and what that manifest declares.
#[derive(Debug)]
pub struct Package {
    pub root: PathBuf,
    pub ecosystem: Ecosystem,
    /// Dependency name → version range, from `dependencies`, `devDependencies`,
    /// `peerDependencies` and `optionalDependencies`; for Python, from the project's and
    /// Poetry's dependencies and requirements files, names normalised (`typing-extensions`).
    pub dependencies: HashMap<String, String>,
    /// Every module specifier imported or required by the package's files.
    pub specifiers: Vec<String>,
    /// The `name` of a `package.json`: how other packages of a workspace import this one.
    pub name: Option<String>,
    /// The `scripts` of a `package.json`: (name, command), sorted by name.
    pub scripts: Vec<(String, String)>,
    /// The dependencies a `package.json` declares only in `devDependencies`.
    pub development_only: Vec<String>,
    /// Its `package.json`'s `imports` and entry points.
    entries: Arc<NodeEntries>,
}

impl Package {
    pub fn depends_on(&self, name: &str) -> bool {
        match self.ecosystem {
            Ecosystem::Node => self.dependencies.contains_key(name),
            Ecosystem::Python => self
                .dependencies
                .contains_key(&crate::python_manifest::normalized(name)),
        }
    }

    /// Whether any file of the package imports or requires `package` (or a module inside it).
    pub fn imports(&self, package: &str) -> bool {
        let separator = match self.ecosystem {
            Ecosystem::Node => '/',
            Ecosystem::Python => '.',
        };
        self.specifiers.iter().any(|specifier| {
            specifier == package
                || specifier
                    .strip_prefix(package)
                    .is_some_and(|rest| rest.starts_with(separator))
        })
    }

    /// The major version of a dependency, from its range in the manifest, or else from the
    /// installed copy under `node_modules`.
    pub fn major_version(&self, name: &str) -> Option<u64> {
        self.dependencies
            .get(name)
            .and_then(|range| major_of(range))
            .or_else(|| installed_major(&self.root, name))
    }
}

/// The major version a version range starts from: `^4.18.2` → 4, `~5.0.0` → 5, `5.x` → 5,
/// `>=5` → 5; `*`, `latest`, tags and URLs → none.
fn major_of(range: &str) -> Option<u64> {
    let digits: String = range
        .trim()
        .trim_start_matches(['^', '~', '>', '=', 'v', ' '])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The major version of the copy of `name` that Node would load from `root`: the first
/// `node_modules/<name>` in `root` or a folder above it (workspaces hoist dependencies).
fn installed_major(root: &Path, name: &str) -> Option<u64> {
    let manifest = root
        .ancestors()
        .map(|folder| folder.join("node_modules").join(name).join("package.json"))
        .find(|manifest| manifest.is_file())?;
    let text = read_discovered(&manifest).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    major_of(json.get("version")?.as_str()?)
}

/// What a value resolves to across the project.
#[derive(Clone, Copy, Debug)]
pub enum Resolved<'p> {
    Function {
        file: FileId,
        function: &'p Function,
    },
    Class {
        file: FileId,
        class: &'p Class,
    },
    Instance {
        file: FileId,
        class: &'p Class,
    },
    Object {
        file: FileId,
        members: &'p [(String, Value)],
    },
    /// A module's named exports, as `import * as x` or `require` of an ES module gives them.
    Namespace(FileId),
    /// An app or router a framework's factory creates (`express()`, `Router()`, `APIRouter()`,
    /// per the knowledge tables), at the call that creates it.
    Created {
        creates: Creates,
        file: FileId,
        span: Span,
    },
    /// Something from an installed package: `express`, or `Router` of `express`.
    Package {
        specifier: &'p str,
        member: Option<&'p str>,
    },
    /// The result of a call the view cannot see into (a wrapper, a factory from a package).
    CallResult {
        file: FileId,
        call: &'p Call,
    },
    Unknown,
}

/// A file as the runner hands it to the project view.
pub struct ProjectFileInput {
    pub path: PathBuf,
    pub display: PathBuf,
    pub language: Language,
    pub facts: FileFacts,
}

/// Every file's facts and the packages they belong to.
pub struct Project {
    files: Vec<ProjectFile>,
    by_path: HashMap<PathBuf, FileId>,
    packages: Vec<Package>,
    /// By file: the module paths of the nearest `tsconfig.json` / `jsconfig.json` (JavaScript
    /// and TypeScript files whose configuration declares any).
    ts_paths: Vec<Option<Arc<TsPaths>>>,
}

impl Project {
    /// Builds the view; each file belongs to the package of the nearest folder above it with a
    /// manifest of its ecosystem, or to `root` when there is none.
    pub(crate) fn new(
        files: Vec<ProjectFileInput>,
        root: &Path,
        manifests: &mut Manifests,
    ) -> Project {
        let mut packages: Vec<Package> = Vec::new();
        let mut package_of_folder: HashMap<(PathBuf, Ecosystem), PackageId> = HashMap::new();
        let mut project_files = Vec::with_capacity(files.len());
        let mut ts_paths = Vec::with_capacity(files.len());
        for ProjectFileInput {
            path,
            display,
            language,
            facts,
        } in files
        {
            let ecosystem = Ecosystem::of(language);
            let key = (path.parent().unwrap_or(root).to_path_buf(), ecosystem);
            ts_paths.push(match ecosystem {
                Ecosystem::Node => manifests.ts_paths(&key.0),
                Ecosystem::Python => None,
            });
            let package = match package_of_folder.get(&key) {
                Some(&package) => package,
                None => {
                    let package_root = manifests
                        .nearest(&key.0, ecosystem)
                        .unwrap_or_else(|| root.to_path_buf());
                    let package = match packages.iter().position(|package| {
                        package.root == package_root && package.ecosystem == ecosystem
                    }) {
                        Some(existing) => existing,
                        None => {
                            packages.push(Package {
                                dependencies: manifests
                                    .dependencies(&package_root, ecosystem)
                                    .clone(),
                                name: match ecosystem {
                                    Ecosystem::Node => manifests.name(&package_root),
                                    Ecosystem::Python => None,
                                },
                                scripts: match ecosystem {
                                    Ecosystem::Node => read_scripts(&package_root),
                                    Ecosystem::Python => Vec::new(),
                                },
                                development_only: match ecosystem {
                                    Ecosystem::Node => read_development_only(&package_root),
                                    Ecosystem::Python => Vec::new(),
                                },
                                entries: match ecosystem {
                                    Ecosystem::Node => manifests.entries(&package_root),
                                    Ecosystem::Python => Arc::default(),
                                },
                                root: package_root,
                                ecosystem,
                                specifiers: Vec::new(),
                            });
                            packages.len() - 1
                        }
                    };
                    package_of_folder.insert(key, package);
                    package
                }
            };
            if let Some(module) = &facts.module {
                packages[package]
                    .specifiers
                    .extend(module.specifiers.iter().cloned());
            }
            if let Some(module) = &facts.python {
                packages[package].specifiers.extend(
                    module
                        .imports
                        .iter()
                        .filter(|import| !import.specifier.starts_with('.'))
                        .map(|import| import.specifier.clone()),
                );
            }
            project_files.push(ProjectFile {
                path,
                display,
                language,
                facts,
                package,
            });
        }
        let by_path = project_files
            .iter()
            .enumerate()
            .map(|(id, file)| (file.path.clone(), id))
            .collect();
        Project {
            files: project_files,
            by_path,
            packages,
            ts_paths,
        }
    }

    /// Takes the facts back from every file, by file id: the runner gathers more of them when
    /// the files that have facts import files that have none.
    pub(crate) fn into_facts(self) -> Vec<FileFacts> {
        self.files.into_iter().map(|file| file.facts).collect()
    }

    /// The project files that `file` imports, as far as they resolve (for Python, `from . import
    /// users` imports the module `users` when there is one).
    pub(crate) fn imported_files(&self, file: FileId) -> Vec<FileId> {
        let facts = &self.files[file].facts;
        let mut found = Vec::new();
        if let Some(module) = &facts.module {
            found.extend(
                module
                    .specifiers
                    .iter()
                    .filter_map(|specifier| self.resolve_module(file, specifier)),
            );
        }
        if let Some(module) = &facts.python {
            for import in &module.imports {
                if let Imported::Named(name) = &import.imported {
                    let separator = if import.specifier.ends_with('.') {
                        ""
                    } else {
                        "."
                    };
                    let submodule = format!("{}{separator}{name}", import.specifier);
                    found.extend(self.resolve_module(file, &submodule));
                }
                found.extend(self.resolve_module(file, &import.specifier));
            }
        }
        found
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &ProjectFile)> {
        self.files.iter().enumerate()
    }

    pub fn file(&self, id: FileId) -> &ProjectFile {
        &self.files[id]
    }

    pub fn package(&self, id: PackageId) -> &Package {
        &self.packages[id]
    }

    /// The file at `path` (absolute and lexically normalised), if the project has it.
    pub fn file_at(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn packages(&self) -> impl Iterator<Item = &Package> {
        self.packages.iter()
    }

    pub fn package_of(&self, file: FileId) -> &Package {
        &self.packages[self.files[file].package]
    }

    fn module(&self, file: FileId) -> Option<&JsModule> {
        self.files.get(file)?.facts.module.as_ref()
    }

    fn python(&self, file: FileId) -> Option<&PyModule> {
        self.files.get(file)?.facts.python.as_ref()
    }

    /// The function of `file` that starts at `start_byte`, in either language.
    pub fn function(&self, file: FileId, start_byte: usize) -> Option<&Function> {
        match (self.module(file), self.python(file)) {
            (Some(module), _) => module.function(start_byte),
            (_, Some(module)) => module.function(start_byte),
            _ => None,
        }
    }

    fn classes(&self, file: FileId) -> &[Class] {
        match (self.module(file), self.python(file)) {
            (Some(module), _) => &module.classes,
            (_, Some(module)) => &module.classes,
            _ => &[],
        }
    }

    fn binding(&self, file: FileId, name: &str) -> Option<&Value> {
        match (self.module(file), self.python(file)) {
            (Some(module), _) => module.binding(name),
            (_, Some(module)) => module.binding(name),
            _ => None,
        }
    }

    fn import(&self, file: FileId, local: &str) -> Option<&Import> {
        match (self.module(file), self.python(file)) {
            (Some(module), _) => module.import(local),
            (_, Some(module)) => module.import(local),
            _ => None,
        }
    }

    /// The project file a specifier names, resolved from `from` as Node and TypeScript do:
    /// a relative specifier from the importing file's folder; otherwise as the project
    /// configures it (see [`Project::resolve_configured`]). Python imports as Python finds them.
    pub fn resolve_module(&self, from: FileId, specifier: &str) -> Option<FileId> {
        if self.files.get(from)?.language == Language::Python {
            return self.resolve_python_module(from, specifier);
        }
        if specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier == "."
            || specifier == ".."
        {
            let folder = self.files[from].path.parent()?;
            return self.resolve_path(crate::paths::absolute(folder, Path::new(specifier)));
        }
        self.resolve_configured(from, specifier)
    }

    /// The project file at `base`: the exact file, then with each extension, then `index`
    /// files, and a `.js` path that means a `.ts` file.
    fn resolve_path(&self, base: PathBuf) -> Option<FileId> {
        let find = |path: PathBuf| self.by_path.get(&path).copied();
        if let Some(found) = find(base.clone()) {
            return Some(found);
        }
        // `./user.js` written in TypeScript for `./user.ts` (and the module variants).
        if let Some(extension) = base.extension().and_then(|extension| extension.to_str()) {
            let alternatives: &[&str] = match extension {
                "js" => &["ts", "tsx"],
                "jsx" => &["tsx"],
                "mjs" => &["mts"],
                "cjs" => &["cts"],
                _ => &[],
            };
            if let Some(found) = alternatives
                .iter()
                .find_map(|alternative| find(base.with_extension(alternative)))
            {
                return Some(found);
            }
        }
        let with_extension = |path: &Path| {
            EXTENSIONS.iter().find_map(|extension| {
                let mut candidate = path.as_os_str().to_owned();
                candidate.push(".");
                candidate.push(extension);
                find(PathBuf::from(candidate))
            })
        };
        with_extension(&base).or_else(|| with_extension(&base.join("index")))
    }

    /// A non-relative specifier that names a module of the project: a `package.json` import
    /// (`#db`, `#lib/*`) of the importing file's package, a TypeScript path alias
    /// (`@/controllers/users`) or a name under `baseUrl` of the nearest `tsconfig.json`, or a
    /// package of the workspace by its name (`@acme/db`, `@acme/db/client`) through its
    /// entry points. Targets outside the project resolve to nothing.
    fn resolve_configured(&self, from: FileId, specifier: &str) -> Option<FileId> {
        let package = self.package_of(from);
        if specifier.starts_with('#') {
            return self.resolve_targets(&package.root, package.entries.import_targets(specifier));
        }
        if let Some(paths) = self.ts_paths.get(from).and_then(Option::as_ref)
            && let Some(found) = paths
                .candidates(specifier)
                .into_iter()
                .find_map(|candidate| self.resolve_path(candidate))
        {
            return Some(found);
        }
        let name = package_of(specifier);
        let subpath = format!(".{}", &specifier[name.len()..]);
        self.packages
            .iter()
            .filter(|package| {
                package.ecosystem == Ecosystem::Node && package.name.as_deref() == Some(name)
            })
            .find_map(|package| {
                self.resolve_targets(&package.root, package.entries.export_targets(&subpath))
            })
    }

    /// The first of `targets` (relative to `root`) that is a project file, or whose source is
    /// (`./dist/db.js` built from `./src/db.ts`).
    /// Whether a path alias (`@/lib/build/client`, `@/types`) leads to a file on disk that is
    /// not linted: a declaration file (`types.d.ts`), or one the ignore files leave out. It is
    /// outside the code lint500 reads, like a relative specifier that does not resolve.
    pub(crate) fn alias_leads_outside(&self, from: FileId, specifier: &str) -> bool {
        let Some(paths) = self.ts_paths.get(from).and_then(Option::as_ref) else {
            return false;
        };
        paths.candidates(specifier).into_iter().any(|candidate| {
            let with = |suffix: &str| {
                let mut path = candidate.as_os_str().to_owned();
                path.push(suffix);
                PathBuf::from(path).is_file()
            };
            candidate.is_file()
                || [".d.ts", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"]
                    .iter()
                    .any(|suffix| {
                        with(suffix) || candidate.join(format!("index{suffix}")).is_file()
                    })
        })
    }

    fn resolve_targets(&self, root: &Path, targets: Vec<String>) -> Option<FileId> {
        let at = |target: &str| self.resolve_path(crate::paths::absolute(root, Path::new(target)));
        targets.iter().find_map(|target| {
            at(target).or_else(|| source_of_built(target).and_then(|source| at(&source)))
        })
    }

    /// The project file a Python import names: relative (`.deps`, `..core.config`, `.`) from
    /// the importing file's package, absolute (`app.deps`) from the roots Python would search:
    /// the package's root, its `src/` folder, the folder above the file's top-level package
    /// (the highest folder of `__init__.py` files around it), and then, for namespace
    /// packages without `__init__.py` (a service run from its own folder of a larger
    /// repository), the folders above the file up to the package's root, nearest first.
    /// `a.b` is `a/b.py` or `a/b/__init__.py`.
    fn resolve_python_module(&self, from: FileId, specifier: &str) -> Option<FileId> {
        let path = &self.files[from].path;
        let dots = specifier.chars().take_while(|&c| c == '.').count();
        let rest = &specifier[dots..];
        let bases: Vec<PathBuf> = if dots > 0 {
            let mut folder = path.parent()?;
            for _ in 1..dots {
                folder = folder.parent()?;
            }
            vec![folder.to_path_buf()]
        } else {
            let package_root = &self.package_of(from).root;
            let mut top = path.parent()?;
            while let Some(parent) = top.parent()
                && self.by_path.contains_key(&top.join("__init__.py"))
            {
                top = parent;
            }
            let mut bases = vec![
                package_root.clone(),
                package_root.join("src"),
                top.to_path_buf(),
            ];
            bases.extend(
                path.ancestors()
                    .skip(2)
                    .take_while(|folder| {
                        folder.starts_with(package_root) && *folder != package_root
                    })
                    .map(Path::to_path_buf),
            );
            bases
        };
        bases.into_iter().find_map(|base| {
            let mut module = base;
            module.extend(rest.split('.').filter(|part| !part.is_empty()));
            self.python_module_at(&module)
        })
    }

    /// The module at `path` (without extension): `path.py`, or the package `path/__init__.py`.
    fn python_module_at(&self, path: &Path) -> Option<FileId> {
        let mut file = path.as_os_str().to_owned();
        file.push(".py");
        self.by_path
            .get(Path::new(&file))
            .or_else(|| self.by_path.get(&path.join("__init__.py")))
            .copied()
    }

    /// What Python module `file` means by `name`: a module-level binding, an import, or, for
    /// a package's `__init__.py`, a submodule.
    fn resolve_python_export<'p>(&'p self, file: FileId, name: &str, hops: usize) -> Resolved<'p> {
        if hops > MAX_HOPS {
            return Resolved::Unknown;
        }
        if let Some(value) = self.binding(file, name) {
            return self.resolve_value(file, value, hops + 1);
        }
        if let Some(import) = self.import(file, name) {
            return self.resolve_import(file, import, hops + 1);
        }
        let path = &self.files[file].path;
        if path
            .file_name()
            .is_some_and(|file_name| file_name == "__init__.py")
            && let Some(submodule) = path
                .parent()
                .and_then(|folder| self.python_module_at(&folder.join(name)))
        {
            return Resolved::Namespace(submodule);
        }
        Resolved::Unknown
    }

    /// What `value`, written in `file`, stands for.
    pub fn resolve<'p>(&'p self, file: FileId, value: &'p Value) -> Resolved<'p> {
        self.resolve_value(file, value, 0)
    }

    /// Whether what a name resolved to is the project's own code: a function, class, instance,
    /// object or module written in the project, a value one of its functions returns, or an
    /// import of a relative path the view cannot find. Not a package's (`requests`, `new
    /// OpenAI()`), and not what the view cannot follow.
    pub fn is_project_code(&self, resolved: Resolved<'_>) -> bool {
        let mut resolved = resolved;
        for _ in 0..=MAX_HOPS {
            match resolved {
                Resolved::Function { .. }
                | Resolved::Class { .. }
                | Resolved::Instance { .. }
                | Resolved::Object { .. }
                | Resolved::Namespace(_) => return true,
                Resolved::Package { specifier, .. } => return specifier.starts_with('.'),
                Resolved::CallResult { file, call } => resolved = self.resolve(file, &call.callee),
                Resolved::Created { .. } | Resolved::Unknown => return false,
            }
        }
        false
    }

    fn resolve_value<'p>(&'p self, file: FileId, value: &'p Value, hops: usize) -> Resolved<'p> {
        if hops > MAX_HOPS {
            return Resolved::Unknown;
        }
        match value {
            Value::Function(start) => {
                self.function(file, *start)
                    .map_or(Resolved::Unknown, |function| Resolved::Function {
                        file,
                        function,
                    })
            }
            Value::Class(index) => self
                .classes(file)
                .get(*index)
                .map_or(Resolved::Unknown, |class| Resolved::Class { file, class }),
            Value::Name(name) => {
                if let Some(bound) = self.binding(file, name) {
                    self.resolve_value(file, bound, hops + 1)
                } else if let Some(import) = self.import(file, name) {
                    self.resolve_import(file, import, hops + 1)
                } else {
                    Resolved::Unknown
                }
            }
            Value::Member(object, property) => {
                let object = self.resolve_value(file, object, hops + 1);
                self.member(object, property, hops + 1)
            }
            Value::Object(members) => Resolved::Object { file, members },
            Value::New(constructor) => match self.resolve_value(file, constructor, hops + 1) {
                Resolved::Class { file, class } => Resolved::Instance { file, class },
                created => self.created_by_call(created, file, None, hops + 1),
            },
            Value::Call(call) => {
                let callee = self.resolve_value(file, &call.callee, hops + 1);
                self.created_by_call(callee, file, Some(call), hops + 1)
            }
            Value::Module(specifier) => {
                self.resolve_import_parts(file, specifier, &Imported::Namespace, hops + 1)
            }
            Value::Unknown => Resolved::Unknown,
        }
    }

    /// What calling (or `new`-ing) `callee` produces: Express apps and routers, a factory's
    /// returned function, or an opaque call result.
    fn created_by_call<'p>(
        &'p self,
        callee: Resolved<'p>,
        file: FileId,
        call: Option<&'p Call>,
        hops: usize,
    ) -> Resolved<'p> {
        let span = call.map(|call| call.span);
        if let Resolved::Package { specifier, member } = &callee
            && let Some(creates) = servers::created_by(specifier, *member)
        {
            return span.map_or(Resolved::Unknown, |span| Resolved::Created {
                creates,
                file,
                span,
            });
        }
        match callee {
            Resolved::Function {
                file: defined_in,
                function,
            } => match function.returns_function {
                Some(start) => {
                    self.function(defined_in, start)
                        .map_or(Resolved::Unknown, |function| Resolved::Function {
                            file: defined_in,
                            function,
                        })
                }
                None => call.map_or(Resolved::Unknown, |call| Resolved::CallResult {
                    file,
                    call,
                }),
            },
            _ if hops > MAX_HOPS => Resolved::Unknown,
            _ => call.map_or(Resolved::Unknown, |call| Resolved::CallResult {
                file,
                call,
            }),
        }
    }

    fn resolve_import<'p>(&'p self, file: FileId, import: &'p Import, hops: usize) -> Resolved<'p> {
        self.resolve_import_parts(file, &import.specifier, &import.imported, hops)
    }

    fn resolve_import_parts<'p>(
        &'p self,
        file: FileId,
        specifier: &'p str,
        imported: &'p Imported,
        hops: usize,
    ) -> Resolved<'p> {
        // Modules that import a name from each other must end too.
        if hops > MAX_HOPS {
            return Resolved::Unknown;
        }
        let is_python = self.files[file].language == Language::Python;
        if is_python && let Imported::Named(name) = imported {
            // `from pkg import name`: an attribute of the package, or else its submodule.
            let found = self
                .resolve_module(file, specifier)
                .map_or(Resolved::Unknown, |target| {
                    self.resolve_python_export(target, name, hops + 1)
                });
            if !matches!(found, Resolved::Unknown) {
                return found;
            }
            let separator = if specifier.ends_with('.') { "" } else { "." };
            if let Some(submodule) =
                self.resolve_module(file, &format!("{specifier}{separator}{name}"))
            {
                return Resolved::Namespace(submodule);
            }
        }
        let Some(target) = self.resolve_module(file, specifier) else {
            let member = match imported {
                Imported::Named(name) => Some(name.as_str()),
                Imported::Default | Imported::Namespace => None,
            };
            return Resolved::Package { specifier, member };
        };
        match imported {
            Imported::Default => self.resolve_export(target, DEFAULT_EXPORT, hops + 1),
            Imported::Namespace => match self
                .module(target)
                .and_then(|module| module.export(MODULE_EXPORTS))
            {
                Some(value) => self.resolve_value(target, value, hops + 1),
                None => Resolved::Namespace(target),
            },
            Imported::Named(name) => self.resolve_export(target, name, hops + 1),
        }
    }

    /// What module `file` exports as `name`: a named export, a property of its CommonJS
    /// `module.exports`, or one re-exported with `export * from`.
    pub fn resolve_export<'p>(&'p self, file: FileId, name: &str, hops: usize) -> Resolved<'p> {
        if hops > MAX_HOPS {
            return Resolved::Unknown;
        }
        if self.python(file).is_some() {
            return self.resolve_python_export(file, name, hops);
        }
        let Some(module) = self.module(file) else {
            return Resolved::Unknown;
        };
        if let Some(value) = module.export(name) {
            return self.resolve_value(file, value, hops + 1);
        }
        if let Some(value) = module.export(MODULE_EXPORTS) {
            let whole = self.resolve_value(file, value, hops + 1);
            return if name == DEFAULT_EXPORT {
                whole
            } else {
                self.member(whole, name, hops + 1)
            };
        }
        for specifier in &module.star_exports {
            if let Some(target) = self.resolve_module(file, specifier) {
                let found = self.resolve_export(target, name, hops + 1);
                if !matches!(found, Resolved::Unknown) {
                    return found;
                }
            }
        }
        Resolved::Unknown
    }

    /// `object.property` of a resolved object.
    fn member<'p>(&'p self, object: Resolved<'p>, property: &str, hops: usize) -> Resolved<'p> {
        let find = |members: &'p [(String, Value)]| {
            members
                .iter()
                .find(|(name, _)| name == property)
                .map(|(_, value)| value)
        };
        match object {
            Resolved::Object { file, members } => find(members)
                .map_or(Resolved::Unknown, |value| {
                    self.resolve_value(file, value, hops + 1)
                }),
            Resolved::Class { file, class } | Resolved::Instance { file, class } => {
                self.class_member(file, class, property, hops + 1)
            }
            Resolved::Namespace(file) => self.resolve_export(file, property, hops + 1),
            // A member of a project module the view cannot find is still the project's.
            Resolved::Package {
                specifier,
                member: None,
            } if specifier.starts_with('.') => Resolved::Package {
                specifier,
                member: None,
            },
            Resolved::Package {
                specifier,
                member: None,
            } => {
                // Only one level of package members matters (`express.Router`): those of the
                // app factories, whose names are static so that a resolution can borrow them.
                let member = servers::factory_member(property);
                member.map_or(Resolved::Unknown, |member| Resolved::Package {
                    specifier,
                    member: Some(member),
                })
            }
            _ => Resolved::Unknown,
        }
    }

    /// The member `property` of `class`, written in `file`: its own, or else inherited, from
    /// the first class that names it, bases searched depth first and in order (`get_one` of
    /// `class ArticleRepository(BaseRepository[Article])`). A member a class names, even one
    /// the view cannot follow, hides those of its bases: an override may return something
    /// else. At most [`MAX_HOPS`] classes are searched.
    fn class_member<'p>(
        &'p self,
        file: FileId,
        class: &'p Class,
        property: &str,
        hops: usize,
    ) -> Resolved<'p> {
        let mut pending = vec![(file, class)];
        let mut searched = 0;
        while let Some((file, class)) = pending.pop() {
            searched += 1;
            if searched > MAX_HOPS || hops > MAX_HOPS {
                break;
            }
            if let Some((_, value)) = class.members.iter().find(|(name, _)| name == property) {
                return self.resolve_value(file, value, hops + 1);
            }
            for base in class.bases.iter().rev() {
                if let Resolved::Class { file, class } = self.resolve_value(file, base, hops + 1) {
                    pending.push((file, class));
                }
            }
        }
        Resolved::Unknown
    }
}

/// The manifests above folders, per ecosystem, each folder of the file system looked at once.
#[derive(Default)]
pub(crate) struct Manifests {
    /// By ecosystem: folder → the nearest folder at or above it with a manifest.
    nearest: [HashMap<PathBuf, Option<PathBuf>>; 2],
    /// By ecosystem: folder with a manifest → its dependencies.
    dependencies: [HashMap<PathBuf, HashMap<String, String>>; 2],
    /// Folder with a `package.json` → its `name`.
    names: HashMap<PathBuf, Option<String>>,
    /// Folder with a `package.json` → its `imports` and entry points.
    entries: HashMap<PathBuf, Arc<NodeEntries>>,
    /// Folder → the module paths of the nearest `tsconfig.json` / `jsconfig.json` at or above
    /// it, when that declares any.
    ts_paths_of_folder: HashMap<PathBuf, Option<Arc<TsPaths>>>,
}

impl Manifests {
    /// The nearest folder at or above `folder` that has a manifest of `ecosystem`.
    pub(crate) fn nearest(&mut self, folder: &Path, ecosystem: Ecosystem) -> Option<PathBuf> {
        let nearest = &mut self.nearest[ecosystem.slot()];
        let mut unknown = Vec::new();
        let mut found = None;
        for candidate in folder.ancestors() {
            if let Some(known) = nearest.get(candidate) {
                found = known.clone();
                break;
            }
            if ecosystem.has_manifest(candidate) {
                found = Some(candidate.to_path_buf());
                nearest.insert(candidate.to_path_buf(), found.clone());
                break;
            }
            unknown.push(candidate.to_path_buf());
        }
        for folder in unknown {
            nearest.insert(folder, found.clone());
        }
        found
    }

    /// The dependencies the manifests of `ecosystem` in `folder` declare.
    pub(crate) fn dependencies(
        &mut self,
        folder: &Path,
        ecosystem: Ecosystem,
    ) -> &HashMap<String, String> {
        self.dependencies[ecosystem.slot()]
            .entry(folder.to_path_buf())
            .or_insert_with(|| ecosystem.read_dependencies(folder))
    }

    /// The `name` the `package.json` in `folder` gives its package.
    pub(crate) fn name(&mut self, folder: &Path) -> Option<String> {
        self.names
            .entry(folder.to_path_buf())
            .or_insert_with(|| {
                let text = read_discovered(&folder.join("package.json")).ok()?;
                let json: serde_json::Value = serde_json::from_str(&text).ok()?;
                Some(json.get("name")?.as_str()?.to_string())
            })
            .clone()
    }

    /// The `imports` and entry points of the `package.json` in `folder`.
    pub(crate) fn entries(&mut self, folder: &Path) -> Arc<NodeEntries> {
        self.entries
            .entry(folder.to_path_buf())
            .or_insert_with(|| Arc::new(NodeEntries::read(folder)))
            .clone()
    }

    /// The module paths of the `tsconfig.json` or `jsconfig.json` nearest `folder` (in it or
    /// the closest folder above), each configuration read once.
    pub(crate) fn ts_paths(&mut self, folder: &Path) -> Option<Arc<TsPaths>> {
        let mut unknown = Vec::new();
        let mut found = None;
        for candidate in folder.ancestors() {
            if let Some(known) = self.ts_paths_of_folder.get(candidate) {
                found = known.clone();
                break;
            }
            unknown.push(candidate.to_path_buf());
            if let Some(file) = TsPaths::file_in(candidate) {
                found = TsPaths::load(&file)
                    .filter(|paths| !paths.is_empty())
                    .map(Arc::new);
                break;
            }
        }
        for folder in unknown {
            self.ts_paths_of_folder.insert(folder, found.clone());
        }
        found
    }

    /// Whether the package of `folder`, or a workspace above it, declares one of `names`:
    /// `None` when no manifest is found at all.
    pub(crate) fn declares_any(
        &mut self,
        folder: &Path,
        ecosystem: Ecosystem,
        names: &[&str],
    ) -> Option<bool> {
        let mut manifest = self.nearest(folder, ecosystem)?;
        loop {
            let dependencies = self.dependencies(&manifest, ecosystem);
            if names.iter().any(|name| match ecosystem {
                Ecosystem::Node => dependencies.contains_key(*name),
                Ecosystem::Python => {
                    dependencies.contains_key(&crate::python_manifest::normalized(name))
                }
            }) {
                return Some(true);
            }
            match manifest
                .parent()
                .and_then(|parent| self.nearest(parent, ecosystem))
            {
                Some(above) => manifest = above,
                None => return Some(false),
            }
        }
    }
}

/// The `scripts` of the `package.json` in `root`.
/// The `package.json` in `root`, parsed; `None` when there is none or it is not JSON.
fn read_package_json(root: &Path) -> Option<serde_json::Value> {
    let text = read_discovered(&root.join("package.json")).ok()?;
    serde_json::from_str(&text).ok()
}

fn read_scripts(root: &Path) -> Vec<(String, String)> {
    let Some(json) = read_package_json(root) else {
        return Vec::new();
    };
    json.get("scripts")
        .and_then(|scripts| scripts.as_object())
        .into_iter()
        .flatten()
        .filter_map(|(name, command)| Some((name.clone(), command.as_str()?.to_string())))
        .collect()
}

/// The packages a `package.json` declares only in `devDependencies`: tools of its build and
/// tests (linters, bundlers, plugins of either), which its code does not run.
fn read_development_only(root: &Path) -> Vec<String> {
    let Some(json) = read_package_json(root) else {
        return Vec::new();
    };
    let declared_in = |section: &str, name: &str| {
        json.get(section)
            .and_then(|names| names.as_object())
            .is_some_and(|names| names.contains_key(name))
    };
    json.get("devDependencies")
        .and_then(|names| names.as_object())
        .into_iter()
        .flatten()
        .map(|(name, _)| name)
        .filter(|name| {
            !["dependencies", "peerDependencies", "optionalDependencies"]
                .iter()
                .any(|section| declared_in(section, name))
        })
        .cloned()
        .collect()
}

fn read_dependencies(root: &Path) -> HashMap<String, String> {
    let Some(json) = read_package_json(root) else {
        return HashMap::new();
    };
    [
        "dependencies",
        "devDependencies",
        "peerDependencies",
        "optionalDependencies",
    ]
    .iter()
    .filter_map(|section| json.get(section)?.as_object())
    .flatten()
    .filter_map(|(name, range)| Some((name.clone(), range.as_str()?.to_string())))
    .collect()
}

/// Which folders hold files whose facts project rules can use: those whose package (the
/// nearest manifest of the file's ecosystem, or one above it in a workspace) depends on one of
/// the rules' packages, and those with no manifest above them at all, where nothing is known.
pub(crate) struct FactScope {
    dependencies: Vec<&'static str>,
    by_folder: HashMap<(PathBuf, Ecosystem), FactsNeed>,
}

/// Whether the facts of a file can matter to the project rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FactsNeed {
    /// Its package (or a workspace above it) depends on one of the rules' packages.
    Yes,
    /// No manifest above it says anything: only when the file itself names one of those
    /// packages (a script importing `express`, a `main.py` importing `fastapi`).
    IfNamed,
    No,
}

impl FactScope {
    pub(crate) fn new(dependencies: Vec<&'static str>) -> FactScope {
        FactScope {
            dependencies,
            by_folder: HashMap::new(),
        }
    }

    /// Decides for the folder of `file` (remembered, so call it for every file first).
    pub(crate) fn add(&mut self, file: &Path, language: Language, manifests: &mut Manifests) {
        let Some(folder) = file.parent() else { return };
        let key = (folder.to_path_buf(), Ecosystem::of(language));
        if self.dependencies.is_empty() || self.by_folder.contains_key(&key) {
            return;
        }
        let need = match manifests.declares_any(folder, key.1, &self.dependencies) {
            Some(true) => FactsNeed::Yes,
            Some(false) => FactsNeed::No,
            None => FactsNeed::IfNamed,
        };
        self.by_folder.insert(key, need);
    }

    pub(crate) fn need(&self, file: &Path, language: Language) -> FactsNeed {
        file.parent()
            .and_then(|folder| {
                self.by_folder
                    .get(&(folder.to_path_buf(), Ecosystem::of(language)))
            })
            .copied()
            .unwrap_or(FactsNeed::No)
    }

    /// Whether to gather the facts of `file`, whose text is `source`. Reading its import lines
    /// is far cheaper than gathering facts from every file of a folder no manifest describes.
    /// A module that exports a serverless or Next.js handler by its shape has facts wherever
    /// it is: Lambda code depends on no framework (the modules it imports get theirs once the
    /// project view can resolve them).
    pub(crate) fn wants_facts(&self, file: &Path, language: Language, source: &str) -> bool {
        let shaped = || !self.dependencies.is_empty() && exports_handler_shape(file, source);
        match self.need(file, language) {
            FactsNeed::Yes => true,
            FactsNeed::IfNamed => imports_any(source, &self.dependencies, language) || shaped(),
            FactsNeed::No => shaped(),
        }
    }
}

/// Whether `source` imports one of the packages `names`, read from its import lines only:
/// `import … from 'express'`, `require("next/server")`, `from fastapi import …`. A substring
/// test would match `next(…)` and `expression` in nearly every file.
fn imports_any(source: &str, names: &[&str], language: Language) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start();
        let package = if language.is_javascript_like() {
            if !(line.starts_with("import")
                || line.starts_with("export")
                || line.contains("require("))
            {
                return false;
            }
            let Some(start) = line.find(['\'', '"', '`']) else {
                return false;
            };
            let specifier = &line[start + 1..];
            let end = specifier.find(['\'', '"', '`']).unwrap_or(specifier.len());
            package_of(&specifier[..end])
        } else {
            let Some(rest) = line
                .strip_prefix("from ")
                .or_else(|| line.strip_prefix("import "))
            else {
                return false;
            };
            rest.split(['.', ' ', ',']).next().unwrap_or("")
        };
        names.contains(&package)
    })
}

/// Whether the module at `path`, whose text is `source`, exports something shaped like a
/// serverless or Next.js handler (Python: a module-level Lambda handler), read from its text
/// alone (cheap enough for every file of a package that names no framework). The project view
/// then decides by the facts.
fn exports_handler_shape(path: &Path, source: &str) -> bool {
    match Language::from_path(path) {
        Some(Language::Python) => lint500_knowledge::servers::defines_python_handler(source),
        Some(language) => {
            language.is_javascript_like()
                && lint500_knowledge::servers::exports_handler_shape(path, source)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;
    use crate::dispatch::{WalkPlan, lint_tree};
    use crate::grammar::parse;
    use crate::rule::RuleSet;

    static NO_RULES: LazyLock<RuleSet> =
        LazyLock::new(|| RuleSet::new(Vec::new()).expect("an empty rule set is valid"));

    /// A project of the Python files `(relative path, source)` under a temporary folder with a
    /// `pyproject.toml`; file ids follow the order given.
    fn python_project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().to_path_buf();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"x\"\ndependencies = [\"fastapi\"]\n",
        )
        .expect("write");
        let inputs = files
            .iter()
            .map(|(path, source)| {
                let tree = parse(source, Language::Python).expect("parses");
                let facts = lint_tree(
                    source,
                    &tree,
                    Language::Python,
                    &WalkPlan::facts_only(&NO_RULES),
                )
                .facts;
                ProjectFileInput {
                    path: root.join(path),
                    display: PathBuf::from(path),
                    language: Language::Python,
                    facts,
                }
            })
            .collect();
        let project = Project::new(inputs, &root, &mut Manifests::default());
        (dir, project)
    }

    /// A project of the files `(relative path, text)` under a temporary folder: JavaScript and
    /// TypeScript files get their facts, the others (manifests, `tsconfig.json`) are only
    /// written. File ids follow the order of the source files given.
    fn javascript_project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().to_path_buf();
        let mut inputs = Vec::new();
        for (path, text) in files {
            let absolute = root.join(path);
            std::fs::create_dir_all(absolute.parent().expect("a folder")).expect("folder");
            std::fs::write(&absolute, text).expect("write");
            let Some(language) = Language::from_path(&absolute) else {
                continue;
            };
            let tree = parse(text, language).expect("parses");
            let facts = lint_tree(text, &tree, language, &WalkPlan::facts_only(&NO_RULES)).facts;
            inputs.push(ProjectFileInput {
                path: absolute,
                display: PathBuf::from(path),
                language,
                facts,
            });
        }
        let project = Project::new(inputs, &root, &mut Manifests::default());
        (dir, project)
    }

    #[test]
    fn javascript_specifiers_resolve_through_aliases_package_imports_and_workspaces() {
        let (dir, project) = javascript_project(&[
            (
                "package.json",
                r##"{ "workspaces": ["apps/*", "packages/*"] }"##,
            ),
            (
                "apps/api/package.json",
                r##"{ "name": "@acme/api", "imports": { "#db": "./src/db.js", "#lib/*": { "types": "./src/lib/*.d.ts", "default": "./src/lib/*.js" } } }"##,
            ),
            (
                "apps/api/tsconfig.json",
                "// app\n{ \"extends\": \"../../tsconfig.base\", \"compilerOptions\": { \"baseUrl\": \"src\", }, }",
            ),
            (
                "tsconfig.base.json",
                r#"{ "compilerOptions": { "paths": { "@/*": ["*"], "@outside/*": ["../../../elsewhere/*"] } } }"#,
            ),
            (
                "packages/db/package.json",
                r#"{ "name": "@acme/db", "main": "./dist/index.js", "exports": { ".": "./dist/index.js", "./orders": "./src/orders.ts" } }"#,
            ),
            ("apps/api/src/server.ts", "export {};\n"),
            ("apps/api/src/controllers/users.ts", "export {};\n"),
            ("apps/api/src/db.ts", "export {};\n"),
            ("apps/api/src/lib/mail.ts", "export {};\n"),
            ("packages/db/src/index.ts", "export {};\n"),
            ("packages/db/src/orders.ts", "export {};\n"),
        ]);
        let [server, users, db, mail, index, orders] = [0, 1, 2, 3, 4, 5];
        let resolve = |specifier: &str| project.resolve_module(server, specifier);
        // `paths` of the extended file, resolved from the `baseUrl` of the extending one.
        assert_eq!(resolve("@/controllers/users"), Some(users));
        assert_eq!(resolve("controllers/users"), Some(users));
        assert_eq!(resolve("#db"), Some(db));
        assert_eq!(resolve("#lib/mail"), Some(mail));
        // A built entry point stands for its source.
        assert_eq!(resolve("@acme/db"), Some(index));
        assert_eq!(resolve("@acme/db/orders"), Some(orders));
        assert_eq!(resolve("@outside/x"), None);
        assert_eq!(resolve("#other"), None);
        assert_eq!(resolve("express"), None);
        assert_eq!(resolve("./db"), Some(db));
        // Without a tsconfig.json above it, the workspace package still resolves by name.
        assert_eq!(project.resolve_module(orders, "@/controllers/users"), None);
        assert_eq!(project.resolve_module(orders, "@acme/db"), Some(index));
        drop(dir);
    }

    fn python(project: &Project, file: FileId) -> &PyModule {
        project
            .file(file)
            .facts
            .python
            .as_ref()
            .expect("Python facts")
    }

    #[test]
    fn python_facts_record_imports_bindings_routes_dependencies_and_env_reads() {
        let source = "\
import os
import app.deps as deps
from os import environ
from ..core import config as cfg
from fastapi import APIRouter, Depends, FastAPI

app = FastAPI()
router = APIRouter(prefix='/users')
LIMIT = 10

def helper():
    return os.environ['KEY']

def unused():
    return 1

@router.get('/', dependencies=[Depends(deps.auth)])
async def list_users(db=Depends(get_db)):
    return helper(), environ.get('X'), os.getenv('Y')

LOADED = helper()
";
        let (_dir, project) = python_project(&[("app/routers/users.py", source)]);
        let module = python(&project, 0);
        let imports: Vec<(&str, &str, &Imported)> = module
            .imports
            .iter()
            .map(|import| {
                (
                    import.local.as_str(),
                    import.specifier.as_str(),
                    &import.imported,
                )
            })
            .collect();
        assert_eq!(
            imports,
            [
                ("os", "os", &Imported::Namespace),
                ("deps", "app.deps", &Imported::Namespace),
                ("environ", "os", &Imported::Named("environ".into())),
                ("cfg", "..core", &Imported::Named("config".into())),
                ("APIRouter", "fastapi", &Imported::Named("APIRouter".into())),
                ("Depends", "fastapi", &Imported::Named("Depends".into())),
                ("FastAPI", "fastapi", &Imported::Named("FastAPI".into())),
            ]
        );
        // `LIMIT = 10` cannot be followed and `unused` reaches no fact: both are trimmed.
        let names: Vec<&str> = module.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["app", "router", "helper", "list_users", "LOADED"]);
        assert_eq!(module.functions.len(), 2);
        let helper = &module.functions[0];
        assert_eq!(helper.name.as_deref(), Some("helper"));
        assert!(helper.called_at_load);
        assert_eq!(helper.env_reads.len(), 1);
        assert!(helper.env_reads[0].raises_when_missing);
        let route = &module.functions[1];
        assert!(route.is_async);
        assert_eq!(
            route.calls_each_time().collect::<Vec<_>>(),
            [helper.start_byte]
        );
        assert_eq!(
            route
                .env_reads
                .iter()
                .map(|read| read.raises_when_missing)
                .collect::<Vec<_>>(),
            [false, false]
        );
        assert_eq!(module.routes.len(), 1);
        assert_eq!(module.routes[0].method, "get");
        assert_eq!(module.routes[0].receiver, Value::Name("router".into()));
        assert_eq!(
            module.dependencies,
            [
                Value::Member(Box::new(Value::Name("deps".into())), "auth".into()),
                Value::Name("get_db".into()),
            ]
        );
        assert!(matches!(
            project.resolve(0, &module.routes[0].receiver),
            Resolved::Created {
                creates: Creates::FastApiRouter,
                file: 0,
                ..
            }
        ));
        assert!(matches!(
            project.resolve(0, &Value::Name("app".into())),
            Resolved::Created {
                creates: Creates::FastApiApp,
                file: 0,
                ..
            }
        ));
    }

    #[test]
    fn python_imports_resolve_relative_absolute_and_through_packages() {
        let deps = "import os\ndef get_db():\n    return os.getenv('DB')\n";
        let api = "import fastapi\napi_router = fastapi.APIRouter()\n";
        let users = "\
from ..deps import get_db as relative
from app.deps import get_db as absolute
from app import deps
from .. import deps as parent
import app.deps as namespace
from app.api import api_router
";
        let (_dir, project) = python_project(&[
            ("app/__init__.py", ""),
            ("app/deps.py", deps),
            ("app/api.py", api),
            ("app/routers/__init__.py", ""),
            ("app/routers/users.py", users),
        ]);
        let users = 4;
        let name = |name: &str| Value::Name(name.into());
        let get_db = |object: &str| Value::Member(Box::new(name(object)), "get_db".into());
        for value in [
            name("relative"),
            name("absolute"),
            get_db("deps"),
            get_db("parent"),
            get_db("namespace"),
        ] {
            match project.resolve(users, &value) {
                Resolved::Function { file, function } => {
                    assert_eq!(file, 1, "{value:?}");
                    assert_eq!(function.name.as_deref(), Some("get_db"));
                }
                other => panic!("{value:?} resolved to {other:?}"),
            }
        }
        assert!(matches!(
            project.resolve(users, &name("api_router")),
            Resolved::Created {
                creates: Creates::FastApiRouter,
                file: 2,
                ..
            }
        ));
        assert!(project.package_of(users).depends_on("FastAPI"));
        assert!(project.package_of(users).imports("fastapi"));
    }

    /// `method` of the class `class`, as a rule names a method called on an attribute whose
    /// class it found declared.
    fn method_of(class: &str, method: &str) -> Value {
        Value::Member(Box::new(Value::Name(class.into())), method.into())
    }

    fn returns_nullable(resolved: Resolved<'_>) -> Option<bool> {
        match resolved {
            Resolved::Function { function, .. } => Some(function.nullability.is_possible()),
            _ => None,
        }
    }

    #[test]
    fn python_methods_resolve_on_imported_classes_and_their_generic_bases() {
        let base = "\
from typing import Generic, Optional, TypeVar
T = TypeVar('T')

class BaseRepository(Generic[T]):
    def get_one(self, slug) -> Optional[T]: ...
    def get_other(self, slug) -> Optional[T]: ...
";
        let repositories = "\
from typing import overload
from app.base import BaseRepository

class ArticleRepository(BaseRepository['Article']):
    @overload
    def find(self, slug: str) -> 'Article | None': ...
    def find(self, slug) -> 'Article': ...
    def get_other(self, slug) -> 'Article':
        return self.get_one(slug)
";
        let service =
            "from app.repositories import ArticleRepository\nfrom app import repositories\n";
        let (_dir, project) = python_project(&[
            ("app/__init__.py", ""),
            ("app/base.py", base),
            ("app/repositories.py", repositories),
            ("app/service.py", service),
        ]);
        let classes = &python(&project, 2).classes;
        assert_eq!(classes.len(), 1);
        assert_eq!(classes[0].bases, [Value::Name("BaseRepository".into())]);
        let members: Vec<&str> = classes[0]
            .members
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(members, ["find", "get_other"]);
        let service = 3;
        let resolve = |value: &Value| returns_nullable(project.resolve(service, value));
        // Inherited from the generic base class, through the import.
        assert_eq!(
            resolve(&method_of("ArticleRepository", "get_one")),
            Some(true)
        );
        let qualified = Value::Member(
            Box::new(Value::Member(
                Box::new(Value::Name("repositories".into())),
                "ArticleRepository".into(),
            )),
            "get_one".into(),
        );
        assert_eq!(resolve(&qualified), Some(true));
        // The last definition counts; an override hides the base's declaration.
        assert_eq!(resolve(&method_of("ArticleRepository", "find")), None);
        assert_eq!(resolve(&method_of("ArticleRepository", "get_other")), None);
        assert_eq!(resolve(&method_of("ArticleRepository", "missing")), None);
    }

    #[test]
    fn typescript_methods_resolve_through_extends_and_cyclic_bases_end() {
        let (_dir, project) = javascript_project(&[
            (
                "src/base.ts",
                "export abstract class BaseRepository<T> {\n  async findById(id: string): Promise<T | null> { return null; }\n}\n",
            ),
            (
                "src/users.ts",
                "import { BaseRepository } from './base';\nexport class UserRepository extends BaseRepository<User> {\n  async findByEmail(email: string): Promise<User | null> { return null; }\n}\n",
            ),
            (
                "src/cycle.ts",
                "class A extends B {}\nclass B extends A {}\nexport { A };\n",
            ),
            (
                "src/service.ts",
                "import { UserRepository } from './users';\nimport { A } from './cycle';\n",
            ),
        ]);
        let service = 3;
        let resolve = |value: &Value| returns_nullable(project.resolve(service, value));
        assert_eq!(
            resolve(&method_of("UserRepository", "findByEmail")),
            Some(true)
        );
        assert_eq!(
            resolve(&method_of("UserRepository", "findById")),
            Some(true)
        );
        assert_eq!(resolve(&method_of("A", "findById")), None);
    }
}
