//! Whole-file text forms the matcher cannot read as they are: UTF-16 text, and Jupyter notebooks
//! (whose cells are JSON string arrays, escapes and all).

/// UTF-16 text (by its byte-order mark, or by the zero bytes ASCII text has in every other
/// position), transcoded to UTF-8, with the encoding's name.
pub fn utf16(bytes: &[u8]) -> Option<(Vec<u8>, &'static str)> {
    let (little_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => {
            let head = &bytes[..bytes.len().min(4096) & !1];
            // ASCII in UTF-16 has a zero byte in every pair: none at all rules it out at once.
            if head.len() < 16 || memchr::memchr(0, head).is_none() {
                return None;
            }
            let pairs = head.len() / 2;
            let zeros_at = |parity: usize| {
                head.iter()
                    .skip(parity)
                    .step_by(2)
                    .filter(|&&b| b == 0)
                    .count()
            };
            let (even, odd) = (zeros_at(0), zeros_at(1));
            if odd * 10 >= pairs * 4 && even * 20 <= pairs {
                (true, bytes)
            } else if even * 10 >= pairs * 4 && odd * 20 <= pairs {
                (false, bytes)
            } else {
                return None;
            }
        }
    };
    let units = body.chunks_exact(2).map(|pair| {
        if little_endian {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some((
        text.into_bytes(),
        if little_endian {
            "utf-16le"
        } else {
            "utf-16be"
        },
    ))
}

/// A notebook's cells as text: `(label, text, offset)` for each cell's source and for its
/// outputs, `offset` being where the cell starts in the file (its `"cell_type"` key).
pub fn notebook_cells(bytes: &[u8]) -> Option<Vec<(String, String, usize)>> {
    if bytes.trim_ascii_start().first() != Some(&b'{')
        || memchr::memmem::find(bytes, b"\"cell_type\"").is_none()
    {
        return None;
    }
    let notebook: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let cells = notebook.get("cells")?.as_array()?;
    let starts: Vec<usize> = memchr::memmem::find_iter(bytes, b"\"cell_type\"").collect();
    let mut out = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        let number = index + 1;
        let offset = starts.get(index).copied().unwrap_or(0);
        if let Some(source) = cell.get("source").map(joined) {
            out.push((format!("ipynb cell {number}"), source, offset));
        }
        for output in cell
            .get("outputs")
            .and_then(|o| o.as_array())
            .into_iter()
            .flatten()
        {
            let mut text = output.get("text").map(joined).unwrap_or_default();
            if let Some(data) = output.get("data").and_then(|d| d.as_object()) {
                for value in data.values() {
                    text.push_str(&joined(value));
                    text.push('\n');
                }
            }
            if !text.is_empty() {
                out.push((format!("ipynb cell {number} output"), text, offset));
            }
        }
    }
    Some(out)
}

/// A notebook string field: one string, or an array of line strings.
fn joined(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_and_without_a_byte_order_mark() {
        let text = "TOKEN=ghp_abc\nsecond line\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(utf16(&le).unwrap(), (text.as_bytes().to_vec(), "utf-16le"));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(utf16(&be).unwrap(), (text.as_bytes().to_vec(), "utf-16be"));
        assert!(utf16(b"plain ascii text, nothing to see here").is_none());
    }

    #[test]
    fn notebook_sources_and_outputs_are_read() {
        let nb = br#"{"cells": [{"cell_type": "code", "source": ["import os\n", "key = 'abc'\n"],
            "outputs": [{"output_type": "stream", "text": ["token: xyz\n"]}]}], "nbformat": 4}"#;
        let cells = notebook_cells(nb).unwrap();
        assert_eq!(
            cells[0],
            ("ipynb cell 1".into(), "import os\nkey = 'abc'\n".into(), 12)
        );
        assert_eq!(
            cells[1],
            ("ipynb cell 1 output".into(), "token: xyz\n".into(), 12)
        );
        assert!(notebook_cells(b"{\"a\": 1}").is_none());
    }
}
