/**
 * The shop in TypeScript: `node examples/shop/ts/server.ts --port <port>` (or env PORT; 0 picks a free
 * port). Listens on 127.0.0.1 (env HOST to change), prints one line `listening on http://…` to stdout when
 * ready, and answers `GET /healthz` with 200. Env SHOP_CLOCK fixes "now" (default: the seed's clock).
 * Needs `examples/shop/gen` (see ../README.md).
 */
import "./hooks.ts";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function portArgument(): number {
  const i = process.argv.indexOf("--port");
  const text = i >= 0 ? process.argv[i + 1] : (process.env.PORT ?? "8080");
  const port = Number(text);
  if (!/^[0-9]+$/.test(String(text)) || port > 65535) {
    process.stderr.write(`shop: --port/PORT must be a port number 0-65535, found ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return port;
}

const port = portArgument();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const seedFile = here("../seed.json");
const genDir = process.env.SHOP_GEN_DIR ?? here("../gen");
const clock = process.env.SHOP_CLOCK ?? JSON.parse(readFileSync(seedFile, "utf8")).clock;
const { createShopServer } = await import("./app.ts");
const server = createShopServer({ genDir, seedFile, clock });
server.on("error", (err) => {
  process.stderr.write(`shop: cannot listen: ${err.message}\n`);
  process.exit(1);
});
server.listen(port, process.env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  process.stdout.write(`listening on http://${process.env.HOST ?? "127.0.0.1"}:${bound}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
