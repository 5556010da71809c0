//! The response headers a site asks for in a `_headers` file (the format of
//! Netlify and Cloudflare Pages), so that the preview sends the same
//! Content-Security-Policy as the static host will.

use axum::http::{HeaderName, HeaderValue};

/// Path patterns with their headers, in file order.
#[derive(Debug, Default)]
pub struct HeaderRules {
    rules: Vec<(String, Vec<(HeaderName, HeaderValue)>)>,
}

impl HeaderRules {
    /// Reads `_headers`: a line with a path pattern (`/*`, `/aanbod/*`,
    /// `/404.html`), then indented `Name: value` lines. Lines that are not
    /// valid headers are skipped; hosts ignore them too.
    pub fn parse(text: &str) -> Self {
        let mut rules: Vec<(String, Vec<(HeaderName, HeaderValue)>)> = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with(char::is_whitespace) {
                rules.push((trimmed.to_string(), Vec::new()));
                continue;
            }
            let (Some((_, headers)), Some((name, value))) =
                (rules.last_mut(), trimmed.split_once(':'))
            else {
                continue;
            };
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            ) {
                headers.push((name, value));
            }
        }
        HeaderRules { rules }
    }

    /// The headers for a request path; later rules win over earlier ones.
    pub fn for_path<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = &'a (HeaderName, HeaderValue)> + 'a {
        self.rules
            .iter()
            .filter(move |(pattern, _)| match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => pattern == path,
            })
            .flat_map(|(_, headers)| headers.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_by_pattern() {
        let rules = HeaderRules::parse(
            "# voorbeeld\n/*\n  Content-Security-Policy: default-src 'self'\n  X-Content-Type-Options: nosniff\n/zoekindex/*\n  Cache-Control: max-age=60\n",
        );
        let names = |path| {
            rules
                .for_path(path)
                .map(|(n, _)| n.as_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("/"),
            ["content-security-policy", "x-content-type-options"]
        );
        assert_eq!(
            names("/zoekindex/a.json"),
            [
                "content-security-policy",
                "x-content-type-options",
                "cache-control"
            ]
        );
        let csp = rules.for_path("/aanbod/x/").next().unwrap();
        assert_eq!(csp.1, "default-src 'self'");
    }
}
