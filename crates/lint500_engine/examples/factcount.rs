use lint500_core::Language;
fn main() {
    let root = std::env::args().nth(1).unwrap();
    let mut stack = vec![std::path::PathBuf::from(root)];
    let (mut f, mut b, mut r, mut fun, mut imp, mut exp, mut cls) = (0, 0, 0, 0, 0, 0, 0);
    let mut kinds = std::collections::HashMap::new();
    let rules = Box::leak(Box::new(lint500_engine::RuleSet::new(vec![]).unwrap()));
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap().flatten() {
                stack.push(e.path());
            }
            continue;
        }
        let Some(lang) = Language::from_path(&p) else {
            continue;
        };
        if lang == Language::Python {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(&p) else {
            continue;
        };
        if src.len() > 2 << 20 {
            continue;
        }
        let tree = lint500_engine::parse(&src, lang);
        let lint = lint500_engine::lint_tree(&src, &tree, lang, rules, &[], true);
        let m = lint.facts.module.unwrap();
        f += 1;
        b += m.bindings.len();
        r += m.registrations.len();
        fun += m.functions.len();
        imp += m.imports.len();
        exp += m.exports.len();
        cls += m.classes.len();
        for x in &m.bindings {
            *kinds
                .entry(
                    format!("{:?}", x.value)
                        .chars()
                        .take_while(|c| c.is_alphabetic())
                        .collect::<String>(),
                )
                .or_insert(0) += 1;
        }
    }
    println!(
        "files {f} bindings {b} registrations {r} functions {fun} imports {imp} exports {exp} classes {cls}"
    );
    println!("{kinds:?}");
}
