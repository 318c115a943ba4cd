/**
 * Where the twin and the tests find the system programs they need from Debian packages. One place, so
 * the test setup that installs them (test/setup/systemDeps.ts) and the code that runs them agree.
 */

/** Debian's pgbouncer package installs the server here (sbin: it is a daemon). */
export const PGBOUNCER_BIN = "/usr/sbin/pgbouncer";
/** Debian's chromium package: a wrapper script that sets the flags Debian needs, then runs the browser. */
export const CHROMIUM_BIN = "/usr/bin/chromium";
