/**
 * The nginx and php-fpm configuration `contractgen serve-php` runs with: every bound of the PHP server
 * side that is not the Dispatcher's own (docs/limits.md lists them with their defaults).
 */

/** Options of one serve-php run, merged with {@link SERVE_PHP_DEFAULTS}. */
export interface ServePhpOptions {
  /** TCP port on 127.0.0.1. */
  readonly port: number;
  /** The front controller every request goes to (absolute path), like a `php -S` router. */
  readonly router: string;
  /** php-fpm workers (`pm = static`): requests served at the same time. */
  readonly workers: number;
  /** Largest request body nginx accepts (it answers a Connect `resource_exhausted` past it). */
  readonly maxBodyBytes: number;
  /** A PHP worker that takes longer is killed (`request_terminate_timeout`); nginx answers 504. */
  readonly requestTimeoutMs: number;
  /** Idle or slow clients: header, body and send timeouts of nginx. */
  readonly clientTimeoutMs: number;
  /** Connections nginx holds at once. */
  readonly maxConnections: number;
  /** PHP `memory_limit` of the workers. */
  readonly memoryLimit: string;
  /** Working folder of the PHP workers (relative paths of the app resolve against it). */
  readonly cwd: string;
}

/** Defaults of everything but `port`, `router` and `cwd`. */
export const SERVE_PHP_DEFAULTS = {
  workers: 4,
  maxBodyBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 60_000,
  clientTimeoutMs: 10_000,
  maxConnections: 4096,
  memoryLimit: "128M",
} as const satisfies Partial<ServePhpOptions>;

/** Paths inside the run's temporary folder. */
export interface ServePhpPaths {
  readonly dir: string;
  readonly socket: string;
  /** php-fpm's log (its own messages and the workers' errors), followed by serve-php. */
  readonly fpmLog: string;
  readonly fpmConfig: string;
  readonly nginxConfig: string;
  /** PHP run before the router: goes back to serve-php's working directory (see {@link prependScript}). */
  readonly prepend: string;
}

/**
 * The script php-fpm runs before the router. FastCGI PHP starts each request in the script's folder;
 * under `php -S` the working directory is where the server was started, and routers written for it
 * resolve relative paths (a state folder from the environment, say) from there. This keeps that meaning.
 */
export function prependScript(o: ServePhpOptions): string {
  return `<?php\n// written by contractgen serve-php: relative paths mean what they mean under php -S.\nchdir(${phpString(o.cwd)});\n`;
}

function phpString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * A path as an nginx quoted string. nginx expands `$` in some directives and not in others, so a path
 * with `$`, `"`, `\\` or a line break is refused rather than escaped.
 */
function ngx(s: string): string {
  if (/[\\"$\n\r]/.test(s))
    throw new Error(`serve-php: unsupported character ($, ", \\ or a line break) in ${JSON.stringify(s)}`);
  return `"${s}"`;
}

/** A value for php-fpm's ini-style pool file, quoted; a `"` or a line break is refused. */
function ini(s: string): string {
  if (/[\n\r"]/.test(s)) throw new Error(`serve-php: unsupported character in ${JSON.stringify(s)}`);
  return `"${s}"`;
}

/** A Connect error body for nginx's own answers (413, 502, 504), so clients see Connect errors only. */
function connectError(code: string, message: string): string {
  return `'${JSON.stringify({ code, message }).replace(/'/g, "\\'")}'`;
}

/** The php-fpm configuration: one static pool on a unix socket, errors to stderr, never to the client. */
export function fpmConfig(o: ServePhpOptions, p: ServePhpPaths, asRoot: boolean): string {
  return [
    "; written by contractgen serve-php",
    "[global]",
    `pid = ${ini(`${p.dir}/php-fpm.pid`)}`,
    // A file: php-fpm cannot open /proc/self/fd/2 when stderr is a socket (as Node's pipes are).
    `error_log = ${ini(p.fpmLog)}`,
    "log_level = warning",
    "daemonize = no",
    "",
    "[app]",
    ...(asRoot ? ["user = root", "group = root"] : []),
    `listen = ${ini(p.socket)}`,
    "listen.mode = 0600",
    `listen.backlog = ${o.maxConnections}`,
    "pm = static",
    `pm.max_children = ${o.workers}`,
    // A worker is replaced now and then, so a leak in application code cannot grow without end.
    "pm.max_requests = 1000",
    `request_terminate_timeout = ${Math.ceil(o.requestTimeoutMs / 1000)}s`,
    `chdir = ${ini(o.cwd)}`,
    `php_admin_value[auto_prepend_file] = ${ini(p.prepend)}`,
    // The implementation's environment (STATE_DIR, …) reaches PHP's getenv() as under php -S.
    "clear_env = no",
    "catch_workers_output = yes",
    "decorate_workers_output = no",
    `php_admin_value[memory_limit] = ${o.memoryLimit}`,
    // Warnings go to the log, never into a response (a 429 must not become a 200 text/html).
    "php_admin_flag[display_errors] = off",
    "php_admin_flag[display_startup_errors] = off",
    "php_admin_flag[log_errors] = on",
    "php_admin_flag[html_errors] = off",
    // Whatever is printed before the Dispatcher runs stays in a buffer it can drop.
    "php_admin_value[output_buffering] = 65536",
    // PHP does not read the body before the script: the Dispatcher streams php://input up to its limit.
    "php_admin_flag[enable_post_data_reading] = off",
    `php_admin_value[max_execution_time] = ${Math.ceil(o.requestTimeoutMs / 1000)}`,
    "php_admin_flag[expose_php] = off",
    "",
  ].join("\n");
}

/**
 * The nginx configuration: 127.0.0.1:<port>, every request to the router through FastCGI. nginx reads
 * the whole request (with its timeouts and size limit) before a PHP worker is taken, so slow or idle
 * clients cost a few KiB of nginx memory, not a worker.
 */
export function nginxConfig(o: ServePhpOptions, p: ServePhpPaths, asRoot: boolean): string {
  const s = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;
  const params: [string, string][] = [
    ["SCRIPT_FILENAME", ngx(o.router)],
    ["SCRIPT_NAME", "/index.php"],
    ["DOCUMENT_ROOT", ngx(o.cwd)],
    ["REQUEST_METHOD", "$request_method"],
    ["REQUEST_URI", "$request_uri"],
    ["QUERY_STRING", "$query_string"],
    ["CONTENT_TYPE", "$content_type"],
    ["CONTENT_LENGTH", "$content_length"],
    ["SERVER_PROTOCOL", "$server_protocol"],
    ["SERVER_SOFTWARE", "nginx"],
    ["GATEWAY_INTERFACE", "CGI/1.1"],
    ["SERVER_ADDR", "$server_addr"],
    ["SERVER_PORT", "$server_port"],
    ["SERVER_NAME", "127.0.0.1"],
    ["REMOTE_ADDR", "$remote_addr"],
    ["REMOTE_PORT", "$remote_port"],
    ["REDIRECT_STATUS", "200"],
    // No HTTP_PROXY from a client's "Proxy:" header (httpoxy).
    ["HTTP_PROXY", '""'],
  ];
  return [
    "# written by contractgen serve-php",
    ...(asRoot ? ["user root root;"] : []),
    "daemon off;",
    "worker_processes 1;",
    `pid ${ngx(`${p.dir}/nginx.pid`)};`,
    "error_log stderr error;",
    `events { worker_connections ${o.maxConnections + 64}; }`,
    "http {",
    "  access_log off;",
    "  server_tokens off;",
    `  client_body_temp_path ${ngx(`${p.dir}/body`)};`,
    `  fastcgi_temp_path ${ngx(`${p.dir}/fastcgi`)};`,
    `  proxy_temp_path ${ngx(`${p.dir}/proxy`)};`,
    `  uwsgi_temp_path ${ngx(`${p.dir}/uwsgi`)};`,
    `  scgi_temp_path ${ngx(`${p.dir}/scgi`)};`,
    `  client_max_body_size ${o.maxBodyBytes};`,
    "  client_body_buffer_size 256k;",
    `  client_header_timeout ${s(o.clientTimeoutMs)};`,
    `  client_body_timeout ${s(o.clientTimeoutMs)};`,
    `  send_timeout ${s(o.clientTimeoutMs)};`,
    `  keepalive_timeout ${s(o.clientTimeoutMs)};`,
    "  keepalive_requests 1000;",
    "  large_client_header_buffers 4 16k;",
    "  reset_timedout_connection on;",
    "  server {",
    `    listen 127.0.0.1:${o.port} backlog=${o.maxConnections};`,
    "    location / {",
    `      fastcgi_pass ${ngx(`unix:${p.socket}`)};`,
    ...params.map(([k, v]) => `      fastcgi_param ${k} ${v};`),
    "      fastcgi_connect_timeout 5s;",
    `      fastcgi_send_timeout ${s(o.requestTimeoutMs)};`,
    `      fastcgi_read_timeout ${s(o.requestTimeoutMs + 1000)};`,
    "    }",
    "    error_page 413 = @too_large;",
    "    error_page 502 503 = @unavailable;",
    "    error_page 504 = @timeout;",
    "    location @too_large {",
    "      default_type application/json;",
    `      return 429 ${connectError("resource_exhausted", `request body exceeds ${o.maxBodyBytes} bytes`)};`,
    "    }",
    "    location @unavailable {",
    "      default_type application/json;",
    `      return 503 ${connectError("unavailable", "the PHP workers are not answering (php-fpm down or overloaded)")};`,
    "    }",
    "    location @timeout {",
    "      default_type application/json;",
    `      return 504 ${connectError("deadline_exceeded", `the PHP worker took longer than ${o.requestTimeoutMs} ms`)};`,
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}
