fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lang = match args[1].as_str() {
        "js" => lint500_core::Language::JavaScript,
        "ts" => lint500_core::Language::TypeScript,
        _ => lint500_core::Language::Python,
    };
    let src = std::fs::read_to_string(&args[2]).unwrap();
    let tree = lint500_engine::parse(&src, lang);
    let mut c = tree.walk();
    let mut depth = 0;
    loop {
        let n = c.node();
        if n.is_named() {
            println!(
                "{}{}{} {:?}",
                "  ".repeat(depth),
                c.field_name().map(|f| format!("{f}: ")).unwrap_or_default(),
                n.kind(),
                &src[n.byte_range()].chars().take(40).collect::<String>()
            );
        }
        if c.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}
