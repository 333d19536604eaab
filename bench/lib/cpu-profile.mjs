// Preloaded into a service (NODE_OPTIONS=--import …; --cpu-prof is not allowed there): records
// a CPU profile from start to exit and writes it to $CPU_PROFILE_DIR/<pid>.cpuprofile, for
// Chrome DevTools or `node bench/lib/profile-top.mjs FILE`.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.start");
process.on("exit", () => {
  // An in-thread session answers synchronously, so this completes inside the exit handler.
  session.post("Profiler.stop", (error, { profile }) => {
    if (!error)
      writeFileSync(`${process.env.CPU_PROFILE_DIR ?? "."}/${process.pid}.cpuprofile`, JSON.stringify(profile));
  });
});
