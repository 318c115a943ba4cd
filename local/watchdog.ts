/**
 * A watchdog that stops a server (and removes its throwaway directory) when the Node process that
 * started it dies without cleaning up: `kill -9`, an OOM kill, a wrapper (tsx) force-killing its child.
 *
 * Why a separate polling process rather than tying the server's life to ours:
 * - Linux's parent-death signal (prctl PR_SET_PDEATHSIG) is not reachable from Node, and the kernel
 *   clears it when the child changes its user id (which it does as root: the server runs as `postgres`);
 *   it would also stop the server abruptly and leave the throwaway directory behind.
 * - PostgreSQL notices a vanished postmaster.pid only about once a minute.
 * - A watchdog can do the whole clean-up the CLI would have done: fast shutdown first, escalate only if
 *   the server does not exit, then remove the directory with the TLS key and the data.
 *
 * It is a few lines of POSIX sh (no second Node runtime), in its own session so a Ctrl-C or a signal to
 * the job's process group does not reach it, ignoring INT/TERM/HUP. Stopping it on a clean shutdown is
 * a SIGKILL: by then there is nothing left for it to do.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface WatchdogTarget {
  /** Signal the server's process on the parent's death: a pid, or a file whose first line is the pid. */
  readonly pid: number | { readonly file: string };
  /** The server's process name (/proc/<pid>/comm), so a reused pid is never signalled. */
  readonly comm: string;
  /** First signal (the server's clean fast shutdown), then the escalation after graceSeconds. */
  readonly signal: NodeJS.Signals;
  readonly escalate: NodeJS.Signals;
  readonly graceSeconds: number;
  /** Directory to remove afterwards (a throwaway one). */
  readonly removeDir?: string;
  /** Shown on stderr, e.g. "PostgreSQL". */
  readonly label: string;
}

export interface Watchdog {
  readonly pid: number;
  /** The parent shut down cleanly: stop watching. */
  disarm(): void;
}

// $1 parent pid, $2 pid or @pidfile, $3 comm, $4 signal, $5 escalation, $6 grace (s), $7 dir or "", $8 label.
export const WATCHDOG_SCRIPT = `
trap '' INT TERM HUP
parent=$1 target=$2 comm=$3 sig=$4 esc=$5 grace=$6 dir=$7 label=$8
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  # A zombie answers kill -0: it is gone for our purpose.
  if [ -r "/proc/$1/stat" ]; then
    state=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)
    [ "$state" != Z ] || return 1
  fi
  return 0
}
ours() {
  [ -r "/proc/$1/comm" ] || return 0
  [ "$(cat "/proc/$1/comm")" = "$comm" ]
}
while alive "$parent"; do sleep 0.5; done
case $target in
  @*) pid=$(head -n 1 "\${target#@}" 2>/dev/null) ;;
  *) pid=$target ;;
esac
if [ -n "$pid" ] && alive "$pid" && ours "$pid"; then
  echo "db:local watchdog: process $parent exited without stopping $label (PID $pid); stopping it" >&2
  kill -s "$sig" "$pid" 2>/dev/null
  i=0
  while alive "$pid" && [ $i -lt $((grace * 4)) ]; do sleep 0.25; i=$((i + 1)); done
  if alive "$pid"; then
    kill -s "$esc" "$pid" 2>/dev/null
    i=0
    while alive "$pid" && [ $i -lt 20 ]; do sleep 0.25; i=$((i + 1)); done
  fi
  alive "$pid" && kill -s KILL "$pid" 2>/dev/null
fi
if [ -n "$dir" ] && [ -d "$dir" ]; then
  rm -rf -- "$dir"
  echo "db:local watchdog: removed $dir" >&2
fi
`;

/** Starts a watchdog for the current process. */
export function startWatchdog(target: WatchdogTarget): Watchdog {
  const pidArg = typeof target.pid === "number" ? String(target.pid) : `@${target.pid.file}`;
  const child: ChildProcess = spawn(
    "/bin/sh",
    [
      "-c",
      WATCHDOG_SCRIPT,
      "watchdog",
      String(process.pid),
      pidArg,
      target.comm,
      // dash's kill knows "INT", not "SIGINT".
      target.signal.replace(/^SIG/, ""),
      target.escalate.replace(/^SIG/, ""),
      String(target.graceSeconds),
      target.removeDir ?? "",
      target.label,
    ],
    // Its own session: terminal and process-group signals meant for the CLI must not reach it. stderr is
    // shared so its two lines reach the user when it acts.
    { detached: true, stdio: ["ignore", "ignore", "inherit"] },
  );
  // Our event loop must not wait for it, and its exit is no event of ours.
  child.unref();
  let armed = true;
  return {
    pid: child.pid ?? -1,
    disarm: () => {
      if (!armed) return;
      armed = false;
      try {
        // Its whole session: the sh and a sleep it may be in.
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
}
