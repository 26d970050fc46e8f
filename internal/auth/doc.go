// Package auth holds who may do what: roles and their permissions, password hashing (argon2id),
// browser sessions, API tokens, login throttling, and the organisation tree that limits a user to
// their organisation and its descendants.
package auth
