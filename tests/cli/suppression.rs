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
            "a.js:6:14: warning[swallowed-catch]",
            "b.py:8:1: warning[swallowed-catch]"
        ]
    );
}

#[test]
fn unknown_rule_in_a_suppression_is_reported() {
    let project = Project::new();
    project.file(
        "a.js",
        "try { a(); } catch (e) {} // lint500-ignore: swalowed-catch\n",
    );
    let run = project.run(&["--format", "concise"]);
    assert_eq!(run.findings(), ["a.js:1:14: warning[swallowed-catch]"]);
    assert!(
        run.stderr
            .contains("a.js: line 1: suppression comment names unknown rule `swalowed-catch`"),
        "{}",
        run.stderr
    );
}
