/**
 * Progress on stderr: a spinner that rewrites one line on a terminal, plain short step lines
 * elsewhere (CI logs), nothing when quiet. stdout stays clean for the result.
 */
export interface Progress {
  step(message: string): void;
  done(message?: string): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function progress(
  tool: string,
  opts: {
    quiet?: boolean;
    stream?: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): boolean };
  } = {},
): Progress {
  const out = opts.stream ?? process.stderr;
  if (opts.quiet) return { step: () => {}, done: () => {} };
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  if (!out.isTTY) {
    return {
      step: (m) => void out.write(`${tool}: ${m}...\n`),
      done: (m) => void (m && out.write(`${tool}: ${m} (${elapsed()})\n`)),
    };
  }
  let current = "";
  let frame = 0;
  const draw = () => out.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${current} ${elapsed()}`);
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    step: (m) => {
      current = m;
      draw();
    },
    done: (m) => {
      clearInterval(timer);
      out.write(`\r\u001b[2K${m ? `✔ ${m} (${elapsed()})\n` : ""}`);
    },
  };
}
