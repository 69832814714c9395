// A webhook endpoint on loopback for the notification tests (tests/Achievements.Api.Tests/Infrastructure/WebhookReceiver.cs).
// Every delivery is verified with the standardwebhooks npm package, an implementation independent of the service's
// .NET signer, and recorded with its headers and body. The tests steer it over /_control/<name>:
//   PUT  {"secret": "whsec_...", "responses": [500, 410], "hold": false, "trustTimestamp": false}
//   GET  -> {"deliveries": [{"id", "timestamp", "signature", "body", "verified", "error", "status"}]}
// "responses" are the statuses of the next deliveries, in order (then 200); "hold" keeps each delivery's request
// open without an answer, as an endpoint that hangs; "trustTimestamp" checks the signature against the delivery's
// own timestamp, for a service on a fake clock (the real clock's tolerance is checked when it is false).
import http from "node:http";
import { Webhook } from "standardwebhooks";

const endpoints = new Map();
const endpoint = (name) => {
  if (!endpoints.has(name)) {
    endpoints.set(name, { secret: null, responses: [], hold: false, trustTimestamp: false, deliveries: [] });
  }
  return endpoints.get(name);
};

const read = (request) => new Promise((resolve, reject) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  request.on("error", reject);
});

const verify = (state, body, headers) => {
  if (!state.secret) {
    return { verified: false, error: "no secret configured" };
  }
  const now = Date.now;
  try {
    if (state.trustTimestamp) {
      Date.now = () => Number(headers["webhook-timestamp"]) * 1000;
    }
    new Webhook(state.secret).verify(body, headers);
    return { verified: true, error: null };
  } catch (error) {
    return { verified: false, error: String(error.message ?? error) };
  } finally {
    Date.now = now;
  }
};

const server = http.createServer(async (request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  const body = await read(request);
  const control = url.pathname.match(/^\/_control\/([\w-]+)$/);
  if (control) {
    const state = endpoint(control[1]);
    if (request.method === "PUT") {
      Object.assign(state, JSON.parse(body));
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ deliveries: state.deliveries }));
    return;
  }

  const state = endpoint(url.pathname.slice(1));
  const delivery = {
    id: request.headers["webhook-id"] ?? null,
    timestamp: request.headers["webhook-timestamp"] ?? null,
    signature: request.headers["webhook-signature"] ?? null,
    body,
    ...verify(state, body, request.headers),
    status: null,
  };
  state.deliveries.push(delivery);
  if (state.hold) {
    return; // no answer: the sender's request stays open until it gives up or dies
  }
  delivery.status = state.responses.length > 0 ? state.responses.shift() : 200;
  response.writeHead(delivery.status, { "content-type": "text/plain" });
  response.end(delivery.status < 300 ? "ok" : "no");
});

server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`listening ${process.env.PORT}`));
