//! A change to your own presence, written beside the board: the write permission first (the core
//! opens the sign-in panel when only an interactive sign-in can get it), then the write and the read
//! that shows what Graph reports now.

use std::sync::Arc;

use crate::app::{OwnOutcome, OwnRequest};
use crate::auth::session::Session;
use crate::graph::client::GraphClient;
use crate::own::{self, OwnError};
use crate::text::SafeText;

pub async fn write(
    client: GraphClient,
    session: Option<Arc<Session>>,
    request: OwnRequest,
) -> OwnOutcome {
    let OwnRequest { change, me } = request;
    let failed = |change, e: &OwnError| {
        tracing::warn!(error = %e, "could not change your own presence");
        OwnOutcome::Failed {
            change,
            error: SafeText::line(&e.to_string()),
        }
    };
    let granted = match own::prepare(session.as_deref()).await {
        Ok(granted) => granted,
        Err(OwnError::Consent(_)) => return OwnOutcome::ConsentNeeded { change },
        Err(e) => return failed(change, &e),
    };
    match own::write(&client, me, &change, granted, jiff::Timestamp::now()).await {
        Ok(written) => OwnOutcome::Written {
            change,
            presence: Box::new(written.presence),
        },
        Err(OwnError::Consent(_)) => OwnOutcome::ConsentNeeded { change },
        Err(e) => failed(change, &e),
    }
}
