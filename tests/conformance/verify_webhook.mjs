// Verifies webhook deliveries with the Standard Webhooks reference library (npm
// "standardwebhooks", pinned in package-lock.json), exactly as a receiver would.
// Input on stdin: {"secret": "whsec_...", "deliveries": [{"headers": {...}, "body": "..."}]}.
// Output: one line per delivery, "ok <type>" or "invalid <reason>"; exit code 1 when any is invalid.
import { Webhook } from "standardwebhooks";

let input = "";
for await (const chunk of process.stdin) {
  input += chunk;
}

const { secret, deliveries } = JSON.parse(input);
const verifier = new Webhook(secret);
let failed = false;
for (const delivery of deliveries) {
  try {
    const payload = verifier.verify(delivery.body, delivery.headers);
    console.log(`ok ${payload.type}`);
  } catch (error) {
    failed = true;
    console.log(`invalid ${error.message}`);
  }
}

process.exit(failed ? 1 : 0);
