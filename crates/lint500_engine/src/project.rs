//! The project view: every file's facts, the packages they belong to, and what names mean
//! across files (imports resolved the way Node and TypeScript resolve relative specifiers).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lint500_core::{Language, Span};

use crate::facts::{
    Call, Class, DEFAULT_EXPORT, FileFacts, Function, Import, Imported, JsModule, MODULE_EXPORTS,
    Value,
};

/// How many steps (bindings, imports, re-exports) one resolution may take: cycles between
/// modules end here instead of looping.
const MAX_HOPS: usize = 32;

/// Extensions tried, in order, for a relative specifier without one.
const EXTENSIONS: &[&str] = &["js", "ts", "tsx", "jsx", "mjs", "cjs", "mts", "cts"];

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

/// A folder with a `package.json` (or the project root), and what that manifest declares.
#[derive(Debug)]
pub struct Package {
    pub root: PathBuf,
    /// Dependency name → version range, from `dependencies`, `devDependencies`,
    /// `peerDependencies` and `optionalDependencies`.
    pub dependencies: HashMap<String, String>,
    /// Every module specifier imported or required by the package's files.
    pub specifiers: Vec<String>,
}

impl Package {
    pub fn depends_on(&self, name: &str) -> bool {
        self.dependencies.contains_key(name)
    }

    /// Whether any file of the package imports or requires `package` (or a file inside it).
    pub fn imports(&self, package: &str) -> bool {
        self.specifiers.iter().any(|specifier| {
            specifier == package
                || specifier
                    .strip_prefix(package)
                    .is_some_and(|rest| rest.starts_with('/'))
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
    let text = std::fs::read_to_string(manifest).ok()?;
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
    /// An Express application: the `express()` call that creates it.
    ExpressApp {
        file: FileId,
        span: Span,
    },
    /// An Express router; `promise` for `express-promise-router`, which forwards rejections.
    ExpressRouter {
        file: FileId,
        span: Span,
        promise: bool,
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
}

impl Project {
    /// Builds the view; each file belongs to the package of the nearest folder above it with a
    /// `package.json`, or to `root` when there is none.
    pub(crate) fn new(
        files: Vec<ProjectFileInput>,
        root: &Path,
        manifests: &mut Manifests,
    ) -> Project {
        let mut packages: Vec<Package> = Vec::new();
        let mut package_of_folder: HashMap<PathBuf, PackageId> = HashMap::new();
        let mut project_files = Vec::with_capacity(files.len());
        for ProjectFileInput {
            path,
            display,
            language,
            facts,
        } in files
        {
            let folder = path.parent().unwrap_or(root).to_path_buf();
            let package = match package_of_folder.get(&folder) {
                Some(&package) => package,
                None => {
                    let package_root = manifests
                        .nearest(&folder)
                        .unwrap_or_else(|| root.to_path_buf());
                    let package = match packages
                        .iter()
                        .position(|package| package.root == package_root)
                    {
                        Some(existing) => existing,
                        None => {
                            packages.push(Package {
                                dependencies: manifests.dependencies(&package_root).clone(),
                                root: package_root,
                                specifiers: Vec::new(),
                            });
                            packages.len() - 1
                        }
                    };
                    package_of_folder.insert(folder, package);
                    package
                }
            };
            if let Some(module) = &facts.module {
                packages[package]
                    .specifiers
                    .extend(module.specifiers.iter().cloned());
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
        }
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

    pub fn package_of(&self, file: FileId) -> &Package {
        &self.packages[self.files[file].package]
    }

    fn module(&self, file: FileId) -> Option<&JsModule> {
        self.files.get(file)?.facts.module.as_ref()
    }

    /// The project file a relative specifier names, resolved from `from` as Node and
    /// TypeScript do: the exact file, then with each extension, then `index` files, and a
    /// `.js` specifier that means a `.ts` file.
    pub fn resolve_module(&self, from: FileId, specifier: &str) -> Option<FileId> {
        if !(specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier == "."
            || specifier == "..")
        {
            return None;
        }
        let folder = self.files[from].path.parent()?;
        let base = crate::paths::absolute(folder, Path::new(specifier));
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

    /// What `value`, written in `file`, stands for.
    pub fn resolve<'p>(&'p self, file: FileId, value: &'p Value) -> Resolved<'p> {
        self.resolve_value(file, value, 0)
    }

    fn resolve_value<'p>(&'p self, file: FileId, value: &'p Value, hops: usize) -> Resolved<'p> {
        if hops > MAX_HOPS {
            return Resolved::Unknown;
        }
        let Some(module) = self.module(file) else {
            return Resolved::Unknown;
        };
        match value {
            Value::Function(start) => {
                module
                    .function(*start)
                    .map_or(Resolved::Unknown, |function| Resolved::Function {
                        file,
                        function,
                    })
            }
            Value::Class(index) => module
                .classes
                .get(*index)
                .map_or(Resolved::Unknown, |class| Resolved::Class { file, class }),
            Value::Name(name) => {
                if let Some(bound) = module.binding(name) {
                    self.resolve_value(file, bound, hops + 1)
                } else if let Some(import) = module.import(name) {
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
        match callee {
            Resolved::Package {
                specifier: "express",
                member: None,
            } => span.map_or(Resolved::Unknown, |span| Resolved::ExpressApp {
                file,
                span,
            }),
            Resolved::Package {
                specifier: "express",
                member: Some("Router"),
            } => span.map_or(Resolved::Unknown, |span| Resolved::ExpressRouter {
                file,
                span,
                promise: false,
            }),
            Resolved::Package {
                specifier: "express-promise-router",
                member: None | Some(DEFAULT_EXPORT),
            } => span.map_or(Resolved::Unknown, |span| Resolved::ExpressRouter {
                file,
                span,
                promise: true,
            }),
            Resolved::Function {
                file: defined_in,
                function,
            } => match function.returns_function {
                Some(start) => self
                    .module(defined_in)
                    .and_then(|module| module.function(start))
                    .map_or(Resolved::Unknown, |function| Resolved::Function {
                        file: defined_in,
                        function,
                    }),
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
                find(&class.members).map_or(Resolved::Unknown, |value| {
                    self.resolve_value(file, value, hops + 1)
                })
            }
            Resolved::Namespace(file) => self.resolve_export(file, property, hops + 1),
            Resolved::Package {
                specifier,
                member: None,
            } => {
                // Only one level of package members matters (`express.Router`).
                let member = PACKAGE_MEMBERS
                    .iter()
                    .find(|known| **known == property)
                    .copied();
                member.map_or(Resolved::Unknown, |member| Resolved::Package {
                    specifier,
                    member: Some(member),
                })
            }
            _ => Resolved::Unknown,
        }
    }
}

/// Package members the view follows, such as `express.Router`; names are static so that a
/// resolution can borrow them.
const PACKAGE_MEMBERS: &[&str] = &["Router", DEFAULT_EXPORT];

/// The `package.json` files above folders, each folder of the file system looked at once.
#[derive(Default)]
pub(crate) struct Manifests {
    /// Folder → the nearest folder at or above it with a `package.json`.
    nearest: HashMap<PathBuf, Option<PathBuf>>,
    /// Folder with a `package.json` → its dependencies.
    dependencies: HashMap<PathBuf, HashMap<String, String>>,
}

impl Manifests {
    /// The nearest folder at or above `folder` that has a `package.json`.
    pub(crate) fn nearest(&mut self, folder: &Path) -> Option<PathBuf> {
        let mut unknown = Vec::new();
        let mut found = None;
        for candidate in folder.ancestors() {
            if let Some(known) = self.nearest.get(candidate) {
                found = known.clone();
                break;
            }
            if candidate.join("package.json").is_file() {
                found = Some(candidate.to_path_buf());
                self.nearest.insert(candidate.to_path_buf(), found.clone());
                break;
            }
            unknown.push(candidate.to_path_buf());
        }
        for folder in unknown {
            self.nearest.insert(folder, found.clone());
        }
        found
    }

    /// The dependencies the `package.json` in `folder` declares.
    pub(crate) fn dependencies(&mut self, folder: &Path) -> &HashMap<String, String> {
        self.dependencies
            .entry(folder.to_path_buf())
            .or_insert_with(|| read_dependencies(folder))
    }

    /// Whether the package of `folder`, or a workspace above it, declares one of `names`:
    /// `None` when no `package.json` is found at all.
    pub(crate) fn declares_any(&mut self, folder: &Path, names: &[&str]) -> Option<bool> {
        let mut manifest = self.nearest(folder)?;
        loop {
            if names
                .iter()
                .any(|name| self.dependencies(&manifest).contains_key(*name))
            {
                return Some(true);
            }
            match manifest.parent().and_then(|parent| self.nearest(parent)) {
                Some(above) => manifest = above,
                None => return Some(false),
            }
        }
    }
}

fn read_dependencies(root: &Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(root.join("package.json")) else {
        return HashMap::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
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
/// nearest `package.json`, or one above it in a workspace) depends on one of the rules'
/// packages, and those with no `package.json` above them at all, where nothing is known.
pub(crate) struct FactScope {
    dependencies: Vec<&'static str>,
    by_folder: HashMap<PathBuf, bool>,
}

impl FactScope {
    pub(crate) fn new(dependencies: Vec<&'static str>) -> FactScope {
        FactScope {
            dependencies,
            by_folder: HashMap::new(),
        }
    }

    /// Decides for the folder of `file` (remembered, so call it for every file first).
    pub(crate) fn add(&mut self, file: &Path, manifests: &mut Manifests) {
        let Some(folder) = file.parent() else { return };
        if self.dependencies.is_empty() || self.by_folder.contains_key(folder) {
            return;
        }
        let relevant = manifests
            .declares_any(folder, &self.dependencies)
            .unwrap_or(true);
        self.by_folder.insert(folder.to_path_buf(), relevant);
    }

    pub(crate) fn contains(&self, file: &Path) -> bool {
        file.parent()
            .and_then(|folder| self.by_folder.get(folder))
            .copied()
            .unwrap_or(false)
    }
}
