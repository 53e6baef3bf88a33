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
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}
