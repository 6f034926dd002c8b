/* The interactive API documentation (Swagger UI from static/vendor, never a CDN).
 * The page gives the OpenAPI URL and the CSRF token in data attributes of #swagger-ui, so
 * that there is no inline script. Calls made with the browser's session cookie carry the
 * X-CSRFToken header that the API requires for cookie-authenticated writes.
 */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrfToken = root.getAttribute("data-csrf-token") || "";

  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    withCredentials: true,
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (csrfToken && ["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    }
  });
})();
