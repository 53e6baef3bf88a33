//! Directory reads: `/me`, `/users/{id or UPN}` with `$select`, `/groups/{id}/members` paged with
//! `@odata.nextLink`, and `/places/{id}`, in Graph's shapes.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::errors::{GraphError, odata_json};
use super::faults::Plan;
use super::gate::Origin;
use super::names::PLACES;
use super::tenant::{GroupKind, Person, Tenant};
use super::{Sim, hostile, query};

pub(crate) const GRAPH: &str = "https://graph.microsoft.com/v1.0";

/// Properties Graph returns for a user when no `$select` is given.
const DEFAULT_USER: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

/// Every user property this tenant knows; `$select` of anything else is a 400, as in Graph.
pub(super) const USER_PROPERTIES: &[&str] = &[
    "id",
    "displayName",
    "givenName",
    "surname",
    "userPrincipalName",
    "mail",
    "jobTitle",
    "department",
    "officeLocation",
    "businessPhones",
    "mobilePhone",
    "preferredLanguage",
    "userType",
    "accountEnabled",
    "companyName",
    "usageLocation",
    "employeeId",
    "mailNickname",
];

fn user_property(p: &Person, name: &str) -> Value {
    match name {
        "id" => p.id.clone().into(),
        "displayName" => p.display_name.clone().into(),
        "givenName" => p.given.into(),
        "surname" => p.surname.into(),
        "userPrincipalName" => p.upn.clone().into(),
        "mail" => p.mail.clone().into(),
        "jobTitle" => p.job_title.into(),
        "department" => p.department.into(),
        "officeLocation" => p.office_location.into(),
        "businessPhones" => json!(p.phone.iter().collect::<Vec<_>>()),
        "preferredLanguage" => p.language.into(),
        "userType" => if p.guest { "Guest" } else { "Member" }.into(),
        "accountEnabled" => true.into(),
        "companyName" => {
            if p.guest {
                Value::Null
            } else {
                "Contoso".into()
            }
        }
        "usageLocation" => "US".into(),
        "mailNickname" => p.mail.split('@').next().unwrap_or_default().into(),
        _ => Value::Null,
    }
}

/// `$select` as canonical property names, or the 400 Graph gives for an unknown one.
pub(crate) fn parse_select(
    pairs: &[(String, String)],
) -> Result<Option<Vec<&'static str>>, GraphError> {
    let Some(raw) = query::get(pairs, "$select") else {
        return Ok(None);
    };
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            USER_PROPERTIES
                .iter()
                .find(|p| p.eq_ignore_ascii_case(name))
                .copied()
                .ok_or_else(|| {
                    GraphError::bad_request(format!(
                        "Could not find a property named '{name}' on type 'microsoft.graph.user'."
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

pub(crate) fn user_object(p: &Person, select: Option<&[&'static str]>) -> Map<String, Value> {
    select
        .unwrap_or(DEFAULT_USER)
        .iter()
        .map(|name| ((*name).to_owned(), user_property(p, name)))
        .collect()
}

pub(crate) fn context(entity: &str, select: Option<&[&str]>, suffix: &str) -> Value {
    match select {
        Some(s) => format!("{GRAPH}/$metadata#{entity}({}){suffix}", s.join(",")).into(),
        None => format!("{GRAPH}/$metadata#{entity}{suffix}").into(),
    }
}

pub(crate) fn query_pairs(request: &Request) -> Vec<(String, String)> {
    query::pairs(request.uri().query().unwrap_or(""), false)
}

/// The n-th path segment (0-based, below `/v1.0`), percent-decoded.
pub(crate) fn segment(request: &Request, n: usize) -> String {
    let raw = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .nth(n)
        .unwrap_or("");
    query::percent_decode(raw, false)
}

pub(crate) async fn me(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    user_answer(&sim, sim.me_index(), &request)
}

pub(crate) async fn user(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let key = segment(&request, 1);
    let index = sim
        .tenant
        .resolve(&key)
        .ok_or_else(|| GraphError::user_not_found(&key))?;
    user_answer(&sim, index, &request)
}

fn user_answer(sim: &Sim, index: u32, request: &Request) -> Result<Response, GraphError> {
    let pairs = query_pairs(request);
    let select = parse_select(&pairs)?;
    let person = sim
        .person(index)
        .ok_or_else(|| GraphError::user_not_found(&index.to_string()))?;
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        context("users", select.as_deref(), "/$entity"),
    );
    body.extend(user_object(&person, select.as_deref()));
    Ok(odata_json(StatusCode::OK, &Value::Object(body)))
}

pub(crate) const PAGE_DEFAULT: usize = 100;
pub(crate) const PAGE_MAX: usize = 999;
const TOKEN_PREFIX: &str = "RFNwdAIAAQAAAB";

pub(crate) fn skip_token(sim: &Sim, position: u32) -> String {
    format!(
        "{TOKEN_PREFIX}{:08x}",
        position ^ (sim.tenant.seed() as u32)
    )
}

pub(crate) fn skip_position(sim: &Sim, token: &str) -> Option<u32> {
    let hex = token.strip_prefix(TOKEN_PREFIX)?;
    Some(u32::from_str_radix(hex, 16).ok()? ^ (sim.tenant.seed() as u32))
}

pub(crate) fn group_object(sim: &Sim, index: u32, select: Option<&[&str]>) -> Map<String, Value> {
    let kind = Tenant::group_kind(index).unwrap_or(GroupKind::Everyone);
    let (name, nickname) = Tenant::group_name(kind);
    let all = [
        ("id", Value::from(sim.tenant.group_id(index))),
        ("displayName", name.into()),
        (
            "mail",
            format!("{nickname}@{}", super::names::DOMAIN).into(),
        ),
        ("mailNickname", nickname.into()),
        ("description", format!("{name} at Contoso").into()),
        ("groupTypes", json!(["Unified"])),
        ("securityEnabled", false.into()),
        ("mailEnabled", true.into()),
    ];
    let mut out = Map::new();
    out.insert("@odata.type".into(), "#microsoft.graph.group".into());
    for (k, v) in all {
        if select.is_none_or(|s| s.iter().any(|x| x.eq_ignore_ascii_case(k))) {
            out.insert(k.into(), v);
        }
    }
    out
}

/// `GET /groups/{id}/members` and its `/microsoft.graph.user` cast (users only).
pub(crate) async fn members(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let group_key = segment(&request, 1);
    let cast = segment(&request, 3);
    let users_only = match cast.as_str() {
        "" => false,
        c if c.eq_ignore_ascii_case("microsoft.graph.user") => true,
        c => {
            return Err(GraphError::bad_request(format!(
                "Resource not found for the segment '{c}'."
            )));
        }
    };
    let index = sim
        .tenant
        .group_index(&group_key)
        .ok_or_else(|| GraphError::user_not_found(&group_key))?;
    let kind = Tenant::group_kind(index).ok_or_else(|| GraphError::user_not_found(&group_key))?;
    let pairs = query_pairs(&request);
    let select = parse_select(&pairs)?;
    let top = page_size(&pairs)?;
    let mut position = skip_start(&sim, &pairs)?;
    let size = sim.tenant.size();
    // Positions 0..size are users; position `size` is the nested group, if the group has one.
    let nested = if users_only {
        None
    } else {
        Tenant::nested_group(kind)
    };
    let end = size + u32::from(nested.is_some());
    let mut value = Vec::with_capacity(top.min(size as usize));
    while position < end && value.len() < top {
        if position < size {
            if sim.tenant.is_member(kind, position)
                && let Some(person) = sim.person(position)
            {
                let mut obj = Map::new();
                obj.insert("@odata.type".into(), "#microsoft.graph.user".into());
                obj.extend(user_object(&person, select.as_deref()));
                value.push(Value::Object(obj));
            }
        } else if let Some(g) = nested {
            value.push(Value::Object(group_object(&sim, g, select.as_deref())));
        }
        position += 1;
    }
    while position < size && !sim.tenant.is_member(kind, position) {
        position += 1;
    }
    let mut body = Map::new();
    let entity = if users_only {
        "users"
    } else {
        "directoryObjects"
    };
    body.insert(
        "@odata.context".into(),
        context(entity, select.as_deref(), ""),
    );
    if position < end {
        let plan = request.extensions().get::<Plan>();
        let origin = if plan.is_some_and(|p| p.foreign_next_link) {
            "https://graph.microsoft.com.evil.example".to_owned()
        } else {
            origin(&request)
        };
        let mut link = format!("{origin}/v1.0/groups/{group_key}/members");
        if users_only {
            link.push_str("/microsoft.graph.user");
        }
        let _ = write!(
            link,
            "?$top={top}&$skiptoken={}",
            skip_token(&sim, position)
        );
        if let Some(s) = &select {
            let _ = write!(link, "&$select={}", s.join(","));
        }
        body.insert("@odata.nextLink".into(), link.into());
    }
    body.insert("value".into(), Value::Array(value));
    Ok(odata_json(StatusCode::OK, &Value::Object(body)))
}

/// `GET /places/{id}`: a room record whose `displayName` names a work location's place.
pub(crate) async fn place(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    if sim.options.places_denied {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        ));
    }
    let key = segment(&request, 1);
    let index = sim.tenant.place_index(&key).ok_or_else(|| {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        )
    })?;
    let (name, city) = PLACES
        .get(index)
        .copied()
        .unwrap_or((hostile::PLACE_NAME, "Nowhere"));
    let body = json!({
        "@odata.context": format!("{GRAPH}/$metadata#places/$entity"),
        "@odata.type": "#microsoft.graph.room",
        "id": key,
        "emailAddress": format!("place{index}@{}", super::names::DOMAIN),
        "displayName": name,
        "address": { "street": null, "city": city, "state": null, "countryOrRegion": null, "postalCode": null },
        "geoCoordinates": null,
        "phone": "",
        "nickname": name,
        "building": name,
        "floorNumber": 2,
        "capacity": 40,
        "isWheelChairAccessible": true,
    });
    Ok(odata_json(StatusCode::OK, &body))
}

/// `$top`: the page size asked for, within Graph's limits.
pub(crate) fn page_size(pairs: &[(String, String)]) -> Result<usize, GraphError> {
    match query::get(pairs, "$top") {
        None => Ok(PAGE_DEFAULT),
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
            _ => Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "Request_UnsupportedQuery",
                format!(
                    "Invalid page size specified: '{t}'. Must be between 1 and {PAGE_MAX} inclusive."
                ),
            )),
        },
    }
}

/// Where a page starts: 0, or the position a `$skiptoken` of this tenant names.
pub(crate) fn skip_start(sim: &Sim, pairs: &[(String, String)]) -> Result<u32, GraphError> {
    match query::get(pairs, "$skiptoken") {
        None => Ok(0),
        Some(t) => skip_position(sim, t).ok_or_else(|| {
            GraphError::new(
                StatusCode::BAD_REQUEST,
                "Directory_ExpiredPageToken",
                "The specified page token value has expired and can no longer be included in your request.",
            )
        }),
    }
}

/// The scheme and host next links are written with: the one the client called, else Graph's.
pub(crate) fn origin(request: &Request) -> String {
    request
        .extensions()
        .get::<Origin>()
        .map_or_else(|| "https://graph.microsoft.com".into(), |o| o.0.clone())
}
