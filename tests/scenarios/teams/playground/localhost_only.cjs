// Preloaded into Agents Playground's node process by tests/scenarios/teams/playground_driver.py
// (NODE_OPTIONS="--require <this file>"). The playground bundles telemetry that tries to
// reach Azure hosts; this guard keeps the process on loopback:
//  - a TCP connect to anything but a loopback address fails at once (ECONNREFUSED),
//  - a DNS lookup of anything but a local name fails at once (ENOTFOUND),
//  - listen(port) without a host binds 127.0.0.1 instead of every interface.
// Each blocked attempt is appended to $PLAYGROUND_BLOCKED_LOG (when set).
"use strict";
const net = require("net");
const dns = require("dns");
const fs = require("fs");

const loopback = (host) => {
  const h = String(host ?? "localhost").replace(/^\[|\]$/g, "").toLowerCase();
  return h === "" || h === "localhost" || h === "::1" || h.startsWith("127.") || h.endsWith(".localhost");
};
const record = (what) => {
  if (process.env.PLAYGROUND_BLOCKED_LOG) {
    try { fs.appendFileSync(process.env.PLAYGROUND_BLOCKED_LOG, `${what}\n`); } catch (e) { /* best effort */ }
  }
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its already-normalised [options, callback] array as one argument.
  const [opts] = net._normalizeArgs(Array.isArray(args[0]) ? args[0] : args);
  if (!opts.path && !loopback(opts.host)) {
    record(`connect ${opts.host}:${opts.port}`);
    const err = Object.assign(new Error(`blocked (localhost only): ${opts.host}:${opts.port}`), { code: "ECONNREFUSED" });
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  if (!loopback(hostname)) {
    record(`lookup ${hostname}`);
    const err = Object.assign(new Error(`blocked (localhost only): ${hostname}`), { code: "ENOTFOUND", hostname });
    process.nextTick(() => callback(err));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
dns.promises.lookup = (hostname, options) =>
  new Promise((resolve, reject) =>
    dns.lookup(hostname, options || {}, (err, address, family) =>
      err ? reject(err) : resolve(Array.isArray(address) ? address : { address, family })));

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first, second] = args;
  if ((typeof first === "number" || /^\d+$/.test(String(first))) && typeof second !== "string") {
    args.splice(1, 0, "127.0.0.1");
  } else if (first && typeof first === "object" && first.port !== undefined && !first.host && !first.path) {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
