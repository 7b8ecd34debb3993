use crate::support::Project;

#[test]
fn line_comments_at_the_end_or_above_and_file_comments() {
    let project = Project::new();
    project.file(
        "a.js",
        "try { a(); } catch (e) {} // lint500-ignore: swallowed-catch -- best effort\n\
         // lint500-ignore: swallowed-catch\n\
         try { b(); } catch (e) {}\n\
         /* lint500-ignore: log-without-stack, swallowed-catch */\n\
         try { c(); } catch (e) {}\n\
         try { d(); } catch (e) {}\n",
    );
    project.file(
        "b.py",
        "try:\n    a()\nexcept Exception:  # lint500-ignore: swallowed-catch\n    pass\n\
         try:\n    b()\n# lint500-ignore: log-without-stack\nexcept Exception:\n    pass\n",
    );
    project.file(
        "c.ts",
        "// lint500-ignore-file: swallowed-catch -- generated client\ntry { a(); } catch (e) {}\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        [
            "a.js:4:1: warning[unused-ignore]",
            "a.js:6:14: warning[swallowed-catch]",
            "b.py:7:1: warning[unused-ignore]",
            "b.py:8:1: warning[swallowed-catch]"
        ]
    );
}

#[test]
fn comments_that_suppress_nothing_are_reported() {
    let project = Project::new();
    project.file(
        "a.js",
        "try { a(); } catch (e) {} // lint500-ignore: swallowed-catch -- best effort\n\
         /* lint500-ignore: log-without-stack, swallowed-catch */\n\
         try { c(); } catch (e) {}\n\
         const d = 1; // lint500-ignore: swallowed-catch\n",
    );
    project.file(
        "b.py",
        "# lint500-ignore-file: missing-await\ntry:\n    b()\n# lint500-ignore: log-without-stack\nexcept Exception:\n    pass\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "a.js:2:1: warning[unused-ignore] `lint500-ignore: log-without-stack` suppresses nothing: `log-without-stack` reports nothing on the line it covers\n\
         a.js:4:14: warning[unused-ignore] `lint500-ignore: swallowed-catch` suppresses nothing: `swallowed-catch` reports nothing on the line it covers\n\
         b.py:1:1: warning[unused-ignore] `lint500-ignore-file: missing-await` suppresses nothing: `missing-await` reports nothing in this file\n\
         b.py:4:1: warning[unused-ignore] `lint500-ignore: log-without-stack` suppresses nothing: `log-without-stack` reports nothing on the line it covers\n\
         b.py:5:1: warning[swallowed-catch] The caught exception is discarded\n"
    );

    // Rules that did not run are not judged; unused-ignore is selected and suppressed like
    // any rule.
    let run = project.run(&[
        "--format",
        "concise",
        "--select",
        "swallowed-catch,unused-ignore",
    ]);
    assert_eq!(
        run.findings(),
        [
            "a.js:4:14: warning[unused-ignore]",
            "b.py:5:1: warning[swallowed-catch]"
        ]
    );
    let run = project.run(&["--format", "concise", "--ignore", "unused-ignore"]);
    assert_eq!(run.findings(), ["b.py:5:1: warning[swallowed-catch]"]);
    project.file(
        "lint500.toml",
        "[severity]\nunused-ignore = \"error\"\n[per-file-ignores]\n\"b.py\" = [\"unused-ignore\"]\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.findings(),
        [
            "a.js:2:1: error[unused-ignore]",
            "a.js:4:14: error[unused-ignore]",
            "b.py:5:1: warning[swallowed-catch]"
        ]
    );
    project.file(
        "a.js",
        "// lint500-ignore: unused-ignore -- kept for the generated variant\n\
         // lint500-ignore: swallowed-catch\n\
         const d = 1;\n",
    );
    let run = project.run(&["--format", "concise", "a.js"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[test]
fn no_unused_suppression_is_reported_in_a_file_with_syntax_errors() {
    let project = Project::new();
    project.file(
        "a.js",
        "// lint500-ignore: swallowed-catch\nconst a = ;\n// lint500-ignore: swalowed-catch\nconst b = 1;\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.findings(), ["a.js:3:1: warning[unused-ignore]"]);
}

#[test]
fn unknown_rule_in_a_suppression_is_reported() {
    let project = Project::new();
    project.file(
        "a.js",
        "try { a(); } catch (e) {} // lint500-ignore: swalowed-catch\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(
        run.stdout,
        "a.js:1:14: warning[swallowed-catch] The caught error `e` is discarded\n\
         a.js:1:27: warning[unused-ignore] `lint500-ignore` names `swalowed-catch`, which is not a lint500 rule, so it suppresses nothing\n"
    );
    assert!(!run.stderr.contains("unknown rule"), "{}", run.stderr);
    let run = project.run(&["--format", "json"]);
    assert!(
        run.stdout.contains("Did you mean `swallowed-catch`?"),
        "{}",
        run.stdout
    );
    // Without the rule about suppressions, an unknown id is still a warning.
    let run = project.run(&["--format", "concise", "--ignore", "unused-ignore"]);
    assert_eq!(run.findings(), ["a.js:1:14: warning[swallowed-catch]"]);
    assert!(
        run.stderr
            .contains("a.js: line 1: suppression comment names unknown rule `swalowed-catch`"),
        "{}",
        run.stderr
    );
}
