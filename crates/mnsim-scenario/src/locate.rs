//! Where a field is written in a TOML text, and which field a byte offset belongs to.
//!
//! Built from the spans of the TOML parser itself, so quoted keys (`"age_y" = 3`), quoted table
//! headers (`["device"]`), dotted keys (`scar.depth_um = 1`) and inline tables
//! (`scar = { depth_um = 1 }`, even over several lines) all keep their line.

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One key written in the text: its dotted path and the spans of its key and value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Dotted path (`indication.scar.depth_um`); array items carry the array's path.
    pub path: String,
    /// Bytes of the key (of the last part of a dotted key, or of the table header).
    pub key: Range<usize>,
    /// Bytes of the value (for a header table, as the parser reports it).
    pub value: Range<usize>,
}

/// Every key of `text`, in the order the parser keeps them; what parsed, even when the text
/// has syntax errors further on.
pub(crate) fn entries(text: &str) -> Vec<Entry> {
    let (doc, _errors) = DeTable::parse_recoverable(text);
    let mut out = Vec::new();
    walk_table(doc.get_ref(), "", &mut out);
    out
}

fn walk_table(t: &DeTable<'_>, prefix: &str, out: &mut Vec<Entry>) {
    for (k, v) in t.iter() {
        let path = if prefix.is_empty() { k.get_ref().to_string() } else { format!("{prefix}.{}", k.get_ref()) };
        out.push(Entry { path: path.clone(), key: k.span(), value: v.span() });
        walk_value(v.get_ref(), &path, out);
    }
}

fn walk_value(v: &DeValue<'_>, path: &str, out: &mut Vec<Entry>) {
    match v {
        DeValue::Table(t) => walk_table(t, path, out),
        DeValue::Array(items) => {
            for item in items.iter() {
                // array items: the array's own path (`protocol.directions_deg`)
                out.push(Entry { path: path.to_string(), key: item.span(), value: item.span() });
                walk_value(item.get_ref(), path, out);
            }
        }
        _ => {}
    }
}

/// 1-based line of byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let end = floor_char_boundary(text, offset.min(text.len()));
    text[..end].matches('\n').count() + 1
}

/// The largest char boundary of `text` not after `i`.
pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line where `field` is written in `text`; for a key that is not written (a default or
/// a missing key), the line of its nearest written parent table; `None` if none is written.
pub(crate) fn line_of_field(text: &str, field: &str) -> Option<usize> {
    let all = entries(text);
    let mut want = field;
    loop {
        if let Some(e) = all.iter().find(|e| e.path == want) {
            return Some(line_at(text, e.key.start));
        }
        want = &want[..want.rfind('.')?];
    }
}

/// The innermost written entry whose key or value holds byte `offset` of `text`.
pub(crate) fn entry_at(text: &str, offset: usize) -> Option<Entry> {
    let holds = |r: &Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
    entries(text)
        .into_iter()
        .filter(|e| holds(&e.key) || holds(&e.value))
        .min_by_key(|e| e.value.end.saturating_sub(e.value.start).min(if holds(&e.key) { 0 } else { usize::MAX }))
}

/// The source text of `span`, on one line and at most 60 characters (`…` when cut).
pub(crate) fn snippet(text: &str, span: &Range<usize>) -> String {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    let one_line: String = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(59).collect::<String>())
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name = \"x\"\n[\"device\"]\n\"kind\" = \"pen\"\n'needle_length_um' = 5\n[indication]\nscar = { kind = \"rolling\",\n  depth_um = -1 }\npigment.area_fraction = 2\n[protocol]\ndirections_deg = [0, \"x\"]\n";

    #[test]
    fn quoted_dotted_and_inline_keys_keep_their_line() {
        for (field, line) in [
            ("name", 1),
            ("device", 2),
            ("device.kind", 3),
            ("device.needle_length_um", 4),
            ("indication.scar", 6),
            ("indication.scar.kind", 6),
            ("indication.scar.depth_um", 7),
            ("indication.pigment.area_fraction", 8),
            ("protocol.directions_deg", 10),
            ("device.frequency_hz", 2),
            ("simulation.seed", 0),
        ] {
            assert_eq!(line_of_field(DOC, field).unwrap_or(0), line, "{field}");
        }
    }

    #[test]
    fn an_offset_names_its_innermost_field() {
        let at = |needle: &str| entry_at(DOC, DOC.find(needle).unwrap()).map(|e| e.path);
        assert_eq!(at("-1").as_deref(), Some("indication.scar.depth_um"));
        assert_eq!(at("\"rolling\"").as_deref(), Some("indication.scar.kind"));
        assert_eq!(at("\"x\"]").as_deref(), Some("protocol.directions_deg"));
        assert_eq!(at("'needle").as_deref(), Some("device.needle_length_um"));
        assert_eq!(
            snippet(DOC, &(DOC.find("{ kind").unwrap()..DOC.find("}\n").unwrap() + 1)),
            "{ kind = \"rolling\", depth_um = -1 }"
        );
    }
}
