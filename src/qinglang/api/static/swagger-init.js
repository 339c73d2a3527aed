// Starts Swagger UI on /docs. Kept in a file, not inline, so that the page's Content-Security-Policy can
// allow scripts from the app itself only. validatorUrl: null stops Swagger UI from sending the spec to an
// online validator: the page makes no request outside this server.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    layout: "BaseLayout",
    showExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
