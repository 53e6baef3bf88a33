//! The `$filter` forms Graph's directory accepts for listing users by who they are: `id`,
//! `userPrincipalName` and `mail` compared with `eq`, listed with `in`, joined with `or`. Anything
//! else gets the answer Graph gives: an unknown property, a property that cannot be filtered, a
//! syntax error, or more than 15 values in one request.

use http::StatusCode;

use super::directory::USER_PROPERTIES;
use super::errors::GraphError;

/// Graph's default limit on the values of an `in` list, and on `or`-joined clauses, per request.
pub(crate) const MAX_VALUES: usize = 15;

/// The properties a filter may name here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Property {
    Id,
    UserPrincipalName,
    Mail,
}

/// One clause: a property and the values it may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Clause {
    pub property: Property,
    pub values: Vec<String>,
}

fn invalid() -> GraphError {
    GraphError::bad_request("Invalid filter clause")
}

fn unsupported(property: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
        format!(
            "Unsupported or invalid query filter clause specified for property '{property}' of resource 'User'."
        ),
    )
}

fn too_many(n: usize) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
        format!(
            "Too many child clauses specified in search filter expression containing 'OR' operators: {n}. Max allowed: {MAX_VALUES}."
        ),
    )
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
}

fn tokens(text: &str) -> Result<Vec<Token>, GraphError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '\'' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        // A quote inside a literal is written twice.
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            value.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => value.push(c),
                        None => return Err(invalid()),
                    }
                }
                out.push(Token::Text(value));
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '/' => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' || c == '.' || c == '/' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Word(word));
            }
            _ => return Err(invalid()),
        }
    }
    Ok(out)
}

fn property(name: &str) -> Result<Property, GraphError> {
    if name.eq_ignore_ascii_case("id") {
        Ok(Property::Id)
    } else if name.eq_ignore_ascii_case("userPrincipalName") {
        Ok(Property::UserPrincipalName)
    } else if name.eq_ignore_ascii_case("mail") {
        Ok(Property::Mail)
    } else if let Some(known) = USER_PROPERTIES
        .iter()
        .find(|p| p.eq_ignore_ascii_case(name))
    {
        // A property the tenant knows but, like Graph without advanced queries, does not filter on
        // (the three above are the ones it does).
        Err(unsupported(known))
    } else {
        Err(GraphError::bad_request(format!(
            "Could not find a property named '{name}' on type 'microsoft.graph.user'."
        )))
    }
}

/// Parses a `$filter` into its `or`-joined clauses; the values of all of them together count
/// against the limit, as Graph counts them.
pub(crate) fn parse(text: &str) -> Result<Vec<Clause>, GraphError> {
    let tokens = tokens(text)?;
    let mut rest = tokens.as_slice();
    let mut clauses = Vec::new();
    loop {
        let (clause, after) = clause(rest)?;
        clauses.push(clause);
        rest = after;
        match rest {
            [] => break,
            [Token::Word(or), after @ ..] if or == "or" => rest = after,
            [Token::Word(and), ..] if and == "and" => {
                return Err(GraphError::new(
                    StatusCode::BAD_REQUEST,
                    "Request_UnsupportedQuery",
                    "Unsupported Query.",
                ));
            }
            _ => return Err(invalid()),
        }
    }
    let values: usize = clauses.iter().map(|c| c.values.len()).sum();
    if values > MAX_VALUES {
        return Err(too_many(values));
    }
    Ok(clauses)
}

fn clause(tokens: &[Token]) -> Result<(Clause, &[Token]), GraphError> {
    let [Token::Word(name), Token::Word(op), rest @ ..] = tokens else {
        return Err(invalid());
    };
    match op.as_str() {
        "eq" => {
            let property = property(name)?;
            let [Token::Text(value), rest @ ..] = rest else {
                return Err(invalid());
            };
            Ok((
                Clause {
                    property,
                    values: vec![value.clone()],
                },
                rest,
            ))
        }
        "in" => {
            let property = property(name)?;
            let [Token::Open, after_open @ ..] = rest else {
                return Err(invalid());
            };
            let mut rest: &[Token] = after_open;
            let mut values = Vec::new();
            loop {
                match rest {
                    [Token::Text(v), Token::Comma, after @ ..] => {
                        values.push(v.clone());
                        rest = after;
                    }
                    [Token::Text(v), Token::Close, after @ ..] => {
                        values.push(v.clone());
                        return Ok((Clause { property, values }, after));
                    }
                    _ => return Err(invalid()),
                }
            }
        }
        "ne" | "gt" | "ge" | "lt" | "le" => {
            property(name)?;
            Err(unsupported(name))
        }
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_lists_eq_and_or_parse() {
        let c = parse("id in ('a', 'b','c')").unwrap();
        assert_eq!(
            c,
            [Clause {
                property: Property::Id,
                values: vec!["a".into(), "b".into(), "c".into()]
            }]
        );
        let c = parse("userPrincipalName eq 'o''brien@x.com' or mail eq 'm@x.com'").unwrap();
        assert_eq!(c[0].property, Property::UserPrincipalName);
        assert_eq!(c[0].values, ["o'brien@x.com"]);
        assert_eq!(c[1].property, Property::Mail);
    }

    #[test]
    fn graphs_refusals() {
        let sixteen: Vec<String> = (0..16).map(|i| format!("'{i}'")).collect();
        let e = parse(&format!("id in ({})", sixteen.join(","))).unwrap_err();
        assert_eq!(e.code, "Request_UnsupportedQuery");
        assert!(
            e.message.contains(": 16. Max allowed: 15."),
            "{}",
            e.message
        );
        let fifteen = &sixteen[..15];
        assert!(parse(&format!("id in ({})", fifteen.join(","))).is_ok());
        let e = parse("jobTitle eq 'x'").unwrap_err();
        assert_eq!(e.code, "Request_UnsupportedQuery");
        assert!(e.message.contains("'jobTitle'"));
        let e = parse("shoeSize eq '9'").unwrap_err();
        assert_eq!(e.code, "BadRequest");
        assert!(e.message.contains("shoeSize"));
        for broken in [
            "id in ('a'",
            "id eq",
            "id eq 'a' 'b'",
            "id in 'a'",
            "'a'",
            "",
        ] {
            assert_eq!(parse(broken).unwrap_err().code, "BadRequest", "{broken}");
        }
    }
}
