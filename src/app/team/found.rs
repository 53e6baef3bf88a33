//! People found while the roster is still being resolved: on the board at once, in no roster yet.

use super::Team;
use crate::app::person::Person;
use crate::collation::Collation;
use crate::graph::model::User;

impl Team {
    /// Adds the users not on the board yet, presence unknown until the poll the resolution belongs
    /// to; that poll's roster then puts everyone in order. Returns whether anyone was added.
    pub fn add_found(&mut self, users: Vec<User>, collation: &Collation) -> bool {
        let before = self.people.len();
        for user in users {
            if !self.index.contains_key(&user.id) {
                self.index.insert(user.id.clone(), self.people.len());
                self.people.push(Person::from_user(&user));
            }
        }
        if self.people.len() == before {
            return false;
        }
        self.order_names(collation);
        self.recount();
        true
    }
}
