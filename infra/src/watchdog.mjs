// Stops a daemon when the process that owns it is gone, so a test run that is killed (SIGKILL, a CI
// timeout) does not leave a broker behind. Plain JavaScript: run with `node` directly, no tsx.
// Usage: node watchdog.mjs <ownerPid> <daemonPid>
const [owner, daemon] = process.argv.slice(2).map(Number);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

const timer = setInterval(() => {
  if (!alive(daemon)) {
    clearInterval(timer);
    return;
  }
  if (!alive(owner)) {
    clearInterval(timer);
    process.kill(daemon, "SIGTERM");
  }
}, 1000);
