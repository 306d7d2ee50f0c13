//! The modules of gateway-web form no import cycle.
//!
//! A cycle (`a` uses `b`, `b` uses `a`, possibly through others) means neither module
//! can be read, moved or tested without the other: the UI tree once had three, and
//! every change to one page touched its neighbours. This test reads the sources, builds
//! the graph of which module refers to which, and fails naming each cycle.
//!
//! An edge is any path to another module of this crate: `crate::…`, `super::…`,
//! `self::…`, or a child module's name (`storefront::home::home` in `ui/mod.rs`), in
//! `use` trees and inline. A path that ends in an item (`crate::ui::context::Ctx`)
//! points at the module that holds it. Two kinds of reference are left out, because
//! they are not dependencies between pieces of the UI:
//! - the crate root (`crate::AppState`): `lib.rs` is the composition root that wires
//!   everything together, so every module would otherwise be in a cycle with it;
//! - a file's `#[cfg(test)]` tail, whose `super::` is the file itself.

// A test reads its own sources: a failure to is the test failing, said plainly.
#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path below the crate root, e.g. `["ui", "operator", "events"]`.
type ModulePath = Vec<String>;

struct Module {
    path: ModulePath,
    /// The source up to its `#[cfg(test)]` tail.
    source: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn module_path(src: &Path, file: &Path) -> ModulePath {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut path: ModulePath =
        relative.iter().map(|part| part.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
        path.pop();
    }
    path
}

fn modules(src: &Path) -> Vec<Module> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .iter()
        .map(|file| {
            let text = fs::read_to_string(file).expect("readable source");
            let source = match text.find("#[cfg(test)]") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            Module { path: module_path(src, file), source: strip_comments_and_strings(&source) }
        })
        .collect()
}

/// Comments and string literals say nothing about dependencies, and a doc comment's
/// `[`crate::x`]` link must not count.
fn strip_comments_and_strings(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            // A char literal such as '"' or '{'; a lifetime ('a) keeps going.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                let mut it = rest.chars();
                match (it.next(), it.next(), it.next()) {
                    (Some('\\'), _, _) => {
                        for c in chars.by_ref() {
                            if c == '\'' {
                                break;
                            }
                        }
                    }
                    (Some(_), Some('\''), _) => {
                        chars.next();
                        chars.next();
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path written in `source`, with `use` trees expanded: `use a::{b, c::d}` gives
/// `a::b` and `a::c::d`.
fn paths(source: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = find_word(rest, "use") {
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        expand_use_tree(&after[..end], &mut Vec::new(), &mut found);
        rest = &after[end..];
    }
    found.extend(inline_paths(source));
    found
}

fn find_word(haystack: &str, word: &str) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(offset) = haystack[from..].find(word) {
        let at = from + offset;
        let before = at.checked_sub(1).map(|i| bytes[i] as char);
        let after = bytes.get(at + word.len()).map(|b| *b as char);
        if !before.is_some_and(is_ident_char) && after.is_some_and(char::is_whitespace) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

fn expand_use_tree(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let close = tree.rfind('}').expect("balanced use tree");
        let depth = prefix.len();
        prefix.extend(segments(&tree[..open]));
        for item in split_top_level(&tree[open + 1..close]) {
            expand_use_tree(item, prefix, out);
        }
        prefix.truncate(depth);
    } else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        let mut full = prefix.clone();
        full.extend(segments(path));
        if !full.is_empty() {
            out.push(full);
        }
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split("::").map(str::trim).filter(|s| !s.is_empty() && *s != "*" && *s != "self").map(str::to_string).collect()
}

fn split_top_level(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&list[start..]);
    items
}

/// `a::b::c` outside `use` statements: every run of identifiers joined by `::`.
fn inline_paths(source: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = is_ident_char(chars[i]) && (i == 0 || !is_ident_char(chars[i - 1]));
        if !starts_word || (i > 1 && chars[i - 1] == ':' && chars[i - 2] == ':') {
            i += 1;
            continue;
        }
        let mut path = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < chars.len() && is_ident_char(chars[j]) {
                j += 1;
            }
            path.push(chars[start..j].iter().collect::<String>());
            if j + 2 < chars.len() && chars[j] == ':' && chars[j + 1] == ':' && is_ident_char(chars[j + 2]) {
                j += 2;
            } else {
                break;
            }
        }
        if path.len() > 1 {
            found.push(path);
        }
        i = j.max(i + 1);
    }
    found
}

/// The module a path written in `from` points at, if it is one of this crate's.
fn resolve(from: &ModulePath, path: &[String], known: &BTreeSet<ModulePath>) -> Option<ModulePath> {
    let mut absolute: ModulePath = from.clone();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            absolute.clear();
            rest = &rest[1..];
        }
        Some("super") | Some("self") => {
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        absolute.pop()?;
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A bare name resolves only if it is a child module of `from`.
            let mut child = from.clone();
            child.push(first.to_string());
            if !known.contains(&child) {
                return None;
            }
        }
        None => return None,
    }
    absolute.extend(rest.iter().cloned());
    // The longest prefix that names a module: the rest is an item inside it.
    while !absolute.is_empty() && !known.contains(&absolute) {
        absolute.pop();
    }
    (!absolute.is_empty()).then_some(absolute)
}

fn graph(src: &Path) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    let modules = modules(src);
    let known: BTreeSet<ModulePath> = modules.iter().map(|m| m.path.clone()).collect();
    modules
        .iter()
        .map(|module| {
            let targets = paths(&module.source)
                .iter()
                .filter_map(|path| resolve(&module.path, path, &known))
                .filter(|target| *target != module.path)
                .collect();
            (module.path.clone(), targets)
        })
        .collect()
}

/// Tarjan's strongly connected components; only those of more than one module.
fn cycles(graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<ModulePath>> {
    struct State<'g> {
        graph: &'g BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        index: BTreeMap<&'g ModulePath, usize>,
        low: BTreeMap<&'g ModulePath, usize>,
        stack: Vec<&'g ModulePath>,
        on_stack: BTreeSet<&'g ModulePath>,
        found: Vec<Vec<ModulePath>>,
    }
    fn visit<'g>(state: &mut State<'g>, node: &'g ModulePath) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in state.graph.get(node).into_iter().flatten() {
            let Some((next, _)) = state.graph.get_key_value(next) else { continue };
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.clone());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.found
}

fn show(path: &ModulePath) -> String {
    path.join("::")
}

#[test]
fn gateway_web_has_no_module_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    assert!(graph.len() > 50, "read only {} modules under {}", graph.len(), src.display());
    let found = cycles(&graph);
    let report: Vec<String> = found
        .iter()
        .map(|component| {
            let members: BTreeSet<&ModulePath> = component.iter().collect();
            let edges: Vec<String> = component
                .iter()
                .flat_map(|from| {
                    graph[from]
                        .iter()
                        .filter(|to| members.contains(to))
                        .map(move |to| format!("{} -> {}", show(from), show(to)))
                })
                .collect();
            format!("cycle: {}", edges.join(", "))
        })
        .collect();
    assert!(report.is_empty(), "gateway-web has import cycles:\n{}", report.join("\n"));
}

#[test]
fn the_checker_finds_a_cycle_and_resolves_paths() {
    let known: BTreeSet<ModulePath> = [vec!["ui"], vec!["ui", "a"], vec!["ui", "b"], vec!["ui", "b", "c"]]
        .into_iter()
        .map(|p| p.into_iter().map(String::from).collect())
        .collect();
    let from: ModulePath = vec!["ui".into(), "b".into(), "c".into()];
    let source = "use super::super::a::{Thing, other::{X}};\nfn f() { crate::ui::b::g(); }";
    let targets: BTreeSet<ModulePath> =
        paths(&strip_comments_and_strings(source)).iter().filter_map(|p| resolve(&from, p, &known)).collect();
    let expected: BTreeSet<ModulePath> =
        [vec!["ui".to_string(), "a".into()], vec!["ui".to_string(), "b".into()]].into_iter().collect();
    assert_eq!(targets, expected);
    assert!(paths(&strip_comments_and_strings("// use crate::ui::a;\nlet s = \"crate::ui::a\";")).is_empty());

    let mut graph: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
    let a: ModulePath = vec!["a".into()];
    let b: ModulePath = vec!["b".into()];
    let c: ModulePath = vec!["c".into()];
    graph.insert(a.clone(), [b.clone()].into());
    graph.insert(b.clone(), [c.clone()].into());
    graph.insert(c.clone(), [a.clone()].into());
    assert_eq!(cycles(&graph), vec![vec![a.clone(), b.clone(), c.clone()]]);
    graph.insert(c.clone(), BTreeSet::new());
    assert!(cycles(&graph).is_empty());
}
