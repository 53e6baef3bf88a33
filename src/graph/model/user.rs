//! A user as the board reads one.

use serde::{Deserialize, Serialize};

use super::id::UserId;

/// A user as `/users/{id}?$select=id,displayName,userPrincipalName,mail,jobTitle,department` answers.
/// `jobTitle` and `department` need User.Read.All and may be missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    #[serde(default)]
    pub display_name: Option<Box<str>>,
    #[serde(default)]
    pub user_principal_name: Option<Box<str>>,
    #[serde(default)]
    pub mail: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<Box<str>>,
}

impl User {
    /// The name to show: the display name, else the mail, the UPN, then the id (see `SafeText::name`).
    pub fn shown_name(&self) -> crate::text::SafeText {
        crate::text::SafeText::name(
            self.display_name.as_deref(),
            self.mail.as_deref(),
            self.user_principal_name.as_deref(),
            self.id.as_str(),
        )
    }
}
