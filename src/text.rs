//! Building text without `core::fmt`, whose formatting machinery would ship to every visitor.

/// The pieces, one after another.
pub fn join(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal.
pub fn decimal(n: usize) -> String {
    let mut out = String::new();
    platinum_payload::push_decimal(&mut out, n as u64);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_counts() {
        assert_eq!(join(&["a", "", "bc"]), "abc");
        assert_eq!(join(&[]), "");
        assert_eq!(decimal(5000), "5000");
        assert_eq!(decimal(0), "0");
    }
}
