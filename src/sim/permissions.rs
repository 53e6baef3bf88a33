//! Which permission each Graph route needs, and Graph's answer when a token lacks it: each workload
//! behind Graph words its refusal its own way (directory, Teams presence, Exchange places).

use http::StatusCode;

use super::EndpointKind;
use super::errors::GraphError;
use super::identity::Grant;

/// Who answers a refusal, and so how it reads.
#[derive(Clone, Copy)]
enum Workload {
    Directory,
    Presence,
    Exchange,
}

/// The permissions a route accepts, least privileged first.
struct Needs {
    delegated: &'static [&'static str],
    application: &'static [&'static str],
    workload: Workload,
}

const USER_READERS: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
];
const GROUP_READERS: &[&str] = &[
    "GroupMember.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
];

fn needs(kind: EndpointKind) -> Option<Needs> {
    let (delegated, application, workload): (&[&str], &[&str], _) = match kind {
        EndpointKind::PresenceBatch | EndpointKind::PresenceSingle => (
            &["Presence.Read.All"],
            &["Presence.Read.All"],
            Workload::Presence,
        ),
        EndpointKind::MePresence => (
            &["Presence.Read", "Presence.Read.All"],
            &[],
            Workload::Presence,
        ),
        EndpointKind::SetPresence => (
            &["Presence.ReadWrite"],
            &["Presence.ReadWrite.All"],
            Workload::Presence,
        ),
        EndpointKind::Me => (
            &[
                "User.Read",
                "User.ReadWrite",
                "User.ReadBasic.All",
                "User.Read.All",
                "User.ReadWrite.All",
                "Directory.Read.All",
            ],
            &[],
            Workload::Directory,
        ),
        EndpointKind::Users | EndpointKind::UserList => {
            (USER_READERS, &USER_READERS[1..], Workload::Directory)
        }
        EndpointKind::DirectoryObjects => (
            &["Directory.Read.All"],
            &["Directory.Read.All"],
            Workload::Directory,
        ),
        EndpointKind::Groups => (GROUP_READERS, GROUP_READERS, Workload::Directory),
        EndpointKind::Places => (&["Place.Read.All"], &["Place.Read.All"], Workload::Exchange),
        EndpointKind::Schedule => (
            &[
                "Calendars.ReadBasic",
                "Calendars.Read",
                "Calendars.ReadWrite",
            ],
            &["Calendars.Read", "Calendars.ReadWrite"],
            Workload::Exchange,
        ),
        EndpointKind::Batch
        | EndpointKind::DeviceCode
        | EndpointKind::Token
        | EndpointKind::Authorize
        | EndpointKind::Discovery
        | EndpointKind::Other => return None,
    };
    Some(Needs {
        delegated,
        application,
        workload,
    })
}

/// Refuses a call the token does not allow. `me` is a call under `/me`, which only a signed-in
/// user has.
pub(crate) fn check(kind: EndpointKind, me: bool, grant: &Grant) -> Result<(), GraphError> {
    if me && grant.app_only {
        return Err(GraphError::bad_request(
            "/me request is only valid with delegated authentication flow.",
        ));
    }
    let Some(needs) = needs(kind) else {
        return Ok(());
    };
    let accepted = if grant.app_only {
        needs.application
    } else {
        needs.delegated
    };
    if grant.permissions.iter().any(|p| accepted.contains(p)) {
        return Ok(());
    }
    Err(match needs.workload {
        Workload::Directory => GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
        Workload::Presence => GraphError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "Missing scope permissions on the request. API requires one of '{}'. Scopes on the request '{}'",
                accepted.join(", "),
                grant.permissions.join(", ")
            ),
        ),
        Workload::Exchange => GraphError::new(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delegated(permissions: &[&'static str]) -> Grant {
        Grant {
            permissions: permissions.to_vec(),
            app_only: false,
        }
    }

    #[test]
    fn each_route_needs_its_permission() {
        let presence = delegated(&["Presence.Read.All"]);
        assert!(check(EndpointKind::PresenceBatch, false, &presence).is_ok());
        assert!(check(EndpointKind::MePresence, true, &presence).is_ok());
        assert!(check(EndpointKind::Batch, false, &presence).is_ok());
        let refused = check(EndpointKind::SetPresence, false, &presence).unwrap_err();
        assert_eq!(
            (refused.status, refused.code),
            (StatusCode::FORBIDDEN, "Forbidden")
        );
        assert!(refused.message.contains("Presence.ReadWrite"));
        let refused = check(EndpointKind::Users, false, &presence).unwrap_err();
        assert_eq!(refused.code, "Authorization_RequestDenied");
        assert_eq!(
            check(EndpointKind::Places, false, &presence)
                .unwrap_err()
                .code,
            "ErrorAccessDenied"
        );
        assert!(check(EndpointKind::Me, true, &delegated(&["User.Read"])).is_ok());
        assert!(check(EndpointKind::Users, false, &delegated(&["User.Read"])).is_err());
    }

    #[test]
    fn app_only_tokens_use_roles_and_cannot_use_me() {
        let app = Grant {
            permissions: vec!["Presence.Read.All", "User.Read.All"],
            app_only: true,
        };
        assert!(check(EndpointKind::PresenceBatch, false, &app).is_ok());
        assert!(check(EndpointKind::Users, false, &app).is_ok());
        assert_eq!(
            check(EndpointKind::Groups, false, &app).unwrap_err().status,
            StatusCode::FORBIDDEN
        );
        let me = check(EndpointKind::Me, true, &app).unwrap_err();
        assert_eq!(
            (me.status, me.code),
            (StatusCode::BAD_REQUEST, "BadRequest")
        );
        assert!(check(EndpointKind::SetPresence, true, &app).is_err());
    }
}
