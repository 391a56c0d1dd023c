// Runs a command so that it cannot outlive the process that started it:
//   node scripts/guard.mjs CMD [ARGS…]   (spawned detached, with a pipe as stdin that nobody writes)
// The guard leads its own process group, and the command (wrangler dev, its workerd…) runs in it.
// When the starter dies, however it dies (SIGKILL included), the pipe reaches end-of-file and the
// guard ends the whole group: SIGTERM, then SIGKILL 5 s later. When the command exits on its own,
// the guard signals what is left of the group and exits with the command's code. A SIGTERM or SIGINT
// sent to the guard alone is passed to the group. Linux has PR_SET_PDEATHSIG for this; Node has not.
import { spawn } from "node:child_process";

const [cmd, ...args] = process.argv.slice(2);
const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;

function stopGroup() {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-process.pid, "SIGTERM"); // the guard ignores it (handlers below)
  } catch {
    // The group is already gone.
  }
  // The command's exit ends the guard; if it does not exit, the whole group is killed.
  setTimeout(() => process.kill(-process.pid, "SIGKILL"), 5000).unref();
}

process.on("SIGTERM", stopGroup);
process.on("SIGINT", stopGroup);
process.on("SIGHUP", stopGroup);
process.stdin.on("end", stopGroup);
process.stdin.on("error", stopGroup);
process.stdin.resume();

child.on("error", (e) => {
  console.error(`guard: cannot start ${cmd}: ${e.message}`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  if (!stopping && code !== 0) console.error(`guard: ${cmd} exited (${code ?? signal})`);
  stopping = true;
  try {
    process.kill(-process.pid, "SIGTERM"); // what the command left behind (the guard ignores it)
  } catch {
    // Nothing left.
  }
  process.exit(code ?? 1);
});
