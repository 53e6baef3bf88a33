//! `GET /users`: the directory listed, or filtered by who people are (`id`, `userPrincipalName`,
//! `mail`), with `$select`, `$top`, `$count` and paging through `@odata.nextLink`, in Graph's shapes
//! and with its limits, so a standard Graph client can list users from this tenant.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use super::directory::{
    context, origin, page_size, parse_select, query_pairs, skip_start, skip_token, user_object,
};
use super::errors::{GraphError, odata_json};
use super::ids::is_guid;
use super::query::{self, percent_encode};
use super::user_filter::{self, Clause, Property};
use super::{Sim, tenant::Tenant};

/// The people a filter picks, in directory order (index order here).
fn matching(sim: &Sim, clauses: &[Clause]) -> Result<BTreeSet<u32>, GraphError> {
    let tenant = &sim.tenant;
    let mut found = BTreeSet::new();
    for clause in clauses {
        for value in &clause.values {
            match clause.property {
                Property::Id => {
                    if !is_guid(value) {
                        return Err(GraphError::invalid_object_id(value));
                    }
                    found.extend(tenant.resolve(value));
                }
                Property::UserPrincipalName => found.extend(
                    tenant
                        .resolve(value)
                        .filter(|&i| tenant.upn(i).eq_ignore_ascii_case(value)),
                ),
                Property::Mail => found.extend(mail_matches(tenant, value)),
            }
        }
    }
    Ok(found)
}

/// Mail is not how people are keyed here: a scan, as a directory without that index would do.
fn mail_matches<'a>(tenant: &'a Tenant, mail: &'a str) -> impl Iterator<Item = u32> + 'a {
    (0..tenant.size()).filter(move |&i| {
        tenant
            .person(i)
            .is_some_and(|p| p.mail.eq_ignore_ascii_case(mail))
    })
}

/// `$count=true` is an advanced query: Graph wants `ConsistencyLevel: eventual` with it.
fn wants_count(request: &Request, pairs: &[(String, String)]) -> Result<bool, GraphError> {
    let Some(count) = query::get(pairs, "$count") else {
        return Ok(false);
    };
    if !count.eq_ignore_ascii_case("true") {
        return Ok(false);
    }
    let eventual = request
        .headers()
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
    if eventual {
        Ok(true)
    } else {
        Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "$count is not currently supported.",
        ))
    }
}

pub(crate) async fn list(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let pairs = query_pairs(&request);
    let select = parse_select(&pairs)?;
    let top = page_size(&pairs)?;
    let count = wants_count(&request, &pairs)?;
    let filter = query::get(&pairs, "$filter");
    let picked: Vec<u32> = match filter {
        Some(text) => matching(&sim, &user_filter::parse(text)?)?
            .into_iter()
            .collect(),
        None => (0..sim.tenant.size()).collect(),
    };
    let start = skip_start(&sim, &pairs)? as usize;
    let page = picked.get(start..).unwrap_or_default();
    let value: Vec<Value> = page
        .iter()
        .take(top)
        .filter_map(|&i| sim.person(i))
        .map(|p| Value::Object(user_object(&p, select.as_deref())))
        .collect();
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        context("users", select.as_deref(), ""),
    );
    if count {
        body.insert("@odata.count".into(), picked.len().into());
    }
    let next = start + top;
    if next < picked.len() {
        let origin = origin(&request);
        let mut link = format!(
            "{origin}/v1.0/users?$top={top}&$skiptoken={}",
            skip_token(&sim, next as u32)
        );
        if let Some(f) = filter {
            let _ = write!(link, "&$filter={}", percent_encode(f));
        }
        if let Some(s) = &select {
            let _ = write!(link, "&$select={}", s.join(","));
        }
        if count {
            link.push_str("&$count=true");
        }
        body.insert("@odata.nextLink".into(), link.into());
    }
    body.insert("value".into(), Value::Array(value));
    Ok(odata_json(StatusCode::OK, &Value::Object(body)))
}
