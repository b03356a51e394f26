// Starts the vendored Swagger UI on /api/docs. A file rather than inline script, so the page runs under
// the workbench's Content-Security-Policy (script-src 'self'). It sends the session's CSRF token with
// every request to this server, as htmx does on the workbench's pages, so "Try it out" works for POST too, and it
// turns off the validator badge, which would fetch an image from validator.swagger.io.
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  const csrf = root.dataset.csrf;
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: false,
    requestInterceptor: (req) => {
      if (new URL(req.url, window.location.href).origin === window.location.origin) {
        req.headers["X-CSRF-Token"] = csrf;  // never to another site
      }
      return req;
    },
  });
});
