// The worker as deployed (worker/index.ts), its D1 binding served by a D1 host in another workerd
// (remote-d1.ts): the bench's "JS only" figures are this workerd's CPU. Plain JavaScript, bundled
// by split-worker.ts: the bench's Node program does not typecheck Workers code.
import worker from "../../worker/index";
import { remoteD1 } from "./remote-d1";

export default {
  fetch(req, env, ctx) {
    return worker.fetch(req, { ...env, DB: remoteD1(env.D1_HOST) }, ctx);
  },
};
