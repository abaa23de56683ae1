// jsforce routes every request through an HTTP proxy named in the environment, even to loopback.
// Tests only ever talk to local emulators, so no proxy may apply.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) {
  delete process.env[name];
}
