//! Writing a change: the write permission first (renewing with it when it was granted before), then
//! the Graph action with your own id, then a read of `/me/presence` to report what Graph shows now.

use std::time::Duration;

use jiff::Timestamp;

use super::change::{Change, LocationChange};
use crate::auth::AuthError;
use crate::auth::session::Session;
use crate::exit::Exit;
use crate::graph::client::GraphClient;
use crate::graph::error::GraphError;
use crate::graph::model::{Presence, UserId};
use crate::graph::own::{WRITE_PERMISSION, utc_date_time};
use crate::text::SafeText;

/// What Graph shows after a change was written.
#[derive(Clone, Debug)]
pub struct Written {
    pub me: UserId,
    pub presence: Presence,
}

/// Why a change was not made, each with the one line a user reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OwnError {
    /// App-only mode: no signed-in user, so no "you" to change.
    #[error(
        "app-only mode ([auth] mode = \"app\") has no \"you\" to change: your own presence needs a signed-in user ([auth] mode = \"user\" and `teamboard login`)"
    )]
    NoYou,
    /// The sign-in lacks the write permission and nobody has consented to it yet: an interactive
    /// sign-in asking for it is the fix (the stored sign-in is kept).
    #[error(
        "changing your own presence needs the permission {WRITE_PERMISSION}, not granted yet: sign in once more to grant it ({0})"
    )]
    Consent(SafeText),
    #[error("{0}")]
    Auth(AuthError),
    /// Graph refused (403). `granted`: whether the sign-in holds the write permission (`None`: a
    /// fixed token, not known).
    #[error("{}", forbidden(*.granted))]
    Forbidden { granted: Option<bool> },
    #[error("{}", .0.command_line())]
    Graph(GraphError),
}

impl OwnError {
    pub fn exit(&self) -> Exit {
        match self {
            OwnError::NoYou => Exit::Usage,
            OwnError::Consent(_) | OwnError::Forbidden { .. } => Exit::SignIn,
            OwnError::Auth(e) => e.exit(),
            OwnError::Graph(e) => e.exit(),
        }
    }

    /// Graph's refusal, told with what the sign-in is known to hold.
    pub fn from_graph(e: GraphError, granted: Option<bool>) -> Self {
        match e {
            GraphError::Http { status: 403, .. } => OwnError::Forbidden { granted },
            GraphError::Auth(AuthError::ConsentNeeded(why)) => OwnError::Consent(why),
            GraphError::Auth(e) => OwnError::Auth(e),
            other => OwnError::Graph(other),
        }
    }
}

fn forbidden(granted: Option<bool>) -> String {
    match granted {
        Some(true) => format!(
            "Microsoft Graph refused the change (403) although this sign-in holds {WRITE_PERMISSION}: your tenant restricts it; an administrator must grant {WRITE_PERMISSION} to this app (Entra portal: App registrations, your app, API permissions, Grant admin consent)"
        ),
        Some(false) => format!(
            "Microsoft Graph refused the change (403): this sign-in lacks {WRITE_PERMISSION}, the permission to change your own presence; you can grant it yourself (an administrator is needed only where your tenant has turned user consent off) by signing in again: `teamboard set` in a terminal, or a key on the board"
        ),
        None => format!(
            "Microsoft Graph refused the change (403): the token lacks {WRITE_PERMISSION}, the permission to change your own presence; use a token that holds it, or unset TEAMBOARD_ACCESS_TOKEN and sign in with `teamboard login` (you can consent to it yourself unless your tenant has turned user consent off, then an administrator must grant it)"
        ),
    }
}

/// Makes sure a signed-in session may write, asking Entra for the permission by a renewal when it
/// was consented to before (by this user elsewhere, or an administrator). Returns whether the
/// sign-in holds it (`None`: a fixed token, whose permissions are not known until Graph answers).
pub async fn prepare(session: Option<&Session>) -> Result<Option<bool>, OwnError> {
    let Some(session) = session else {
        return Ok(None);
    };
    match session.widen(WRITE_PERMISSION).await {
        Ok(()) => Ok(Some(true)),
        Err(AuthError::ConsentNeeded(why)) => Err(OwnError::Consent(why)),
        Err(e) => Err(OwnError::Auth(e)),
    }
}

/// Writes `change` as you (`me`, or the id `/me` answers) and reads your presence back.
/// `granted` is what `prepare` found, for the words of a 403.
pub async fn write(
    client: &GraphClient,
    me: Option<UserId>,
    change: &Change,
    granted: Option<bool>,
    now: Timestamp,
) -> Result<Written, OwnError> {
    let fail = |e| OwnError::from_graph(e, granted);
    let me = match me {
        Some(me) => me,
        None => client.me().await.map_err(fail)?.id,
    };
    let answer = match change {
        Change::Presence { preferred, until } => {
            // A change always ends a little later than asked rather than never.
            let length = until
                .as_ref()
                .map(|ends| ends.left(now).max(Duration::from_secs(60)));
            client.set_preferred_presence(&me, *preferred, length).await
        }
        Change::Reset => client.clear_preferred_presence(&me).await,
        Change::Message { text, until } => {
            let expiry = until.as_ref().map(|ends| utc_date_time(ends.at));
            client
                .set_status_message(&me, text.trim(), expiry.as_ref())
                .await
        }
        Change::Location(LocationChange::Set { location, place }) => {
            client
                .set_manual_location(&me, *location, place.as_ref().map(|(id, _)| id.as_str()))
                .await
        }
        Change::Location(LocationChange::Clear) => client.clear_location(&me).await,
    };
    answer.map_err(fail)?;
    let presence = client.my_presence().await.map_err(fail)?;
    Ok(Written { me, presence })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_which_permission_and_who_grants_it() {
        let refused = GraphError::Http {
            status: 403,
            code: Some("Forbidden".into()),
            message: None,
            request_id: None,
        };
        let lacking = OwnError::from_graph(refused.clone(), Some(false));
        let line = lacking.to_string();
        assert!(
            line.contains("Presence.ReadWrite") && line.contains("grant it yourself"),
            "{line}"
        );
        assert_eq!(lacking.exit(), Exit::SignIn);
        let restricted = OwnError::from_graph(refused.clone(), Some(true)).to_string();
        assert!(
            restricted.contains("an administrator must grant"),
            "{restricted}"
        );
        let fixed = OwnError::from_graph(refused, None).to_string();
        assert!(fixed.contains("TEAMBOARD_ACCESS_TOKEN"), "{fixed}");
        assert_eq!(OwnError::NoYou.exit(), Exit::Usage);
        assert!(OwnError::NoYou.to_string().contains("app-only"));
        let network = OwnError::from_graph(GraphError::Timeout, Some(true));
        assert_eq!(network.exit(), Exit::Network);
    }
}
