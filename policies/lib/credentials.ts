/**
 * What a password in plain text looks like, for the rules that look for one (noPlaintextSecrets,
 * secretVersionNoPassword): one home for the pattern.
 */

/**
 * A URL with a password in its user info (`scheme://user:password@host`). A placeholder password
 * (`<password>`, `${...}`), as in a connection-string template, does not count.
 */
export const CONNECTION_STRING_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@"]+:(?![<$])[^@\s"]+@/i;
