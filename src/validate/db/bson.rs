//! The little of BSON a MongoDB login needs: writing a command and reading the fields of an
//! answer. Readers check every length against what is there and nest at most 16 deep.

/// A BSON value, as far as a login tells them apart.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Double(f64),
    Str(String),
    Doc(Vec<(String, Value)>),
    Array(Vec<Value>),
    Binary(Vec<u8>),
    Bool(bool),
    Int32(i32),
    Int64(i64),
    /// What an answer may also hold (object ids, dates, timestamps, null, …), unread; written
    /// as null.
    Other,
}

/// A document: its fields in order.
pub(super) type Doc = Vec<(String, Value)>;

const MAX_DEPTH: usize = 16;

impl Value {
    /// Numbers of any type (`ok` is a double, `code` an int32, ids may be either width).
    pub(super) fn number(&self) -> Option<f64> {
        match self {
            Value::Double(d) => Some(*d),
            Value::Int32(i) => Some(f64::from(*i)),
            Value::Int64(i) => Some(*i as f64),
            _ => None,
        }
    }
}

/// The value of `name` in `doc`.
pub(super) fn get<'a>(doc: &'a Doc, name: &str) -> Option<&'a Value> {
    doc.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// `fields` as a BSON document.
pub(super) fn encode(fields: &[(&str, Value)]) -> Vec<u8> {
    let mut out = vec![0; 4];
    for (name, value) in fields {
        element(&mut out, name, value);
    }
    finish(out)
}

fn finish(mut out: Vec<u8>) -> Vec<u8> {
    out.push(0);
    let length = (out.len() as i32).to_le_bytes();
    out[..4].copy_from_slice(&length);
    out
}

fn element(out: &mut Vec<u8>, name: &str, value: &Value) {
    let kind = match value {
        Value::Double(_) => 0x01,
        Value::Str(_) => 0x02,
        Value::Doc(_) => 0x03,
        Value::Array(_) => 0x04,
        Value::Binary(_) => 0x05,
        Value::Bool(_) => 0x08,
        Value::Other => 0x0A,
        Value::Int32(_) => 0x10,
        Value::Int64(_) => 0x12,
    };
    out.push(kind);
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    match value {
        Value::Double(d) => out.extend_from_slice(&d.to_le_bytes()),
        Value::Str(s) => {
            out.extend_from_slice(&(s.len() as i32 + 1).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        }
        Value::Doc(fields) => {
            let mut inner = vec![0; 4];
            for (n, v) in fields {
                element(&mut inner, n, v);
            }
            out.extend(finish(inner));
        }
        Value::Array(items) => {
            let mut inner = vec![0; 4];
            for (i, v) in items.iter().enumerate() {
                element(&mut inner, &i.to_string(), v);
            }
            out.extend(finish(inner));
        }
        Value::Binary(bytes) => {
            out.extend_from_slice(&(bytes.len() as i32).to_le_bytes());
            out.push(0); // generic subtype
            out.extend_from_slice(bytes);
        }
        Value::Bool(b) => out.push(u8::from(*b)),
        Value::Other => {}
        Value::Int32(i) => out.extend_from_slice(&i.to_le_bytes()),
        Value::Int64(i) => out.extend_from_slice(&i.to_le_bytes()),
    }
}

/// Reads one whole document; none when it is malformed or holds a type a reply never does.
pub(super) fn decode(bytes: &[u8]) -> Option<Doc> {
    let (doc, used) = document(bytes, 0)?;
    (used == bytes.len()).then_some(doc)
}

/// A document at the start of `bytes` and its length.
fn document(bytes: &[u8], depth: usize) -> Option<(Doc, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let length = usize::try_from(i32_at(bytes, 0)?).ok()?;
    let body = bytes.get(4..length.checked_sub(1)?)?;
    if bytes.get(length - 1) != Some(&0) {
        return None;
    }
    let mut fields = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let kind = body[at];
        let name_end = at + 1 + body[at + 1..].iter().position(|b| *b == 0)?;
        let name = String::from_utf8_lossy(&body[at + 1..name_end]).into_owned();
        let rest = &body[name_end + 1..];
        let (value, used) = value(kind, rest, depth)?;
        fields.push((name, value));
        at = name_end + 1 + used;
    }
    Some((fields, length))
}

fn value(kind: u8, rest: &[u8], depth: usize) -> Option<(Value, usize)> {
    let fixed = |n: usize| rest.get(..n).map(|_| (Value::Other, n));
    match kind {
        0x01 => Some((
            Value::Double(f64::from_le_bytes(rest.get(..8)?.try_into().ok()?)),
            8,
        )),
        0x02 => {
            let length = usize::try_from(i32_at(rest, 0)?).ok()?;
            let text = rest.get(4..4 + length.checked_sub(1)?)?;
            (rest.get(4 + length - 1) == Some(&0)).then(|| {
                (
                    Value::Str(String::from_utf8_lossy(text).into_owned()),
                    4 + length,
                )
            })
        }
        0x03 => document(rest, depth + 1).map(|(doc, n)| (Value::Doc(doc), n)),
        0x04 => document(rest, depth + 1)
            .map(|(doc, n)| (Value::Array(doc.into_iter().map(|(_, v)| v).collect()), n)),
        0x05 => {
            let length = usize::try_from(i32_at(rest, 0)?).ok()?;
            let bytes = rest.get(5..5 + length)?;
            Some((Value::Binary(bytes.to_vec()), 5 + length))
        }
        0x07 => fixed(12),
        0x08 => Some((Value::Bool(*rest.first()? != 0), 1)),
        0x09 | 0x11 => fixed(8),
        0x0A | 0x7F | 0xFF => Some((Value::Other, 0)),
        0x10 => Some((Value::Int32(i32_at(rest, 0)?), 4)),
        0x12 => Some((
            Value::Int64(i64::from_le_bytes(rest.get(..8)?.try_into().ok()?)),
            8,
        )),
        0x13 => fixed(16),
        _ => None,
    }
}

fn i32_at(bytes: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_and_match_the_spec() {
        // bsonspec.org's first example: {"hello": "world"}.
        assert_eq!(
            encode(&[("hello", Value::Str("world".into()))]),
            b"\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00"
        );
        let fields = [
            ("ok", Value::Double(1.0)),
            ("code", Value::Int32(18)),
            ("id", Value::Int64(-2)),
            ("payload", Value::Binary(b"r=abc".to_vec())),
            ("done", Value::Bool(true)),
            (
                "mechs",
                Value::Array(vec![Value::Str("SCRAM-SHA-256".into())]),
            ),
            ("nested", Value::Doc(vec![("x".into(), Value::Other)])),
        ];
        let doc = decode(&encode(&fields)).unwrap();
        let names: Vec<&str> = doc.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["ok", "code", "id", "payload", "done", "mechs", "nested"]
        );
        for ((_, want), (_, got)) in fields.iter().zip(&doc) {
            assert_eq!(want, got);
        }
        assert_eq!(get(&doc, "code").and_then(Value::number), Some(18.0));
    }

    #[test]
    fn malformed_documents_are_refused() {
        let good = encode(&[("a", Value::Str("b".into()))]);
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_none(), "cut at {cut}");
        }
        let mut long_string = good.clone();
        long_string[7] = 0x7f; // the string's length, past the end
        assert!(decode(&long_string).is_none());
        let mut unknown = good.clone();
        unknown[4] = 0x0E; // a deprecated type no reply holds
        assert!(decode(&unknown).is_none());
        // Nesting deeper than 16 is refused, not recursed into.
        let mut deep = Value::Int32(1);
        for _ in 0..40 {
            deep = Value::Doc(vec![("d".into(), deep)]);
        }
        assert!(decode(&encode(&[("d", deep)])).is_none());
        assert!(decode(b"\xff\xff\xff\x7f").is_none());
    }
}
